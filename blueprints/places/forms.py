from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import InputRequired, Length

from samenhang.blueprints.forms import SiteForm, validate_postcode


class PostcodeSearchForm(SiteForm):
    class Meta:
        # A GET search changes nothing, so it needs no CSRF token (and stays bookmarkable).
        csrf = False

    postcode = StringField(
        _l("Your postcode"),
        validators=[
            InputRequired(message=_l("Please fill this in.")),
            Length(max=7),
            validate_postcode,
        ],
    )
