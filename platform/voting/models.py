"""Wijkstemdag: rounds, their projects, stemcodes, the secret ballots and who has voted.

Secrecy by structure: a ballot row holds no user and no code, its key is random (a
uuid4, never a counter) and it carries only the day it was cast. Who voted lives in
`VoterRecord`, whose unique keys make "one person, one ballot" a database rule. The two
tables share nothing but the round. And since PostgreSQL still pairs rows written in one
transaction (`xmin`) and dumps keep the order rows were written in, an online ballot's
content is sealed to the round's counting key until the count (`samenhang.voting.sealing`,
docs/ballot-secrecy.md).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Enum,
    ForeignKey,
    Index,
    LargeBinary,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from samenhang.accounts.models import User
from samenhang.db import bool_false, cents, created_at, currency, intpk, str_short
from samenhang.enums import LabelledEnum
from samenhang.extensions import db
from samenhang.initiatives.models import Initiative
from samenhang.jobs import JobColumns, JobStatus
from samenhang.places.models import Wijk


class Phase(LabelledEnum):
    draft = "draft"
    ideas = "ideas"
    review = "review"
    voting = "voting"
    counting = "counting"
    results = "results"

    __labels__ = {
        draft: _l("Draft"),
        ideas: _l("Ideas"),
        review: _l("Review"),
        voting: _l("Voting"),
        counting: _l("Counting"),
        results: _l("Results"),
    }


#: The order phases follow; a round moves one step forward (or back, before voting).
PHASE_ORDER = tuple(Phase)


class BallotType(LabelledEnum):
    #: Tick between `min_projects` and `max_projects` projects.
    approval = "approval"
    #: Tick projects whose costs together fit in the budget.
    knapsack = "knapsack"
    #: Put up to `max_projects` projects in order of preference.
    ranking = "ranking"
    #: Spread up to `max_points` points over the projects.
    points = "points"

    __labels__ = {
        approval: _l("Approval: tick the projects you support"),
        knapsack: _l("Budget: choose projects that fit in the budget together"),
        ranking: _l("Ranking: put projects in order of preference"),
        points: _l("Points: spread points over the projects"),
    }


class Rule(LabelledEnum):
    greedy = "greedy"
    mes = "mes"
    mes_add1 = "mes-add1"

    __labels__ = {
        greedy: _l("Most votes first (greedy)"),
        mes: _l("Method of Equal Shares"),
        mes_add1: _l("Method of Equal Shares, using the whole budget (add1)"),
    }


class Eligibility(LabelledEnum):
    codes = "codes"
    residents = "residents"
    both = "both"

    __labels__ = {
        codes: _l("Stemcodes on letters"),
        residents: _l("Signed-in residents with an address in the wijk"),
        both: _l("Both"),
    }

    @property
    def uses_codes(self) -> bool:
        return self is not Eligibility.residents

    @property
    def uses_residents(self) -> bool:
        return self is not Eligibility.codes


class Channel(LabelledEnum):
    online = "online"
    paper = "paper"

    __labels__ = {online: _l("Online"), paper: _l("On paper")}


class CodeStatus(LabelledEnum):
    issued = "issued"
    spent = "spent"
    revoked = "revoked"

    #: As the manager's figures name them: how many codes are in each status.
    __labels__ = {
        issued: _l("Codes not used"),
        spent: _l("Codes used"),
        revoked: _l("Codes revoked"),
    }


class ProjectStatus(LabelledEnum):
    proposed = "proposed"
    accepted = "accepted"
    rejected = "rejected"

    __labels__ = {
        proposed: _l("Waiting for review"),
        accepted: _l("On the ballot"),
        rejected: _l("Not on the ballot"),
    }


class BatchStatus(LabelledEnum):
    entered = "entered"
    confirmed = "confirmed"
    rejected = "rejected"

    __labels__ = {
        entered: _l("Waiting for a check"),
        confirmed: _l("Confirmed"),
        rejected: _l("Rejected"),
    }


def _enum(enum: type[LabelledEnum]) -> Enum:
    return Enum(enum, native_enum=False, length=20, validate_strings=True)


def new_ballot_id() -> str:
    return uuid.uuid4().hex


class Round(db.Model):
    __tablename__ = "stemdag_rounds"
    __table_args__ = (
        CheckConstraint("budget_cents > 0", name="budget_positive"),
        CheckConstraint("length(title) > 0", name="title_not_empty"),
        CheckConstraint("min_age IS NULL OR min_age BETWEEN 0 AND 120", name="min_age_range"),
        Index("ix_stemdag_rounds_wijk_phase", "wijk_id", "phase"),
    )

    id: Mapped[intpk]
    wijk_id: Mapped[int] = mapped_column(ForeignKey("wijken.id"))
    title: Mapped[str] = mapped_column(String(120))
    #: Markdown, sanitised on render.
    description: Mapped[str] = mapped_column(Text, default="")
    budget_cents: Mapped[cents]
    currency: Mapped[currency]
    ballot_type: Mapped[BallotType] = mapped_column(_enum(BallotType))
    #: Approval and ranking: how many projects a ballot must / may name.
    min_projects: Mapped[int | None]
    max_projects: Mapped[int | None]
    #: Points ballots: the most points a voter may give in total.
    max_points: Mapped[int | None]
    rule: Mapped[Rule] = mapped_column(_enum(Rule))
    eligibility: Mapped[Eligibility] = mapped_column(_enum(Eligibility))
    #: The voter declares to be at least this old (Assen: 12); None for no limit.
    min_age: Mapped[int | None]
    #: The voter may change the ballot until voting closes; the last one counts.
    allows_changes: Mapped[bool_false]
    allows_blank: Mapped[bool_false]
    #: The ballot asks an optional, skippable age band, sealed with the choice and only
    #: ever added up at the count (samenhang.voting.turnout).
    asks_age_band: Mapped[bool_false]
    #: Weights of online and paper ballots; `is_channel_balanced` instead weighs them so
    #: that each channel counts for half (Amsterdam's Buurtbudget).
    online_weight: Mapped[Decimal] = mapped_column(Numeric(8, 4), default=Decimal(1))
    paper_weight: Mapped[Decimal] = mapped_column(Numeric(8, 4), default=Decimal(1))
    is_channel_balanced: Mapped[bool_false]
    #: How many people may vote, where known (for the turnout percentage).
    eligible_count: Mapped[int | None]
    phase: Mapped[Phase] = mapped_column(_enum(Phase), default=Phase.draft)
    #: The published schedule: the day each phase starts.
    ideas_on: Mapped[date | None]
    review_on: Mapped[date | None]
    voting_on: Mapped[date | None]
    counting_on: Mapped[date | None]
    results_on: Mapped[date | None]
    #: Voting refuses ballots from this moment, even before the phase is moved on.
    voting_closes_at: Mapped[datetime | None]
    #: Random per round: stemcodes and receipts are stored as sha256(salt + code).
    salt: Mapped[str] = mapped_column(String(32))
    #: Next letter number for generated codes.
    next_serial: Mapped[int] = mapped_column(default=1)
    #: Greedy with category caps: fund more projects that fit in the money the caps left
    #: over, by support (Amsterdam's "leftover budget").
    is_leftover_funded: Mapped[bool_false]
    #: A round imported from a pabulib file keeps the file; its ballots are counted from it.
    imported_pb: Mapped[str | None] = mapped_column(Text)
    #: The count: the engine's result, the turnout and the money unit, as JSON.
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    counted_at: Mapped[datetime | None]
    #: Who cast the online ballots (counts by language, device class and age band), added
    #: up from inside the sealed ballots when they are opened at the count; never per
    #: ballot. None for rounds whose ballots were not sealed.
    ballot_profile: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    #: The counting key, created when voting opens (hex of the X25519 public key): online
    #: ballots are sealed to it. The private key is never stored: two of its three key
    #: shares rebuild it at the count. None for rounds opened before ballots were sealed.
    counting_public_key: Mapped[str | None] = mapped_column(String(64))
    #: Eight characters naming the key, printed on its shares.
    counting_key_fingerprint: Mapped[str | None] = mapped_column(String(8))
    #: A round that cannot be counted (its key shares lost) is annulled, with public reasons.
    annulled_at: Mapped[datetime | None]
    annulled_reason: Mapped[str | None] = mapped_column(Text)
    #: The source account the funded projects are paid from in the ledger.
    ledger_account_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_accounts.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[created_at]
    updated_at: Mapped[created_at]

    wijk: Mapped[Wijk] = relationship()
    created_by: Mapped[User | None] = relationship()
    categories: Mapped[list[Category]] = relationship(
        back_populates="round", cascade="all, delete-orphan", order_by="Category.position"
    )
    projects: Mapped[list[Project]] = relationship(
        back_populates="round", cascade="all, delete-orphan", order_by="Project.position"
    )
    volunteers: Mapped[list[RoundVolunteer]] = relationship(
        back_populates="round", cascade="all, delete-orphan"
    )

    @property
    def accepted_projects(self) -> list[Project]:
        return [p for p in self.projects if p.status is ProjectStatus.accepted]

    @property
    def is_imported(self) -> bool:
        return self.imported_pb is not None

    @property
    def is_annulled(self) -> bool:
        return self.annulled_at is not None

    @property
    def public_key(self) -> bytes | None:
        """The counting key's public half, which online ballots are sealed to."""
        return bytes.fromhex(self.counting_public_key) if self.counting_public_key else None

    @property
    def schedule(self) -> list[tuple[Phase, date]]:
        """The published first day of each phase that has one, in order."""
        days = (self.ideas_on, self.review_on, self.voting_on, self.counting_on, self.results_on)
        return [(phase, day) for phase, day in zip(PHASE_ORDER[1:], days, strict=True) if day]

    def timeline(self, with_draft: bool = False) -> list[tuple[Phase, date | None, str]]:
        """Each phase with its published first day and where the round is: "done",
        "current" or "later" (for the phase timeline of the round, manage and wijk pages)."""
        days = dict(self.schedule)
        here = PHASE_ORDER.index(self.phase)
        steps = []
        for i, phase in enumerate(PHASE_ORDER):
            if phase is Phase.draft and not with_draft:
                continue
            where = "done" if i < here else "current" if i == here else "later"
            steps.append((phase, days.get(phase), where))
        return steps

    @property
    def is_editable(self) -> bool:
        """Budget, rules and projects are fixed once voting opens."""
        return PHASE_ORDER.index(self.phase) < PHASE_ORDER.index(Phase.voting)

    def __repr__(self) -> str:
        return f"<Round {self.id} {self.phase}>"


class CountJob(JobColumns, db.Model):
    """A count of a round, run as a job (`samenhang.jobs`): its progress, and why it failed.
    The newest one per round is shown on the manage page."""

    job_kind = "count"

    __tablename__ = "stemdag_count_jobs"
    __table_args__ = (
        CheckConstraint("percent BETWEEN 0 AND 100", name="percent_range"),
        Index("ix_stemdag_count_jobs_round_id", "round_id", "id"),
    )

    id: Mapped[intpk]
    round_id: Mapped[int] = mapped_column(ForeignKey("stemdag_rounds.id", ondelete="CASCADE"))
    status: Mapped[JobStatus] = mapped_column(_enum(JobStatus), default=JobStatus.queued)
    #: Where the work is: one of `COUNT_STAGES` (samenhang.voting.counting).
    stage: Mapped[str] = mapped_column(String(20), default="queued")
    percent: Mapped[int] = mapped_column(default=0)
    #: Why it failed: the untranslated message and its parameters, shown in the reader's
    #: language (`samenhang.jobs.error_text`).
    error_msgid: Mapped[str | None] = mapped_column(Text)
    error_params: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[created_at]
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]

    round: Mapped[Round] = relationship()
    requested_by: Mapped[User | None] = relationship()


class LetterBatch(JobColumns, db.Model):
    """A batch of stemcode letters, made as a job (`samenhang.voting.services.letters`).

    Its PDF is the only copy of the codes in the clear: it is kept (in the instance
    folder) so a wijkmanager whose download broke off can fetch it again, until voting
    opens (or, made while voting is open, until it closes); then it is deleted. A batch
    can be voided as a whole: its unused codes are revoked. The addresses typed in are in
    `args` only until the PDF is made."""

    __tablename__ = "stemdag_letter_batches"
    __table_args__ = (
        CheckConstraint("percent BETWEEN 0 AND 100", name="percent_range"),
        Index("ix_stemdag_letter_batches_round_id", "round_id", "id"),
    )
    job_kind = "letters"

    id: Mapped[intpk]
    round_id: Mapped[int] = mapped_column(ForeignKey("stemdag_rounds.id", ondelete="CASCADE"))
    status: Mapped[JobStatus] = mapped_column(_enum(JobStatus), default=JobStatus.queued)
    #: queued, codes, letters, saving (`LETTER_STAGES`), or retrying.
    stage: Mapped[str] = mapped_column(String(20), default="queued")
    percent: Mapped[int] = mapped_column(default=0)
    error_msgid: Mapped[str | None] = mapped_column(Text)
    error_params: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    count: Mapped[int]
    first_serial: Mapped[int | None]
    last_serial: Mapped[int | None]
    #: The PDF's file name in the letters folder; None once it is deleted.
    file: Mapped[str | None] = mapped_column(String(100))
    voided_at: Mapped[datetime | None]
    voided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[created_at]
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]

    round: Mapped[Round] = relationship()
    requested_by: Mapped[User | None] = relationship(foreign_keys=[requested_by_id])
    voided_by: Mapped[User | None] = relationship(foreign_keys=[voided_by_id])


class Category(db.Model):
    __tablename__ = "stemdag_categories"
    __table_args__ = (
        UniqueConstraint("round_id", "name"),
        CheckConstraint("cap_cents IS NULL OR cap_cents >= 0", name="cap_not_negative"),
    )

    id: Mapped[intpk]
    round_id: Mapped[int] = mapped_column(ForeignKey("stemdag_rounds.id"))
    name: Mapped[str] = mapped_column(String(80))
    #: The most the projects of this category may get together; None for no cap.
    cap_cents: Mapped[int | None] = mapped_column(BigInteger)
    position: Mapped[int] = mapped_column(default=0)

    round: Mapped[Round] = relationship(back_populates="categories")

    def __repr__(self) -> str:
        return f"<Category {self.id} {self.name}>"


class Project(db.Model):
    """A project on the ballot; residents propose, the wijkmanager reviews with reasons."""

    __tablename__ = "stemdag_projects"
    __table_args__ = (
        CheckConstraint("cost_cents >= 0", name="cost_not_negative"),
        CheckConstraint("length(title) > 0", name="title_not_empty"),
        UniqueConstraint("round_id", "pb_id"),
    )
    __translatable__ = ("title", "summary")

    id: Mapped[intpk]
    round_id: Mapped[int] = mapped_column(ForeignKey("stemdag_rounds.id"), index=True)
    #: The project's id in a pabulib file (imported rounds); others use their own id.
    pb_id: Mapped[str | None] = mapped_column(String(40))
    initiative_id: Mapped[int | None] = mapped_column(ForeignKey("initiatives.id"), index=True)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("stemdag_categories.id"))
    proposer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    title: Mapped[str] = mapped_column(String(120))
    summary: Mapped[str] = mapped_column(String(500), default="")
    original_locale: Mapped[str] = mapped_column(String(5))
    cost_cents: Mapped[cents]
    status: Mapped[ProjectStatus] = mapped_column(
        _enum(ProjectStatus), default=ProjectStatus.proposed
    )
    #: The wijkmanager's public reasons (feasibility and cost) for accepting or rejecting.
    review_reason: Mapped[str | None] = mapped_column(Text)
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[created_at]

    round: Mapped[Round] = relationship(back_populates="projects")
    initiative: Mapped[Initiative | None] = relationship()
    category: Mapped[Category | None] = relationship()
    proposer: Mapped[User | None] = relationship()

    @property
    def wijk(self) -> Wijk:
        return self.round.wijk

    @property
    def owner_id(self) -> int | None:
        return self.proposer_id

    @property
    def engine_id(self) -> str:
        """The id the counting engine and the .pb files know it by."""
        return self.pb_id or str(self.id)

    def __repr__(self) -> str:
        return f"<Project {self.id} {self.status}>"


class StemCode(db.Model):
    """A single-use code printed on a letter; only its salted hash is stored."""

    __tablename__ = "stemdag_codes"
    __table_args__ = (
        UniqueConstraint("round_id", "code_hash"),
        UniqueConstraint("round_id", "serial"),
    )

    id: Mapped[intpk]
    round_id: Mapped[int] = mapped_column(ForeignKey("stemdag_rounds.id"))
    code_hash: Mapped[str] = mapped_column(String(64))
    #: The letter's number, printed on it, so a lost letter can be revoked without its code.
    serial: Mapped[int]
    status: Mapped[CodeStatus] = mapped_column(_enum(CodeStatus), default=CodeStatus.issued)
    #: The letter this one replaces (re-issued after a revoke).
    replaces_serial: Mapped[int | None]
    issued_at: Mapped[created_at]
    revoked_at: Mapped[datetime | None]

    def __repr__(self) -> str:
        return f"<StemCode {self.id} #{self.serial} {self.status}>"


class VoterRecord(db.Model):
    """Who has voted in a round (not how). One row per person: the unique keys make a
    second ballot by the same user or code fail in the database, also under concurrency.
    No timestamp, so it cannot be lined up with the ballots."""

    __tablename__ = "stemdag_voters"
    __table_args__ = (
        UniqueConstraint("round_id", "user_id"),
        UniqueConstraint("round_id", "stemcode_id"),
        CheckConstraint("user_id IS NOT NULL OR stemcode_id IS NOT NULL", name="user_or_code"),
    )

    id: Mapped[intpk]
    round_id: Mapped[int] = mapped_column(ForeignKey("stemdag_rounds.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    stemcode_id: Mapped[int | None] = mapped_column(ForeignKey("stemdag_codes.id"))
    channel: Mapped[Channel] = mapped_column(_enum(Channel))

    def __repr__(self) -> str:
        return f"<VoterRecord {self.id} {self.channel}>"


class Ballot(db.Model):
    """A secret ballot: no user, no code, a random key and only the day it was cast.

    Three kinds of row. An online ballot is cast *sealed*: its content only in `sealed`,
    `selection` and `points` empty (NULL), never blank. At the count the sealed ballots are
    opened and written again as *plain* rows (a new random id, no receipt, shuffled), and
    the cast rows keep only what the receipt check needs (receipt, owner hash,
    superseded), their `sealed` cleared. Paper ballots (and online ones of rounds from
    before sealing) are plain from the start.

    Never deleted during a round: a changed ballot is marked superseded, a rejected paper
    batch keeps its ballots (they never count).
    """

    __tablename__ = "stemdag_ballots"
    __table_args__ = (
        UniqueConstraint("round_id", "receipt_hash"),
        Index("ix_stemdag_ballots_round", "round_id", "is_superseded"),
        CheckConstraint(
            "sealed IS NULL OR (selection IS NULL AND points IS NULL AND NOT is_blank)",
            name="sealed_or_plain",
        ),
        # SQLite would otherwise keep a hidden, counting rowid: the insertion order.
        {"sqlite_with_rowid": False},
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_ballot_id)
    round_id: Mapped[int] = mapped_column(ForeignKey("stemdag_rounds.id"))
    channel: Mapped[Channel] = mapped_column(_enum(Channel))
    #: Project ids in the voter's order (rankings: best first); NULL while sealed, and on
    #: a cast row once its content was written as a plain row at the count.
    selection: Mapped[list[int] | None] = mapped_column(JSON(none_as_null=True))
    #: Points per project, parallel to `selection`, for points ballots.
    points: Mapped[list[int] | None] = mapped_column(JSON(none_as_null=True))
    #: The content (selection, points, blank) sealed to the round's counting key.
    sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    is_blank: Mapped[bool_false]
    is_superseded: Mapped[bool_false]
    #: sha256(salt + receipt code) of online ballots; the voter keeps the code.
    receipt_hash: Mapped[str | None] = mapped_column(String(64))
    #: sha256(salt + receipt code + the voter's credential): only someone holding both the
    #: receipt and the credential can replace the ballot. Without the receipt (random, 59
    #: bits) nobody can compute it, so it does not link the ballot to anyone.
    owner_hash: Mapped[str | None] = mapped_column(String(64))
    #: Paper ballots count only once their batch is confirmed.
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("stemdag_paper_batches.id"), index=True)
    #: The day only: a time would line the ballots up with the register.
    cast_on: Mapped[date]

    def __repr__(self) -> str:
        return f"<Ballot {self.id[:8]} {self.channel}>"


class RoundVolunteer(db.Model):
    """A volunteer at the physical stemdag: keeps the register and enters paper ballots."""

    __tablename__ = "stemdag_volunteers"

    round_id: Mapped[int] = mapped_column(ForeignKey("stemdag_rounds.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    created_at: Mapped[created_at]

    round: Mapped[Round] = relationship(back_populates="volunteers")
    user: Mapped[User] = relationship()


class CodeRequestStatus(LabelledEnum):
    requested = "requested"
    issued = "issued"

    __labels__ = {requested: _l("Waiting for a code"), issued: _l("Code sent")}


class CodeRequest(db.Model):
    """A checked resident without a letter asks for a stemcode (rounds with codes and
    residents both: there every voter votes with a code, so one person has one credential).

    Unique per round and user: a second request, and a second code for the same person, is
    refused by the database. Which code was issued is not recorded, as for every letter:
    the register cannot tell whose code voted.
    """

    __tablename__ = "stemdag_code_requests"
    __table_args__ = (
        UniqueConstraint("round_id", "user_id"),
        CheckConstraint(
            "status <> 'issued' OR (issued_at IS NOT NULL AND issued_by_id IS NOT NULL)",
            name="issued_has_issuer",
        ),
    )

    id: Mapped[intpk]
    round_id: Mapped[int] = mapped_column(ForeignKey("stemdag_rounds.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    status: Mapped[CodeRequestStatus] = mapped_column(
        _enum(CodeRequestStatus), default=CodeRequestStatus.requested
    )
    created_at: Mapped[created_at]
    issued_at: Mapped[datetime | None]
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: The wijkmanager's note of the register check (no letter went to this person).
    note: Mapped[str | None] = mapped_column(Text)

    round: Mapped[Round] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    issued_by: Mapped[User | None] = relationship(foreign_keys=[issued_by_id])

    def __repr__(self) -> str:
        return f"<CodeRequest {self.id} round={self.round_id} {self.status}>"


class PaperBatch(db.Model):
    """A stack of paper ballots entered by one volunteer and confirmed by another."""

    __tablename__ = "stemdag_paper_batches"
    __table_args__ = (
        CheckConstraint("declared_count > 0", name="declared_positive"),
        CheckConstraint(
            "confirmed_by_id IS NULL OR confirmed_by_id <> entered_by_id", name="four_eyes"
        ),
        CheckConstraint(
            "status <> 'confirmed' OR entered_count = declared_count", name="counts_reconciled"
        ),
        CheckConstraint("invalid_count BETWEEN 0 AND entered_count", name="invalid_in_entered"),
    )

    id: Mapped[intpk]
    round_id: Mapped[int] = mapped_column(ForeignKey("stemdag_rounds.id"), index=True)
    label: Mapped[str_short]
    #: How many paper ballots the stack holds, counted by hand before entry.
    declared_count: Mapped[int]
    entered_count: Mapped[int] = mapped_column(default=0)
    #: Of the entered ballots, how many are invalid (spoilt, marked "x", or breaking the
    #: ballot's rules): they count in the turnout as invalid, never in the tally, and have
    #: no ballot row.
    invalid_count: Mapped[int] = mapped_column(default=0, server_default="0")
    status: Mapped[BatchStatus] = mapped_column(_enum(BatchStatus), default=BatchStatus.entered)
    entered_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: The lines as typed, so the second volunteer can check them against the stack.
    entry_text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[created_at]
    decided_at: Mapped[datetime | None]

    entered_by: Mapped[User] = relationship(foreign_keys=[entered_by_id])
    confirmed_by: Mapped[User | None] = relationship(foreign_keys=[confirmed_by_id])

    def __repr__(self) -> str:
        return f"<PaperBatch {self.id} {self.status}>"
