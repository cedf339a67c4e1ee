"""Rounds of a wijkstemdag: creating and editing them, and the phases they go through."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from sqlalchemy import select

from samenhang.accounts.models import User
from samenhang.audit.services import log_event
from samenhang.db import utcnow
from samenhang.errors import DomainError
from samenhang.extensions import db
from samenhang.localtime import local_date
from samenhang.places.models import Wijk
from samenhang.policies import require_manager
from samenhang.voting import codes, live
from samenhang.voting.models import (
    PHASE_ORDER,
    BallotType,
    BatchStatus,
    Category,
    Eligibility,
    PaperBatch,
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


#: Sensible bounds of a round's settings: far beyond any wijk, far within the columns
#: (BigInteger cents, Numeric(8, 4) weights, Integer counts) and what a count can handle.
MAX_BUDGET_CENTS = 10**13  # 100 billion euros
MAX_WEIGHT = Decimal(100)
WEIGHT_PLACES = 4
MAX_PROJECTS_ON_BALLOT = 100
MAX_POINTS = 1000
MAX_ELIGIBLE = 10_000_000


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_weight(value: object) -> None:
    """A weight is a finite decimal above 0, at most MAX_WEIGHT, with at most 4 decimals
    (Infinity and NaN would freeze the round uncountable once voting opens)."""
    if isinstance(value, int | float):
        value = Decimal(str(value)) if not isinstance(value, bool) else None
    exponent = value.as_tuple().exponent if isinstance(value, Decimal) else None
    if (
        not isinstance(value, Decimal)
        or not value.is_finite()
        or not isinstance(exponent, int)
        or not Decimal(0) < value <= MAX_WEIGHT
        or value != value.quantize(Decimal(1).scaleb(-WEIGHT_PLACES))
    ):
        raise DomainError(weight_rule(), maximum=int(MAX_WEIGHT), places=WEIGHT_PLACES)


def weight_rule() -> Any:
    """What a weight may be, for the round form and for this service alike (a lazy string
    with placeholders `maximum` and `places`)."""
    return lazy_ngettext(
        "A weight must be a number above 0 and at most {maximum}, with at most {places} decimal.",
        "A weight must be a number above 0 and at most {maximum}, with at most {places} decimals.",
        WEIGHT_PLACES,
    )


def _check_round_data(data: RoundData) -> None:
    if not data.title.strip():
        raise DomainError(_l("A round needs a title."))
    if not _is_int(data.budget_cents) or data.budget_cents <= 0:
        raise DomainError(_l("The budget must be more than zero."))
    if data.budget_cents > MAX_BUDGET_CENTS:
        raise DomainError(
            _l("The budget is too large. The maximum is {amount} euros."),
            amount=f"{MAX_BUDGET_CENTS // 100:,}".replace(",", "."),
        )
    for value in (
        data.min_projects,
        data.max_projects,
        data.max_points,
        data.min_age,
        data.eligible_count,
    ):
        if value is not None and not _is_int(value):
            raise DomainError(_l("Fill in whole numbers."))
    if data.ballot_type in (BallotType.approval, BallotType.ranking):
        low, high = data.min_projects, data.max_projects
        if high is None or not 1 <= high <= MAX_PROJECTS_ON_BALLOT:
            raise DomainError(
                _l("Say how many projects a voter may choose at most (1 to {maximum})."),
                maximum=MAX_PROJECTS_ON_BALLOT,
            )
        if low is not None and (low < 0 or low > high):
            raise DomainError(_l("The minimum number of projects cannot be above the maximum."))
    if data.ballot_type is BallotType.points and (
        data.max_points is None or not 1 <= data.max_points <= MAX_POINTS
    ):
        raise DomainError(
            _l("Say how many points a voter may give (1 to {maximum})."), maximum=MAX_POINTS
        )
    if data.min_age is not None and not 0 <= data.min_age <= 120:
        raise DomainError(_l("The minimum age must be between 0 and 120."))
    _check_weight(data.online_weight)
    _check_weight(data.paper_weight)
    if data.eligible_count is not None and not 1 <= data.eligible_count <= MAX_ELIGIBLE:
        raise DomainError(
            _l("The number of people who may vote must be between 1 and {maximum}."),
            maximum=f"{MAX_ELIGIBLE:,}".replace(",", "."),
        )
    if len(data.categories) > MAX_CATEGORIES:
        raise DomainError(
            lazy_ngettext(
                "At most {count} category.", "At most {count} categories.", MAX_CATEGORIES
            ),
            count=MAX_CATEGORIES,
        )
    names = [name.strip() for name, _ in data.categories]
    if len(set(names)) != len(names) or any(not n or "," in n for n in names):
        raise DomainError(_l("Give every category its own name, without commas."))
    for _, cap in data.categories:
        if cap is not None and (not _is_int(cap) or not 0 <= cap <= data.budget_cents):
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
    closes = data.voting_closes_at
    if closes is not None:
        closes_on = local_date(closes) if closes.tzinfo else closes.date()
        if (data.voting_on and closes_on < data.voting_on) or (
            data.counting_on and closes_on > data.counting_on
        ):
            raise DomainError(
                _l("Voting must close on or after the first day of voting, and before counting.")
            )


def _settings_of(round_: Round) -> RoundData:
    """A round's stored settings as input, to check them again before voting opens (a
    round saved before these checks existed may hold any number)."""
    return RoundData(
        title=round_.title,
        budget_cents=round_.budget_cents,
        ballot_type=round_.ballot_type,
        rule=round_.rule,
        eligibility=round_.eligibility,
        min_projects=round_.min_projects,
        max_projects=round_.max_projects,
        max_points=round_.max_points,
        min_age=round_.min_age,
        online_weight=Decimal(round_.online_weight),
        paper_weight=Decimal(round_.paper_weight),
        is_leftover_funded=round_.is_leftover_funded,
        eligible_count=round_.eligible_count,
        ideas_on=round_.ideas_on,
        review_on=round_.review_on,
        voting_on=round_.voting_on,
        counting_on=round_.counting_on,
        results_on=round_.results_on,
        voting_closes_at=round_.voting_closes_at,
        categories=[(c.name, c.cap_cents) for c in round_.categories],
    )


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
    if target is Phase.counting and _stacks_waiting(round_):
        # After voting no stack can be checked: one waiting now would never count.
        raise DomainError(
            _l(
                "Some paper stacks are still waiting for a check. Let a volunteer confirm or"
                " reject them before counting starts."
            )
        )
    if target is Phase.results:
        if round_.result is None:
            raise DomainError(_l("Run the count before you publish the results."))
        fund_winners(round_, actor=actor)
    if target in (Phase.voting, Phase.counting):
        # The kept letters hold codes in the clear: they go when voting opens (and those
        # made while it was open, when it closes). See letter_batches.
        from samenhang.voting.services.letter_batches import delete_letter_files

        delete_letter_files(round_)
    before = round_.phase
    if before is Phase.voting:
        # The live counts of the vote go with it (once this commits); the count replaces them.
        live.forget_round(round_.id)
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


def _stacks_waiting(round_: Round) -> bool:
    stmt = select(PaperBatch.id).where(
        PaperBatch.round_id == round_.id, PaperBatch.status == BatchStatus.entered
    )
    return db.session.scalar(stmt.limit(1)) is not None


def _check_ready_for_voting(round_: Round) -> None:
    _check_round_data(_settings_of(round_))
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
