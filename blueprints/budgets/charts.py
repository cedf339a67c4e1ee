"""Bar charts as plain geometry for the templates to draw as SVG (templates/budgets/_charts.html).

Each category gets its name on a line of its own, then one bar per series (planned,
actual), with the amount after the bar. In a right-to-left language the bars grow from the
right and the text starts there: the geometry is mirrored here, so the SVG needs no
transforms and its text stays readable.
"""

from __future__ import annotations

from dataclasses import dataclass

from babel.numbers import format_compact_currency

from samenhang.i18n import current_locale, text_direction

WIDTH = 360
#: Room kept after the longest bar for its amount.
VALUE_ROOM = 96
LABEL_HEIGHT = 20
BAR_HEIGHT = 16
BAR_GAP = 3
GROUP_GAP = 12


@dataclass(frozen=True)
class Series:
    name: str
    #: The fill; dark enough against white for a graphic (WCAG 1.4.11).
    colour: str


PLANNED = "#52707f"
ACTUAL = "#0b5d3b"


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    #: Where the amount's text starts.
    value_x: float
    value: str
    colour: str


@dataclass(frozen=True)
class Group:
    label: str
    label_y: float
    bars: list[Bar]


@dataclass(frozen=True)
class Chart:
    groups: list[Group]
    series: list[Series]
    height: float
    direction: str
    width: int = WIDTH

    @property
    def label_x(self) -> float:
        return self.width if self.direction == "rtl" else 0


def short_money(amount_cents: int, currency: str = "EUR") -> str:
    """€ 48K, € 1,2 mln.: short enough to stand beside a bar."""
    return format_compact_currency(
        amount_cents / 100, currency, locale=current_locale(), fraction_digits=1
    )


def bar_chart(
    items: list[tuple[str, list[int]]], series: list[Series], currency: str = "EUR"
) -> Chart:
    """`items`: (category name, [amount in cents per series])."""
    rtl = text_direction() == "rtl"
    most = max((v for _, values in items for v in values), default=0) or 1
    room = WIDTH - VALUE_ROOM
    groups = []
    y = float(GROUP_GAP)
    for label, values in items:
        label_y = y + LABEL_HEIGHT - 6
        y += LABEL_HEIGHT
        bars = []
        for value, one in zip(values, series, strict=True):
            width = round(room * value / most, 1)
            if value and width < 1:
                width = 1.0
            x = WIDTH - width if rtl else 0.0
            value_x = WIDTH - width - 4 if rtl else width + 4
            bars.append(Bar(x, y, width, value_x, short_money(value, currency), one.colour))
            y += BAR_HEIGHT + BAR_GAP
        groups.append(Group(label, label_y, bars))
        y += GROUP_GAP
    return Chart(groups, series, height=y, direction="rtl" if rtl else "ltr")
