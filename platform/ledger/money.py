"""Money from text: "12,50", "12.50", "€ 1.250,00" become integer cents, never a float."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l

from samenhang.errors import DomainError

#: A sanity limit: one hundred million euro.
MAX_CENTS = 100_000_000 * 100

_DIGITS = re.compile(r"^\d+(\.\d+)?$")


class InvalidAmount(DomainError):
    pass


def parse_euros(text: str) -> int:
    """Parse an amount in euros as a person types it into cents.

    Every money field reads amounts this one way (the hint says so: "1.250 or 12,50").
    Both "12,50" and "12.50" mean twelve euro fifty. With both separators the last one is
    the decimal sign ("1.250,50", "1,250.50"). Points between groups of three digits are
    thousands ("30.000", "1.000.000"): as a decimal sign they would mean tenths of a cent,
    which nobody types. A lone comma before three digits ("1,250": 1250 in English, 1,25
    in Dutch) is ambiguous and refused rather than guessed; so are several commas.
    Negative amounts and fractions of a cent are refused.
    """
    raw = (text or "").strip().replace("€", "").replace("EUR", "").replace("\u00a0", "")
    raw = raw.replace(" ", "").replace("'", "")
    if not raw:
        raise InvalidAmount(_l("Please fill in an amount."))
    if raw.startswith("-") or raw.endswith("-"):
        raise InvalidAmount(_l("The amount cannot be negative."))
    if raw.startswith("+"):
        raw = raw[1:]
    if "," in raw and "." in raw:
        decimal_sign = "," if raw.rfind(",") > raw.rfind(".") else "."
        thousands = "." if decimal_sign == "," else ","
        head, _, tail = raw.rpartition(decimal_sign)
        if not re.fullmatch(r"\d{1,3}(" + re.escape(thousands) + r"\d{3})*", head):
            raise InvalidAmount(_l("This is not an amount. Write it like 12,50."))
        raw = head.replace(thousands, "") + "." + tail
    elif "." in raw and re.fullmatch(r"[1-9]\d{0,2}(\.\d{3})+", raw):
        raw = raw.replace(".", "")
    else:
        separators = raw.count(",") + raw.count(".")
        if separators > 1:
            raise InvalidAmount(_l("This is not an amount. Write it like 12,50."))
        if separators == 1 and re.fullmatch(r"\d+,\d{3}", raw) and not raw.startswith("0"):
            raise InvalidAmount(
                _l("Write the amount without a thousands separator, like 1250 or 1250,00.")
            )
        raw = raw.replace(",", ".")
    if not _DIGITS.match(raw):
        raise InvalidAmount(_l("This is not an amount. Write it like 12,50."))
    try:
        value = Decimal(raw).scaleb(2)
    except InvalidOperation as exc:  # pragma: no cover - the pattern above rules this out
        raise InvalidAmount(_l("This is not an amount. Write it like 12,50.")) from exc
    if value != value.to_integral_value():
        raise InvalidAmount(_l("An amount cannot have fractions of a cent."))
    amount = int(value)
    if amount > MAX_CENTS:
        raise InvalidAmount(_l("This amount is too large."))
    return amount


def format_euros_for_input(amount_cents: int, locale: str = "nl") -> str:
    """Cents as an editable text without currency sign: 1250 -> "12,50" (nl), "12.50" (en)."""
    euros, rest = divmod(amount_cents, 100)
    sign = "." if locale == "en" else ","
    return f"{euros}{sign}{rest:02d}"
