"""Bewonersbudgetten: pots, their criteria, applications, decisions, payouts, receipts and
voucher codes. Every amount here is also a ledger line; these tables hold the story around
the money, the ledger holds the money."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    Enum,
    ForeignKey,
    Integer,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from samenhang.accounts.models import User
from samenhang.db import cents, created_at, currency, intpk, str_short
from samenhang.enums import LabelledEnum
from samenhang.extensions import db
from samenhang.ledger.models import JournalEntry, LedgerAccount
from samenhang.places.models import Wijk


def _enum(cls: type[StrEnum]) -> Enum:
    return Enum(cls, native_enum=False, length=20, validate_strings=True)


class SourceKind(LabelledEnum):
    gemeente = "gemeente"
    woningcorporatie = "woningcorporatie"
    fonds = "fonds"

    __labels__ = {
        gemeente: _l("Municipality"),
        woningcorporatie: _l("Housing corporation"),
        fonds: _l("Fund"),
    }


class PotStatus(LabelledEnum):
    #: Being prepared: criteria are written, no applications yet.
    draft = "draft"
    #: Residents may apply.
    open = "open"
    #: No new applications; running ones are finished.
    closed = "closed"

    __labels__ = {
        draft: _l("Being prepared"),
        open: _l("Open for applications"),
        closed: _l("Closed"),
    }


class CriteriaStatus(LabelledEnum):
    draft = "draft"
    #: The draft is public and residents comment until `comments_close_at`.
    consultation = "consultation"
    final = "final"

    __labels__ = {
        draft: _l("Draft"),
        consultation: _l("Draft, open for comments"),
        final: _l("Final"),
    }


class ApplicationStatus(LabelledEnum):
    submitted = "submitted"
    #: The wijkmanager asked the resident panel for advice.
    advice_requested = "advice_requested"
    #: Granted in full or in part (see the decision); money is reserved, then paid out.
    granted = "granted"
    refused = "refused"
    withdrawn = "withdrawn"
    #: Accounted for: receipts and report in, unspent money back in the pot.
    settled = "settled"

    __labels__ = {
        submitted: _l("Waiting for a decision"),
        advice_requested: _l("With the resident panel for advice"),
        granted: _l("Granted"),
        refused: _l("Refused"),
        withdrawn: _l("Withdrawn"),
        settled: _l("Done and accounted for"),
    }


class Outcome(LabelledEnum):
    """A decision's outcome, or a panel member's advice. `label` is how a decided outcome
    reads; `label_for("verb")` is the choice on the decision and advice forms."""

    full = "full"
    partial = "partial"
    refused = "refused"

    __labels__ = {
        full: _l("Granted in full"),
        partial: _l("Granted in part"),
        refused: _l("Refused"),
    }
    __verb_labels__ = {
        full: _l("Grant in full"),
        partial: _l("Grant in part"),
        refused: _l("Refuse"),
    }


class ContributionKind(LabelledEnum):
    time = "time"
    materials = "materials"
    co_funding = "co_funding"

    __labels__ = {
        time: _l("Time (hours of work)"),
        materials: _l("Materials or a space"),
        co_funding: _l("Money of our own or from others"),
    }


class VoucherStatus(LabelledEnum):
    issued = "issued"
    redeemed = "redeemed"
    #: Expired unspent; its value went back to the pot.
    expired = "expired"

    __labels__ = {
        issued: _l("Not used yet"),
        redeemed: _l("Used"),
        expired: _l("Expired"),
    }


class EntryKind(LabelledEnum):
    """The ledger entries the bewonersbudgetten post (`JournalEntry.kind`)."""

    pot_funded = "pot.funded"
    application_granted = "application.granted"
    application_paid_out = "application.paid_out"
    application_returned = "application.returned"
    application_released = "application.released"
    voucher_issued = "voucher.issued"
    voucher_redeemed = "voucher.redeemed"
    voucher_expired = "voucher.expired"

    __labels__ = {
        pot_funded: _l("Money into the pot"),
        application_granted: _l("Reserved for a grant"),
        application_paid_out: _l("Paid out"),
        application_returned: _l("Unspent money returned"),
        application_released: _l("Unpaid part of a grant released"),
        voucher_issued: _l("Vouchers issued"),
        voucher_redeemed: _l("Voucher spent"),
        voucher_expired: _l("Vouchers expired"),
    }

    @classmethod
    def of(cls, kind: str) -> EntryKind | None:
        """The kind of a stored entry; None for kinds of other areas or reversals."""
        try:
            return cls(kind)
        except ValueError:
            return None


class Pot(db.Model):
    """A bewonersbudget: money for residents' ideas in one wijk and year, from one source."""

    __tablename__ = "pots"
    __table_args__ = (
        UniqueConstraint("wijk_id", "year", "name"),
        CheckConstraint("max_per_application_cents > 0", name="max_positive"),
        CheckConstraint("year BETWEEN 2000 AND 2100", name="year_plausible"),
    )

    id: Mapped[intpk]
    wijk_id: Mapped[int] = mapped_column(ForeignKey("wijken.id"), index=True)
    year: Mapped[int] = mapped_column(SmallInteger)
    name: Mapped[str_short]
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    source_kind: Mapped[SourceKind] = mapped_column(_enum(SourceKind))
    #: Who gives the money, e.g. "Gemeente Groningen" or "Woningcorporatie Lefier".
    source_name: Mapped[str_short]
    currency: Mapped[currency]
    max_per_application_cents: Mapped[cents]
    status: Mapped[PotStatus] = mapped_column(
        _enum(PotStatus), default=PotStatus.draft, server_default=PotStatus.draft.value
    )
    criteria_status: Mapped[CriteriaStatus] = mapped_column(
        _enum(CriteriaStatus),
        default=CriteriaStatus.draft,
        server_default=CriteriaStatus.draft.value,
    )
    comments_close_at: Mapped[datetime | None]
    criteria_fixed_at: Mapped[datetime | None]
    #: Uncommitted money of the pot.
    account_id: Mapped[int] = mapped_column(ForeignKey("ledger_accounts.id"), unique=True)
    #: The source budget the money came from (its negative balance is the pot's budget).
    source_account_id: Mapped[int] = mapped_column(ForeignKey("ledger_accounts.id"), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[created_at]

    wijk: Mapped[Wijk] = relationship()
    account: Mapped[LedgerAccount] = relationship(foreign_keys=[account_id])
    source_account: Mapped[LedgerAccount] = relationship(foreign_keys=[source_account_id])
    created_by: Mapped[User | None] = relationship()
    criteria: Mapped[list[Criterion]] = relationship(
        back_populates="pot", order_by="Criterion.position", cascade="all, delete-orphan"
    )
    comments: Mapped[list[CriteriaComment]] = relationship(
        back_populates="pot", order_by="CriteriaComment.id"
    )
    participants: Mapped[list[CriteriaParticipant]] = relationship(
        back_populates="pot", order_by="CriteriaParticipant.id"
    )
    panel_members: Mapped[list[PanelMember]] = relationship(back_populates="pot")
    applications: Mapped[list[Application]] = relationship(
        back_populates="pot", order_by="Application.id"
    )
    batches: Mapped[list[VoucherBatch]] = relationship(
        back_populates="pot", order_by="VoucherBatch.id"
    )

    @property
    def is_open(self) -> bool:
        return self.status is PotStatus.open

    @property
    def criteria_are_final(self) -> bool:
        return self.criteria_status is CriteriaStatus.final

    def __repr__(self) -> str:
        return f"<Pot {self.id} wijk={self.wijk_id} {self.year} {self.status}>"


class Criterion(db.Model):
    __tablename__ = "pot_criteria"
    __table_args__ = (CheckConstraint("weight BETWEEN 1 AND 3", name="weight_range"),)
    __translatable__ = ("title", "description")

    id: Mapped[intpk]
    pot_id: Mapped[int] = mapped_column(ForeignKey("pots.id"), index=True)
    position: Mapped[int] = mapped_column(SmallInteger)
    title: Mapped[str_short]
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    #: How much the criterion counts in the score: 1 (normal) to 3 (counts three times).
    weight: Mapped[int] = mapped_column(SmallInteger, default=1, server_default="1")
    #: The language the criterion was written in (see samenhang.content).
    original_locale: Mapped[str] = mapped_column(String(5), default="nl", server_default="nl")

    pot: Mapped[Pot] = relationship(back_populates="criteria")

    @property
    def wijk(self) -> Wijk:
        return self.pot.wijk

    @property
    def owner_id(self) -> int | None:
        # Criteria are written by the wijkmanager with residents; no single owner.
        return None

    def __repr__(self) -> str:
        return f"<Criterion {self.id} pot={self.pot_id} {self.title!r}>"


class CriteriaComment(db.Model):
    """A resident's comment on the draft criteria during the comment period."""

    __tablename__ = "pot_criteria_comments"

    id: Mapped[intpk]
    pot_id: Mapped[int] = mapped_column(ForeignKey("pots.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[created_at]

    pot: Mapped[Pot] = relationship(back_populates="comments")
    author: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<CriteriaComment {self.id} pot={self.pot_id}>"


class CriteriaParticipant(db.Model):
    """Who took part in writing the final criteria: commenters, and others named by the
    wijkmanager (e.g. the bewonersraad, people at a meeting)."""

    __tablename__ = "pot_criteria_participants"

    id: Mapped[intpk]
    pot_id: Mapped[int] = mapped_column(ForeignKey("pots.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: The name as shown: a user's display name at the time, or a name typed in.
    name: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[created_at]

    pot: Mapped[Pot] = relationship(back_populates="participants")
    user: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<CriteriaParticipant {self.id} pot={self.pot_id}>"


class PanelMember(db.Model):
    """A resident the wijkmanager may ask for advice on the applications to a pot."""

    __tablename__ = "pot_panel_members"

    pot_id: Mapped[int] = mapped_column(ForeignKey("pots.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True, index=True)
    created_at: Mapped[created_at]

    pot: Mapped[Pot] = relationship(back_populates="panel_members")
    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<PanelMember pot={self.pot_id} user={self.user_id}>"


class Application(db.Model):
    """A request for money from a pot for a residents' initiative."""

    __tablename__ = "pot_applications"
    __table_args__ = (CheckConstraint("amount_requested_cents > 0", name="requested_positive"),)

    id: Mapped[intpk]
    pot_id: Mapped[int] = mapped_column(ForeignKey("pots.id"), index=True)
    applicant_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: Set when residents apply together, e.g. "Bewonersgroep Speeltuin Noord"; public.
    group_name: Mapped[str | None] = mapped_column(String(120))
    title: Mapped[str_short]
    summary: Mapped[str] = mapped_column(Text)
    #: The sum of the budget lines.
    amount_requested_cents: Mapped[cents]
    status: Mapped[ApplicationStatus] = mapped_column(
        _enum(ApplicationStatus),
        default=ApplicationStatus.submitted,
        server_default=ApplicationStatus.submitted.value,
        index=True,
    )
    created_at: Mapped[created_at]
    settled_at: Mapped[datetime | None]
    #: Money reserved in the pot for this application (opened when granted).
    reservation_account_id: Mapped[int | None] = mapped_column(
        ForeignKey("ledger_accounts.id"), unique=True
    )
    #: Money paid out to the initiative (opened when granted).
    initiative_account_id: Mapped[int | None] = mapped_column(
        ForeignKey("ledger_accounts.id"), unique=True
    )

    pot: Mapped[Pot] = relationship(back_populates="applications")
    applicant: Mapped[User] = relationship()
    reservation_account: Mapped[LedgerAccount | None] = relationship(
        foreign_keys=[reservation_account_id]
    )
    initiative_account: Mapped[LedgerAccount | None] = relationship(
        foreign_keys=[initiative_account_id]
    )
    budget_lines: Mapped[list[BudgetLine]] = relationship(
        back_populates="application", order_by="BudgetLine.position", cascade="all, delete-orphan"
    )
    contributions: Mapped[list[Contribution]] = relationship(
        back_populates="application",
        order_by="Contribution.position",
        cascade="all, delete-orphan",
    )
    scores: Mapped[list[Score]] = relationship(back_populates="application")
    advice: Mapped[list[PanelAdvice]] = relationship(
        back_populates="application", order_by="PanelAdvice.id"
    )
    decision: Mapped[Decision | None] = relationship(back_populates="application")
    payouts: Mapped[list[Payout]] = relationship(
        back_populates="application", order_by="Payout.sequence"
    )
    returns: Mapped[list[MoneyReturn]] = relationship(
        back_populates="application", order_by="MoneyReturn.id"
    )
    receipts: Mapped[list[Receipt]] = relationship(
        back_populates="application", order_by="Receipt.id"
    )
    report: Mapped[Report | None] = relationship(back_populates="application")

    @property
    def is_open_for_decision(self) -> bool:
        return self.status in {ApplicationStatus.submitted, ApplicationStatus.advice_requested}

    @property
    def granted_cents(self) -> int:
        return self.decision.amount_granted_cents if self.decision else 0

    @property
    def paid_cents(self) -> int:
        return sum(p.amount_cents for p in self.payouts)

    @property
    def returned_cents(self) -> int:
        return sum(r.amount_cents for r in self.returns)

    @property
    def receipts_cents(self) -> int:
        return sum(r.amount_cents for r in self.receipts)

    def __repr__(self) -> str:
        return f"<Application {self.id} pot={self.pot_id} {self.status}>"


class BudgetLine(db.Model):
    __tablename__ = "pot_budget_lines"
    __table_args__ = (CheckConstraint("amount_cents > 0", name="amount_positive"),)

    id: Mapped[intpk]
    application_id: Mapped[int] = mapped_column(ForeignKey("pot_applications.id"), index=True)
    position: Mapped[int] = mapped_column(SmallInteger)
    description: Mapped[str_short]
    amount_cents: Mapped[cents]

    application: Mapped[Application] = relationship(back_populates="budget_lines")

    def __repr__(self) -> str:
        return f"<BudgetLine {self.id} {self.amount_cents}>"


class Contribution(db.Model):
    """What the applicants bring themselves: hours of work, materials, their own money."""

    __tablename__ = "pot_contributions"
    __table_args__ = (
        CheckConstraint("hours IS NULL OR hours > 0", name="hours_positive"),
        CheckConstraint("amount_cents IS NULL OR amount_cents > 0", name="amount_positive"),
    )

    id: Mapped[intpk]
    application_id: Mapped[int] = mapped_column(ForeignKey("pot_applications.id"), index=True)
    position: Mapped[int] = mapped_column(SmallInteger)
    kind: Mapped[ContributionKind] = mapped_column(_enum(ContributionKind))
    description: Mapped[str_short]
    hours: Mapped[int | None] = mapped_column(Integer)
    #: The value of materials or the co-funding, where known.
    amount_cents: Mapped[int | None] = mapped_column(BigInteger)

    application: Mapped[Application] = relationship(back_populates="contributions")

    def __repr__(self) -> str:
        return f"<Contribution {self.id} {self.kind}>"


class Score(db.Model):
    """The wijkmanager's score of an application on one criterion, 0 to 5."""

    __tablename__ = "pot_scores"
    __table_args__ = (CheckConstraint("points BETWEEN 0 AND 5", name="points_range"),)

    application_id: Mapped[int] = mapped_column(ForeignKey("pot_applications.id"), primary_key=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("pot_criteria.id"), primary_key=True)
    points: Mapped[int] = mapped_column(SmallInteger)
    note: Mapped[str] = mapped_column(Text, default="", server_default="")

    application: Mapped[Application] = relationship(back_populates="scores")
    criterion: Mapped[Criterion] = relationship()

    def __repr__(self) -> str:
        return f"<Score app={self.application_id} crit={self.criterion_id} {self.points}>"


class PanelAdvice(db.Model):
    """A panel member's advice, shown beside the decision (without their name in public)."""

    __tablename__ = "pot_panel_advice"
    __table_args__ = (
        UniqueConstraint("application_id", "member_id"),
        CheckConstraint("amount_cents IS NULL OR amount_cents >= 0", name="amount_not_negative"),
    )

    id: Mapped[intpk]
    application_id: Mapped[int] = mapped_column(ForeignKey("pot_applications.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recommendation: Mapped[Outcome] = mapped_column(_enum(Outcome))
    amount_cents: Mapped[int | None] = mapped_column(BigInteger)
    reasons: Mapped[str] = mapped_column(Text)
    created_at: Mapped[created_at]

    application: Mapped[Application] = relationship(back_populates="advice")
    member: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<PanelAdvice {self.id} app={self.application_id} {self.recommendation}>"


class Decision(db.Model):
    """The wijkmanager's decision with public reasons; one per application."""

    __tablename__ = "pot_decisions"
    __table_args__ = (
        CheckConstraint(
            "(outcome = 'refused' AND amount_granted_cents = 0)"
            " OR (outcome <> 'refused' AND amount_granted_cents > 0)",
            name="amount_matches_outcome",
        ),
    )

    id: Mapped[intpk]
    application_id: Mapped[int] = mapped_column(ForeignKey("pot_applications.id"), unique=True)
    outcome: Mapped[Outcome] = mapped_column(_enum(Outcome))
    amount_granted_cents: Mapped[cents]
    #: Public: why, in plain language.
    reasons: Mapped[str] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[created_at]
    #: The reservation in the ledger; none for a refusal.
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entries.id"))

    application: Mapped[Application] = relationship(back_populates="decision")
    decided_by: Mapped[User | None] = relationship()
    entry: Mapped[JournalEntry | None] = relationship()

    def __repr__(self) -> str:
        return f"<Decision {self.id} app={self.application_id} {self.outcome}>"


class Payout(db.Model):
    """One instalment paid to the initiative."""

    __tablename__ = "pot_payouts"
    __table_args__ = (
        UniqueConstraint("application_id", "sequence"),
        CheckConstraint("amount_cents > 0", name="amount_positive"),
    )

    id: Mapped[intpk]
    application_id: Mapped[int] = mapped_column(ForeignKey("pot_applications.id"), index=True)
    #: 1 for the first instalment, 2 for the second, ...
    sequence: Mapped[int] = mapped_column(SmallInteger)
    amount_cents: Mapped[cents]
    note: Mapped[str] = mapped_column(Text, default="", server_default="")
    paid_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[created_at]
    entry_id: Mapped[int] = mapped_column(ForeignKey("journal_entries.id"), unique=True)

    application: Mapped[Application] = relationship(back_populates="payouts")
    paid_by: Mapped[User | None] = relationship()
    entry: Mapped[JournalEntry] = relationship()

    def __repr__(self) -> str:
        return f"<Payout {self.id} app={self.application_id} #{self.sequence}>"


class MoneyReturn(db.Model):
    """Unspent money the initiative paid back into the pot."""

    __tablename__ = "pot_returns"
    __table_args__ = (CheckConstraint("amount_cents > 0", name="amount_positive"),)

    id: Mapped[intpk]
    application_id: Mapped[int] = mapped_column(ForeignKey("pot_applications.id"), index=True)
    amount_cents: Mapped[cents]
    note: Mapped[str] = mapped_column(Text, default="", server_default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[created_at]
    entry_id: Mapped[int] = mapped_column(ForeignKey("journal_entries.id"), unique=True)

    application: Mapped[Application] = relationship(back_populates="returns")
    recorded_by: Mapped[User | None] = relationship()
    entry: Mapped[JournalEntry] = relationship()

    def __repr__(self) -> str:
        return f"<MoneyReturn {self.id} app={self.application_id} {self.amount_cents}>"


class Receipt(db.Model):
    """A photo of a receipt or invoice with the amount spent. Seen by the initiators and
    the wijkmanagers only: a receipt can carry a name or an address."""

    __tablename__ = "pot_receipts"
    __table_args__ = (CheckConstraint("amount_cents > 0", name="amount_positive"),)

    id: Mapped[intpk]
    application_id: Mapped[int] = mapped_column(ForeignKey("pot_applications.id"), index=True)
    description: Mapped[str_short]
    amount_cents: Mapped[cents]
    #: Stored file name (see samenhang.vouchers.storage).
    image_name: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[created_at]

    application: Mapped[Application] = relationship(back_populates="receipts")
    uploaded_by: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<Receipt {self.id} app={self.application_id} {self.amount_cents}>"


class Report(db.Model):
    """The initiators' short public report on what they did, with photos."""

    __tablename__ = "pot_reports"

    id: Mapped[intpk]
    application_id: Mapped[int] = mapped_column(ForeignKey("pot_applications.id"), unique=True)
    body: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[created_at]

    application: Mapped[Application] = relationship(back_populates="report")
    author: Mapped[User | None] = relationship()
    photos: Mapped[list[ReportPhoto]] = relationship(
        back_populates="report", order_by="ReportPhoto.id"
    )

    def __repr__(self) -> str:
        return f"<Report {self.id} app={self.application_id}>"


class ReportPhoto(db.Model):
    __tablename__ = "pot_report_photos"

    id: Mapped[intpk]
    report_id: Mapped[int] = mapped_column(ForeignKey("pot_reports.id"), index=True)
    image_name: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[created_at]

    report: Mapped[Report] = relationship(back_populates="photos")

    def __repr__(self) -> str:
        return f"<ReportPhoto {self.id} report={self.report_id}>"


class Supplier(db.Model):
    """A local shop or business where voucher codes can be spent."""

    __tablename__ = "voucher_suppliers"
    __table_args__ = (UniqueConstraint("wijk_id", "name"),)

    id: Mapped[intpk]
    wijk_id: Mapped[int] = mapped_column(ForeignKey("wijken.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    address: Mapped[str] = mapped_column(String(200), default="", server_default="")
    #: SHA-256 of the secret in the supplier's till link (shown once, never stored).
    till_token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    is_active: Mapped[bool] = mapped_column(default=True, server_default=true())
    account_id: Mapped[int] = mapped_column(ForeignKey("ledger_accounts.id"), unique=True)
    created_at: Mapped[created_at]

    wijk: Mapped[Wijk] = relationship()
    account: Mapped[LedgerAccount] = relationship()

    def __repr__(self) -> str:
        return f"<Supplier {self.id} {self.name!r}>"


voucher_batch_suppliers = Table(
    "voucher_batch_suppliers",
    db.metadata,
    Column("batch_id", ForeignKey("voucher_batches.id"), primary_key=True),
    Column("supplier_id", ForeignKey("voucher_suppliers.id"), primary_key=True, index=True),
)


class VoucherBatch(db.Model):
    """Voucher codes issued together from a pot: one value, one expiry, one supplier list."""

    __tablename__ = "voucher_batches"
    __table_args__ = (
        CheckConstraint("value_cents > 0", name="value_positive"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
    )

    id: Mapped[intpk]
    pot_id: Mapped[int] = mapped_column(ForeignKey("pots.id"), index=True)
    #: What the vouchers are for, e.g. "Buurtfeest Korrewegwijk"; public.
    label: Mapped[str_short]
    value_cents: Mapped[cents]
    quantity: Mapped[int] = mapped_column(Integer)
    expires_at: Mapped[datetime]
    #: The outstanding value of the batch's unspent, unexpired codes.
    account_id: Mapped[int] = mapped_column(ForeignKey("ledger_accounts.id"), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[created_at]

    pot: Mapped[Pot] = relationship(back_populates="batches")
    account: Mapped[LedgerAccount] = relationship()
    created_by: Mapped[User | None] = relationship()
    suppliers: Mapped[list[Supplier]] = relationship(
        secondary=voucher_batch_suppliers, order_by="Supplier.name"
    )
    vouchers: Mapped[list[Voucher]] = relationship(back_populates="batch", order_by="Voucher.id")

    def __repr__(self) -> str:
        return f"<VoucherBatch {self.id} pot={self.pot_id} {self.quantity}x{self.value_cents}>"


class Voucher(db.Model):
    """One code. Only its hash is stored; it can be spent once, up to its value."""

    __tablename__ = "vouchers"
    __table_args__ = (
        CheckConstraint(
            "(status = 'redeemed') = (redeemed_at IS NOT NULL)", name="redeemed_has_time"
        ),
    )

    id: Mapped[intpk]
    batch_id: Mapped[int] = mapped_column(ForeignKey("voucher_batches.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: The last four characters, so a wijkmanager can tell codes apart.
    code_hint: Mapped[str] = mapped_column(String(4))
    status: Mapped[VoucherStatus] = mapped_column(
        _enum(VoucherStatus), default=VoucherStatus.issued, server_default="issued"
    )
    redeemed_at: Mapped[datetime | None]
    expired_at: Mapped[datetime | None]

    batch: Mapped[VoucherBatch] = relationship(back_populates="vouchers")
    redemption: Mapped[VoucherRedemption | None] = relationship(back_populates="voucher")

    def __repr__(self) -> str:
        return f"<Voucher {self.id} …{self.code_hint} {self.status}>"


class VoucherRedemption(db.Model):
    __tablename__ = "voucher_redemptions"
    __table_args__ = (CheckConstraint("amount_cents > 0", name="amount_positive"),)

    id: Mapped[intpk]
    voucher_id: Mapped[int] = mapped_column(ForeignKey("vouchers.id"), unique=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("voucher_suppliers.id"), index=True)
    amount_cents: Mapped[cents]
    created_at: Mapped[created_at]
    entry_id: Mapped[int] = mapped_column(ForeignKey("journal_entries.id"), unique=True)

    voucher: Mapped[Voucher] = relationship(back_populates="redemption")
    supplier: Mapped[Supplier] = relationship()
    entry: Mapped[JournalEntry] = relationship()

    def __repr__(self) -> str:
        return f"<VoucherRedemption {self.id} voucher={self.voucher_id} {self.amount_cents}>"
