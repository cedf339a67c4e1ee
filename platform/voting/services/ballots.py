"""Casting a secret ballot: the ballot's rules, the voter's credential, and the register.

One person, one ballot is a database rule: casting spends the code with a conditional
UPDATE (issued -> spent, only while the round is voting) and inserts the voter's row in
the register (unique per round and user, and per round and code), then the secret ballot,
all in one transaction. Of two requests with the same code the second finds it spent; of
two with the same resident the second fails on the register's unique key.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, NoReturn

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from sqlalchemy import Integer, String, bindparam, cast, func, literal_column, select, update
from sqlalchemy.exc import IntegrityError

from samenhang.accounts.models import User
from samenhang.db import utcnow
from samenhang.errors import DomainError
from samenhang.extensions import db
from samenhang.policies import check_verified_resident, is_member
from samenhang.voting import codes, live, sealing
from samenhang.voting.models import (
    Ballot,
    BallotType,
    Channel,
    CodeStatus,
    Eligibility,
    Phase,
    Round,
    StemCode,
    VoterRecord,
    new_ballot_id,
)
from samenhang.voting.services.common import lock_round, rows_changed
from samenhang.voting.turnout import BallotProfile

_CHANGE_HINT = _l("To change your vote, fill in the receipt code you got.")


class BallotError(DomainError):
    """The ballot itself is not valid (too many projects, over budget, ...)."""

    kind = "invalid_ballot"


class AlreadyVoted(DomainError):
    """This code or resident has voted. Where the round lets a voter change their vote,
    the message says how."""

    status = 409
    kind = "already_voted"

    def __init__(self, message: Any, *, can_change: bool = False) -> None:
        super().__init__(message)
        self.can_change = can_change

    def __str__(self) -> str:
        text = super().__str__()
        return f"{text} {_CHANGE_HINT}" if self.can_change else text


class CodeRefused(DomainError):
    """A stemcode that is mistyped, unknown, spent or revoked."""

    kind = "code_refused"


class VotingClosed(DomainError):
    """The round is not (or no longer) in its voting phase, or its vote has closed."""

    status = 409
    kind = "closed"


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

    None of this can change once voting has opened (`require_editable` guards the round
    and its projects), except the phase. So a process may keep a copy while the round is
    voting (`queries.ballot_rules`): `register_vote` checks the phase, and the salt as the
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
    asks_age_band: bool
    eligibility: Eligibility
    voting_closes_at: datetime | None
    projects: dict[int, BallotProject] = field(default_factory=dict)
    #: The round's counting key: online ballots are sealed to it (None: a round opened
    #: before ballots were sealed, whose ballots stay plain).
    public_key: bytes | None = None

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
            asks_age_band=round_.asks_age_band,
            eligibility=round_.eligibility,
            voting_closes_at=round_.voting_closes_at,
            projects=projects,
            public_key=round_.public_key,
        )


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
                lazy_ngettext(
                    "You chose {chosen} project; the most you can choose is {maximum}.",
                    "You chose {chosen} projects; the most you can choose is {maximum}.",
                    len(selection),
                ),
                chosen=len(selection),
                maximum=high,
            )
        if len(selection) < low:
            raise BallotError(
                lazy_ngettext(
                    "You chose {chosen} project; choose at least {minimum}.",
                    "You chose {chosen} projects; choose at least {minimum}.",
                    len(selection),
                ),
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
                lazy_ngettext(
                    "You gave {given} point; the most you can give is {maximum}.",
                    "You gave {given} points; the most you can give is {maximum}.",
                    sum(points),
                ),
                given=sum(points),
                maximum=round_.max_points,
            )
    elif choice.points:
        raise BallotError(_l("This ballot has no points."))


def is_voting_open(round_: VotingRound, now: datetime | None = None) -> bool:
    if round_.phase is not Phase.voting:
        return False
    return round_.voting_closes_at is None or (now or utcnow()) < round_.voting_closes_at


def check_open(round_: VotingRound) -> None:
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
_TYPE_THE_CODE = _l("Type the stemcode from your letter.")
_ALREADY_CAST = _l("This vote has already been cast. Nothing was counted twice.")


def _check_code_form(round_: VotingRound, code: str) -> None:
    if not code.strip():
        raise CodeRefused(_TYPE_THE_CODE)
    if not round_.eligibility.uses_codes:
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


_USE_YOUR_LETTER = _l(
    "In this round everyone votes with the stemcode from their letter, also with an account."
    " Type the code from your letter. No letter? Ask for a code on the page of this round."
)
_ADDRESS_NOT_CHECKED = _l(
    "Only residents whose address in {wijk} has been checked can vote here. Ask for the"
    " check on your profile page, under “Your address”."
)


def resident_credential(round_: Round, user: Any) -> Credential:
    """A signed-in resident as the credential: only in rounds for residents alone, and only
    with a confirmed e-mail and an address in the wijk that was checked (never a typed
    postcode). Where the round also uses stemcodes, a resident votes with a code too, so
    that nobody holds two credentials (the account and the letter of their address)."""
    if not round_.eligibility.uses_residents:
        raise DomainError(_l("In this round you vote with the stemcode from your letter."))
    if not is_member(user):
        raise DomainError(_l("Sign in or enter your stemcode to vote."))
    if round_.eligibility.uses_codes:
        raise DomainError(_USE_YOUR_LETTER)
    check_verified_resident(user, round_.wijk, _ADDRESS_NOT_CHECKED, error=DomainError)
    return Credential(user=user)


def voter_credential(round_: Round, *, code: str, user: Any) -> Credential:
    """Who votes from the ballot page: the stemcode typed, else the signed-in resident."""
    if code.strip():
        return Credential(code=find_code(round_, code))
    if is_member(user) and round_.eligibility.uses_residents:
        return resident_credential(round_, user)
    if not round_.eligibility.uses_residents:
        raise CodeRefused(_TYPE_THE_CODE)
    raise DomainError(_l("Sign in or type your stemcode to vote."))


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
_ballots = Ballot.__table__
#: PostgreSQL, a ballot with a stemcode: spend the code, register it and insert the ballot
#: in one statement (one round trip, not two); the code's id, or no row and no ballot. The
#: ballot's owner hash needs the code's id, so the database finishes it: sha256 of
#: `b_owner_prefix` (see `_owner_hash_prefix`) and the id, the same value `_owner_hash` gives.
_REGISTERED = _SPEND_AND_REGISTER_CODE.cte("registered")
_CAST_WITH_CODE = (
    _ballots.insert()
    .from_select(
        [column.name for column in _ballots.c],
        select(
            *(
                func.encode(
                    func.sha256(
                        func.convert_to(
                            bindparam("b_owner_prefix", type_=String)
                            + cast(_REGISTERED.c.stemcode_id, String),
                            literal_column("'UTF8'"),
                        )
                    ),
                    literal_column("'hex'"),
                ).label(column.name)
                if column.name == "owner_hash"
                # Not the columns' own names: the UPDATE above would take a parameter
                # named like one of its columns (`id`, `round_id`) for its SET.
                else bindparam(f"ballot_{column.name}", type_=column.type).label(column.name)
                for column in _ballots.c
            )
        ).select_from(_REGISTERED),
    )
    .returning(_ballots.c.id)
)


def _refuse(round_: VotingRound, code_hash: str | None, *, can_change: bool) -> NoReturn:
    """Why the register refused a vote; read afterwards, so only refusals pay for it."""
    current = db.session.execute(
        select(Round.phase, Round.salt).where(Round.id == round_.id)
    ).one_or_none()
    if current is None or current.phase is not Phase.voting or current.salt != round_.salt:
        raise VotingClosed(_l("Voting is not open in this round."))
    if code_hash is None:  # pragma: no cover - a resident's row is refused by its unique key
        raise AlreadyVoted(_ALREADY_CAST, can_change=can_change)
    status = db.session.scalar(
        select(StemCode.status).where(
            StemCode.round_id == round_.id, StemCode.code_hash == code_hash
        )
    )
    if status is None:
        raise CodeRefused(_UNKNOWN_CODE)
    if status is CodeStatus.revoked:
        raise CodeRefused(_REVOKED_CODE)
    raise AlreadyVoted(_l("This code has already been used to vote."), can_change=can_change)


def register_vote(round_: VotingRound, credential: Credential, channel: Channel) -> str:
    """Record that this person voted, in the round's voting phase: the code is spent and the
    register row inserted, both or neither. Returns the credential's key (`Credential.key`).

    A code is spent by one conditional UPDATE (issued -> spent, while the round is voting):
    of two requests with the same code the second waits for the first's row lock and then
    finds the code spent. The register row is unique per round and code, and per round and
    user: a resident's second ballot fails there, in the database.
    """
    code_hash = credential.stemcode_hash
    where = {"b_round": round_.id, "b_salt": round_.salt}
    # Only an online ballot can be changed (with its receipt); paper ballots have none.
    can_change = round_.allows_changes and channel is Channel.online
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
            _refuse(round_, code_hash, can_change=can_change)
        return f"c{code_id}"
    user = credential.user
    assert user is not None
    try:
        with db.session.begin_nested():
            inserted = db.session.scalar(
                _REGISTER_RESIDENT, {**where, "b_user": user.id, "b_channel": channel.value}
            )
    except IntegrityError as exc:
        raise AlreadyVoted(_ALREADY_CAST, can_change=can_change) from exc
    if inserted is None:
        _refuse(round_, None, can_change=can_change)
    return f"u{user.id}"


def new_ballot_row(
    round_: VotingRound,
    choice: Choice,
    channel: Channel,
    key: str | None,
    *,
    project_count: int = 0,
    profile: BallotProfile | None = None,
) -> tuple[dict[str, Any], str | None]:
    """The ballot's row; online ballots (with the voter's `key`) get a receipt code and,
    where the round has a counting key, their content sealed to it: the row is written in
    the same transaction as the voter's register row, so it must not hold the choice.

    The `profile` (language, device, age band) is sealed with the choice, or dropped where
    the round has no key: it is never stored readable, next to the ballot or elsewhere."""
    receipt = codes.new_receipt() if key is not None else None
    public_key = round_.public_key if channel is Channel.online else None
    if public_key is not None:
        content: dict[str, Any] = {
            "selection": None,
            "points": None,
            "is_blank": False,
            "sealed": sealing.seal(
                public_key,
                choice.selection,
                choice.points,
                choice.is_blank,
                project_count,
                profile=_sealed_profile(round_, profile),
            ),
        }
    else:
        content = {
            "selection": list(choice.selection),
            "points": list(choice.points) if choice.points else None,
            "is_blank": choice.is_blank,
            "sealed": None,
        }
    row = {
        "id": new_ballot_id(),
        "round_id": round_.id,
        "channel": channel,
        **content,
        "is_superseded": False,
        "receipt_hash": codes.hash_code(round_.salt, receipt) if receipt else None,
        "owner_hash": _owner_hash(round_, receipt, key) if receipt and key else None,
        "batch_id": None,
        "cast_on": date.today(),
    }
    return row, receipt


def _sealed_profile(round_: VotingRound, profile: BallotProfile | None) -> dict[str, str]:
    if profile is None:
        return {}
    sealed = profile.sealed()
    if not round_.asks_age_band:
        sealed.pop("a", None)
    return sealed


def _owner_hash(round_: VotingRound, receipt: str, key: str) -> str:
    # normalise() drops the ":" but the receipt has a fixed length, so this is unambiguous.
    return codes.hash_code(round_.salt, f"{receipt}:{key}")


def _owner_hash_prefix(round_: VotingRound, receipt: str) -> str:
    """What `_owner_hash` hashes for a code's key (`c<id>`), up to the id: the database
    appends the id it spent (`_CAST_WITH_CODE`)."""
    return f"{round_.salt}:{codes.normalise(receipt)}C"


def _cast_with_code(round_: VotingRound, row: dict[str, Any], receipt: str, code_hash: str) -> bool:
    """PostgreSQL: the code spent, registered and the ballot inserted by one statement;
    False (nothing written) when the code cannot be spent."""
    ballot_id = db.session.connection().scalar(
        _CAST_WITH_CODE,
        {
            **{f"ballot_{name}": value for name, value in row.items()},
            "b_round": round_.id,
            "b_salt": round_.salt,
            "b_hash": code_hash,
            "b_channel": Channel.online.value,
            "b_owner_prefix": _owner_hash_prefix(round_, receipt),
        },
    )
    return ballot_id is not None


def cast_ballot(
    round_: VotingRound,
    projects: dict[int, BallotProject],
    choice: Choice,
    credential: Credential,
    *,
    age_confirmed: bool,
    profile: BallotProfile | None = None,
) -> str:
    """Cast an online ballot; returns the receipt code (shown once, stored hashed).

    The one way an online ballot is cast, from the ballot page and from the stemcode
    endpoint alike. `round_` may be the round or its `BallotRules`: the phase is checked
    again in the database by the statement that registers the voter. The ballot row gets
    no user, no code and no time; only the register knows who voted.
    """
    check_open(round_)
    if round_.min_age and not age_confirmed:
        raise DomainError(_l("Please confirm that you are {age} or older."), age=round_.min_age)
    validate_choice(round_, projects, choice)
    code_hash = credential.stemcode_hash
    if code_hash is not None and db.session.connection().dialect.name == "postgresql":
        # The key is the code's id, known to the database only: the row's owner hash is
        # finished there (a placeholder key here, its hash replaced).
        row, receipt = new_ballot_row(
            round_, choice, Channel.online, "c", project_count=len(projects), profile=profile
        )
        assert receipt is not None
        if not _cast_with_code(round_, row, receipt, code_hash):
            _refuse(round_, code_hash, can_change=round_.allows_changes)
    else:
        key = register_vote(round_, credential, Channel.online)
        row, receipt = new_ballot_row(
            round_, choice, Channel.online, key, project_count=len(projects), profile=profile
        )
        db.session.connection().execute(_INSERT_BALLOT, row)
    # The live estimate of turnout by language: counted outside the database, and only once
    # this transaction commits (a refused or rolled-back ballot is never counted).
    live.note_ballot(round_.id, profile.language if profile else None)
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
    profile: BallotProfile | None = None,
) -> str:
    """Replace an online ballot: the voter proves both who they are and which ballot is
    theirs (the receipt). The old ballot stays, marked superseded. Returns the new receipt."""
    check_open(round_)
    if not round_.allows_changes:
        raise DomainError(_l("In this round a vote cannot be changed."))
    if round_.min_age and not age_confirmed:
        raise DomainError(_l("Please confirm that you are {age} or older."), age=round_.min_age)
    validate_choice(round_, projects, choice)
    round_ = lock_round(round_, shared=True)
    check_open(round_)
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
    if rows_changed(result) != 1:
        raise DomainError(
            _l("This receipt code does not match your current vote. Check it and try again.")
        )
    row, new_receipt = new_ballot_row(
        round_,
        choice,
        Channel.online,
        credential.key,
        project_count=len(projects),
        profile=profile,
    )
    db.session.execute(_INSERT_BALLOT, row)
    assert new_receipt is not None
    return new_receipt
