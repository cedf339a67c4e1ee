"""A table wider than a 360 px phone says that it scrolls (issue 13: tables were cut off
with no sign, e.g. the Arabic ledger's amount column): a sentence under every table box on
narrow screens, and a shadow at the edge where there is more."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask, render_template_string

CSS = (Path(__file__).resolve().parents[2] / "platform" / "static" / "css" / "app.css").read_text()
CSS = re.sub(r"/\*.*?\*/", "", CSS, flags=re.S)
#: The rules outside any @media block: what a 360 px phone gets at least.
BASE = re.sub(r"@media[^{]*\{(?:[^{}]*\{[^{}]*\})*\s*\}", "", CSS)


def _block(selector: str, css: str = BASE) -> str:
    found = [
        body for head, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css) if head.strip() == selector
    ]
    assert found, selector
    return " ".join(found)


@pytest.mark.pure
def test_the_scroll_box_shows_a_shadow_where_there_is_more() -> None:
    box = _block(".table-scroll")
    assert "overflow-x: auto" in box
    # Covers that scroll with the content ("local") over shadows that stay ("scroll"):
    # a shadow shows only at an edge with more table behind it, in both directions (RTL).
    assert box.count("no-repeat local") == 2 and box.count("no-repeat scroll") == 2
    assert "to right" in box and "to left" in box


@pytest.mark.pure
def test_the_hint_shows_on_a_phone_and_hides_on_a_wide_screen() -> None:
    assert "display: none" not in _block(".scroll-hint")
    wide = re.findall(r"@media\s*\(min-width:\s*([\d.]+)rem\)\s*\{([^{}]*\{[^{}]*\})\s*\}", CSS)
    hiding = [
        float(width)
        for width, rule in wide
        if re.search(r"\.scroll-hint\s*\{\s*display:\s*none", rule)
    ]
    assert hiding and min(hiding) * 16 > 360  # still shown at 360 px


def test_every_table_box_comes_with_the_hint(app: Flask) -> None:
    source = (
        '{% from "_page.html" import table_scroll %}'
        '{% call table_scroll("c") %}<table><caption id="c">X</caption></table>{% endcall %}'
    )
    with app.test_request_context(headers={"Accept-Language": "ar"}):
        html = render_template_string(source)
    box_end = html.index("</div>")
    hint = re.search(r'<p class="scroll-hint">([^<]+)</p>', html)
    assert hint is not None and hint.start() > box_end  # under the box, not inside it
    assert "Swipe" not in hint.group(1)  # in the reader's language
