"""The buurtcontract: one per wijk and year, written by the bewonersraad with the gemeente and
partners, signed by every party, and followed through the year goal by goal.

A contract row is one *version*: a signed version never changes (see `services`); an
amendment is the next version, which points at the one it amends, and so do its parties,
goals and commitments. Progress, questions and links belong to the goal row they were given
on; a goal's history is that of its chain of amended goals.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    CheckConstraint,
    Enum,
    ForeignKey,
    Numeric,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    event,
    inspect,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from samenhang.accounts.models import User
from samenhang.budgets.models import LineItem
from samenhang.campaigns.models import Campaign
from samenhang.db import created_at, intpk, str_short
from samenhang.enums import LabelledEnum
from samenhang.extensions import db
from samenhang.initiatives.models import Initiative, Theme
from samenhang.places.models import Wijk
from samenhang.voting.models import Round
from samenhang.vouchers.models import Pot


def _enum(cls: type[LabelledEnum]) -> Enum:
    return Enum(cls, native_enum=False, length=20, validate_strings=True)


#: Indicator values: exact decimals (never floats), up to two places.
indicator_value = Numeric(14, 2)


class ContractStatus(LabelledEnum):
    #: The bewonersraad writes it; only they and the wijkmanagers see it.
    draft = "draft"
    #: Public: residents comment until `comments_close_at`; the text may still change.
    consultation = "consultation"
    #: The text is fixed; the parties sign.
    signing = "signing"
    #: Every party signed: the contract is in force and never changes again.
    signed = "signed"
    #: A signed amendment replaced this version.
    superseded = "superseded"

    __labels__ = {
        draft: _l("Draft"),
        consultation: _l("Open for comments"),
        signing: _l("Being signed"),
        signed: _l("Signed"),
        superseded: _l("Replaced by a newer version"),
    }


#: Statuses in which the bewonersraad may still change the text.
EDITABLE = frozenset({ContractStatus.draft, ContractStatus.consultation})


class PartyKind(LabelledEnum):
    bewonersraad = "bewonersraad"
    gemeente = "gemeente"
    corporatie = "corporatie"
    other = "other"

    __labels__ = {
        bewonersraad: _l("Residents' council"),
        gemeente: _l("Municipality"),
        corporatie: _l("Housing corporation"),
        other: _l("Other partner"),
    }


class Unit(LabelledEnum):
    """How a goal's indicator is measured; `samenhang.contracts.units` checks values."""

    percent = "percent"
    count = "count"
    grade = "grade"
    number = "number"

    __labels__ = {
        percent: _l("Percent"),
        count: _l("Count (whole number)"),
        grade: _l("Report mark (1 to 10)"),
        number: _l("Number"),
    }


class GoalStatus(LabelledEnum):
    on_track = "on_track"
    at_risk = "at_risk"
    behind = "behind"
    achieved = "achieved"
    #: Given up, with a public reason.
    dropped = "dropped"

    __labels__ = {
        on_track: _l("On track"),
        at_risk: _l("At risk"),
        behind: _l("Behind"),
        achieved: _l("Achieved"),
        dropped: _l("Dropped"),
    }


#: A goal in one of these is finished: it does not carry over to next year.
FINISHED = frozenset({GoalStatus.achieved, GoalStatus.dropped})


class ReviewOutcome(LabelledEnum):
    achieved = "achieved"
    partly = "partly"
    not_achieved = "not_achieved"

    __labels__ = {
        achieved: _l("Achieved"),
        partly: _l("Partly achieved"),
        not_achieved: _l("Not achieved"),
    }


class BewonersraadMember(db.Model):
    """A resident on the wijk's bewonersraad, who writes the buurtcontract. The wijkmanager
    grants and ends membership; both are in the audit log."""

    __tablename__ = "bewonersraad_members"

    wijk_id: Mapped[int] = mapped_column(ForeignKey("wijken.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True, index=True)
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[created_at]

    wijk: Mapped[Wijk] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])

    def __repr__(self) -> str:
        return f"<BewonersraadMember wijk={self.wijk_id} user={self.user_id}>"


class Contract(db.Model):
    __tablename__ = "contracts"
    __table_args__ = (
        UniqueConstraint("wijk_id", "year", "version"),
        CheckConstraint("year BETWEEN 2000 AND 2100", name="year_plausible"),
        CheckConstraint("version >= 1", name="version_positive"),
        CheckConstraint(
            "(status IN ('signed', 'superseded')) = (signed_at IS NOT NULL)",
            name="signed_has_time",
        ),
    )

    id: Mapped[intpk]
    wijk_id: Mapped[int] = mapped_column(ForeignKey("wijken.id"), index=True)
    year: Mapped[int] = mapped_column(SmallInteger)
    #: 1 for the first text of the year, 2 for its first amendment, ...
    version: Mapped[int] = mapped_column(SmallInteger, default=1, server_default="1")
    status: Mapped[ContractStatus] = mapped_column(
        _enum(ContractStatus), default=ContractStatus.draft, server_default="draft"
    )
    #: Markdown: why the parties make this contract, in their own words.
    preamble: Mapped[str] = mapped_column(Text, default="", server_default="")
    #: The version this one amends; public reasons for the amendment beside it.
    amends_id: Mapped[int | None] = mapped_column(ForeignKey("contracts.id"), unique=True)
    amendment_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    comments_close_at: Mapped[datetime | None]
    signing_opened_at: Mapped[datetime | None]
    #: SHA-256 of the text as fixed when signing opened; every signature records it.
    content_hash: Mapped[str | None] = mapped_column(String(64))
    signed_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[created_at]

    wijk: Mapped[Wijk] = relationship()
    created_by: Mapped[User | None] = relationship()
    amends: Mapped[Contract | None] = relationship(
        remote_side="Contract.id", back_populates="amended_by"
    )
    amended_by: Mapped[Contract | None] = relationship(back_populates="amends")
    parties: Mapped[list[Party]] = relationship(
        back_populates="contract", order_by="Party.position", cascade="all, delete-orphan"
    )
    goals: Mapped[list[Goal]] = relationship(
        back_populates="contract", order_by="Goal.position", cascade="all, delete-orphan"
    )
    comments: Mapped[list[ContractComment]] = relationship(
        back_populates="contract", order_by="ContractComment.id", cascade="all, delete-orphan"
    )

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE

    @property
    def is_in_force(self) -> bool:
        return self.status is ContractStatus.signed

    @property
    def signatures(self) -> list[Signature]:
        return [p.signature for p in self.parties if p.signature is not None]

    def __repr__(self) -> str:
        return f"<Contract {self.id} wijk={self.wijk_id} {self.year} v{self.version} {self.status}>"


class Party(db.Model):
    __tablename__ = "contract_parties"
    __table_args__ = (UniqueConstraint("contract_id", "name"),)

    id: Mapped[intpk]
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), index=True)
    position: Mapped[int] = mapped_column(SmallInteger)
    kind: Mapped[PartyKind] = mapped_column(_enum(PartyKind))
    #: E.g. "Bewonersraad Woensel-West", "Gemeente Eindhoven", "Woonbedrijf".
    name: Mapped[str] = mapped_column(String(120))
    #: Public: who speaks for the party, names and roles as the party wants them shown.
    representatives: Mapped[str] = mapped_column(Text, default="", server_default="")

    contract: Mapped[Contract] = relationship(back_populates="parties")
    signatories: Mapped[list[Signatory]] = relationship(
        back_populates="party", cascade="all, delete-orphan"
    )
    signature: Mapped[Signature | None] = relationship(
        back_populates="party", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Party {self.id} {self.kind} {self.name!r}>"


class Signatory(db.Model):
    """A user the wijkmanager authorised to sign and report for a party (the bewonersraad's
    members and the gemeente's wijkmanagers may do so without this)."""

    __tablename__ = "contract_signatories"

    party_id: Mapped[int] = mapped_column(ForeignKey("contract_parties.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True, index=True)
    authorised_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[created_at]

    party: Mapped[Party] = relationship(back_populates="signatories")
    user: Mapped[User] = relationship(foreign_keys=[user_id])

    def __repr__(self) -> str:
        return f"<Signatory party={self.party_id} user={self.user_id}>"


class Signature(db.Model):
    """One party's signature: who signed, when, and the text they signed (its hash)."""

    __tablename__ = "contract_signatures"

    id: Mapped[intpk]
    party_id: Mapped[int] = mapped_column(ForeignKey("contract_parties.id"), unique=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: The signer's name as shown at the time; stays if the account goes.
    signer_name: Mapped[str] = mapped_column(String(80))
    content_hash: Mapped[str] = mapped_column(String(64))
    signed_at: Mapped[created_at]

    party: Mapped[Party] = relationship(back_populates="signature")
    user: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<Signature {self.id} party={self.party_id}>"


class Goal(db.Model):
    __tablename__ = "contract_goals"
    __table_args__ = (
        CheckConstraint("status <> 'dropped' OR length(status_reason) > 0", name="dropped_reason"),
    )
    #: Translated through samenhang.content like initiatives. A translation is not part of
    #: the signed text: the signatures hold the original, translations only help readers.
    __translatable__ = ("title", "description", "indicator")

    id: Mapped[intpk]
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), index=True)
    position: Mapped[int] = mapped_column(SmallInteger)
    theme: Mapped[Theme] = mapped_column(_enum(Theme))
    title: Mapped[str_short]
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    #: What is measured, e.g. "Share of residents who feel safe at night".
    indicator: Mapped[str_short]
    unit: Mapped[Unit] = mapped_column(_enum(Unit))
    #: Where the figure comes from, e.g. "Veiligheidsmonitor".
    source: Mapped[str_short]
    baseline: Mapped[Decimal] = mapped_column(indicator_value)
    target: Mapped[Decimal] = mapped_column(indicator_value)
    deadline: Mapped[date]
    owner_party_id: Mapped[int] = mapped_column(ForeignKey("contract_parties.id"), index=True)
    #: Progress state, kept up to date by the owner after signing (not part of the text).
    status: Mapped[GoalStatus] = mapped_column(
        _enum(GoalStatus), default=GoalStatus.on_track, server_default="on_track"
    )
    #: Public reason of the status; required for a dropped goal.
    status_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    status_changed_at: Mapped[datetime | None]
    #: The same goal in the version this contract amends.
    amends_id: Mapped[int | None] = mapped_column(ForeignKey("contract_goals.id"), index=True)
    #: The unfinished goal of last year's contract this one carries on.
    carried_from_id: Mapped[int | None] = mapped_column(ForeignKey("contract_goals.id"), index=True)
    #: The language the goal was written in (see samenhang.content). A buurtcontract is
    #: written and signed in Dutch, as the gemeente and the corporatie sign it.
    original_locale: Mapped[str] = mapped_column(String(5), default="nl", server_default="nl")
    created_at: Mapped[created_at]

    contract: Mapped[Contract] = relationship(back_populates="goals")
    owner_party: Mapped[Party] = relationship()
    amends: Mapped[Goal | None] = relationship(remote_side="Goal.id", foreign_keys=[amends_id])
    carried_from: Mapped[Goal | None] = relationship(
        remote_side="Goal.id", foreign_keys=[carried_from_id]
    )
    commitments: Mapped[list[Commitment]] = relationship(
        back_populates="goal", order_by="Commitment.position", cascade="all, delete-orphan"
    )
    progress: Mapped[list[Progress]] = relationship(
        back_populates="goal", order_by=lambda: [Progress.measured_on, Progress.id]
    )
    questions: Mapped[list[Question]] = relationship(back_populates="goal", order_by="Question.id")
    links: Mapped[list[GoalLink]] = relationship(
        back_populates="goal", order_by="GoalLink.id", cascade="all, delete-orphan"
    )
    review: Mapped[Review | None] = relationship(back_populates="goal")

    @property
    def wijk(self) -> Wijk:
        return self.contract.wijk

    @property
    def owner_id(self) -> int | None:
        # Written together by the bewonersraad; no single author.
        return None

    @property
    def lineage(self) -> list[Goal]:
        """This goal and the goals it amends, newest first."""
        chain: list[Goal] = []
        goal: Goal | None = self
        while goal is not None:
            chain.append(goal)
            goal = goal.amends
        return chain

    def __repr__(self) -> str:
        return f"<Goal {self.id} contract={self.contract_id} {self.title!r}>"


class Commitment(db.Model):
    """Who does what by when, for a goal."""

    __tablename__ = "contract_commitments"

    id: Mapped[intpk]
    goal_id: Mapped[int] = mapped_column(ForeignKey("contract_goals.id"), index=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("contract_parties.id"), index=True)
    position: Mapped[int] = mapped_column(SmallInteger)
    description: Mapped[str] = mapped_column(Text)
    due_on: Mapped[date]
    amends_id: Mapped[int | None] = mapped_column(ForeignKey("contract_commitments.id"))
    #: Progress state after signing: done, with a public note.
    done_at: Mapped[datetime | None]
    done_note: Mapped[str] = mapped_column(Text, default="", server_default="")
    #: When the party was reminded of the deadline (once).
    reminded_at: Mapped[datetime | None]

    goal: Mapped[Goal] = relationship(back_populates="commitments")
    party: Mapped[Party] = relationship()
    amends: Mapped[Commitment | None] = relationship(remote_side="Commitment.id")

    def __repr__(self) -> str:
        return f"<Commitment {self.id} goal={self.goal_id} due={self.due_on}>"


class ContractComment(db.Model):
    """A resident's comment on a draft during its comment period."""

    __tablename__ = "contract_comments"

    id: Mapped[intpk]
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[created_at]

    contract: Mapped[Contract] = relationship(back_populates="comments")
    author: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<ContractComment {self.id} contract={self.contract_id}>"


class Progress(db.Model):
    """A measured value of a goal's indicator, posted by its owner."""

    __tablename__ = "goal_progress"

    id: Mapped[intpk]
    goal_id: Mapped[int] = mapped_column(ForeignKey("contract_goals.id"), index=True)
    value: Mapped[Decimal] = mapped_column(indicator_value)
    measured_on: Mapped[date]
    note: Mapped[str] = mapped_column(Text, default="", server_default="")
    #: Stored photo (see samenhang.uploads, kind "contracts").
    photo_name: Mapped[str | None] = mapped_column(String(64))
    photo_width: Mapped[int | None] = mapped_column(SmallInteger)
    photo_height: Mapped[int | None] = mapped_column(SmallInteger)
    evidence_url: Mapped[str] = mapped_column(String(500), default="", server_default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[created_at]

    goal: Mapped[Goal] = relationship(back_populates="progress")
    author: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<Progress {self.id} goal={self.goal_id} {self.value} on {self.measured_on}>"


class Question(db.Model):
    """A resident's question or comment on a goal, answered in public by its owner."""

    __tablename__ = "goal_questions"
    __table_args__ = (
        CheckConstraint("(answer IS NULL) = (answered_at IS NULL)", name="answer_has_time"),
    )

    id: Mapped[intpk]
    goal_id: Mapped[int] = mapped_column(ForeignKey("contract_goals.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[created_at]
    answer: Mapped[str | None] = mapped_column(Text)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    answered_at: Mapped[datetime | None]

    goal: Mapped[Goal] = relationship(back_populates="questions")
    author: Mapped[User] = relationship(foreign_keys=[author_id])
    answered_by: Mapped[User | None] = relationship(foreign_keys=[answered_by_id])

    def __repr__(self) -> str:
        return f"<Question {self.id} goal={self.goal_id}>"


class Review(db.Model):
    """The owner's closing review of a goal at the end of the year."""

    __tablename__ = "goal_reviews"

    id: Mapped[intpk]
    goal_id: Mapped[int] = mapped_column(ForeignKey("contract_goals.id"), unique=True)
    outcome: Mapped[ReviewOutcome] = mapped_column(_enum(ReviewOutcome))
    final_value: Mapped[Decimal | None] = mapped_column(indicator_value)
    summary: Mapped[str] = mapped_column(Text)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[created_at]

    goal: Mapped[Goal] = relationship(back_populates="review")
    reviewed_by: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<Review {self.id} goal={self.goal_id} {self.outcome}>"


class GoalLink(db.Model):
    """Something that serves a goal: an initiative, a wijkstemdag round, a pot, a campaign
    or a buurtbegroting line. One typed foreign key each; exactly one is set."""

    __tablename__ = "goal_links"
    __table_args__ = (
        CheckConstraint(
            "(CASE WHEN initiative_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN round_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN pot_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN campaign_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN line_id IS NULL THEN 0 ELSE 1 END) = 1",
            name="one_target",
        ),
        UniqueConstraint("goal_id", "initiative_id"),
        UniqueConstraint("goal_id", "round_id"),
        UniqueConstraint("goal_id", "pot_id"),
        UniqueConstraint("goal_id", "campaign_id"),
        UniqueConstraint("goal_id", "line_id"),
    )

    id: Mapped[intpk]
    goal_id: Mapped[int] = mapped_column(ForeignKey("contract_goals.id"), index=True)
    initiative_id: Mapped[int | None] = mapped_column(ForeignKey("initiatives.id"), index=True)
    round_id: Mapped[int | None] = mapped_column(ForeignKey("stemdag_rounds.id"), index=True)
    pot_id: Mapped[int | None] = mapped_column(ForeignKey("pots.id"), index=True)
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id"), index=True)
    line_id: Mapped[int | None] = mapped_column(ForeignKey("budget_lines.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[created_at]

    goal: Mapped[Goal] = relationship(back_populates="links")
    initiative: Mapped[Initiative | None] = relationship()
    round: Mapped[Round | None] = relationship()
    pot: Mapped[Pot | None] = relationship()
    campaign: Mapped[Campaign | None] = relationship()
    line: Mapped[LineItem | None] = relationship()

    @property
    def target(self) -> Initiative | Round | Pot | Campaign | LineItem:
        found = self.initiative or self.round or self.pot or self.campaign or self.line
        assert found is not None
        return found

    @property
    def key(self) -> tuple[int | None, ...]:
        """What is linked, as ids: the same thing linked twice has the same key."""
        return (self.initiative_id, self.round_id, self.pot_id, self.campaign_id, self.line_id)

    def __repr__(self) -> str:
        return f"<GoalLink {self.id} goal={self.goal_id}>"


class Follower(db.Model):
    """A resident who gets the monthly digest of the wijk's buurtcontract."""

    __tablename__ = "contract_followers"

    wijk_id: Mapped[int] = mapped_column(ForeignKey("wijken.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True, index=True)
    created_at: Mapped[created_at]
    last_digest_at: Mapped[datetime | None]

    wijk: Mapped[Wijk] = relationship()
    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<Follower wijk={self.wijk_id} user={self.user_id}>"


# --- a signed text never changes ----------------------------------------------------------

#: Per model, the columns that make up the contract's text (the rest is progress state).
_TEXT_COLUMNS: dict[type, frozenset[str]] = {
    Contract: frozenset({"wijk_id", "year", "version", "preamble", "amends_id"}),
    Party: frozenset({"contract_id", "position", "kind", "name", "representatives"}),
    Goal: frozenset(
        {"contract_id", "position", "theme", "title", "description", "indicator", "unit"}
        | {"source", "baseline", "target", "deadline", "owner_party_id", "amends_id"}
    ),
    Commitment: frozenset({"goal_id", "party_id", "position", "description", "due_on"}),
}


class SignedContractIsImmutable(RuntimeError):
    pass


def _contract_of(obj: object) -> Contract | None:
    if isinstance(obj, Contract):
        return obj
    if isinstance(obj, Party | Goal):
        return obj.contract
    if isinstance(obj, Commitment):
        return obj.goal.contract if obj.goal is not None else None
    return None


def _was_fixed(contract: Contract) -> bool:
    """Fixed as the database knows it (a flush may move a draft into signing)."""
    state = inspect(contract)
    if state.pending:
        return False
    history = state.attrs.status.history
    status = history.deleted[0] if history.deleted else contract.status
    return status not in EDITABLE


@event.listens_for(Session, "before_flush")
def _refuse_changes_to_signed_text(session: Session, context: object, instances: object) -> None:
    # The services refuse first with a clear message; this is the structural guarantee.
    for obj in (*session.new, *session.dirty, *session.deleted):
        columns = _TEXT_COLUMNS.get(type(obj))
        contract = _contract_of(obj)
        if columns is None or contract is None or not _was_fixed(contract):
            continue
        state = inspect(obj)
        changed = obj in session.new or obj in session.deleted
        changed = changed or any(state.attrs[c].history.has_changes() for c in columns)
        if changed:
            raise SignedContractIsImmutable(f"{obj!r} belongs to fixed {contract!r}")
