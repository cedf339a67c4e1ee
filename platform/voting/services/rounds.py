"""Rounds of a wijkstemdag: creating and editing them, and the phases they go through."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l

from samenhang.accounts.models import User
from samenhang.audit.services import log_event
from samenhang.db import utcnow
from samenhang.errors import DomainError
from samenhang.extensions import db
from samenhang.places.models import Wijk
from samenhang.policies import require_manager
from samenhang.voting import codes
from samenhang.voting.models import (
    PHASE_ORDER,
    BallotType,
    Category,
    Eligibility,
    Phase,
    Round,
    Rule,
)
from samenhang.voting.sealing import CountingKey
from samenhang.voting.services.common import lock_round, require_editable
from samenhang.voting.services.keys import create_counting_key
from samenhang.voting.services.publishing import fund_winners

MAX_CATEGORIES = 12


@dataclass
class RoundData:
    """Validated form input; money in integer cents."""

    title: str
    budget_cents: int
    ballot_type: BallotType
    rule: Rule
    eligibility: Eligibility
    description: str = ""
    min_projects: int | None = None
    max_projects: int | None = None
    max_points: int | None = None
    min_age: int | None = None
    allows_changes: bool = False
    allows_blank: bool = False
    asks_age_band: bool = False
    online_weight: Decimal = Decimal(1)
    paper_weight: Decimal = Decimal(1)
    is_channel_balanced: bool = False
    is_leftover_funded: bool = False
    eligible_count: int | None = None
    ideas_on: date | None = None
    review_on: date | None = None
    voting_on: date | None = None
    counting_on: date | None = None
    results_on: date | None = None
    voting_closes_at: datetime | None = None
    #: (name, cap in cents or None)
    categories: list[tuple[str, int | None]] = field(default_factory=list)


def _check_round_data(data: RoundData) -> None:
    if not data.title.strip():
        raise DomainError(_l("A round needs a title."))
    if data.budget_cents <= 0:
        raise DomainError(_l("The budget must be more than zero."))
    if data.ballot_type in (BallotType.approval, BallotType.ranking):
        low, high = data.min_projects, data.max_projects
        if high is None or high < 1:
            raise DomainError(_l("Say how many projects a voter may choose at most (1 or more)."))
        if low is not None and (low < 0 or low > high):
            raise DomainError(_l("The minimum number of projects cannot be above the maximum."))
    if data.ballot_type is BallotType.points and (data.max_points is None or data.max_points < 1):
        raise DomainError(_l("Say how many points a voter may give (1 or more)."))
    if data.min_age is not None and not 0 <= data.min_age <= 120:
        raise DomainError(_l("The minimum age must be between 0 and 120."))
    if data.online_weight <= 0 or data.paper_weight <= 0:
        raise DomainError(_l("A weight must be more than zero."))
    if data.eligible_count is not None and data.eligible_count < 1:
        raise DomainError(_l("The number of people who may vote must be 1 or more."))
    if len(data.categories) > MAX_CATEGORIES:
        raise DomainError(_l("At most {count} categories."), count=MAX_CATEGORIES)
    names = [name.strip() for name, _ in data.categories]
    if len(set(names)) != len(names) or any(not n or "," in n for n in names):
        raise DomainError(_l("Give every category its own name, without commas."))
    for _, cap in data.categories:
        if cap is not None and not 0 <= cap <= data.budget_cents:
            raise DomainError(_l("A category cap must be between zero and the budget."))
    if data.is_leftover_funded and data.rule is not Rule.greedy:
        raise DomainError(_l("Funding projects from money left over works with greedy only."))
    if any(cap is not None for _, cap in data.categories) and data.rule is not Rule.greedy:
        raise DomainError(_l("Category caps work with the greedy rule only."))
    schedule = [
        d
        for d in (data.ideas_on, data.review_on, data.voting_on, data.counting_on, data.results_on)
        if d is not None
    ]
    if schedule != sorted(schedule):
        raise DomainError(_l("The phases must follow each other in time."))


def _apply_round(round_: Round, data: RoundData) -> None:
    round_.title = data.title.strip()[:120]
    round_.description = data.description.strip()
    round_.budget_cents = data.budget_cents
    round_.ballot_type = data.ballot_type
    uses_count = data.ballot_type in (BallotType.approval, BallotType.ranking)
    round_.min_projects = (data.min_projects or 0) if uses_count else None
    round_.max_projects = data.max_projects if uses_count else None
    round_.max_points = data.max_points if data.ballot_type is BallotType.points else None
    round_.rule = data.rule
    round_.eligibility = data.eligibility
    round_.min_age = data.min_age
    round_.allows_changes = data.allows_changes
    round_.allows_blank = data.allows_blank
    round_.asks_age_band = data.asks_age_band
    round_.online_weight = data.online_weight
    round_.paper_weight = data.paper_weight
    round_.is_channel_balanced = data.is_channel_balanced
    round_.is_leftover_funded = data.is_leftover_funded
    round_.eligible_count = data.eligible_count
    round_.ideas_on = data.ideas_on
    round_.review_on = data.review_on
    round_.voting_on = data.voting_on
    round_.counting_on = data.counting_on
    round_.results_on = data.results_on
    round_.voting_closes_at = data.voting_closes_at
    existing = {c.name: c for c in round_.categories}
    wanted = []
    for position, (name, cap) in enumerate(data.categories):
        category = existing.pop(name.strip(), None) or Category(name=name.strip())
        category.cap_cents = cap
        category.position = position
        wanted.append(category)
    for gone in existing.values():
        if any(p.category_id == gone.id for p in round_.projects):
            raise DomainError(
                _l("Category “{name}” still has projects; move them first."), name=gone.name
            )
    round_.categories = wanted
    round_.updated_at = utcnow()


def _round_summary(round_: Round) -> dict[str, Any]:
    return {
        "title": round_.title,
        "budget_cents": round_.budget_cents,
        "ballot_type": round_.ballot_type.value,
        "rule": round_.rule.value,
        "eligibility": round_.eligibility.value,
        "min_projects": round_.min_projects,
        "max_projects": round_.max_projects,
        "max_points": round_.max_points,
        "min_age": round_.min_age,
        "allows_changes": round_.allows_changes,
        "allows_blank": round_.allows_blank,
        "asks_age_band": round_.asks_age_band,
        "categories": [[c.name, c.cap_cents] for c in round_.categories],
    }


def create_round(wijk: Wijk, data: RoundData, *, actor: User) -> Round:
    require_manager(actor, wijk)
    _check_round_data(data)
    round_ = Round(wijk=wijk, phase=Phase.draft, salt=codes.new_salt(), created_by=actor)
    db.session.add(round_)
    _apply_round(round_, data)
    db.session.flush()
    log_event(
        actor, "stemdag.created", round_, wijk=wijk, after=_round_summary(round_), public=True
    )
    return round_


def update_round(round_: Round, data: RoundData, *, actor: User) -> None:
    require_manager(actor, round_.wijk)
    require_editable(round_)
    _check_round_data(data)
    before = _round_summary(round_)
    _apply_round(round_, data)
    db.session.flush()
    log_event(
        actor,
        "stemdag.edited",
        round_,
        wijk=round_.wijk,
        before=before,
        after=_round_summary(round_),
        public=True,
    )


def allowed_phases(round_: Round) -> list[Phase]:
    """One step forward; one step back while voting has not opened."""
    index = PHASE_ORDER.index(round_.phase)
    allowed = []
    if round_.is_imported or round_.is_annulled:
        return []
    if index + 1 < len(PHASE_ORDER):
        allowed.append(PHASE_ORDER[index + 1])
    if 0 < index < PHASE_ORDER.index(Phase.voting):
        allowed.append(PHASE_ORDER[index - 1])
    return allowed


def change_phase(round_: Round, target: Phase, *, actor: User) -> CountingKey | None:
    """The only way a round changes phase: in order, by its wijkmanager, audit-logged.

    Opening the vote creates the round's counting key and returns it: its three key
    shares exist only in that value, to be shown to the wijkmanager once."""
    require_manager(actor, round_.wijk)
    round_ = lock_round(round_)
    if target not in allowed_phases(round_):
        raise DomainError(_l("This phase cannot follow the current one."))
    key = None
    if target is Phase.voting:
        _check_ready_for_voting(round_)
        key = create_counting_key(round_, actor=actor)
    if target is Phase.results:
        if round_.result is None:
            raise DomainError(_l("Run the count before you publish the results."))
        fund_winners(round_, actor=actor)
    before = round_.phase
    round_.phase = target
    round_.updated_at = utcnow()
    log_event(
        actor,
        "stemdag.phase_changed",
        round_,
        wijk=round_.wijk,
        before={"phase": before.value},
        after={"phase": target.value},
        public=True,
    )
    return key


def _check_ready_for_voting(round_: Round) -> None:
    accepted = round_.accepted_projects
    if len(accepted) < 2:
        raise DomainError(_l("Accept at least two projects before voting opens."))
    counted = round_.ballot_type in (BallotType.approval, BallotType.ranking)
    if counted and (round_.min_projects or 0) > len(accepted):
        raise DomainError(
            _l("The ballot asks for more projects than there are on it. Lower the minimum.")
        )
    if round_.ballot_type is BallotType.knapsack and not any(
        p.cost_cents <= round_.budget_cents for p in accepted
    ):
        raise DomainError(_l("No project fits in the budget."))
    if round_.voting_closes_at is not None and round_.voting_closes_at <= utcnow():
        raise DomainError(_l("The closing time of the vote has already passed."))
