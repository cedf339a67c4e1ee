"""Counting a round with the rules engine, and the open data of its ballots.

A round becomes an engine `Election`: its accepted projects, the ballots that count (not
superseded, not blank, paper only from confirmed batches), the weights, the ballot limits,
the category caps and the rule. The engine counts in whole currency units when every
amount is a whole number of euros (as pabulib files do, and as MES with add1 expects),
else in cents. The same election is what the `.pb` download holds, so counting the
download with `samenhang tally` gives the published result.
"""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from sqlalchemy import select

from samenhang import jobs
from samenhang.accounts.models import User
from samenhang.audit.services import log_event
from samenhang.config import LOCALES
from samenhang.db import utcnow
from samenhang.errors import DomainError
from samenhang.extensions import db
from samenhang.places.models import Wijk
from samenhang.policies import require_manager
from samenhang.voting import codes, turnout
from samenhang.voting.models import (
    Ballot,
    BallotType,
    Category,
    Channel,
    CodeStatus,
    CountJob,
    Eligibility,
    Phase,
    Project,
    ProjectStatus,
    Round,
    Rule,
)
from samenhang.voting.queries import (
    code_counts,
    counted_ballots,
    invalid_paper_count,
    numbered_projects,
    online_voters,
)
from samenhang.voting.rules import election as engine
from samenhang.voting.rules.ballots import BallotTable
from samenhang.voting.rules.explain import Explanation, number_param, render
from samenhang.voting.rules.greedy import project_support, project_votes, support_order
from samenhang.voting.rules.pabulib import (
    GZIP_SUFFIX,
    PabulibError,
    read_pb,
    read_pb_bytes,
    with_counts,
    write_pb,
)
from samenhang.voting.rules.tally import META_RULES, RuleError, tally
from samenhang.voting.services.keys import sealed_count, unseal_ballots

VOTE_TYPES = {
    BallotType.approval: engine.VoteType.APPROVAL,
    BallotType.knapsack: engine.VoteType.APPROVAL,
    BallotType.ranking: engine.VoteType.ORDINAL,
    BallotType.points: engine.VoteType.CUMULATIVE,
}
#: The pabulib META `rule` for each of our rules.
PB_RULES = {Rule.greedy: "greedy", Rule.mes: "equalshares", Rule.mes_add1: "equalshares/add1"}
#: How pabulib files name the channel of a vote (Amsterdam's `voting_method`).
PB_CHANNELS = {Channel.online: "internet", Channel.paper: "paper"}
MAX_IMPORT_BYTES = 20 * 1024 * 1024
log = logging.getLogger(__name__)


class _Rendered:
    """An engine explanation shown in the reader's language when it is turned into text."""

    def __init__(self, explanation: Explanation) -> None:
        self.explanation = explanation

    def __str__(self) -> str:
        from flask_babel import gettext, ngettext

        return render(self.explanation, gettext, ngettext=ngettext)


def money_unit(round_: Round) -> int:
    """Cents per engine money unit: 100 when every amount is whole euros, else 1."""
    if round_.is_imported:
        return 100
    amounts = [round_.budget_cents, *(p.cost_cents for p in round_.accepted_projects)]
    amounts += [c.cap_cents for c in round_.categories if c.cap_cents is not None]
    return 100 if all(amount % 100 == 0 for amount in amounts) else 1


def _weights(round_: Round, ballots: list[Ballot]) -> dict[Channel, engine.Number]:
    online = sum(1 for b in ballots if b.channel is Channel.online)
    paper = len(ballots) - online
    if round_.is_channel_balanced and online and paper:
        # Amsterdam: each channel counts for half of the outcome.
        total = online + paper
        return {
            Channel.online: _number(Fraction(total, 2 * online)),
            Channel.paper: _number(Fraction(total, 2 * paper)),
        }
    return {
        Channel.online: _number(Fraction(str(Decimal(round_.online_weight).normalize()))),
        Channel.paper: _number(Fraction(str(Decimal(round_.paper_weight).normalize()))),
    }


def _number(value: Fraction) -> engine.Number:
    return int(value) if value.denominator == 1 else value


def build_election(round_: Round) -> engine.Election:
    """The round as the engine sees it (imported rounds: the file itself)."""
    if round_.imported_pb is not None:
        return read_pb(round_.imported_pb, filename=f"round-{round_.id}.pb")
    unit = money_unit(round_)
    projects = numbered_projects(round_)
    by_id = {p.id: p for p in projects}
    engine_projects = {
        p.engine_id: engine.Project(
            id=p.engine_id,
            cost=p.cost_cents // unit,
            name=p.title,
            categories=(p.category.name,) if p.category else (),
        )
        for p in projects
    }
    counted = [b for b in counted_ballots(round_) if not b.is_blank]
    weights = _weights(round_, counted)
    ballots = []
    for number, ballot in enumerate(counted, start=1):
        ballots.append(
            engine.Ballot(
                voter_id=str(number),
                projects=tuple(by_id[p].engine_id for p in ballot.selection if p in by_id),
                points=tuple(ballot.points or ()),
                weight=weights[ballot.channel],
                extra={"voting_method": PB_CHANNELS[ballot.channel]},
            )
        )
    caps = {c.name: c.cap_cents // unit for c in round_.categories if c.cap_cents is not None}
    return engine.Election(
        budget=round_.budget_cents // unit,
        projects=engine_projects,
        ballots=ballots,
        vote_type=VOTE_TYPES[round_.ballot_type],
        limits=_limits(round_, unit),
        rule=PB_RULES[round_.rule],
        caps=engine.CategoryCaps(budgets=caps) if caps else None,
        leftover=engine.Leftover.FUND_FITTING
        if round_.is_leftover_funded
        else engine.Leftover.NONE,
        meta=_meta(round_, unit),
    )


def _limits(round_: Round, unit: int) -> engine.BallotLimits:
    match round_.ballot_type:
        case BallotType.approval:
            return engine.BallotLimits(
                min_length=round_.min_projects or None, max_length=round_.max_projects
            )
        case BallotType.knapsack:
            return engine.BallotLimits(max_sum_cost=round_.budget_cents // unit)
        case BallotType.ranking:
            return engine.BallotLimits(
                min_length=round_.min_projects or None, max_length=round_.max_projects
            )
    return engine.BallotLimits(max_sum_points=round_.max_points)


def _meta(round_: Round, unit: int) -> dict[str, str]:
    meta = {
        "description": round_.title,
        "country": "Netherlands",
        "unit": round_.wijk.municipality.name,
        "district": round_.wijk.name,
        "instance": str(round_.id),
        "currency": round_.currency,
        "language": "nl",
    }
    if round_.voting_on:
        meta["date_begin"] = round_.voting_on.isoformat()
    if round_.counting_on:
        meta["date_end"] = round_.counting_on.isoformat()
    if unit == 1:
        meta["comment"] = "Amounts are in cents."
    return meta


# --- counting ---------------------------------------------------------------------------


def _turnout(round_: Round, election: engine.Election) -> dict[str, Any]:
    """Ballots, eligible voters and who took part (`samenhang.voting.turnout`), raw: every
    page and download shows them through `turnout.tables`, which suppresses small cells."""
    if round_.is_imported:
        methods = _vote_column(election, "voting_method")
        online = sum(1 for m in methods if m == "internet")
        paper = sum(1 for m in methods if m == "paper")
        by_channel = {"online": online, "paper": paper}
        return {
            "total": len(election.ballots),
            "online": online,
            "paper": paper,
            "blank": 0,
            "invalid": 0,
            "eligible": None,
            "by_channel": turnout.with_unknown(by_channel, len(election.ballots))
            if online + paper < len(election.ballots)
            else by_channel,
        }
    ballots = counted_ballots(round_)
    # Invalid paper ballots were cast (turnout) but name nothing that counts (tally).
    invalid = invalid_paper_count(round_)
    eligible = round_.eligible_count
    if eligible is None and round_.eligibility is Eligibility.codes:
        counts = code_counts(round_)
        eligible = (counts[CodeStatus.issued] + counts[CodeStatus.spent]) or None
    total = len(ballots) + invalid
    paper = sum(1 for b in ballots if b.channel is Channel.paper) + invalid
    online_by = online_voters(round_)
    by_channel = {"code": online_by["code"], "account": online_by["account"], "paper": paper}
    if not round_.eligibility.uses_codes:
        del by_channel["code"]
    if not round_.eligibility.uses_residents:
        del by_channel["account"]
    profile = round_.ballot_profile
    return {
        "total": total,
        "online": total - paper,
        "paper": paper,
        "blank": sum(1 for b in ballots if b.is_blank),
        "invalid": invalid,
        "eligible": eligible,
        "by_channel": by_channel,
        # Only sealed ballots carried a language, device or age band: none for others.
        "by_language": turnout.with_unknown(profile["language"], total) if profile else None,
        "by_device": turnout.with_unknown(profile["device"], total) if profile else None,
        "by_age_band": turnout.with_unknown(profile["age_band"], total)
        if profile and profile.get("age_band") is not None
        else None,
    }


def _vote_column(election: engine.Election, column: str) -> list[str]:
    """A column of the votes as text per ballot, without building the ballots if read."""
    if isinstance(election.ballots, BallotTable):
        return dict(election.ballots.extra).get(column, [""] * len(election.ballots))
    return [b.extra.get(column, "") for b in election.ballots]


def run_tally(election: engine.Election, round_: Round) -> Any:
    rule = None if round_.is_imported else round_.rule.value
    try:
        return tally(election, rule=rule)
    except RuleError as exc:
        raise DomainError(
            _l("The count is not possible: {problem}"), problem=_Rendered(exc.explanation)
        ) from exc


def count_round(
    round_: Round,
    *,
    shares: Sequence[str] = (),
    actor: User,
    report: jobs.Report | None = None,
) -> dict[str, Any]:
    """Count the round (again, while it is in the counting phase) and keep the result.

    While online ballots are sealed, two of the round's key shares open them first
    (`unseal_ballots`), in the same transaction; a recount needs no shares."""
    require_manager(actor, round_.wijk)
    if round_.is_annulled:
        raise DomainError(_l("This round was annulled. It cannot be counted."))
    if round_.phase is not Phase.counting:
        raise DomainError(_l("Close the vote (phase: counting) before you count."))
    if sealed_count(round_):
        unseal_ballots(round_, shares, actor=actor)
    round_.result = _safe_result(round_, report or _no_report)
    round_.counted_at = utcnow()
    log_event(
        actor,
        "stemdag.counted",
        round_,
        wijk=round_.wijk,
        after={
            "selected": round_.result["tally"]["selected"],
            "ballots": round_.result["turnout"]["total"],
        },
        public=True,
    )
    return round_.result


def processing_order(
    election: engine.Election, funded: Any, support: dict[str, engine.Number]
) -> list[str]:
    """The projects in the order the rule took them: the funded ones in the order they
    were funded, then the others in the order greedy considered them (by support, ties as
    the engine breaks them). The results page lists them so, and its explanations ("what
    was left") then follow each other."""
    order = list(funded)
    seen = set(order)
    for project in support_order(election, support):
        if project.id not in seen:
            order.append(project.id)
            seen.add(project.id)
    order += [p for p in election.projects if p not in seen]
    return order


def _safe_result(round_: Round, report: jobs.Report) -> dict[str, Any]:
    """The count, or a DomainError that says why not: a count never ends in a server
    error, whatever a round's settings (a round saved before they were checked may hold an
    infinite weight). The technical cause goes to the server log, never a ballot."""
    _check_countable(round_)
    try:
        return _result(round_, report)
    except DomainError:
        raise
    except (ArithmeticError, ValueError, TypeError, KeyError, OverflowError) as exc:
        log.exception("counting round %s failed", round_.id)
        raise DomainError(
            _l(
                "The count is not possible: the engine stopped with “{problem}”. Check the"
                " round's settings (budget, weights, limits) and count again."
            ),
            problem=type(exc).__name__,
        ) from exc


def _check_countable(round_: Round) -> None:
    if round_.is_imported:
        return
    for weight in (round_.online_weight, round_.paper_weight):
        value = Decimal(weight) if weight is not None else None
        if value is None or not value.is_finite() or value <= 0 or value > 10**4:
            raise DomainError(
                _l(
                    "The count is not possible: a weight of this round ({weight}) is not a"
                    " usable number. Ask an administrator to correct it."
                ),
                weight=str(weight),
            )


def _result(round_: Round, report: jobs.Report) -> dict[str, Any]:
    report("reading", 5)
    election = build_election(round_)
    report("counting", 30)
    result = run_tally(election, round_)
    report("explaining", 80)
    support = project_support(election)
    votes = project_votes(election)
    report("saving", 95)
    return {
        "unit_cents": money_unit(round_),
        "currency": round_.currency,
        "tally": result.as_dict(),
        "order": processing_order(election, result.funding_order, support),
        "support": {p: number_param(s) for p, s in support.items()},
        "votes": votes,
        "turnout": _turnout(round_, election),
        "counted_at": utcnow().isoformat(),
    }


def _no_report(stage: str, percent: int) -> None:
    """Counting outside a job: progress goes nowhere."""


#: The stages of a count job, in order, as the manage page names them.
COUNT_STAGES = {
    "queued": _l("Waiting to start"),
    "reading": _l("Reading the ballots"),
    "counting": _l("Counting"),
    "explaining": _l("Explaining the outcome"),
    "saving": _l("Saving the result"),
}


def start_count(round_: Round, *, shares: Sequence[str] = (), actor: User) -> CountJob:
    """Count the round as a job (see `samenhang.jobs`): its progress, and why it failed if
    it does, are on the job, shown on the manage page. Refusals before the count starts
    (who may, which phase, the key shares) are raised as usual.

    Sealed ballots are opened here, in the request, with the shares typed in: the job
    (which a queue may later run elsewhere) never holds a share."""
    require_manager(actor, round_.wijk)
    if round_.is_annulled:
        raise DomainError(_l("This round was annulled. It cannot be counted."))
    if round_.phase is not Phase.counting:
        raise DomainError(_l("Close the vote (phase: counting) before you count."))
    if sealed_count(round_):
        unseal_ballots(round_, shares, actor=actor)
    job = CountJob(round=round_, requested_by=actor, status=jobs.JobStatus.queued)
    jobs.submit(job, "samenhang.voting.counting:run_count_job")
    return job


def run_count_job(job: CountJob, report: jobs.Report) -> None:
    """The work of a count job (in the request, or in a worker)."""
    if job.requested_by is None:  # pragma: no cover - the account was deleted meanwhile
        raise DomainError(
            _l("The count stopped with an unexpected error ({error}). Nothing was changed."),
            error="account",
        )
    try:
        count_round(job.round, actor=job.requested_by, report=report)
    except DomainError:
        raise
    except Exception as exc:
        # Anything the engine did not foresee still tells the wijkmanager the count failed.
        raise DomainError(
            _l("The count stopped with an unexpected error ({error}). Nothing was changed."),
            error=type(exc).__name__,
        ) from exc


def latest_count_job(round_: Round) -> CountJob | None:
    return db.session.scalar(
        select(CountJob).where(CountJob.round_id == round_.id).order_by(CountJob.id.desc())
    )


# --- open data --------------------------------------------------------------------------


def export_pb(round_: Round) -> str:
    """All counted ballots, anonymised, as a pabulib file with votes and the selection."""
    election = build_election(round_)
    selected = round_.result["tally"]["selected"] if round_.result else None
    return write_pb(with_counts(election, selected))


def export_csv(round_: Round) -> str:
    """One line per counted ballot (blank ones too): an anonymous number, the channel,
    the weight, the projects (ids as in the .pb file) and the points."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["ballot", "channel", "weight", "blank", "projects", "points"])
    if round_.imported_pb is not None:
        for ballot in build_election(round_).ballots:
            writer.writerow(
                [
                    ballot.voter_id,
                    ballot.extra.get("voting_method", ""),
                    str(ballot.weight),
                    "0",
                    " ".join(ballot.projects),
                    " ".join(map(str, ballot.points)),
                ]
            )
        return out.getvalue()
    by_id = {p.id: p.engine_id for p in round_.projects}
    ballots = counted_ballots(round_)
    weights = _weights(round_, [b for b in ballots if not b.is_blank])
    for number, ballot in enumerate(ballots, start=1):
        writer.writerow(
            [
                number,
                PB_CHANNELS[ballot.channel],
                str(weights[ballot.channel]),
                "1" if ballot.is_blank else "0",
                " ".join(by_id[p] for p in ballot.selection),
                " ".join(map(str, ballot.points or ())),
            ]
        )
    return out.getvalue()


# --- import -----------------------------------------------------------------------------


def _ballot_type(election: engine.Election) -> tuple[BallotType, dict[str, int | None]]:
    limits = election.limits
    if election.vote_type is engine.VoteType.ORDINAL:
        return BallotType.ranking, {
            "min_projects": limits.min_length or 0,
            "max_projects": limits.max_length or len(election.projects),
        }
    if election.vote_type.has_points:
        most = limits.max_sum_points or max((sum(b.points) for b in election.ballots), default=1)
        return BallotType.points, {"max_points": most}
    if election.vote_type is engine.VoteType.CHOOSE_ONE:
        return BallotType.approval, {"min_projects": 1, "max_projects": 1}
    if limits.max_sum_cost is not None and limits.max_length is None:
        return BallotType.knapsack, {}
    return BallotType.approval, {
        "min_projects": limits.min_length or 0,
        "max_projects": limits.max_length or len(election.projects),
    }


def import_pb(wijk: Wijk, data: bytes, filename: str, *, actor: User) -> Round:
    """A round from a pabulib file, counted at once and shown with its results."""
    require_manager(actor, wijk)
    if len(data) > MAX_IMPORT_BYTES:
        raise DomainError(_l("The file is too large. The maximum is {size} MB."), size=20)
    try:
        election = read_pb(data, filename=filename)
    except PabulibError as exc:
        raise _unreadable(exc) from exc
    if election.budget <= 0 or not election.projects:
        raise DomainError(_l("The file has no budget or no projects."))
    text = data.decode("utf-8").removeprefix("\ufeff")
    meta = election.meta
    ballot_type, counts = _ballot_type(election)
    rule = {"greedy": Rule.greedy, "mes": Rule.mes}.get(
        META_RULES.get(election.rule, "greedy"), Rule.mes_add1
    )
    title = meta.get("description") or filename.rsplit(".", 1)[0]
    language = meta.get("language", "nl")
    round_ = Round(
        wijk=wijk,
        title=title[:120],
        description="",
        budget_cents=election.budget * 100,
        currency=(meta.get("currency") or "EUR")[:3].upper(),
        ballot_type=ballot_type,
        rule=rule,
        eligibility=Eligibility.codes,
        phase=Phase.results,
        salt=codes.new_salt(),
        imported_pb=text,
        created_by=actor,
        **counts,
    )
    caps = election.caps.budgets if election.caps and election.caps.column == "category" else {}
    names = list(
        dict.fromkeys([*caps, *(c for p in election.projects.values() for c in p.categories)])
    )
    categories = {
        name: Category(
            name=name[:80], cap_cents=caps[name] * 100 if name in caps else None, position=i
        )
        for i, name in enumerate(names)
    }
    round_.categories = list(categories.values())
    db.session.add(round_)
    for position, project in enumerate(election.projects.values()):
        round_.projects.append(
            Project(
                pb_id=project.id,
                title=(project.name or project.id)[:120],
                summary=(project.extra.get("description") or "")[:500],
                original_locale=language if language in LOCALES else "nl",
                cost_cents=project.cost * 100,
                status=ProjectStatus.accepted,
                category=categories[project.categories[0]] if project.categories else None,
                position=position,
            )
        )
    db.session.flush()
    round_.result = _result(round_, _no_report)
    round_.counted_at = utcnow()
    log_event(
        actor,
        "stemdag.imported",
        round_,
        wijk=wijk,
        after={
            "file": filename[:100],
            "projects": len(election.projects),
            "ballots": len(election.ballots),
        },
        public=True,
    )
    return round_


def import_pb_file(
    path: str, wijk_slug: str, municipality_slug: str | None = None, email: str | None = None
) -> Round:
    """`samenhang stemdag-import`: find the wijk and the importing user, then import the
    file (`.pb`, or gzipped `.pb.gz`)."""
    from pathlib import Path

    from samenhang.accounts.models import Role

    stmt = select(Wijk).where(Wijk.slug == wijk_slug)
    if municipality_slug:
        from samenhang.places.models import Municipality

        stmt = stmt.join(Wijk.municipality).where(Municipality.slug == municipality_slug)
    wijken = list(db.session.scalars(stmt))
    if len(wijken) != 1:
        raise DomainError(
            lazy_ngettext(
                "Name one wijk: {count} wijk matches.",
                "Name one wijk: {count} wijken match.",
                len(wijken),
            ),
            count=len(wijken),
        )
    users = select(User).where(User.is_deleted.is_(False))
    users = (
        users.where(User.email == email.lower()) if email else users.where(User.role == Role.admin)
    )
    actor = db.session.scalars(users.order_by(User.id)).first()
    if actor is None:
        raise DomainError(_l("No user to import as: create an administrator first."))
    file = Path(path)
    try:
        data = read_pb_bytes(file)
    except PabulibError as exc:
        raise _unreadable(exc) from exc
    return import_pb(wijken[0], data, file.name.removesuffix(GZIP_SUFFIX), actor=actor)


def _unreadable(exc: PabulibError) -> DomainError:
    return DomainError(
        _l("The file cannot be read (line {line}): {problem}"),
        line=exc.line or "-",
        problem=_Rendered(exc.explanation),
    )
