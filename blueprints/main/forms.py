from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from samenhang.config import LOCALES


class LanguageForm(FlaskForm):
    locale = SelectField(
        choices=[SelectChoice(code, name) for code, name in LOCALES.items()],
        validators=[InputRequired()],
    )
    next = HiddenField()
