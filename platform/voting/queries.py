"""Reading wijkstemdag rounds: lists, the ballot's projects, receipts, counts."""

from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from samenhang.accounts.models import User
from samenhang.extensions import db
from samenhang.places.models import Wijk
from samenhang.voting import codes
from samenhang.voting.counting import numbered_projects
from samenhang.voting.models import (
    Ballot,
    CodeStatus,
    PaperBatch,
    Phase,
    Project,
    Round,
    RoundVolunteer,
    StemCode,
    VoterRecord,
)
from samenhang.voting.services import BallotProject, BallotRules, Credential

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


def get_round(round_id: int) -> Round | None:
    return db.session.get(Round, round_id)


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
    """A public round's `BallotRules`, or None for no such round (or a draft).

    Kept per process while the round is voting, when nothing in it can change but the
    phase: `services.cast_ballot` checks the phase (and the salt, which tells this round
    from a later one with the same id) in the statement that registers the vote. A refusal
    asks `rules_are_stale` before it answers.
    """
    rules = _rules_cache.get(round_id)
    if rules is not None:
        return rules
    round_ = db.session.get(Round, round_id)
    if round_ is None or round_.phase is Phase.draft:
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
    from samenhang.initiatives.models import Initiative

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


@dataclass(frozen=True)
class ReceiptStatus:
    found: bool
    is_counted: bool = False
    is_superseded: bool = False


def receipt_status(round_: Round, receipt: str) -> ReceiptStatus:
    """What a receipt code says about its ballot, without showing the ballot."""
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


def code_counts(round_: Round) -> dict[str, int]:
    rows = db.session.execute(
        select(StemCode.status, func.count(StemCode.id))
        .where(StemCode.round_id == round_.id)
        .group_by(StemCode.status)
    )
    counts = {status.value: 0 for status in CodeStatus}
    for status, count in rows:
        counts[CodeStatus(status).value] = int(count)
    return counts


def voter_count(round_: Round) -> int:
    return int(
        db.session.scalar(
            select(func.count(VoterRecord.id)).where(VoterRecord.round_id == round_.id)
        )
        or 0
    )


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
