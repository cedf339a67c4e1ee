"""Geometry for the server-drawn SVG charts (`templates/_charts.html` draws them): a line
chart over time and a diverging bar chart around zero. Numbers in, positions and tick labels
out; every chart is shown beside a table with the same figures, so the picture only repeats
what the table says. Floats appear only here, as drawing positions, never as data."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

Number = Decimal | int | float
Format = Callable[[Number], str]


@dataclass(frozen=True)
class Tick:
    at: float
    text: str


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    text: str


@dataclass(frozen=True)
class Line:
    """One series: `css` names its look (colour and dashes) in app.css."""

    name: str
    css: str
    points: list[Point]

    @property
    def path(self) -> str:
        return " ".join(
            f"{'M' if i == 0 else 'L'}{p.x:.1f} {p.y:.1f}" for i, p in enumerate(self.points)
        )


@dataclass(frozen=True)
class Series:
    name: str
    css: str
    #: x (a year, or a date's ordinal) -> value; None for a gap.
    values: dict[int, Number | None]


@dataclass
class LineChart:
    width: int
    height: int
    left: float
    top: float
    right: float
    bottom: float
    lines: list[Line] = field(default_factory=list)
    x_ticks: list[Tick] = field(default_factory=list)
    y_ticks: list[Tick] = field(default_factory=list)
    #: Horizontal reference lines (a target, zero = the city average): (y, css, text).
    references: list[tuple[float, str, str]] = field(default_factory=list)


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values (steps of 1, 2 or 5 times a power of ten) covering low..high."""
    if high <= low:
        high = low + 1
    raw = (high - low) / max(count - 1, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    start = math.floor(low / step) * step
    ticks = []
    value = start
    while value <= high + step * 1e-9:
        ticks.append(round(value, 10))
        value += step
    if ticks[-1] < high:
        ticks.append(round(ticks[-1] + step, 10))
    return ticks


def line_chart(
    series: Sequence[Series],
    *,
    x_text: Callable[[int], str],
    y_text: Format,
    references: Sequence[tuple[Number, str, str]] = (),
    include_zero: bool = False,
    width: int = 400,
    height: int = 220,
    x_ticks: Sequence[int] | None = None,
) -> LineChart:
    xs = sorted({x for s in series for x, v in s.values.items() if v is not None})
    ys = [float(v) for s in series for v in s.values.values() if v is not None]
    ys += [float(r[0]) for r in references]
    if include_zero:
        ys.append(0.0)
    if not ys:
        ys = [0.0, 1.0]
    y_values = nice_ticks(min(ys), max(ys))
    chart = LineChart(width, height, left=64, top=12, right=width - 20, bottom=height - 28)
    low_y, high_y = y_values[0], y_values[-1]
    all_x = sorted({*xs, *(x_ticks or [])})
    low_x, high_x = (all_x[0], all_x[-1]) if all_x else (0, 1)

    def sx(x: int) -> float:
        if high_x == low_x:
            return (chart.left + chart.right) / 2
        return chart.left + (x - low_x) / (high_x - low_x) * (chart.right - chart.left)

    def sy(y: float) -> float:
        return chart.bottom - (y - low_y) / (high_y - low_y) * (chart.bottom - chart.top)

    chart.y_ticks = [Tick(sy(v), y_text(_exact(v))) for v in y_values]
    chart.x_ticks = [Tick(sx(x), x_text(x)) for x in (x_ticks if x_ticks is not None else xs)]
    chart.references = [(sy(float(v)), css, text) for v, css, text in references]
    for s in series:
        points = [
            Point(sx(x), sy(float(v)), y_text(v))
            for x, v in sorted(s.values.items())
            if v is not None
        ]
        chart.lines.append(Line(s.name, s.css, points))
    return chart


def _exact(value: float) -> Decimal:
    # Tick values are round numbers; give them to the formatter as exact decimals.
    return Decimal(repr(value)).normalize()


@dataclass(frozen=True)
class Bar:
    label: str
    x: float
    y: float
    length: float
    is_positive: bool
    text: str


@dataclass
class BarChart:
    width: int
    height: int
    zero: float
    bars: list[Bar]
    bar_height: int


def diverging_bars(
    rows: Sequence[tuple[str, Number]], *, value_text: Format, width: int = 400
) -> BarChart:
    """One bar per row from a zero line in the middle: right for positive, left for
    negative, as long as the largest value allows."""
    bar_height, gap = 22, 8
    height = len(rows) * (bar_height + gap) + gap
    largest = max((abs(float(v)) for _, v in rows), default=1.0) or 1.0
    zero, half = width / 2, width / 2 - 8
    bars = []
    for i, (label, value) in enumerate(rows):
        length = abs(float(value)) / largest * half
        positive = float(value) >= 0
        bars.append(
            Bar(
                label=label,
                x=zero if positive else zero - length,
                y=gap + i * (bar_height + gap),
                length=max(length, 1.0),
                is_positive=positive,
                text=value_text(value),
            )
        )
    return BarChart(width, height, zero, bars, bar_height)
