"""Rules of the shared look that a browser check would only find page by page: disclosures
keep their marker, every table scrolls in its own labelled box."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask, render_template_string

ROOT = Path(__file__).resolve().parents[2]
CSS = (ROOT / "platform" / "static" / "css" / "app.css").read_text()
TEMPLATES = ROOT / "templates"


def _rules(selector: str) -> list[str]:
    """The declaration blocks of every rule whose selector list is exactly `selector`."""
    blocks = re.findall(r"([^{}]+)\{([^{}]*)\}", re.sub(r"/\*.*?\*/", "", CSS, flags=re.S))
    return [body for head, body in blocks if head.strip() == selector]


@pytest.mark.pure
def test_disclosures_show_a_marker_that_turns_and_mirrors() -> None:
    [summary] = _rules("details > summary")
    if "display: flex" in summary or "display:flex" in summary:
        # A flex summary is no list item any more: the browser's own triangle is gone.
        [marker] = [r for r in _rules("details > summary::before") if "content" in r]
        assert re.search(r"content:\s*\"\"", marker) and "border" in marker
        assert "currentColor" in marker or "var(--" in marker
        assert _rules("details[open] > summary::before"), "no change when open"
        assert _rules('[dir="rtl"] details > summary::before'), "no mirrored marker"
    # No later rule hides the marker again.
    assert not re.search(r"summary::before\s*\{[^}]*content:\s*none", CSS)


@pytest.mark.pure
def test_every_table_scrolls_in_a_labelled_box() -> None:
    bare: list[str] = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        source = path.read_text()
        # Walk calls and tables in order; a table counts when a table_scroll call is open.
        stack: list[bool] = []
        for match in re.finditer(r"\{%-?\s*call\s+(\w+)|\{%-?\s*endcall|<table\b", source):
            if match.group(0).startswith("<table"):
                if not any(stack) and path.name != "_page.html":
                    line = source.count("\n", 0, match.start()) + 1
                    bare.append(f"{path.relative_to(TEMPLATES)}:{line}")
            elif match.group(1):
                stack.append(match.group(1) == "table_scroll")
            else:
                stack.pop()
        assert 'class="table-scroll"' not in source or path.name == "_page.html", path
    assert not bare, f"tables outside {{% call table_scroll(...) %}}: {bare}"


def test_the_scroll_box_is_focusable_and_named(app: Flask) -> None:
    source = (
        '{% from "_page.html" import table_scroll %}'
        '{% call table_scroll("c") %}<table><caption id="c">X</caption></table>{% endcall %}'
        '{% call table_scroll(label="Every line") %}<table></table>{% endcall %}'
    )
    with app.test_request_context():
        html = render_template_string(source)
    boxes = re.findall(r"<div class=\"table-scroll\"[^>]*>", html)
    assert len(boxes) == 2
    for box in boxes:
        assert 'tabindex="0"' in box and 'role="region"' in box
    assert 'aria-labelledby="c"' in boxes[0] and 'aria-label="Every line"' in boxes[1]
