from __future__ import annotations

from wtforms import HiddenField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from samenhang.blueprints.forms import SiteForm
from samenhang.config import LOCALES


class LanguageForm(SiteForm):
    locale = SelectField(
        choices=[SelectChoice(code, name) for code, name in LOCALES.items()],
        validators=[InputRequired()],
    )
    next = HiddenField()
