"""The read side of participation: who applied to a pot and who started initiatives in a
wijk (for its wijkmanager), and the public figures of a wijk and a municipality over the
years (rounds, turnout, pots, reach by language) with their open data.

Every cell that counts people goes through `samenhang.participation.suppression`. The
public pages publish a round's language cells exactly as its results page does (never a
sum of cells over several rounds or wijken: a sum next to its published parts would give
away a hidden part by subtraction); totals (ballots, pots, applications) are public
elsewhere already and are summed freely.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from samenhang.accounts.models import User
from samenhang.charts import LineChart, Series, line_chart
from samenhang.config import LOCALES
from samenhang.extensions import db
from samenhang.i18n import format_percentage
from samenhang.initiatives.models import PUBLIC_STATES, Initiative, State
from samenhang.participation.models import LANGUAGE_KEYS, OTHER, WijkLanguages
from samenhang.participation.suppression import (
    SUPPRESS_BELOW,
    csv_cell,
    suppress,
    suppress_table,
)
from samenhang.places.models import Municipality, Wijk
from samenhang.policies import is_pot_public
from samenhang.voting import turnout
from samenhang.voting.models import Phase, Round
from samenhang.vouchers.models import Application, ApplicationStatus, Pot

UNKNOWN = "unknown"


# --- labels ----------------------------------------------------------------------------


def language_label(key: str) -> str:
    if key in LOCALES:
        return LOCALES[key]
    if key == OTHER:
        return _("Other languages")
    return _("Not known")


# --- people: applicants and initiators (for the wijkmanager) ---------------------------


@dataclass(frozen=True)
class Cell:
    key: str
    label: str
    #: None: fewer than 10, or hidden so that another small cell cannot be worked out.
    count: int | None
    percent: float | None


@dataclass(frozen=True)
class Breakdown:
    title: str
    cells: list[Cell]


@dataclass(frozen=True)
class DecisionRow:
    key: str
    label: str
    #: Applications (or initiatives) in this language; None when suppressed.
    total: int | None
    #: Outcome -> count, None when suppressed.
    cells: dict[str, int | None]
    #: Granted (or published) of those decided, where both are shown.
    success_percent: float | None


@dataclass(frozen=True)
class DecisionTable:
    title: str
    #: (key, label) of the outcome columns, the first one counting as success.
    columns: list[tuple[str, str]]
    rows: list[DecisionRow]


@dataclass(frozen=True)
class PeopleFigures:
    """Who took part in one set of contributions: a pot's applications, or the
    initiatives of a wijk."""

    key: str
    title: str
    people: int
    contributions: int
    by_language: Breakdown
    by_wijk: Breakdown
    first_time: Breakdown
    decisions: DecisionTable


@dataclass(frozen=True)
class _Contribution:
    person_id: int
    at: datetime
    language: str
    outcome: str


def _breakdown(title: str, counts: Mapping[str, int], label: Callable[[str], str]) -> Breakdown:
    total = sum(counts.values())
    shown = suppress(counts)
    return Breakdown(
        title=title,
        cells=[
            Cell(
                key=key,
                label=label(key),
                count=value,
                percent=(100 * value / total) if value is not None and total else None,
            )
            for key, value in shown.items()
        ],
    )


def _user_language(user: User) -> str:
    return user.locale if user.locale in LOCALES else UNKNOWN


def _earliest_elsewhere(person_ids: Iterable[int]) -> dict[int, datetime]:
    """Each person's first application to any pot or first initiative anywhere (drafts
    are not taking part yet)."""
    ids = list(set(person_ids))
    if not ids:
        return {}
    earliest: dict[int, datetime] = {}
    statements = [
        select(Application.applicant_id, func.min(Application.created_at))
        .where(Application.applicant_id.in_(ids))
        .group_by(Application.applicant_id),
        select(Initiative.author_id, func.min(Initiative.created_at))
        .where(Initiative.author_id.in_(ids), Initiative.state != State.draft)
        .group_by(Initiative.author_id),
    ]
    for stmt in statements:
        for person_id, at in db.session.execute(stmt):
            if person_id not in earliest or at < earliest[person_id]:
                earliest[person_id] = at
    return earliest


def _people_figures(
    key: str,
    title: str,
    found: Sequence[_Contribution],
    people: Mapping[int, User],
    outcomes: list[tuple[str, str]],
    decision_title: str,
) -> PeopleFigures:
    first_here: dict[int, datetime] = {}
    language_of: dict[int, str] = {}
    for item in found:
        if item.person_id not in first_here or item.at < first_here[item.person_id]:
            first_here[item.person_id] = item.at
        language_of[item.person_id] = item.language
    earliest = _earliest_elsewhere(first_here)
    first_time = sum(1 for pid, at in first_here.items() if earliest.get(pid, at) >= at)

    languages = Counter(language_of.values())
    by_language = {k: languages.get(k, 0) for k in (*LOCALES, UNKNOWN)}
    homes = Counter(
        str(people[pid].wijk_id) if people[pid].wijk_id else UNKNOWN for pid in first_here
    )
    names = {
        str(w.id): w.name
        for w in db.session.scalars(
            select(Wijk).where(Wijk.id.in_([int(k) for k in homes if k != UNKNOWN]))
        )
    }

    rows = {k: dict.fromkeys((c for c, _label in outcomes), 0) for k in (*LOCALES, UNKNOWN)}
    for item in found:
        rows[item.language][item.outcome] += 1
    totals = {k: sum(cells.values()) for k, cells in rows.items()}
    shown_totals = suppress(totals)
    shown = suppress_table(rows, hidden_rows=[k for k, v in shown_totals.items() if v is None])
    success, failure = outcomes[0][0], outcomes[1][0]
    decision_rows = []
    for k, cells in shown.items():
        good, bad = cells[success], cells[failure]
        decision_rows.append(
            DecisionRow(
                key=k,
                label=language_label(k),
                total=shown_totals[k],
                cells=cells,
                success_percent=(100 * good / (good + bad))
                if good is not None and bad is not None and good + bad
                else None,
            )
        )
    return PeopleFigures(
        key=key,
        title=title,
        people=len(first_here),
        contributions=len(found),
        by_language=_breakdown(_("By language of their account"), by_language, language_label),
        by_wijk=_breakdown(
            _("By the wijk they live in"),
            dict(sorted(homes.items(), key=lambda kv: (kv[0] == UNKNOWN, -kv[1], kv[0]))),
            lambda k: names.get(k, _("No wijk known")),
        ),
        first_time=_breakdown(
            _("Taking part for the first time"),
            {"first": first_time, "returning": len(first_here) - first_time},
            lambda k: _("For the first time") if k == "first" else _("Took part before"),
        ),
        decisions=DecisionTable(title=decision_title, columns=outcomes, rows=decision_rows),
    )


_APPLICATION_OUTCOME = {
    ApplicationStatus.granted: "granted",
    ApplicationStatus.settled: "granted",
    ApplicationStatus.refused: "refused",
    ApplicationStatus.submitted: "waiting",
    ApplicationStatus.advice_requested: "waiting",
    ApplicationStatus.withdrawn: "withdrawn",
}
_INITIATIVE_OUTCOME = {
    State.published: "published",
    State.funded: "published",
    State.realised: "published",
    State.rejected: "rejected",
    State.returned: "returned",
    State.submitted: "waiting",
    State.in_review: "waiting",
}


def pot_people(pot: Pot) -> PeopleFigures:
    """The applicants of a pot: by language, home wijk and first time, and the decisions
    on their applications by language."""
    applications = list(db.session.scalars(select(Application).where(Application.pot_id == pot.id)))
    people = {a.applicant_id: a.applicant for a in applications}
    found = [
        _Contribution(
            a.applicant_id,
            a.created_at,
            _user_language(a.applicant),
            _APPLICATION_OUTCOME[a.status],
        )
        for a in applications
    ]
    return _people_figures(
        f"pot-{pot.id}",
        _("Applicants to {pot} ({year})").format(pot=pot.name, year=pot.year),
        found,
        people,
        [
            ("granted", _("Granted")),
            ("refused", _("Refused")),
            ("waiting", _("Waiting")),
            ("withdrawn", _("Withdrawn")),
        ],
        _("Applications and decisions by language"),
    )


def initiative_people(wijk: Wijk) -> PeopleFigures:
    """The initiators of the wijk's initiatives (drafts not counted)."""
    initiatives = list(
        db.session.scalars(
            select(Initiative).where(Initiative.wijk_id == wijk.id, Initiative.state != State.draft)
        )
    )
    people = {i.author_id: i.author for i in initiatives}
    found = [
        _Contribution(
            i.author_id, i.created_at, _user_language(i.author), _INITIATIVE_OUTCOME[i.state]
        )
        for i in initiatives
    ]
    return _people_figures(
        "initiatives",
        _("Initiators in {wijk}").format(wijk=wijk.name),
        found,
        people,
        [
            ("published", _("Published")),
            ("rejected", _("Rejected")),
            ("returned", _("Returned for changes")),
            ("waiting", _("Waiting")),
        ],
        _("Initiatives and decisions by language"),
    )


def pots_of(wijk: Wijk) -> list[Pot]:
    return list(
        db.session.scalars(
            select(Pot).where(Pot.wijk_id == wijk.id).order_by(Pot.year.desc(), Pot.name)
        )
    )


# --- public: rounds, pots and reach over the years -------------------------------------


@dataclass(frozen=True)
class RoundRow:
    round_id: int
    title: str
    wijk: Wijk
    counted_on: date | None
    ballots: int
    eligible: int | None
    turnout_percent: float | None
    #: language (and `unknown`) -> ballots, suppressed as on the round's results page;
    #: None when the round's ballots carry no language.
    languages: dict[str, int | None] | None
    language_percents: dict[str, float | None] | None


@dataclass(frozen=True)
class YearRow:
    year: int
    rounds: int
    ballots: int
    pots: int
    applications: int
    granted: int
    initiatives: int


@dataclass(frozen=True)
class ReachRow:
    key: str
    label: str
    #: Percent of residents who speak it, as entered with its source.
    residents_percent: Decimal | None
    ballots: int | None
    ballots_percent: float | None


@dataclass(frozen=True)
class Reach:
    round: RoundRow
    rows: list[ReachRow]


@dataclass(frozen=True)
class WijkParticipation:
    wijk: Wijk
    rounds: list[RoundRow]
    years: list[YearRow]
    languages: WijkLanguages | None
    reach: Reach | None
    chart: LineChart | None
    #: (key, label, percent of residents) of every language with a figure.
    spoken: list[tuple[str, str, Decimal]]


def _counted_rounds(wijk_ids: Sequence[int]) -> list[Round]:
    stmt = (
        select(Round)
        .where(Round.wijk_id.in_(wijk_ids), Round.phase == Phase.results, Round.result.is_not(None))
        .order_by(Round.counted_at, Round.id)
    )
    return list(db.session.scalars(stmt))


def _round_row(round_: Round) -> RoundRow:
    figures = (round_.result or {}).get("turnout") or {}
    summary = turnout.summary(figures)
    languages = percents = None
    for table in turnout.tables(figures):
        if table.dimension is turnout.Dimension.language:
            languages = {cell.key: cell.ballots for cell in table.cells}
            percents = {cell.key: cell.percent for cell in table.cells}
    return RoundRow(
        round_id=round_.id,
        title=round_.title,
        wijk=round_.wijk,
        counted_on=round_.counted_at.date() if round_.counted_at else None,
        ballots=summary["ballots"],
        eligible=summary["eligible"],
        turnout_percent=summary["turnout_percent"],
        languages=languages,
        language_percents=percents,
    )


def _years(wijk_ids: Sequence[int], rounds: Sequence[RoundRow]) -> list[YearRow]:
    table: dict[int, Counter[str]] = {}

    def add(year: int, what: str, n: int = 1) -> None:
        table.setdefault(year, Counter())[what] += n

    for row in rounds:
        if row.counted_on:
            add(row.counted_on.year, "rounds")
            add(row.counted_on.year, "ballots", row.ballots)
    for pot in db.session.scalars(select(Pot).where(Pot.wijk_id.in_(wijk_ids))):
        if not is_pot_public(pot):
            continue
        add(pot.year, "pots")
        for application in pot.applications:
            add(pot.year, "applications")
            if _APPLICATION_OUTCOME[application.status] == "granted":
                add(pot.year, "granted")
    published = select(Initiative.published_at).where(
        Initiative.wijk_id.in_(wijk_ids),
        Initiative.state.in_(PUBLIC_STATES),
        Initiative.published_at.is_not(None),
    )
    for (at,) in db.session.execute(published):
        add(at.year, "initiatives")
    return [
        YearRow(
            year=year,
            rounds=c["rounds"],
            ballots=c["ballots"],
            pots=c["pots"],
            applications=c["applications"],
            granted=c["granted"],
            initiatives=c["initiatives"],
        )
        for year, c in sorted(table.items())
    ]


def languages_of(wijk: Wijk) -> WijkLanguages | None:
    return db.session.scalar(select(WijkLanguages).where(WijkLanguages.wijk_id == wijk.id))


def _reach(rounds: Sequence[RoundRow], languages: WijkLanguages | None) -> Reach | None:
    """The latest round whose ballots carry their language, beside the residents' figures."""
    latest = next((r for r in reversed(rounds) if r.languages is not None), None)
    if latest is None or latest.languages is None or latest.language_percents is None:
        return None
    shares = languages.shares if languages else {}
    rows = [
        ReachRow(
            key=key,
            label=language_label(key),
            residents_percent=Decimal(shares[key]) if key in shares else None,
            ballots=latest.languages.get(key),
            ballots_percent=latest.language_percents.get(key),
        )
        for key in LOCALES
    ]
    return Reach(round=latest, rows=rows)


def _turnout_chart(rounds: Sequence[RoundRow], name: str) -> LineChart | None:
    points = {r.counted_on.toordinal(): r.turnout_percent for r in rounds if r.counted_on}
    if sum(1 for v in points.values() if v is not None) < 2:
        return None
    return line_chart(
        [Series(name, "series-wijk", points)],
        x_text=lambda x: date.fromordinal(x).strftime("%m-%Y"),
        y_text=lambda v: format_percentage(v, 0),
        include_zero=True,
    )


def wijk_participation(wijk: Wijk) -> WijkParticipation:
    rounds = [_round_row(r) for r in _counted_rounds([wijk.id])]
    languages = languages_of(wijk)
    return WijkParticipation(
        wijk=wijk,
        rounds=rounds,
        years=_years([wijk.id], rounds),
        languages=languages,
        reach=_reach(rounds, languages),
        chart=_turnout_chart(rounds, wijk.name),
        spoken=[
            (key, language_label(key), Decimal(languages.shares[key]))
            for key in LANGUAGE_KEYS
            if languages and key in languages.shares
        ],
    )


@dataclass(frozen=True)
class MunicipalityParticipation:
    municipality: Municipality
    wijken: list[WijkParticipation]
    years: list[YearRow]


def municipality_participation(municipality: Municipality) -> MunicipalityParticipation:
    wijken = [wijk_participation(w) for w in municipality.wijken]
    ids = [w.id for w in municipality.wijken]
    rounds = [r for w in wijken for r in w.rounds]
    return MunicipalityParticipation(
        municipality=municipality, wijken=wijken, years=_years(ids, rounds) if ids else []
    )


# --- open data ---------------------------------------------------------------------------


def wijk_json(found: WijkParticipation) -> dict[str, Any]:
    languages = found.languages
    return {
        "wijk": {
            "name": found.wijk.name,
            "slug": found.wijk.slug,
            "cbs_code": found.wijk.cbs_code,
            "municipality": found.wijk.municipality.name,
        },
        "suppressed_below": SUPPRESS_BELOW,
        "rounds": [
            {
                "round_id": r.round_id,
                "title": r.title,
                "counted_on": r.counted_on.isoformat() if r.counted_on else None,
                "ballots": r.ballots,
                "eligible": r.eligible,
                "turnout_percent": r.turnout_percent,
                "ballots_by_language": r.languages,
            }
            for r in found.rounds
        ],
        "years": [
            {
                "year": y.year,
                "rounds": y.rounds,
                "ballots": y.ballots,
                "pots": y.pots,
                "applications": y.applications,
                "applications_granted": y.granted,
                "initiatives_published": y.initiatives,
            }
            for y in found.years
        ],
        "languages_spoken": {
            "percent_of_residents": {
                k: languages.shares[k] for k in LANGUAGE_KEYS if k in languages.shares
            },
            "source": languages.source,
            "year": languages.year,
            "example_figures": languages.is_example,
        }
        if languages
        else None,
    }


def municipality_json(found: MunicipalityParticipation) -> dict[str, Any]:
    return {
        "municipality": {
            "name": found.municipality.name,
            "slug": found.municipality.slug,
            "cbs_code": found.municipality.cbs_code,
        },
        "suppressed_below": SUPPRESS_BELOW,
        "wijken": [wijk_json(w) for w in found.wijken],
    }


CSV_FIELDS = ["wijk_code", "wijk", "section", "period", "round_id", "category", "value"]


def as_csv(wijken: Sequence[WijkParticipation]) -> str:
    """One figure a line; a suppressed cell reads `<10`."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_FIELDS)
    for found in wijken:
        head = [found.wijk.cbs_code, found.wijk.name]
        for r in found.rounds:
            period = r.counted_on.isoformat() if r.counted_on else ""
            writer.writerow([*head, "round", period, r.round_id, "ballots", r.ballots])
            writer.writerow([*head, "round", period, r.round_id, "eligible", r.eligible or ""])
            percent = "" if r.turnout_percent is None else r.turnout_percent
            writer.writerow([*head, "round", period, r.round_id, "turnout_percent", percent])
            for key, value in (r.languages or {}).items():
                writer.writerow(
                    [*head, "round", period, r.round_id, f"language:{key}", csv_cell(value)]
                )
        for y in found.years:
            for category, value in (
                ("rounds", y.rounds),
                ("ballots", y.ballots),
                ("pots", y.pots),
                ("applications", y.applications),
                ("applications_granted", y.granted),
                ("initiatives_published", y.initiatives),
            ):
                writer.writerow([*head, "year", y.year, "", category, value])
        if found.languages:
            period = found.languages.year or ""
            for key in LANGUAGE_KEYS:
                if key in found.languages.shares:
                    writer.writerow(
                        [
                            *head,
                            "languages_spoken",
                            period,
                            "",
                            f"percent:{key}",
                            found.languages.shares[key],
                        ]
                    )
            source = found.languages.source
            if found.languages.is_example:
                source = f"{source} (example figures)"
            writer.writerow([*head, "languages_spoken", period, "", "source", source])
    return out.getvalue()
