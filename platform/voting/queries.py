"""Reading wijkstemdag rounds: lists, the ballot's projects, receipts, counts, and what
the stored count says."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from samenhang.accounts.models import User
from samenhang.extensions import db
from samenhang.initiatives.models import PUBLIC_STATES, Initiative
from samenhang.places.models import Wijk
from samenhang.policies import can_view_round
from samenhang.voting import codes
from samenhang.voting.models import (
    Ballot,
    BatchStatus,
    Channel,
    CodeStatus,
    PaperBatch,
    Phase,
    Project,
    Round,
    RoundVolunteer,
    StemCode,
    VoterRecord,
)
from samenhang.voting.rules.explain import Explanation, render
from samenhang.voting.services.ballots import BallotProject, BallotRules, Credential

#: While voting, projects cannot change: their ballot data is cached this long per process.
BALLOT_CACHE_SECONDS = 60.0
#: Keyed by round id and salt (random per round), so a reused id never hits a stale entry.
_ballot_cache: dict[tuple[int, str], tuple[float, dict[int, BallotProject]]] = {}
#: The rules of rounds that are voting, per process, by round id (see `ballot_rules`).
_rules_cache: dict[int, BallotRules] = {}
MAX_CACHED_ROUNDS = 256


def rounds_of(wijk: Wijk) -> list[Round]:
    stmt = select(Round).where(Round.wijk_id == wijk.id).order_by(Round.id.desc())
    return list(db.session.scalars(stmt))


def open_round(wijk: Wijk) -> Round | None:
    """The round of the wijk whose vote is open, if any (for the wijk page)."""
    stmt = (
        select(Round)
        .where(Round.wijk_id == wijk.id, Round.phase == Phase.voting)
        .order_by(Round.id.desc())
        .limit(1)
    )
    return db.session.scalar(stmt)


def current_round(wijk: Wijk) -> Round | None:
    """The round the wijk page shows the phases of: the newest public round that is still
    under way, else the newest counted one. Drafts and annulled rounds are not shown."""
    stmt = (
        select(Round)
        .where(
            Round.wijk_id == wijk.id,
            Round.phase != Phase.draft,
            Round.annulled_at.is_(None),
        )
        .order_by((Round.phase == Phase.results).asc(), Round.id.desc())
        .limit(1)
    )
    return db.session.scalar(stmt)


def get_round(round_id: int, *, with_categories: bool = False) -> Round | None:
    """The round with its wijk and municipality (every round page shows them, and themes
    by them) in one query; `with_categories` joins the categories too (the ballot's rules
    name them)."""
    options = [joinedload(Round.wijk).joinedload(Wijk.municipality)]
    if with_categories:
        options.append(joinedload(Round.categories))
    return db.session.get(Round, round_id, options=options)


def published_counted_at(round_id: int) -> datetime | None:
    """When the published result of the round was counted; None while it is not
    published. It names the cached results page: a recount is a new page."""
    return db.session.scalar(
        select(Round.counted_at).where(Round.id == round_id, Round.phase == Phase.results)
    )


def numbered_projects(round_: Round) -> list[Project]:
    """The projects on the ballot, in ballot order; a project's number is its place + 1."""
    return sorted(round_.accepted_projects, key=lambda p: (p.position, p.id))


def ballot_projects(round_: Round) -> dict[int, BallotProject]:
    """Project id -> what validating a ballot needs; cached while the vote is open."""
    key = (round_.id, round_.salt)
    cached = _ballot_cache.get(key)
    now = time.monotonic()
    if round_.phase is Phase.voting and cached and now - cached[0] < BALLOT_CACHE_SECONDS:
        return cached[1]
    projects = {
        p.id: BallotProject(id=p.id, number=number, cost_cents=p.cost_cents)
        for number, p in enumerate(numbered_projects(round_), start=1)
    }
    if round_.phase is Phase.voting:
        _ballot_cache[key] = (now, projects)
    return projects


def ballot_rules(round_id: int) -> BallotRules | None:
    """The `BallotRules` of a round anyone may see, or None.

    Kept per process while the round is voting, when nothing in it can change but the
    phase: `services.cast_ballot` checks the phase (and the salt, which tells this round
    from a later one with the same id) in the statement that registers the vote. A refusal
    asks `rules_are_stale` before it answers.
    """
    rules = _rules_cache.get(round_id)
    if rules is not None:
        return rules
    # Read afresh: after a refusal found the kept copy stale, the session may still hold
    # the round as it was.
    round_ = db.session.get(Round, round_id, populate_existing=True)
    if round_ is None or not can_view_round(None, round_):
        return None
    rules = BallotRules.of(round_, ballot_projects(round_))
    if round_.phase is Phase.voting:
        if len(_rules_cache) >= MAX_CACHED_ROUNDS:
            _rules_cache.clear()
        _rules_cache[round_id] = rules
    return rules


def rules_are_stale(rules: BallotRules) -> bool:
    """Does the round still have the phase and salt of this copy? If not, the copy is
    dropped (the caller reads the round again). One query, asked on refusals only."""
    current = db.session.execute(
        select(Round.phase, Round.salt).where(Round.id == rules.id)
    ).one_or_none()
    if current is not None and (current.phase, current.salt) == (rules.phase, rules.salt):
        return False
    _rules_cache.pop(rules.id, None)
    return True


def projects_with_initiatives(round_: Round) -> list[Project]:
    """The ballot's projects with their initiatives' photos loaded, in ballot order."""
    stmt = (
        select(Project)
        .where(Project.round_id == round_.id)
        .options(
            selectinload(Project.initiative).selectinload(Initiative.photos),
            selectinload(Project.category),
        )
        .order_by(Project.position, Project.id)
    )
    return list(db.session.scalars(stmt))


def linkable_initiatives(round_: Round) -> list[Initiative]:
    """The published initiatives of the round's wijk, which a project may come from."""
    stmt = (
        select(Initiative)
        .where(Initiative.wijk_id == round_.wijk_id, Initiative.state.in_(PUBLIC_STATES))
        .order_by(Initiative.title)
    )
    return list(db.session.scalars(stmt))


@dataclass(frozen=True)
class ReceiptStatus:
    found: bool
    is_counted: bool = False
    is_superseded: bool = False


def receipt_status(round_: Round, receipt: str) -> ReceiptStatus:
    """What a receipt code says about its ballot: counted, replaced by a later ballot, or
    not known. Nothing about what it chose, so a receipt proves nothing to a buyer."""
    if not codes.looks_valid(receipt):
        return ReceiptStatus(found=False)
    superseded = db.session.scalar(
        select(Ballot.is_superseded).where(
            Ballot.round_id == round_.id,
            Ballot.receipt_hash == codes.hash_code(round_.salt, receipt),
        )
    )
    if superseded is None:
        return ReceiptStatus(found=False)
    return ReceiptStatus(found=True, is_counted=not superseded, is_superseded=bool(superseded))


def code_counts(round_: Round) -> dict[CodeStatus, int]:
    rows = db.session.execute(
        select(StemCode.status, func.count(StemCode.id))
        .where(StemCode.round_id == round_.id)
        .group_by(StemCode.status)
    )
    counts = dict.fromkeys(CodeStatus, 0)
    for status, count in rows:
        counts[CodeStatus(status)] = int(count)
    return counts


def voter_count(round_: Round) -> int:
    return int(
        db.session.scalar(
            select(func.count(VoterRecord.id)).where(VoterRecord.round_id == round_.id)
        )
        or 0
    )


def online_voters(round_: Round) -> dict[str, int]:
    """How many voted online with a stemcode and with an account (the register; counts
    only, for the turnout by channel)."""
    rows = db.session.execute(
        select(VoterRecord.stemcode_id.is_(None), func.count(VoterRecord.id))
        .where(VoterRecord.round_id == round_.id, VoterRecord.channel == Channel.online)
        .group_by(VoterRecord.stemcode_id.is_(None))
    )
    counts = {"code": 0, "account": 0}
    for by_account, count in rows:
        counts["account" if by_account else "code"] += int(count)
    return counts


def previous_turnout(round_: Round) -> list[dict[str, Any]]:
    """The wijk's other counted rounds before this one, oldest first: ballots, eligible
    and turnout (to compare with; whole rounds only, no cells)."""
    stmt = (
        select(Round)
        .where(
            Round.wijk_id == round_.wijk_id,
            Round.id != round_.id,
            Round.result.is_not(None),
            Round.phase == Phase.results,
        )
        .order_by(Round.counted_at, Round.id)
    )
    found = []
    for other in db.session.scalars(stmt):
        if round_.counted_at and other.counted_at and other.counted_at > round_.counted_at:
            continue
        figures = (other.result or {}).get("turnout") or {}
        eligible = figures.get("eligible")
        total = int(figures.get("total") or 0)
        found.append(
            {
                "round_id": other.id,
                "title": other.title,
                "counted_on": other.counted_at.date().isoformat() if other.counted_at else None,
                "ballots": total,
                "eligible": eligible,
                "turnout_percent": round(100 * total / int(eligible), 1) if eligible else None,
            }
        )
    return found


def has_voted(round_: Round, credential: Credential) -> bool:
    stmt = select(VoterRecord.id).where(VoterRecord.round_id == round_.id)
    if credential.code is not None:
        stmt = stmt.where(VoterRecord.stemcode_id == credential.code.id)
    elif credential.user is not None:
        stmt = stmt.where(VoterRecord.user_id == credential.user.id)
    return db.session.scalar(stmt) is not None


def volunteers(round_: Round) -> list[User]:
    stmt = (
        select(User)
        .join(RoundVolunteer, RoundVolunteer.user_id == User.id)
        .where(RoundVolunteer.round_id == round_.id)
        .order_by(User.display_name)
    )
    return list(db.session.scalars(stmt))


def paper_batches(round_: Round) -> list[PaperBatch]:
    stmt = (
        select(PaperBatch)
        .where(PaperBatch.round_id == round_.id)
        .options(selectinload(PaperBatch.entered_by), selectinload(PaperBatch.confirmed_by))
        .order_by(PaperBatch.id.desc())
    )
    return list(db.session.scalars(stmt))


def paper_counts(round_: Round) -> dict[str, int]:
    """Reconciliation: paper ballots handed out (register), entered per batch status, the
    invalid ones among the confirmed, and by how many the stacks (not rejected) exceed
    what the register handed out (0 when they do not)."""
    handed_out = db.session.scalar(
        select(func.count(VoterRecord.id)).where(
            VoterRecord.round_id == round_.id, VoterRecord.channel == Channel.paper
        )
    )
    rows = db.session.execute(
        select(
            PaperBatch.status,
            func.coalesce(func.sum(PaperBatch.entered_count), 0),
            func.coalesce(func.sum(PaperBatch.invalid_count), 0),
        )
        .where(PaperBatch.round_id == round_.id)
        .group_by(PaperBatch.status)
    )
    counts = {status.value: 0 for status in BatchStatus}
    invalid = 0
    for status, total, spoilt in rows:
        counts[BatchStatus(status).value] = int(total)
        if BatchStatus(status) is BatchStatus.confirmed:
            invalid = int(spoilt)
    handed = int(handed_out or 0)
    entered = counts[BatchStatus.entered.value] + counts[BatchStatus.confirmed.value]
    return {
        "handed_out": handed,
        **counts,
        "invalid": invalid,
        "over_register": max(0, entered - handed),
    }


def invalid_paper_count(round_: Round) -> int:
    """Invalid paper ballots of the confirmed stacks: turnout, never the tally."""
    total = db.session.scalar(
        select(func.coalesce(func.sum(PaperBatch.invalid_count), 0)).where(
            PaperBatch.round_id == round_.id, PaperBatch.status == BatchStatus.confirmed
        )
    )
    return int(total or 0)


# --- the count --------------------------------------------------------------------------


def counted_ballots(round_: Round) -> list[Ballot]:
    """The ballots that count: current online ones and those of confirmed paper batches,
    in their (random) key order. Only rows holding a choice: not the sealed ones, nor the
    cast rows whose content was written as plain rows when they were opened."""
    confirmed = select(PaperBatch.id).where(
        PaperBatch.round_id == round_.id, PaperBatch.status == BatchStatus.confirmed
    )
    stmt = (
        select(Ballot)
        .where(
            Ballot.round_id == round_.id,
            Ballot.is_superseded.is_(False),
            Ballot.selection.is_not(None),
            (Ballot.channel == Channel.online) | Ballot.batch_id.in_(confirmed),
        )
        .order_by(Ballot.id)
    )
    return list(db.session.scalars(stmt))


def funded_amounts(round_: Round) -> dict[int, int]:
    """Cents per funded project (by project id), from the stored count."""
    if not round_.result:
        return {}
    unit = int(round_.result["unit_cents"])
    explanations = round_.result["tally"]["explanations"]
    amounts = {}
    for project in round_.accepted_projects:
        found = explanations.get(project.engine_id)
        if found and found["funded"]:
            amounts[project.id] = int(found["amount"]) * unit
    return amounts


def explain(
    round_: Round,
    explanation: dict[str, Any],
    gettext: Callable[[str], str],
    format_money: Callable[[int, str], str],
    ngettext: Callable[[str, str, int], str],
) -> str:
    """An explanation stored with the count, as a sentence in the reader's language."""
    unit = int(round_.result["unit_cents"]) if round_.result else 100
    currency = round_.currency
    return render(
        Explanation(explanation["code"], explanation["params"]),
        gettext,
        lambda amount: format_money(round(float(amount) * unit), currency),
        ngettext=ngettext,
    )
