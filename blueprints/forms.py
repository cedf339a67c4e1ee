"""Form pieces shared by several areas."""

from __future__ import annotations

from flask import render_template
from flask_babel import lazy_gettext as _l
from wtforms import ValidationError
from wtforms.fields import Field
from wtforms.fields.choices import SelectChoice

from samenhang.places.models import Wijk
from samenhang.places.queries import normalise_postcode

#: Status for a form shown again with errors: the request boundary rolls back on >= 400.
FORM_ERROR_STATUS = 422


def render_form_error(template: str, **context: object) -> tuple[str, int]:
    return render_template(template, **context), FORM_ERROR_STATUS


def validate_postcode(form: object, field: Field) -> None:
    if field.data and normalise_postcode(field.data) is None:
        raise ValidationError(_l("This is not a Dutch postcode. Write it like 9741 AB."))


def wijk_choice(wijk: Wijk) -> SelectChoice:
    return SelectChoice(wijk.id, f"{wijk.name} ({wijk.municipality.name})")
