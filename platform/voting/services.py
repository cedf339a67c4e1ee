"""The write side of a wijkstemdag: rounds and their phases, projects, stemcodes, ballots,
the polling-station register, paper batches and publishing the result.

One person, one ballot is a database rule: casting spends the code with a conditional
UPDATE (issued -> spent, only while the round is voting) and inserts the voter's row in
the register (unique per round and user, and per round and code), then the secret ballot,
all in one transaction. Of two requests with the same code the second finds it spent; of
two with the same resident the second fails on the register's unique key.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, NoReturn

from flask_babel import lazy_gettext as _l
from sqlalchemy import Integer, String, bindparam, func, select, update
from sqlalchemy.exc import IntegrityError

from samenhang.accounts.models import User
from samenhang.audit.services import log_event
from samenhang.db import utcnow
from samenhang.errors import DomainError, PermissionDenied
from samenhang.extensions import db
from samenhang.initiatives.models import PUBLIC_STATES, Initiative
from samenhang.initiatives.models import State as InitiativeState
from samenhang.places.models import Wijk
from samenhang.policies import can_manage
from samenhang.voting import codes
from samenhang.voting.models import (
    PHASE_ORDER,
    Ballot,
    BallotType,
    BatchStatus,
    Category,
    Channel,
    CodeStatus,
    Eligibility,
    PaperBatch,
    Phase,
    Project,
    ProjectStatus,
    Round,
    RoundVolunteer,
    Rule,
    StemCode,
    VoterRecord,
    new_ballot_id,
)

MAX_CODES_PER_BATCH = 5000
MAX_PAPER_BATCH = 500
MAX_REASON_LENGTH = 2000
MAX_CATEGORIES = 12


class BallotError(DomainError):
    """The ballot itself is not valid (too many projects, over budget, ...)."""


class AlreadyVoted(DomainError):
    pass


class CodeRefused(DomainError):
    """A stemcode that is mistyped, unknown, spent or revoked."""


class VotingClosed(DomainError):
    """The round is not (or no longer) in its voting phase, or its vote has closed."""


class BatchError(DomainError):
    def __init__(self, message: Any, lines: list[tuple[int, str]] | None = None, **p: Any):
        super().__init__(message, **p)
        #: (line number, problem) for each line that could not be read.
        self.lines = lines or []


# --- helpers ----------------------------------------------------------------------------


def _require_manager(actor: Any, round_: Round) -> None:
    if not can_manage(actor, round_.wijk):
        raise PermissionDenied(
            _l("Only a wijkmanager of {wijk} can do this."), wijk=round_.wijk.name
        )


def is_volunteer(user: Any, round_: Round) -> bool:
    if not isinstance(user, User) or not user.is_active:
        return False
    if can_manage(user, round_.wijk):
        return True
    return db.session.get(RoundVolunteer, (round_.id, user.id)) is not None


def _require_volunteer(actor: Any, round_: Round) -> None:
    if not is_volunteer(actor, round_):
        raise PermissionDenied(_l("Only the volunteers of this stemdag can do this."))


def _require_editable(round_: Round) -> None:
    if not round_.is_editable:
        raise DomainError(
            _l("Voting has opened: the budget, the rules and the projects can no longer change.")
        )


def _clean_reason(reason: str, required: bool = True) -> str:
    reason = (reason or "").strip()
    if required and not reason:
        raise DomainError(_l("Please write the reasons. Residents see them."))
    if len(reason) > MAX_REASON_LENGTH:
        raise DomainError(
            _l("The text is too long. The maximum is {count} characters."),
            count=MAX_REASON_LENGTH,
        )
    return reason


def _rows_changed(result: Any) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


# --- rounds -----------------------------------------------------------------------------


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
        "categories": [[c.name, c.cap_cents] for c in round_.categories],
    }


def create_round(actor: User, wijk: Wijk, data: RoundData) -> Round:
    if not can_manage(actor, wijk):
        raise PermissionDenied(_l("Only a wijkmanager of {wijk} can do this."), wijk=wijk.name)
    _check_round_data(data)
    round_ = Round(wijk=wijk, phase=Phase.draft, salt=codes.new_salt(), created_by=actor)
    db.session.add(round_)
    _apply_round(round_, data)
    db.session.flush()
    log_event(
        actor, "stemdag.created", round_, wijk=wijk, after=_round_summary(round_), public=True
    )
    return round_


def update_round(actor: User, round_: Round, data: RoundData) -> None:
    _require_manager(actor, round_)
    _require_editable(round_)
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


def _lock_round(round_: VotingRound, *, shared: bool = False) -> Round:
    """Re-read the round's row with a lock: FOR UPDATE to change the phase, FOR SHARE to
    cast a ballot. So a ballot never lands after the phase has moved on (PostgreSQL;
    SQLite writes one transaction at a time anyway)."""
    locked = db.session.scalars(
        select(Round)
        .where(Round.id == round_.id)
        .with_for_update(read=shared)
        .execution_options(populate_existing=True)
    ).one()
    return locked


def allowed_phases(round_: Round) -> list[Phase]:
    """One step forward; one step back while voting has not opened."""
    index = PHASE_ORDER.index(round_.phase)
    allowed = []
    if round_.is_imported:
        return []
    if index + 1 < len(PHASE_ORDER):
        allowed.append(PHASE_ORDER[index + 1])
    if 0 < index < PHASE_ORDER.index(Phase.voting):
        allowed.append(PHASE_ORDER[index - 1])
    return allowed


def change_phase(actor: User, round_: Round, target: Phase) -> None:
    """The only way a round changes phase: in order, by its wijkmanager, audit-logged."""
    _require_manager(actor, round_)
    round_ = _lock_round(round_)
    if target not in allowed_phases(round_):
        raise DomainError(_l("This phase cannot follow the current one."))
    if target is Phase.voting:
        _check_ready_for_voting(round_)
    if target is Phase.results:
        if round_.result is None:
            raise DomainError(_l("Run the count before you publish the results."))
        _fund_winners(actor, round_)
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


# --- projects ---------------------------------------------------------------------------


@dataclass
class ProjectData:
    title: str
    summary: str
    cost_cents: int
    original_locale: str
    category_id: int | None = None
    initiative_id: int | None = None


def _apply_project(round_: Round, project: Project, data: ProjectData, actor: User) -> None:
    if not data.title.strip():
        raise DomainError(_l("A project needs a title."))
    if data.cost_cents <= 0:
        raise DomainError(_l("The cost must be more than zero."))
    if data.cost_cents > round_.budget_cents:
        raise DomainError(_l("A project cannot cost more than the whole budget."))
    category = None
    if data.category_id is not None:
        category = next((c for c in round_.categories if c.id == data.category_id), None)
        if category is None:
            raise DomainError(_l("Choose one of the categories of this round."))
    elif round_.categories:
        raise DomainError(_l("Choose a category."))
    initiative = None
    if data.initiative_id is not None:
        initiative = db.session.get(Initiative, data.initiative_id)
        own = initiative is not None and initiative.author_id == actor.id
        if (
            initiative is None
            or initiative.wijk_id != round_.wijk_id
            or not (initiative.state in PUBLIC_STATES or own)
        ):
            raise DomainError(_l("Link a published initiative from this wijk."))
    project.title = data.title.strip()[:120]
    project.summary = data.summary.strip()[:500]
    project.cost_cents = data.cost_cents
    project.original_locale = data.original_locale
    project.category = category
    project.initiative = initiative


def _project_summary(project: Project) -> dict[str, Any]:
    return {
        "title": project.title,
        "cost_cents": project.cost_cents,
        "status": project.status.value,
        "initiative_id": project.initiative_id,
    }


def propose_project(actor: User, round_: Round, data: ProjectData) -> Project:
    """Residents propose during the ideas phase; the wijkmanager adds until voting opens."""
    manager = can_manage(actor, round_.wijk)
    if not manager and round_.phase is not Phase.ideas:
        raise DomainError(_l("Ideas can be proposed only during the ideas phase."))
    _require_editable(round_)
    project = Project(proposer=actor, position=len(round_.projects))
    with db.session.no_autoflush:
        _apply_project(round_, project, data, actor)
    db.session.add(project)
    project.round = round_
    db.session.flush()
    log_event(
        actor,
        "stemdag.project_proposed",
        project,
        wijk=round_.wijk,
        after=_project_summary(project),
        public=True,
    )
    return project


def update_project(actor: User, project: Project, data: ProjectData) -> None:
    round_ = project.round
    manager = can_manage(actor, round_.wijk)
    own = actor.id == project.proposer_id and project.status is ProjectStatus.proposed
    if not manager and not (own and round_.phase is Phase.ideas):
        raise PermissionDenied(_l("You cannot change this project now."))
    _require_editable(round_)
    before = _project_summary(project)
    _apply_project(round_, project, data, actor)
    log_event(
        actor,
        "stemdag.project_edited",
        project,
        wijk=round_.wijk,
        before=before,
        after=_project_summary(project),
        public=True,
    )


def review_project(actor: User, project: Project, accept: bool, reason: str) -> None:
    """Feasibility and cost checked by the wijkmanager, with public reasons."""
    round_ = project.round
    _require_manager(actor, round_)
    _require_editable(round_)
    reason = _clean_reason(reason, required=not accept)
    before = project.status
    project.status = ProjectStatus.accepted if accept else ProjectStatus.rejected
    project.review_reason = reason or None
    log_event(
        actor,
        "stemdag.project_accepted" if accept else "stemdag.project_rejected",
        project,
        wijk=round_.wijk,
        before={"status": before.value},
        after={"status": project.status.value, "reason": reason or None},
        public=True,
    )


# --- stemcodes --------------------------------------------------------------------------


def generate_codes(actor: User, round_: Round, count: int) -> list[tuple[int, str]]:
    """`count` new codes as (letter number, code). The codes exist only in what this
    returns: they are stored hashed, so print or hand them out now."""
    _require_manager(actor, round_)
    if not round_.uses_codes:
        raise DomainError(_l("This round does not use stemcodes."))
    if PHASE_ORDER.index(round_.phase) > PHASE_ORDER.index(Phase.voting):
        raise DomainError(_l("Voting has closed; no new codes can be made."))
    if not 1 <= count <= MAX_CODES_PER_BATCH:
        raise DomainError(_l("Make 1 to {maximum} codes at a time."), maximum=MAX_CODES_PER_BATCH)
    round_ = _lock_round(round_)
    first = round_.next_serial
    issued = []
    rows = []
    seen: set[str] = set()
    for serial in range(first, first + count):
        code = codes.new_code()
        while code in seen:  # pragma: no cover - 59 random bits
            code = codes.new_code()
        seen.add(code)
        issued.append((serial, code))
        rows.append(
            {
                "round_id": round_.id,
                "code_hash": codes.hash_code(round_.salt, code),
                "serial": serial,
                "status": CodeStatus.issued,
            }
        )
    db.session.execute(StemCode.__table__.insert(), rows)
    round_.next_serial = first + count
    log_event(
        actor,
        "stemdag.codes_generated",
        round_,
        wijk=round_.wijk,
        after={"count": count, "first_letter": first, "last_letter": first + count - 1},
        public=True,
    )
    return issued


def _code_by_serial(round_: Round, serial: int) -> StemCode:
    code = db.session.scalar(
        select(StemCode).where(StemCode.round_id == round_.id, StemCode.serial == serial)
    )
    if code is None:
        raise DomainError(_l("There is no letter with number {serial}."), serial=serial)
    return code


def revoke_code(actor: User, round_: Round, *, serial: int | None = None, code: str = "") -> int:
    """Revoke an unused code, found by its letter number or by the code itself. Returns
    the letter number."""
    _require_manager(actor, round_)
    if serial is not None:
        row = _code_by_serial(round_, serial)
    else:
        row = db.session.scalar(
            select(StemCode).where(
                StemCode.round_id == round_.id,
                StemCode.code_hash == codes.hash_code(round_.salt, code),
            )
        )
        if row is None:
            raise DomainError(_l("This code does not belong to this round."))
    result = db.session.execute(
        update(StemCode)
        .where(StemCode.id == row.id, StemCode.status == CodeStatus.issued)
        .values(status=CodeStatus.revoked, revoked_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if _rows_changed(result) != 1:
        db.session.refresh(row)
        if row.status is CodeStatus.spent:
            raise DomainError(_l("This code has been used to vote; it cannot be revoked."))
        raise DomainError(_l("This code is already revoked."))
    db.session.expire(row)
    log_event(
        actor,
        "stemdag.code_revoked",
        round_,
        wijk=round_.wijk,
        after={"letter": row.serial},
        public=True,
    )
    return row.serial


def reissue_code(actor: User, round_: Round, serial: int) -> tuple[int, str]:
    """A new letter for a lost one: the old code is revoked (if it was not yet) and a
    new code replaces it. Returns (new letter number, code)."""
    _require_manager(actor, round_)
    old = _code_by_serial(round_, serial)
    if old.status is CodeStatus.spent:
        raise DomainError(_l("This code has been used to vote; it cannot be replaced."))
    if old.status is CodeStatus.issued:
        revoke_code(actor, round_, serial=serial)
    [(new_serial, code)] = generate_codes(actor, round_, 1)
    db.session.execute(
        update(StemCode)
        .where(StemCode.round_id == round_.id, StemCode.serial == new_serial)
        .values(replaces_serial=serial)
        .execution_options(synchronize_session=False)
    )
    return new_serial, code


# --- volunteers -------------------------------------------------------------------------


def add_volunteer(actor: User, round_: Round, user: User) -> None:
    _require_manager(actor, round_)
    if db.session.get(RoundVolunteer, (round_.id, user.id)) is not None:
        raise DomainError(_l("This person is already a volunteer."))
    db.session.add(RoundVolunteer(round_id=round_.id, user_id=user.id))
    log_event(actor, "stemdag.volunteer_added", round_, wijk=round_.wijk, after={"user": user.id})


def remove_volunteer(actor: User, round_: Round, user: User) -> None:
    _require_manager(actor, round_)
    volunteer = db.session.get(RoundVolunteer, (round_.id, user.id))
    if volunteer is not None:
        db.session.delete(volunteer)
        log_event(
            actor, "stemdag.volunteer_removed", round_, wijk=round_.wijk, after={"user": user.id}
        )


# --- ballots ----------------------------------------------------------------------------


@dataclass(frozen=True)
class BallotProject:
    """What validating a ballot needs to know of a project (cached while voting)."""

    id: int
    number: int
    cost_cents: int


@dataclass
class Choice:
    """A filled-in ballot: project ids in the voter's order, points where the ballot has
    them, or blank."""

    selection: list[int] = field(default_factory=list)
    points: list[int] | None = None
    is_blank: bool = False


@dataclass(frozen=True)
class BallotRules:
    """A round as casting a ballot sees it, without the ORM: its rules and its projects.

    None of this can change once voting has opened (`_require_editable` guards the round
    and its projects), except the phase. So a process may keep a copy while the round is
    voting (`queries.ballot_rules`): `_register` checks the phase, and the salt as the
    copy's identity, in the very statement that spends the vote, so a closed round or a
    stale copy never takes a ballot.
    """

    id: int
    salt: str
    phase: Phase
    ballot_type: BallotType
    budget_cents: int
    min_projects: int | None
    max_projects: int | None
    max_points: int | None
    allows_blank: bool
    allows_changes: bool
    min_age: int | None
    eligibility: Eligibility
    voting_closes_at: datetime | None
    projects: dict[int, BallotProject] = field(default_factory=dict)

    @classmethod
    def of(cls, round_: Round, projects: dict[int, BallotProject]) -> BallotRules:
        return cls(
            id=round_.id,
            salt=round_.salt,
            phase=round_.phase,
            ballot_type=round_.ballot_type,
            budget_cents=round_.budget_cents,
            min_projects=round_.min_projects,
            max_projects=round_.max_projects,
            max_points=round_.max_points,
            allows_blank=round_.allows_blank,
            allows_changes=round_.allows_changes,
            min_age=round_.min_age,
            eligibility=round_.eligibility,
            voting_closes_at=round_.voting_closes_at,
            projects=projects,
        )

    @property
    def uses_codes(self) -> bool:
        return self.eligibility in (Eligibility.codes, Eligibility.both)

    @property
    def uses_residents(self) -> bool:
        return self.eligibility in (Eligibility.residents, Eligibility.both)


#: Casting reads only what `BallotRules` holds, so it takes a round or its rules.
VotingRound = Round | BallotRules


def validate_choice(
    round_: VotingRound, projects: dict[int, BallotProject], choice: Choice
) -> None:
    """Every rule of the round's ballot, checked on the server whatever the form sent."""
    selection = choice.selection
    if choice.is_blank:
        if not round_.allows_blank:
            raise BallotError(_l("This round does not allow a blank vote."))
        if selection:
            raise BallotError(_l("A blank vote cannot name projects."))
        return
    if len(set(selection)) != len(selection):
        raise BallotError(_l("Each project can be chosen once."))
    if any(project_id not in projects for project_id in selection):
        raise BallotError(_l("The ballot names a project that is not on it."))
    if not selection:
        raise BallotError(_l("Choose at least one project."))
    kind = round_.ballot_type
    if kind in (BallotType.approval, BallotType.ranking):
        low, high = round_.min_projects or 0, round_.max_projects or len(projects)
        if len(selection) > high:
            raise BallotError(
                _l("You chose {chosen} projects; the most you can choose is {maximum}."),
                chosen=len(selection),
                maximum=high,
            )
        if len(selection) < low:
            raise BallotError(
                _l("You chose {chosen} projects; choose at least {minimum}."),
                chosen=len(selection),
                minimum=low,
            )
    if kind is BallotType.knapsack:
        total = sum(projects[p].cost_cents for p in selection)
        if total > round_.budget_cents:
            raise BallotError(_l("Your choice costs more than the budget. Remove a project."))
    if kind is BallotType.points:
        points = choice.points or []
        if len(points) != len(selection) or any(p < 1 for p in points):
            raise BallotError(_l("Give each project you choose 1 point or more."))
        if sum(points) > (round_.max_points or 0):
            raise BallotError(
                _l("You gave {given} points; the most you can give is {maximum}."),
                given=sum(points),
                maximum=round_.max_points,
            )
    elif choice.points:
        raise BallotError(_l("This ballot has no points."))


def is_voting_open(round_: VotingRound, now: datetime | None = None) -> bool:
    if round_.phase is not Phase.voting:
        return False
    return round_.voting_closes_at is None or (now or utcnow()) < round_.voting_closes_at


def _check_open(round_: VotingRound) -> None:
    if not is_voting_open(round_):
        raise VotingClosed(_l("Voting is not open in this round."))


@dataclass(frozen=True)
class Credential:
    """Who is voting: a stemcode or a signed-in resident (never stored with the ballot).

    A typed stemcode may come as its hash only (`code_credential`): casting then finds and
    spends it in one statement, and refuses it for the same reasons `find_code` gives.
    """

    code: StemCode | None = None
    user: User | None = None
    code_hash: str | None = None

    @property
    def stemcode_hash(self) -> str | None:
        return self.code.code_hash if self.code is not None else self.code_hash

    @property
    def key(self) -> str:
        """What the owner hash binds a ballot to: the code's or the user's id."""
        if self.code is not None:
            return f"c{self.code.id}"
        if self.user is not None:
            return f"u{self.user.id}"
        raise ValueError("look the code up (find_code) to know its key")


_NOT_A_CODE = _l(
    "This is not a stemcode. A code has 12 letters and digits, like K7QM-2XWD-HP4T."
    " Check it on your letter."
)
_UNKNOWN_CODE = _l("We do not know this code. Check it on your letter.")
_REVOKED_CODE = _l("This code was revoked. Ask the wijkmanager for a new letter.")


def _check_code_form(round_: VotingRound, code: str) -> None:
    if not round_.uses_codes:
        raise CodeRefused(_l("This round does not use stemcodes."))
    if not codes.looks_valid(code):
        raise CodeRefused(_NOT_A_CODE)


def find_code(round_: VotingRound, code: str) -> StemCode:
    """The stored code for what the voter typed, or a clear refusal."""
    _check_code_form(round_, code)
    row = db.session.scalar(
        select(StemCode).where(
            StemCode.round_id == round_.id,
            StemCode.code_hash == codes.hash_code(round_.salt, code),
        )
    )
    if row is None:
        raise CodeRefused(_UNKNOWN_CODE)
    if row.status is CodeStatus.revoked:
        raise CodeRefused(_REVOKED_CODE)
    return row


def code_credential(round_: VotingRound, code: str) -> Credential:
    """What the voter typed as a credential, without asking the database: a typo is refused
    here, an unknown, revoked or spent code when `cast_ballot` tries to spend it."""
    _check_code_form(round_, code)
    return Credential(code_hash=codes.hash_code(round_.salt, code))


def resident_credential(round_: Round, user: Any) -> Credential:
    if not round_.uses_residents:
        raise DomainError(_l("In this round you vote with the stemcode from your letter."))
    if not isinstance(user, User) or not user.is_active:
        raise DomainError(_l("Sign in or enter your stemcode to vote."))
    if user.wijk_id != round_.wijk_id:
        raise DomainError(
            _l("Only residents with an address in {wijk} can vote here."), wijk=round_.wijk.name
        )
    return Credential(user=user)


# The statements of casting a ballot, built once (Core, not ORM: a ballot is on the hot
# path of a stemdag, and these are the same for every ballot but for their parameters).
_codes = StemCode.__table__
_voters = VoterRecord.__table__
_rounds = Round.__table__

#: EXISTS: the round's row, still voting and still this round (its salt), locked FOR SHARE
#: until the transaction ends. A phase change locks the row FOR UPDATE, so it waits for the
#: ballots under way, and a ballot that waited for a phase change sees the new phase and is
#: refused (PostgreSQL; SQLite runs one writer at a time and has no FOR SHARE).
_WHILE_VOTING = (
    select(_rounds.c.id)
    .where(
        _rounds.c.id == bindparam("b_round"),
        _rounds.c.phase == Phase.voting,
        _rounds.c.salt == bindparam("b_salt"),
    )
    .with_for_update(read=True)
    .exists()
)
#: Spend a code: issued -> spent, while the round is voting; its id, or no row.
_SPEND_CODE = (
    _codes.update()
    .where(
        _codes.c.round_id == bindparam("b_round"),
        _codes.c.code_hash == bindparam("b_hash"),
        _codes.c.status == CodeStatus.issued,
        _WHILE_VOTING,
    )
    .values(status=CodeStatus.spent)
    .returning(_codes.c.id)
)
_REGISTER_CODE = (
    _voters.insert()
    .values(
        round_id=bindparam("b_round"),
        user_id=None,
        stemcode_id=bindparam("b_code"),
        channel=bindparam("b_channel"),
    )
    .inline()
)
#: PostgreSQL: both in one statement (one round trip): spend the code, then insert the
#: register row for the code it spent; the code's id, or no row.
_SPENT = _SPEND_CODE.cte("spent")
_SPEND_AND_REGISTER_CODE = (
    _voters.insert()
    .from_select(
        ["round_id", "stemcode_id", "channel"],
        select(
            bindparam("b_round", type_=Integer), _SPENT.c.id, bindparam("b_channel", type_=String)
        ),
    )
    .returning(_voters.c.stemcode_id)
)
#: A resident's register row, while the round is voting; its id, or no row. (RETURNING,
#: not rowcount: psycopg reports no rowcount for INSERT ... SELECT.)
_REGISTER_RESIDENT = (
    _voters.insert()
    .from_select(
        ["round_id", "user_id", "channel"],
        select(
            bindparam("b_round", type_=Integer),
            bindparam("b_user", type_=Integer),
            bindparam("b_channel", type_=String),
        ).where(_WHILE_VOTING),
    )
    .returning(_voters.c.id)
)
_INSERT_BALLOT = Ballot.__table__.insert().inline()


def _refuse(round_: VotingRound, code_hash: str | None) -> NoReturn:
    """Why the register refused a vote; read afterwards, so only refusals pay for it."""
    current = db.session.execute(
        select(Round.phase, Round.salt).where(Round.id == round_.id)
    ).one_or_none()
    if current is None or current.phase is not Phase.voting or current.salt != round_.salt:
        raise VotingClosed(_l("Voting is not open in this round."))
    if code_hash is None:  # pragma: no cover - a resident's row is refused by its unique key
        raise AlreadyVoted(_l("This vote has already been cast. Nothing was counted twice."))
    status = db.session.scalar(
        select(StemCode.status).where(
            StemCode.round_id == round_.id, StemCode.code_hash == code_hash
        )
    )
    if status is None:
        raise CodeRefused(_UNKNOWN_CODE)
    if status is CodeStatus.revoked:
        raise CodeRefused(_REVOKED_CODE)
    raise AlreadyVoted(_l("This code has already been used to vote."))


def _register(round_: VotingRound, credential: Credential, channel: Channel) -> str:
    """Record that this person voted, in the round's voting phase: the code is spent and the
    register row inserted, both or neither. Returns the credential's key (`Credential.key`).

    A code is spent by one conditional UPDATE (issued -> spent, while the round is voting):
    of two requests with the same code the second waits for the first's row lock and then
    finds the code spent. The register row is unique per round and code, and per round and
    user: a resident's second ballot fails there, in the database.
    """
    code_hash = credential.stemcode_hash
    where = {"b_round": round_.id, "b_salt": round_.salt}
    if code_hash is not None:
        # The register row cannot collide: only this transaction spent the code, and every
        # register row of a code is written together with spending it.
        spend = {**where, "b_hash": code_hash, "b_channel": channel.value}
        # Core on the session's connection (its transaction), without the ORM's overhead.
        connection = db.session.connection()
        if connection.dialect.name == "postgresql":
            code_id = connection.scalar(_SPEND_AND_REGISTER_CODE, spend)
        else:
            code_id = connection.scalar(_SPEND_CODE, spend)
            if code_id is not None:
                connection.execute(_REGISTER_CODE, {**spend, "b_code": code_id})
        if code_id is None:
            _refuse(round_, code_hash)
        return f"c{code_id}"
    user = credential.user
    assert user is not None
    try:
        with db.session.begin_nested():
            inserted = db.session.scalar(
                _REGISTER_RESIDENT, {**where, "b_user": user.id, "b_channel": channel.value}
            )
    except IntegrityError as exc:
        raise AlreadyVoted(
            _l("This vote has already been cast. Nothing was counted twice.")
        ) from exc
    if inserted is None:
        _refuse(round_, None)
    return f"u{user.id}"


def _new_ballot(
    round_: VotingRound, choice: Choice, channel: Channel, key: str | None
) -> tuple[dict[str, Any], str | None]:
    """The ballot's row; online ballots (with the voter's `key`) get a receipt code."""
    receipt = codes.new_receipt() if key is not None else None
    row = {
        "id": new_ballot_id(),
        "round_id": round_.id,
        "channel": channel,
        "selection": list(choice.selection),
        "points": list(choice.points) if choice.points else None,
        "is_blank": choice.is_blank,
        "is_superseded": False,
        "receipt_hash": codes.hash_code(round_.salt, receipt) if receipt else None,
        "owner_hash": _owner_hash(round_, receipt, key) if receipt and key else None,
        "batch_id": None,
        "cast_on": date.today(),
    }
    return row, receipt


def _owner_hash(round_: VotingRound, receipt: str, key: str) -> str:
    # normalise() drops the ":" but the receipt has a fixed length, so this is unambiguous.
    return codes.hash_code(round_.salt, f"{receipt}:{key}")


def cast_ballot(
    round_: VotingRound,
    projects: dict[int, BallotProject],
    choice: Choice,
    credential: Credential,
    *,
    age_confirmed: bool,
) -> str:
    """Cast an online ballot; returns the receipt code (shown once, stored hashed).

    The one way an online ballot is cast, from the ballot page and from the stemcode
    endpoint alike. `round_` may be the round or its `BallotRules`: the phase is checked
    again in the database by the statement that registers the voter. The ballot row gets
    no user, no code and no time; only the register knows who voted.
    """
    _check_open(round_)
    if round_.min_age and not age_confirmed:
        raise DomainError(_l("Please confirm that you are {age} or older."), age=round_.min_age)
    validate_choice(round_, projects, choice)
    key = _register(round_, credential, Channel.online)
    row, receipt = _new_ballot(round_, choice, Channel.online, key)
    db.session.connection().execute(_INSERT_BALLOT, row)
    assert receipt is not None
    return receipt


def change_ballot(
    round_: VotingRound,
    projects: dict[int, BallotProject],
    choice: Choice,
    credential: Credential,
    receipt: str,
    *,
    age_confirmed: bool,
) -> str:
    """Replace an online ballot: the voter proves both who they are and which ballot is
    theirs (the receipt). The old ballot stays, marked superseded. Returns the new receipt."""
    _check_open(round_)
    if not round_.allows_changes:
        raise DomainError(_l("In this round a vote cannot be changed."))
    if round_.min_age and not age_confirmed:
        raise DomainError(_l("Please confirm that you are {age} or older."), age=round_.min_age)
    validate_choice(round_, projects, choice)
    round_ = _lock_round(round_, shared=True)
    _check_open(round_)
    result = db.session.execute(
        update(Ballot)
        .where(
            Ballot.round_id == round_.id,
            Ballot.receipt_hash == codes.hash_code(round_.salt, receipt),
            Ballot.owner_hash == _owner_hash(round_, receipt, credential.key),
            Ballot.is_superseded.is_(False),
        )
        .values(is_superseded=True)
        .execution_options(synchronize_session=False)
    )
    if _rows_changed(result) != 1:
        raise DomainError(
            _l("This receipt code does not match your current vote. Check it and try again.")
        )
    row, new_receipt = _new_ballot(round_, choice, Channel.online, credential.key)
    db.session.execute(_INSERT_BALLOT, row)
    assert new_receipt is not None
    return new_receipt


# --- the polling station ----------------------------------------------------------------


def register_credential(round_: Round, *, code: str = "", email: str = "") -> Credential:
    """The credential a volunteer looks up: a stemcode, or a resident by e-mail address."""
    if code.strip():
        row = find_code(round_, code)
        return Credential(code=row)
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise DomainError(_l("No resident with this e-mail address is known."))
    return resident_credential(round_, user)


def mark_voted_on_paper(actor: User, round_: Round, credential: Credential) -> None:
    """The voter gets a paper ballot: from now on this code or resident cannot vote online
    (and the reverse: whoever voted online cannot get a paper ballot)."""
    _require_volunteer(actor, round_)
    _check_open(round_)
    _register(round_, credential, Channel.paper)


def parse_paper_line(round_: Round, numbers: dict[int, int], line: str) -> Choice:
    """One paper ballot as typed: project numbers ("3 7 12"), with points for a points
    ballot ("3:2 7:1"), or "-" for a blank ballot."""
    text = line.strip().replace(",", " ").replace(";", " ")
    if text in ("-", "0", "blanco", "blank"):
        return Choice(is_blank=True)
    selection: list[int] = []
    points: list[int] = []
    for part in text.split():
        number, _, given = part.partition(":")
        if not number.isdigit() or int(number) not in numbers:
            raise BatchError(_l("“{part}” is not a project number."), part=part)
        selection.append(numbers[int(number)])
        if round_.ballot_type is BallotType.points:
            if not given.isdigit():
                raise BatchError(_l("Write points after the number, like 3:2."))
            points.append(int(given))
        elif given:
            raise BatchError(_l("This ballot has no points."))
    return Choice(selection=selection, points=points or None)


def enter_paper_batch(
    actor: User,
    round_: Round,
    projects: dict[int, BallotProject],
    *,
    label: str,
    declared_count: int,
    text: str,
) -> PaperBatch:
    """A volunteer types a stack of paper ballots, one per line. Nothing is stored unless
    every line is valid and the number of lines equals the count declared for the stack."""
    _require_volunteer(actor, round_)
    if round_.phase not in (Phase.voting, Phase.counting):
        raise DomainError(_l("Paper ballots can be entered during voting and counting only."))
    if round_.counted_at is not None and round_.phase is Phase.results:
        raise DomainError(_l("The round has been counted."))
    if not label.strip():
        raise DomainError(_l("Give the stack a name, like “Box 1, stack 3”."))
    if not 1 <= declared_count <= MAX_PAPER_BATCH:
        raise DomainError(_l("A stack holds 1 to {maximum} ballots."), maximum=MAX_PAPER_BATCH)
    numbers = {p.number: p.id for p in projects.values()}
    lines = [line for line in text.splitlines() if line.strip()]
    choices, problems = [], []
    for number, line in enumerate(lines, start=1):
        try:
            choice = parse_paper_line(round_, numbers, line)
            validate_choice(round_, projects, choice)
        except DomainError as exc:
            problems.append((number, str(exc)))
        else:
            choices.append(choice)
    if problems:
        raise BatchError(_l("Some lines cannot be read. Nothing was saved."), problems)
    if len(lines) != declared_count:
        raise BatchError(
            _l(
                "You declared {declared} ballots but entered {entered}. Count the stack again."
                " Nothing was saved."
            ),
            declared=declared_count,
            entered=len(lines),
        )
    batch = PaperBatch(
        round_id=round_.id,
        label=label.strip()[:200],
        declared_count=declared_count,
        entered_count=len(lines),
        entered_by_id=actor.id,
        entry_text="\n".join(line.strip() for line in lines),
    )
    db.session.add(batch)
    db.session.flush()
    rows = []
    for choice in choices:
        row, _ = _new_ballot(round_, choice, Channel.paper, None)
        row["batch_id"] = batch.id
        rows.append(row)
    db.session.execute(Ballot.__table__.insert(), rows)
    log_event(
        actor,
        "stemdag.paper_batch_entered",
        batch,
        wijk=round_.wijk,
        after={"label": batch.label, "count": batch.entered_count},
        public=True,
    )
    return batch


def decide_paper_batch(actor: User, batch: PaperBatch, *, confirm: bool, reason: str = "") -> None:
    """The second pair of eyes: another volunteer confirms (the ballots count) or rejects
    (they never count, and stay stored)."""
    round_ = db.session.get(Round, batch.round_id)
    assert round_ is not None
    _require_volunteer(actor, round_)
    if actor.id == batch.entered_by_id:
        raise PermissionDenied(
            _l("Another volunteer must check this stack: you entered it yourself.")
        )
    if round_.phase not in (Phase.voting, Phase.counting):
        raise DomainError(_l("Paper ballots can be checked during voting and counting only."))
    if confirm and batch.entered_count != batch.declared_count:
        raise DomainError(_l("The number of ballots entered does not match the stack."))
    reason = _clean_reason(reason, required=not confirm)
    target = BatchStatus.confirmed if confirm else BatchStatus.rejected
    result = db.session.execute(
        update(PaperBatch)
        .where(PaperBatch.id == batch.id, PaperBatch.status == BatchStatus.entered)
        .values(status=target, confirmed_by_id=actor.id, decided_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if _rows_changed(result) != 1:
        raise DomainError(_l("This stack has already been checked."))
    db.session.expire(batch)
    log_event(
        actor,
        "stemdag.paper_batch_" + target.value,
        batch,
        wijk=round_.wijk,
        after={"label": batch.label, "reason": reason or None},
        public=True,
    )


def paper_counts(round_: Round) -> dict[str, int]:
    """Reconciliation: paper ballots handed out (register) and entered per status."""
    handed_out = db.session.scalar(
        select(func.count(VoterRecord.id)).where(
            VoterRecord.round_id == round_.id, VoterRecord.channel == Channel.paper
        )
    )
    rows = db.session.execute(
        select(PaperBatch.status, func.coalesce(func.sum(PaperBatch.entered_count), 0))
        .where(PaperBatch.round_id == round_.id)
        .group_by(PaperBatch.status)
    )
    counts = {status.value: 0 for status in BatchStatus}
    for status, total in rows:
        counts[BatchStatus(status).value] = int(total)
    return {"handed_out": int(handed_out or 0), **counts}


# --- publishing -------------------------------------------------------------------------


def _fund_winners(actor: User, round_: Round) -> None:
    """Funded projects flow to their initiatives (state funded) and into the ledger."""
    from samenhang.voting.counting import funded_amounts

    amounts = funded_amounts(round_)
    source = f"Wijkstemdag: {round_.title}"
    for project in round_.accepted_projects:
        amount = amounts.get(project.id, 0)
        if amount <= 0:
            continue
        initiative = project.initiative
        if initiative is not None and initiative.state is InitiativeState.published:
            from samenhang.initiatives.services import mark_funded

            mark_funded(initiative, source, actor=actor)
    if not round_.is_imported:
        _post_to_ledger(actor, round_, amounts)


def _post_to_ledger(actor: User, round_: Round, amounts: dict[int, int]) -> None:
    from samenhang.ledger.models import AccountKind
    from samenhang.ledger.services import open_account, post_entry, transfer

    if not any(amount > 0 for amount in amounts.values()):
        return
    label = f"Wijkstemdag {round_.title} ({round_.wijk.name})"
    if round_.ledger_account_id is None:
        source = open_account(AccountKind.source, label, wijk=round_.wijk, currency=round_.currency)
        round_.ledger_account_id = source.id
    else:
        from samenhang.ledger.models import LedgerAccount

        source = db.session.get(LedgerAccount, round_.ledger_account_id)
        assert source is not None
    from samenhang.ledger.queries import entries_for

    for project in round_.accepted_projects:
        amount = amounts.get(project.id, 0)
        if amount <= 0 or entries_for(project):
            continue
        target = open_account(
            AccountKind.initiative,
            f"Stemdag project: {project.title} ({round_.wijk.name})",
            wijk=round_.wijk,
            currency=round_.currency,
        )
        post_entry(
            transfer(source, target, amount),
            kind="stemdag.funded",
            reason=f"{label}: {project.title}",
            actor=actor,
            obj=project,
        )
