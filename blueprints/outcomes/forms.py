from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired

from samenhang.blueprints.forms import SiteForm


class ImportForm(SiteForm):
    file = FileField(
        _l("CSV file with figures"),
        validators=[FileRequired(message=_l("Choose a CSV file."))],
        description=_l(
            "Columns: wijk_code, indicator, year, value, city_average, source. "
            "Separated by commas or semicolons, saved as UTF-8."
        ),
        render_kw={"accept": ".csv,text/csv"},
    )
