"""Values of a goal's indicator: read from what people type, checked against the goal's unit,
and shown in the reader's language. Exact decimals throughout, never floats."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from babel.numbers import format_decimal, format_percent
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext

from samenhang.contracts.models import Unit
from samenhang.errors import DomainError
from samenhang.i18n import current_locale

#: Decimal places a value may have, per unit.
PLACES = {Unit.percent: 1, Unit.count: 0, Unit.grade: 1, Unit.number: 2}
#: What the database column holds: 14 digits, two of them after the point.
LIMIT = Decimal("1e12")


class InvalidValue(DomainError):
    pass


def parse_value(text: str) -> Decimal:
    """'12,5' or '12.5' (and '1 200') -> Decimal('12.5'); anything else is refused."""
    cleaned = text.strip().replace(" ", "").replace("\u00a0", "").replace(",", ".")
    if not cleaned:
        raise InvalidValue(_l("Please fill in a value."))
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise InvalidValue(
            _l("“{text}” is not a number. Write it like 12 or 12,5."), text=text.strip()
        ) from None
    if not value.is_finite():
        raise InvalidValue(_l("“{text}” is not a number. Write it like 12 or 12,5."), text=text)
    return value


def check_value(unit: Unit, value: Any) -> Decimal:
    """The value if it fits the unit; else a clear, translated refusal."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise InvalidValue(_l("A value must be a number."))
    value = Decimal(value)
    if not value.is_finite() or abs(value) >= LIMIT:
        raise InvalidValue(_l("This value is too large."))
    if unit is Unit.count and value != value.to_integral_value():
        raise InvalidValue(_l("A count is a whole number, like 12."))
    if unit is Unit.count and value < 0:
        raise InvalidValue(_l("A count cannot be below zero."))
    if unit is Unit.percent and not 0 <= value <= 100:
        raise InvalidValue(_l("A percentage is between 0 and 100."))
    if unit is Unit.grade and not 1 <= value <= 10:
        raise InvalidValue(_l("A report mark is between 1 and 10."))
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > PLACES[unit]:
        raise InvalidValue(
            lazy_ngettext(
                "Round the value to {places} decimal place.",
                "Round the value to {places} decimal places.",
                PLACES[unit],
            ),
            places=PLACES[unit],
        )
    return value


def check_unit(expected: Unit, given: Unit) -> None:
    if given is not expected:
        raise InvalidValue(
            _l("This goal is measured in “{expected}”, not in “{given}”."),
            expected=expected.label,
            given=given.label,
        )


def format_value(value: Decimal | None, unit: Unit, locale: str | None = None) -> str:
    """12.5 percent -> '12,5%' in nl; an empty value stays empty."""
    if value is None:
        return ""
    locale = locale or current_locale()
    if unit is Unit.percent:
        return format_percent(value / 100, format="#,##0.#%", locale=locale)
    return format_decimal(value, locale=locale)
