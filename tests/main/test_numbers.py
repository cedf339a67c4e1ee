"""Numbers and percentages are written the reader's way (Babel), never Python's "0.0%"."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask, render_template_string

from samenhang.i18n import format_number, format_percentage

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


@pytest.mark.pure
@pytest.mark.parametrize(
    ("locale", "decimals", "value", "expected"),
    [
        ("nl", 1, 0, "0,0%"),
        ("nl", 1, 12.5, "12,5%"),
        ("en", 1, 12.5, "12.5%"),
        ("tr", 0, 118, "%118"),
        ("nl", 0, 1234, "1.234%"),
        ("tr", 1, 12.5, "%12,5"),
    ],
)
def test_percentages_follow_the_locale(
    locale: str, decimals: int, value: float, expected: str
) -> None:
    assert format_percentage(value, decimals, locale=locale) == expected


@pytest.mark.pure
def test_numbers_follow_the_locale() -> None:
    assert format_number(12345.6, locale="nl") == "12.345,6"
    assert format_number(12345.6, locale="en") == "12,345.6"
    assert format_number(3, decimals=1, locale="nl") == "3,0"


def test_the_filters_use_the_page_language(app: Flask) -> None:
    # The test config's default is en; the browser asks for Dutch.
    with app.test_request_context(headers={"Accept-Language": "nl"}):
        html = render_template_string("{{ 0|percent(1) }} {{ 12345.5|number }} {{ none|percent }}")
    assert html == "0,0% 12.345,5 –"


@pytest.mark.pure
def test_no_template_writes_a_percent_sign_after_a_number() -> None:
    found = [
        str(path.relative_to(TEMPLATES))
        for path in TEMPLATES.rglob("*.html")
        if re.search(r"\}\}\s*%|\|round[^}]*\}\}%", path.read_text())
    ]
    assert not found, f"format with |percent: {found}"
