from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import DecimalField, IntegerField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from samenhang.blueprints.forms import SiteForm
from samenhang.participation.models import LANGUAGE_KEYS, WijkLanguages
from samenhang.participation.queries import language_label


class LanguagesForm(SiteForm):
    """Percent of residents per language, each field `share_<code>`, added in `build`."""

    source = StringField(
        _l("Source of the figures"),
        validators=[DataRequired(message=_l("Say where the figures come from.")), Length(max=300)],
        description=_l("For example: Wijkmonitor 2025, research office of the municipality."),
    )
    year = IntegerField(
        _l("Year the figures describe (optional)"),
        validators=[Optional(), NumberRange(min=1990, max=2100)],
    )

    @classmethod
    def build(cls, existing: WijkLanguages | None, **kwargs: Any) -> LanguagesForm:
        class Form(cls):  # type: ignore[valid-type,misc]
            pass

        for key in LANGUAGE_KEYS:
            setattr(
                Form,
                f"share_{key}",
                DecimalField(
                    language_label(key),
                    places=1,
                    validators=[
                        Optional(),
                        NumberRange(
                            min=0, max=100, message=_l("A share is a percentage between 0 and 100.")
                        ),
                    ],
                    render_kw={"inputmode": "decimal"},
                ),
            )
        form = Form(**kwargs)
        if existing is not None and not form.is_submitted():
            form.source.data = existing.source
            form.year.data = existing.year
            for key, value in existing.shares.items():
                if key in LANGUAGE_KEYS:
                    getattr(form, f"share_{key}").data = Decimal(value)
        return form

    def shares(self) -> dict[str, Decimal | None]:
        return {key: getattr(self, f"share_{key}").data for key in LANGUAGE_KEYS}

    def share_fields(self) -> list[Any]:
        return [getattr(self, f"share_{key}") for key in LANGUAGE_KEYS]
