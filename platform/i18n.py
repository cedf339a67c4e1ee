"""Locale choice and locale-aware formatting shared by views, templates and mails."""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import format_currency
from flask import current_app, has_request_context, request
from flask_babel import get_locale
from flask_login import current_user

from samenhang.config import LOCALES, RTL_LOCALES

LOCALE_COOKIE = "locale"


def select_locale() -> str:
    """The signed-in user's choice, then the cookie, then the browser, then the default."""
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    user_locale = getattr(current_user, "locale", None) if current_user else None
    if user_locale in LOCALES:
        return user_locale
    cookie = request.cookies.get(LOCALE_COOKIE)
    if cookie in LOCALES:
        return cookie
    best = request.accept_languages.best_match(list(LOCALES))
    return best or current_app.config["BABEL_DEFAULT_LOCALE"]


def current_locale() -> str:
    return str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])


def text_direction(locale: str | None = None) -> str:
    return "rtl" if (locale or current_locale()) in RTL_LOCALES else "ltr"


def format_money(amount_cents: int, currency: str = "EUR", locale: str | None = None) -> str:
    """€ 1.234,56 in nl, €1,234.56 in en: always from integer cents, never a float."""
    return format_currency(
        Decimal(amount_cents).scaleb(-2), currency, locale=locale or current_locale()
    )
