"""The physical stemdag: its volunteers, the register they keep, and the paper ballots
they enter, each stack checked by a second volunteer."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from sqlalchemy import select, update

from samenhang.accounts.models import User
from samenhang.accounts.queries import active_user_by_email
from samenhang.audit.services import log_event
from samenhang.db import utcnow
from samenhang.enums import LabelledEnum
from samenhang.errors import DomainError
from samenhang.extensions import db
from samenhang.policies import can_check_batch, require, require_manager, require_volunteer
from samenhang.voting import codes
from samenhang.voting.models import (
    Ballot,
    BallotType,
    BatchStatus,
    Channel,
    PaperBatch,
    Phase,
    Round,
    RoundVolunteer,
    VoterRecord,
)
from samenhang.voting.services.ballots import (
    AlreadyVoted,
    BallotProject,
    Choice,
    Credential,
    check_open,
    find_code,
    new_ballot_row,
    register_vote,
    resident_credential,
    validate_choice,
)
from samenhang.voting.services.common import clean_reason, lock_round, rows_changed

MAX_PAPER_BATCH = 500
_OWN_STACK = _l("Another volunteer must check this stack: you entered it yourself.")


class BatchError(DomainError):
    def __init__(self, message: Any, lines: list[tuple[int, str]] | None = None, **p: Any):
        super().__init__(message, **p)
        #: (line number, problem) for each line that could not be read.
        self.lines = lines or []


# --- volunteers -------------------------------------------------------------------------


def add_volunteer(round_: Round, user: User, *, actor: User) -> None:
    require_manager(actor, round_.wijk)
    if db.session.get(RoundVolunteer, (round_.id, user.id)) is not None:
        raise DomainError(_l("This person is already a volunteer."))
    db.session.add(RoundVolunteer(round_id=round_.id, user_id=user.id))
    log_event(actor, "stemdag.volunteer_added", round_, wijk=round_.wijk, after={"user": user.id})


def remove_volunteer(round_: Round, user: User, *, actor: User) -> None:
    require_manager(actor, round_.wijk)
    volunteer = db.session.get(RoundVolunteer, (round_.id, user.id))
    if volunteer is not None:
        db.session.delete(volunteer)
        log_event(
            actor, "stemdag.volunteer_removed", round_, wijk=round_.wijk, after={"user": user.id}
        )


# --- the register and the paper ballots ---------------------------------------------


def register_credential(round_: Round, *, code: str = "", email: str = "") -> Credential:
    """The credential a volunteer looks up: a stemcode, or a resident by e-mail address."""
    if code.strip():
        row = find_code(round_, code)
        return Credential(code=row)
    user = active_user_by_email(email)
    if user is None:
        raise DomainError(_l("No resident with this e-mail address is known."))
    return resident_credential(round_, user)


class RegisterAnswer(LabelledEnum):
    """All the register tells a volunteer: nothing about accounts, addresses or codes."""

    may_vote = "may_vote"
    voted = "voted"
    marked = "marked"
    not_registered = "not_registered"

    __labels__ = {
        may_vote: _l("May vote."),
        voted: _l("Has voted already. No paper ballot."),
        marked: _l("Marked: give this voter a paper ballot."),
        not_registered: _l("Not on the register. No paper ballot."),
    }


def _looked_up(round_: Round, code: str, email: str) -> Credential | None:
    """The credential typed at the register, or None for anyone not on it. Only a code
    that is mistyped is refused with a reason; whether an e-mail address has an account,
    lives elsewhere or a code was revoked all read "not on the register"."""
    if code.strip():
        if not round_.eligibility.uses_codes:
            raise DomainError(_l("This round does not use stemcodes."))
        if not codes.looks_valid(code):
            raise DomainError(
                _l("This is not a stemcode. A code has 12 letters and digits, like K7QM-2XWD-HP4T.")
            )
        try:
            return Credential(code=find_code(round_, code))
        except DomainError:
            return None
    if not round_.eligibility.uses_residents:
        raise DomainError(_l("In this round everyone votes with the stemcode from their letter."))
    user = active_user_by_email(email)
    if user is None:
        return None
    try:
        return resident_credential(round_, user)
    except DomainError:
        return None


def look_up_register(
    round_: Round, *, code: str = "", email: str = "", mark: bool = False, actor: User
) -> RegisterAnswer:
    """A volunteer asks the register about one voter, and marks them as voting on paper.

    Every look-up is audit-logged (who, when, which round, check or mark), not what it
    answered nor whom it was about; the web layer limits how many a volunteer can make."""
    require_volunteer(actor, round_)
    if mark:
        check_open(round_)
    log_event(
        actor,
        "stemdag.register_looked_up",
        round_,
        wijk=round_.wijk,
        after={"action": "mark" if mark else "check"},
    )
    credential = _looked_up(round_, code, email)
    if credential is None:
        return RegisterAnswer.not_registered
    if mark:
        marked = mark_voted_on_paper(round_, credential, actor=actor)
        return RegisterAnswer.marked if marked else RegisterAnswer.voted
    return RegisterAnswer.voted if _has_voted(round_, credential) else RegisterAnswer.may_vote


def _has_voted(round_: Round, credential: Credential) -> bool:
    stmt = select(VoterRecord.id).where(VoterRecord.round_id == round_.id)
    if credential.code is not None:
        stmt = stmt.where(VoterRecord.stemcode_id == credential.code.id)
    elif credential.user is not None:
        stmt = stmt.where(VoterRecord.user_id == credential.user.id)
    else:  # pragma: no cover - a looked-up credential has one of the two
        return False
    return db.session.scalar(stmt.limit(1)) is not None


def mark_voted_on_paper(round_: Round, credential: Credential, *, actor: User) -> bool:
    """The voter gets a paper ballot: from now on this code or resident cannot vote online
    (and the reverse: whoever voted online cannot get a paper ballot). False, and nothing
    marked, when they have voted already."""
    require_volunteer(actor, round_)
    check_open(round_)
    try:
        register_vote(round_, credential, Channel.paper)
    except AlreadyVoted:
        # Refused by the database, which changed nothing: the answer is "has voted".
        return False
    return True


#: What a volunteer types for a spoilt ballot (torn, two crosses per line, unreadable).
INVALID_MARKS = frozenset({"x", "invalid", "ongeldig", "?"})
_PAPER_CLOSED = _l(
    "Counting has started: paper stacks can no longer be entered or checked. Paper ballots"
    " are entered and checked while the round is in its voting phase."
)


def parse_paper_line(round_: Round, numbers: dict[int, int], line: str) -> Choice | None:
    """One paper ballot as typed: project numbers ("3 7 12"), with points for a points
    ballot ("3:2 7:1"), "-" for a blank ballot, or "x" for an invalid (spoilt) one (None).
    A typing mistake raises, with a message for the volunteer who typed it."""
    text = line.strip().replace(",", " ").replace(";", " ")
    if text.lower() in INVALID_MARKS:
        return None
    if text.lower() in ("-", "0", "blanco", "blank"):
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
            raise BatchError(
                _l("This round has no points: type only the numbers of the projects ticked.")
            )
    return Choice(selection=selection, points=points or None)


def paper_ballot_problem(
    round_: Round, projects: dict[int, BallotProject], choice: Choice
) -> str | None:
    """Why a paper ballot as the voter filled it in is invalid, in words for the volunteer
    (the voter is not there to fix it), or None when it is valid."""
    selection = choice.selection
    problem: Any = None
    if choice.is_blank:
        if not round_.allows_blank:
            problem = _l("Invalid: a blank ballot, and this round does not accept blank votes.")
    elif len(set(selection)) != len(selection):
        problem = _l("Invalid: the ballot names a project more than once.")
    elif round_.ballot_type in (BallotType.approval, BallotType.ranking):
        low, high = round_.min_projects or 0, round_.max_projects or len(projects)
        if len(selection) > high:
            problem = lazy_ngettext(
                "Invalid: the ballot names {chosen} project, and at most {maximum} are allowed.",
                "Invalid: the ballot names {chosen} projects, and at most {maximum} are allowed.",
                len(selection),
            ).format(chosen=len(selection), maximum=high)
        elif len(selection) < low:
            problem = lazy_ngettext(
                "Invalid: the ballot names {chosen} project, and at least {minimum} are needed.",
                "Invalid: the ballot names {chosen} projects, and at least {minimum} are needed.",
                len(selection),
            ).format(chosen=len(selection), minimum=low)
    elif round_.ballot_type is BallotType.knapsack:
        if sum(projects[p].cost_cents for p in selection) > round_.budget_cents:
            problem = _l("Invalid: the projects ticked cost more than the budget together.")
    elif round_.ballot_type is BallotType.points:
        given = choice.points or []
        if any(p < 1 for p in given):
            problem = _l("Invalid: a project on the ballot has 0 points.")
        elif sum(given) > (round_.max_points or 0):
            problem = lazy_ngettext(
                "Invalid: the ballot gives {given} point, and at most {maximum} are allowed.",
                "Invalid: the ballot gives {given} points, and at most {maximum} are allowed.",
                sum(given),
            ).format(given=sum(given), maximum=round_.max_points)
    if problem is None:
        try:
            # The voter's own rules, as a last check: whatever they refuse is invalid too.
            validate_choice(round_, projects, choice)
        except DomainError:
            problem = _l("Invalid: the ballot does not follow the rules of this round.")
    return str(problem) if problem is not None else None


@dataclass
class PaperReading:
    """A stack as typed: the valid ballots, the invalid ones (line, why) and the lines
    that could not be read (line, problem), which must be typed again."""

    ballots: list[Choice] = field(default_factory=list)
    invalid: list[tuple[int, str]] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)


def _typed_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def read_paper_lines(round_: Round, projects: dict[int, BallotProject], text: str) -> PaperReading:
    """The ballots of a stack as typed, one per line. A ballot that breaks the round's rules
    is invalid (it counts in the turnout, never in the tally); a line that cannot be read
    is a typing mistake, and the stack must be typed again."""
    numbers = {p.number: p.id for p in projects.values()}
    reading = PaperReading()
    for number, line in enumerate(_typed_lines(text), start=1):
        try:
            choice = parse_paper_line(round_, numbers, line)
        except DomainError as exc:
            reading.problems.append((number, str(exc)))
            continue
        if choice is None:
            reading.invalid.append((number, str(_l("Marked as invalid."))))
            continue
        problem = paper_ballot_problem(round_, projects, choice)
        if problem is not None:
            reading.invalid.append((number, problem))
        else:
            reading.ballots.append(choice)
    return reading


def check_paper_open(round_: Round) -> None:
    """Paper stacks are entered and checked while voting, never after: a count then always
    holds every confirmed paper ballot."""
    if round_.phase is not Phase.voting:
        raise DomainError(_PAPER_CLOSED)


def enter_paper_batch(
    round_: Round,
    projects: dict[int, BallotProject],
    *,
    label: str,
    declared_count: int,
    text: str,
    actor: User,
) -> PaperBatch:
    """A volunteer types a stack of paper ballots, one per line. Nothing is stored unless
    every line can be read and the number of lines equals the count declared for the
    stack; invalid ballots are stored as a number with the stack."""
    require_volunteer(actor, round_)
    round_ = lock_round(round_, shared=True)
    check_paper_open(round_)
    if not label.strip():
        raise DomainError(_l("Give the stack a name, like “Box 1, stack 3”."))
    if not 1 <= declared_count <= MAX_PAPER_BATCH:
        raise DomainError(
            lazy_ngettext(
                "A stack holds 1 to {maximum} ballot.",
                "A stack holds 1 to {maximum} ballots.",
                MAX_PAPER_BATCH,
            ),
            maximum=MAX_PAPER_BATCH,
        )
    lines = _typed_lines(text)
    reading = read_paper_lines(round_, projects, text)
    if reading.problems:
        raise BatchError(_l("Some lines cannot be read. Nothing was saved."), reading.problems)
    if len(lines) != declared_count:
        raise BatchError(
            lazy_ngettext(
                "You declared {declared} ballot but entered {entered}. Count the stack again."
                " Nothing was saved.",
                "You declared {declared} ballots but entered {entered}. Count the stack again."
                " Nothing was saved.",
                declared_count,
            ),
            declared=declared_count,
            entered=len(lines),
        )
    batch = PaperBatch(
        round_id=round_.id,
        label=label.strip()[:200],
        declared_count=declared_count,
        entered_count=len(lines),
        invalid_count=len(reading.invalid),
        entered_by_id=actor.id,
        entry_text="\n".join(line.strip() for line in lines),
    )
    db.session.add(batch)
    db.session.flush()
    rows = []
    for choice in reading.ballots:
        row, _ = new_ballot_row(round_, choice, Channel.paper, None)
        row["batch_id"] = batch.id
        rows.append(row)
    if rows:
        db.session.execute(Ballot.__table__.insert(), rows)
    log_event(
        actor,
        "stemdag.paper_batch_entered",
        batch,
        wijk=round_.wijk,
        after={
            "label": batch.label,
            "count": batch.entered_count,
            "invalid": batch.invalid_count,
        },
        public=True,
    )
    return batch


def decide_paper_batch(batch: PaperBatch, *, confirm: bool, reason: str = "", actor: User) -> None:
    """The second pair of eyes: another volunteer confirms (the ballots count) or rejects
    (they never count, and stay stored)."""
    round_ = db.session.get(Round, batch.round_id)
    assert round_ is not None
    require_volunteer(actor, round_)
    require(can_check_batch(actor, round_, batch), _OWN_STACK)
    round_ = lock_round(round_, shared=True)
    check_paper_open(round_)
    if confirm and batch.entered_count != batch.declared_count:
        raise DomainError(_l("The number of ballots entered does not match the stack."))
    reason = clean_reason(reason, required=not confirm)
    target = BatchStatus.confirmed if confirm else BatchStatus.rejected
    result = db.session.execute(
        update(PaperBatch)
        .where(PaperBatch.id == batch.id, PaperBatch.status == BatchStatus.entered)
        .values(status=target, confirmed_by_id=actor.id, decided_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if rows_changed(result) != 1:
        raise DomainError(_l("This stack has already been checked."))
    db.session.expire(batch)
    log_event(
        actor,
        "stemdag.paper_batch_" + target.value,
        batch,
        wijk=round_.wijk,
        after={"label": batch.label, "reason": reason or None, "invalid": batch.invalid_count},
        public=True,
    )
