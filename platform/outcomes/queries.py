"""Reading outcomes: a wijk's indicators over the years against the city average, its
"distance to the city average" per theme, a municipality's wijken ranked per theme, and the
same figures for export and the API.

Distance to the city average, as the Outcomemonitor measured it: how far the wijk's value
lies from the city's, as a percentage of the city's, signed so that a positive distance is
better than the city whether a higher value is better (income) or worse (unemployment). A
theme's distance is the mean over its indicators that year.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from babel.numbers import format_decimal, format_percent
from flask_babel import gettext as _
from sqlalchemy import Select, select

from samenhang.charts import BarChart, LineChart, Series, diverging_bars, line_chart
from samenhang.extensions import db
from samenhang.i18n import current_locale, percent_pattern, text_direction
from samenhang.initiatives.models import Theme
from samenhang.outcomes.indicators import INDICATORS, Indicator
from samenhang.outcomes.models import OutcomeValue
from samenhang.places.models import Municipality, Wijk

TENTH = Decimal("0.1")


def distance(value: OutcomeValue) -> Decimal:
    """Percent better (+) or worse (-) than the city average."""
    indicator = INDICATORS[value.indicator]
    relative = (value.value - value.city_average) / abs(value.city_average) * 100
    signed = relative if indicator.higher_is_better else -relative
    return signed.quantize(TENTH, rounding=ROUND_HALF_UP)


def format_statistic(value: Decimal | float | int) -> str:
    return format_decimal(value, locale=current_locale())


def format_distance(value: Decimal | float | int) -> str:
    """'+12,5%' / '−3%': the sign always shown, so better and worse read apart."""
    number = Decimal(str(value))
    text = format_percent(
        abs(number) / 100,
        format=percent_pattern(current_locale(), 1, optional=True),
        locale=current_locale(),
    )
    signed = f"+{text}" if number > 0 else (f"−{text}" if number < 0 else text)
    # In Arabic the sign would wander to the other end of the number: keep it left to right.
    return f"\u2066{signed}\u2069" if text_direction() == "rtl" else signed


def _values(stmt: Select[Any]) -> list[OutcomeValue]:
    return list(db.session.scalars(stmt.order_by(OutcomeValue.indicator, OutcomeValue.year)))


def values_of(wijk: Wijk) -> list[OutcomeValue]:
    return _values(select(OutcomeValue).where(OutcomeValue.wijk_id == wijk.id))


def values_in(municipality: Municipality) -> list[OutcomeValue]:
    return _values(
        select(OutcomeValue).join(OutcomeValue.wijk).where(Wijk.municipality_id == municipality.id)
    )


def has_examples(values: list[OutcomeValue]) -> bool:
    return any(v.is_example for v in values)


# --- one wijk -----------------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorView:
    indicator: Indicator
    values: list[OutcomeValue]
    chart: LineChart

    @property
    def sources(self) -> list[str]:
        return sorted({v.source for v in self.values})

    @property
    def rows(self) -> list[tuple[OutcomeValue, Decimal]]:
        return [(v, distance(v)) for v in self.values]


def indicator_views(wijk: Wijk, values: list[OutcomeValue]) -> list[IndicatorView]:
    """Each indicator with data, in catalogue order: the wijk and its city over the years."""
    by_indicator: dict[str, list[OutcomeValue]] = defaultdict(list)
    for value in values:
        by_indicator[value.indicator].append(value)
    views = []
    for key, indicator in INDICATORS.items():
        found = by_indicator.get(key)
        if not found:
            continue
        chart = line_chart(
            [
                Series(wijk.name, "series-wijk", {v.year: v.value for v in found}),
                Series(
                    _("Average of {city}").format(city=wijk.municipality.name),
                    "series-city",
                    {v.year: v.city_average for v in found},
                ),
            ],
            x_text=str,
            y_text=format_statistic,
        )
        views.append(IndicatorView(indicator, found, chart))
    return views


@dataclass(frozen=True)
class ThemeView:
    theme: Theme
    #: year -> the theme's distance to the city average that year.
    distances: dict[int, Decimal]
    chart: LineChart

    @property
    def latest(self) -> tuple[int, Decimal]:
        year = max(self.distances)
        return year, self.distances[year]


def theme_distances(values: list[OutcomeValue]) -> dict[Theme, dict[int, Decimal]]:
    collected: dict[Theme, dict[int, list[Decimal]]] = defaultdict(lambda: defaultdict(list))
    for value in values:
        collected[INDICATORS[value.indicator].theme][value.year].append(distance(value))
    return {
        theme: {
            year: (sum(found, Decimal(0)) / len(found)).quantize(TENTH, rounding=ROUND_HALF_UP)
            for year, found in sorted(years.items())
        }
        for theme, years in collected.items()
    }


def years_of(themes: list[ThemeView]) -> list[int]:
    return sorted({year for t in themes for year in t.distances})


def theme_views(values: list[OutcomeValue]) -> list[ThemeView]:
    """The small multiples: per theme the distance to the city average over the years."""
    distances = theme_distances(values)
    years = sorted({v.year for v in values})
    views = []
    for theme in Theme:
        if theme not in distances:
            continue
        chart = line_chart(
            [Series(theme.label, "series-wijk", dict(distances[theme]))],
            x_text=str,
            y_text=format_distance,
            references=[(Decimal(0), "reference-city", _("City average"))],
            include_zero=True,
            width=320,
            height=190,
            x_ticks=[years[0], years[-1]] if len(years) > 1 else years,
        )
        views.append(ThemeView(theme, distances[theme], chart))
    return views


# --- a municipality -----------------------------------------------------------------------


@dataclass(frozen=True)
class Ranked:
    wijk: Wijk
    year: int
    distance: Decimal


@dataclass(frozen=True)
class Ranking:
    theme: Theme
    rows: list[Ranked]
    chart: BarChart


def rankings(values: list[OutcomeValue]) -> list[Ranking]:
    """Per theme the wijken with figures, best first, each at its latest year."""
    by_wijk: dict[Wijk, list[OutcomeValue]] = defaultdict(list)
    for value in values:
        by_wijk[value.wijk].append(value)
    rows: dict[Theme, list[Ranked]] = defaultdict(list)
    for wijk, found in by_wijk.items():
        for theme, years in theme_distances(found).items():
            year = max(years)
            rows[theme].append(Ranked(wijk, year, years[year]))
    result = []
    for theme in Theme:
        ranked = sorted(rows.get(theme, []), key=lambda r: (-r.distance, r.wijk.name))
        if ranked:
            chart = diverging_bars(
                [(r.wijk.name, r.distance) for r in ranked], value_text=format_distance
            )
            result.append(Ranking(theme, ranked, chart))
    return result


# --- export and the API -------------------------------------------------------------------

EXPORT_FIELDS = (
    "municipality",
    "wijk",
    "wijk_code",
    "theme",
    "indicator",
    "year",
    "value",
    "city_average",
    "distance_percent",
    "source",
    "is_example",
)


def export_rows(values: list[OutcomeValue]) -> list[dict[str, Any]]:
    """Plain rows: numbers as exact decimal strings, the same in CSV and JSON."""
    return [
        {
            "municipality": v.wijk.municipality.name,
            "wijk": v.wijk.name,
            "wijk_code": v.wijk.cbs_code,
            "theme": INDICATORS[v.indicator].theme.value,
            "indicator": v.indicator,
            "year": v.year,
            "value": str(v.value.normalize()),
            "city_average": str(v.city_average.normalize()),
            "distance_percent": str(distance(v)),
            "source": v.source,
            "is_example": v.is_example,
        }
        for v in values
    ]


@dataclass(frozen=True)
class Filter:
    municipality: Municipality | None = None
    wijk: Wijk | None = None
    indicators: tuple[str, ...] = ()
    themes: tuple[Theme, ...] = ()
    year: int | None = None


def filtered(criteria: Filter, page: int, per_page: int) -> tuple[list[OutcomeValue], int]:
    stmt = select(OutcomeValue).join(OutcomeValue.wijk)
    if criteria.wijk is not None:
        stmt = stmt.where(OutcomeValue.wijk_id == criteria.wijk.id)
    elif criteria.municipality is not None:
        stmt = stmt.where(Wijk.municipality_id == criteria.municipality.id)
    keys = set(criteria.indicators)
    if criteria.themes:
        themed = {k for k, i in INDICATORS.items() if i.theme in criteria.themes}
        keys = keys & themed if keys else themed
    if criteria.indicators or criteria.themes:
        stmt = stmt.where(OutcomeValue.indicator.in_(sorted(keys)))
    if criteria.year is not None:
        stmt = stmt.where(OutcomeValue.year == criteria.year)
    total = db.session.scalar(select(db.func.count()).select_from(stmt.subquery())) or 0
    stmt = stmt.order_by(Wijk.cbs_code, OutcomeValue.indicator, OutcomeValue.year)
    items = db.session.scalars(stmt.limit(per_page).offset((page - 1) * per_page))
    return list(items), total
