"""Campaigns: a goal in euros, a deadline and a list of tasks and wanted things; supporters
give money (pledges), time (task sign-ups), materials or space (offers).

Every euro of a pledge is also a ledger line (see `samenhang.campaigns.services.money`);
these tables hold the story around the money, the ledger holds the money.
"""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Enum,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
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
from samenhang.ledger.models import JournalEntry, LedgerAccount
from samenhang.places.models import Wijk
from samenhang.vouchers.models import Pot


def _enum(cls: type[LabelledEnum]) -> Enum:
    return Enum(cls, native_enum=False, length=20, validate_strings=True)


class CampaignStatus(LabelledEnum):
    #: Being written by the initiator; only they and the wijkmanagers see it.
    draft = "draft"
    #: Waiting for the wijkmanager's approval.
    submitted = "submitted"
    #: Approved: open for money, time, materials and space until the deadline.
    running = "running"
    #: Not approved, with public reasons; the initiator may change it and send it again.
    rejected = "rejected"
    #: Closed with its goal met (or, keep-what-you-raise, with money raised).
    succeeded = "succeeded"
    #: Closed without its goal (all-or-nothing): the money goes back.
    failed = "failed"

    __labels__ = {
        draft: _l("Draft"),
        submitted: _l("Waiting for approval"),
        running: _l("Running"),
        rejected: _l("Not approved"),
        succeeded: _l("Succeeded"),
        failed: _l("Goal not reached"),
    }


#: Statuses anyone may see (a rejection's reasons are public).
PUBLIC_STATUSES = frozenset(
    {
        CampaignStatus.running,
        CampaignStatus.rejected,
        CampaignStatus.succeeded,
        CampaignStatus.failed,
    }
)
#: Statuses listed on the wijk's and municipality's pages.
LISTED_STATUSES = frozenset(
    {CampaignStatus.running, CampaignStatus.succeeded, CampaignStatus.failed}
)


class FundingModel(LabelledEnum):
    #: The money only goes to the initiative when the goal is met by the deadline.
    all_or_nothing = "all_or_nothing"
    #: The initiative keeps what was raised, goal met or not.
    keep_it = "keep_it"

    __labels__ = {
        all_or_nothing: _l("All or nothing: the money goes back if the goal is not met"),
        keep_it: _l("Keep what is raised, also when the goal is not met"),
    }
    __short_labels__ = {all_or_nothing: _l("All or nothing"), keep_it: _l("Keep what is raised")}


class Provider(LabelledEnum):
    #: A bank transfer with a reference, marked received by the wijkmanager.
    manual = "manual"
    #: Stripe PaymentIntents (card, iDEAL), confirmed by a signed webhook.
    stripe = "stripe"

    __labels__ = {manual: _l("Bank transfer"), stripe: _l("Online: iDEAL or card")}


class PledgeStatus(LabelledEnum):
    #: A bank transfer promised, not yet received.
    pledged = "pledged"
    #: An online payment started, not yet confirmed by the provider.
    pending = "pending"
    received = "received"
    #: The online payment failed; the supporter may try again.
    failed = "failed"
    refunded = "refunded"
    cancelled = "cancelled"

    __labels__ = {
        pledged: _l("Promised, not yet received"),
        pending: _l("Payment not yet confirmed"),
        received: _l("Received"),
        failed: _l("Payment failed"),
        refunded: _l("Paid back"),
        cancelled: _l("Cancelled"),
    }


class NeedKind(LabelledEnum):
    materials = "materials"
    space = "space"

    __labels__ = {materials: _l("Materials"), space: _l("Space")}


class CampaignDecision(LabelledEnum):
    approve = "approve"
    reject = "reject"

    __labels__ = {approve: _l("Approve: the campaign starts"), reject: _l("Do not approve")}


class BookingKind(LabelledEnum):
    """The kinds of the campaigns' ledger entries."""

    gift_received = "campaign.gift_received"
    gift_refunded = "campaign.gift_refunded"
    matched = "campaign.matched"
    match_released = "campaign.match_released"
    paid_out = "campaign.paid_out"

    __labels__ = {
        gift_received: _l("Gift received"),
        gift_refunded: _l("Gift paid back"),
        matched: _l("Added by the matchfunding pot"),
        match_released: _l("Returned to the matchfunding pot"),
        paid_out: _l("Paid out to the initiative"),
    }


class Campaign(db.Model):
    __tablename__ = "campaigns"
    __table_args__ = (
        CheckConstraint("goal_cents > 0", name="goal_positive"),
        CheckConstraint("min_amount_cents > 0", name="min_amount_positive"),
        CheckConstraint(
            "(match_pot_id IS NULL AND match_ratio_percent IS NULL AND match_cap_cents IS NULL)"
            " OR (match_pot_id IS NOT NULL AND match_ratio_percent > 0 AND match_cap_cents > 0)",
            name="match_complete",
        ),
        CheckConstraint("length(title) > 0", name="title_not_empty"),
        Index("ix_campaigns_wijk_status", "wijk_id", "status"),
    )

    id: Mapped[intpk]
    #: One campaign per initiative.
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiatives.id"), unique=True)
    #: The initiative's wijk, kept here for the lists.
    wijk_id: Mapped[int] = mapped_column(ForeignKey("wijken.id"))
    initiator_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    title: Mapped[str] = mapped_column(String(120))
    #: Markdown, sanitised on render.
    story: Mapped[str] = mapped_column(Text)
    original_locale: Mapped[str] = mapped_column(String(5))
    goal_cents: Mapped[cents]
    currency: Mapped[currency]
    #: The smallest gift the campaign accepts.
    min_amount_cents: Mapped[cents]
    funding_model: Mapped[FundingModel] = mapped_column(_enum(FundingModel))
    #: Supporters may give until this moment (the end of the chosen day, Dutch time).
    deadline_at: Mapped[datetime]
    status: Mapped[CampaignStatus] = mapped_column(
        _enum(CampaignStatus),
        default=CampaignStatus.draft,
        server_default=CampaignStatus.draft.value,
    )
    #: Public reasons of the wijkmanager's last decision.
    status_reason: Mapped[str | None] = mapped_column(Text)
    #: The money raised (received gifts and matches, less refunds and payouts).
    account_id: Mapped[int] = mapped_column(ForeignKey("ledger_accounts.id"), unique=True)
    #: Money paid out to the initiative (opened when the campaign succeeds).
    initiative_account_id: Mapped[int | None] = mapped_column(
        ForeignKey("ledger_accounts.id"), unique=True
    )
    #: Matchfunding: a bewonersbudget pot adds `match_ratio_percent` of every gift received
    #: (100 = one to one), up to `match_cap_cents` in all.
    match_pot_id: Mapped[int | None] = mapped_column(ForeignKey("pots.id"), index=True)
    match_ratio_percent: Mapped[int | None] = mapped_column(SmallInteger)
    match_cap_cents: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[created_at]
    submitted_at: Mapped[datetime | None]
    approved_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]

    initiative: Mapped[Initiative] = relationship()
    wijk: Mapped[Wijk] = relationship()
    initiator: Mapped[User] = relationship()
    account: Mapped[LedgerAccount] = relationship(foreign_keys=[account_id])
    initiative_account: Mapped[LedgerAccount | None] = relationship(
        foreign_keys=[initiative_account_id]
    )
    match_pot: Mapped[Pot | None] = relationship()
    tasks: Mapped[list[Task]] = relationship(
        back_populates="campaign", order_by=lambda: [Task.happens_on, Task.id]
    )
    needs: Mapped[list[Need]] = relationship(back_populates="campaign", order_by="Need.id")
    pledges: Mapped[list[Pledge]] = relationship(back_populates="campaign", order_by="Pledge.id")
    updates: Mapped[list[CampaignUpdate]] = relationship(
        back_populates="campaign", order_by="CampaignUpdate.id.desc()"
    )
    payouts: Mapped[list[CampaignPayout]] = relationship(
        back_populates="campaign", order_by="CampaignPayout.sequence"
    )
    receipts: Mapped[list[CampaignReceipt]] = relationship(
        back_populates="campaign", order_by="CampaignReceipt.id"
    )
    photos: Mapped[list[CampaignPhoto]] = relationship(
        back_populates="campaign",
        order_by="CampaignPhoto.position",
        cascade="all, delete-orphan",
    )

    @property
    def is_public(self) -> bool:
        return self.status in PUBLIC_STATUSES

    @property
    def is_editable(self) -> bool:
        return self.status in (CampaignStatus.draft, CampaignStatus.rejected)

    @property
    def is_closed(self) -> bool:
        return self.status in (CampaignStatus.succeeded, CampaignStatus.failed)

    @property
    def has_matchfunding(self) -> bool:
        return self.match_pot_id is not None

    @property
    def paid_out_cents(self) -> int:
        return sum(p.amount_cents for p in self.payouts)

    @property
    def receipts_cents(self) -> int:
        return sum(r.amount_cents for r in self.receipts)

    def __repr__(self) -> str:
        return f"<Campaign {self.id} {self.status}>"


class Task(db.Model):
    """Work supporters sign up for: "paint the walls, Saturday 14 June, 6 people"."""

    __tablename__ = "campaign_tasks"
    __table_args__ = (
        CheckConstraint("capacity > 0", name="capacity_positive"),
        CheckConstraint("taken >= 0 AND taken <= capacity", name="taken_within_capacity"),
    )

    id: Mapped[intpk]
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    title: Mapped[str_short]
    happens_on: Mapped[date]
    capacity: Mapped[int] = mapped_column(SmallInteger)
    #: How many places are taken; moved only by a conditional UPDATE, so a task never takes
    #: more people than it has places, also when many sign up at once.
    taken: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    #: Set when the initiator confirms the work was done.
    done_at: Mapped[datetime | None]
    created_at: Mapped[created_at]

    campaign: Mapped[Campaign] = relationship(back_populates="tasks")
    signups: Mapped[list[TaskSignup]] = relationship(
        back_populates="task", order_by="TaskSignup.created_at"
    )

    @property
    def is_full(self) -> bool:
        return self.taken >= self.capacity

    def __repr__(self) -> str:
        return f"<Task {self.id} campaign={self.campaign_id} {self.taken}/{self.capacity}>"


class TaskSignup(db.Model):
    __tablename__ = "campaign_task_signups"

    task_id: Mapped[int] = mapped_column(ForeignKey("campaign_tasks.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True, index=True)
    created_at: Mapped[created_at]
    #: When the reminder the day before was sent.
    reminded_at: Mapped[datetime | None]

    task: Mapped[Task] = relationship(back_populates="signups")
    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<TaskSignup task={self.task_id} user={self.user_id}>"


class Need(db.Model):
    """Materials or space the campaign asks for: "a room for 20 people on Sunday"."""

    __tablename__ = "campaign_needs"

    id: Mapped[intpk]
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    kind: Mapped[NeedKind] = mapped_column(_enum(NeedKind))
    title: Mapped[str_short]
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_at: Mapped[created_at]

    campaign: Mapped[Campaign] = relationship(back_populates="needs")
    offers: Mapped[list[Offer]] = relationship(back_populates="need", order_by="Offer.id")

    def __repr__(self) -> str:
        return f"<Need {self.id} {self.kind}>"


class Offer(db.Model):
    """A supporter's pledge of materials or space for a need."""

    __tablename__ = "campaign_offers"
    __table_args__ = (UniqueConstraint("need_id", "user_id"),)

    id: Mapped[intpk]
    need_id: Mapped[int] = mapped_column(ForeignKey("campaign_needs.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    description: Mapped[str] = mapped_column(String(300))
    #: Set when the initiator confirms it was given.
    confirmed_at: Mapped[datetime | None]
    created_at: Mapped[created_at]

    need: Mapped[Need] = relationship(back_populates="offers")
    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<Offer {self.id} need={self.need_id}>"


class Pledge(db.Model):
    """A gift of money: promised by bank transfer, or paid online."""

    __tablename__ = "campaign_pledges"
    __table_args__ = (
        CheckConstraint("amount_cents > 0", name="amount_positive"),
        CheckConstraint(
            "refunded_cents >= 0 AND refunded_cents <= amount_cents", name="refund_within_amount"
        ),
        CheckConstraint(
            "match_released_cents >= 0 AND match_released_cents <= matched_cents",
            name="release_within_match",
        ),
        Index("ix_campaign_pledges_campaign_status", "campaign_id", "status"),
    )

    id: Mapped[intpk]
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"))
    supporter_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    amount_cents: Mapped[cents]
    currency: Mapped[currency]
    provider: Mapped[Provider] = mapped_column(_enum(Provider))
    status: Mapped[PledgeStatus] = mapped_column(_enum(PledgeStatus))
    #: The reference a bank transfer carries, e.g. "SH-12-7KQ4MX".
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    #: The provider's id of the payment (a Stripe PaymentIntent).
    provider_ref: Mapped[str | None] = mapped_column(String(100), unique=True)
    #: Issued with the form: the same form sent twice makes one pledge.
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    #: Shown as "anonymous" on the page, also to the initiator.
    is_anonymous: Mapped[bool_false]
    #: The supporter lets the initiator see their name and e-mail address.
    share_with_initiator: Mapped[bool_false]
    #: The language of the supporter's mails.
    locale: Mapped[str] = mapped_column(String(5))
    refunded_cents: Mapped[cents] = mapped_column(default=0, server_default="0")
    #: What the matchfunding pot added for this gift, and what went back to it.
    matched_cents: Mapped[cents] = mapped_column(default=0, server_default="0")
    match_released_cents: Mapped[cents] = mapped_column(default=0, server_default="0")
    received_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[created_at]
    received_at: Mapped[datetime | None]

    campaign: Mapped[Campaign] = relationship(back_populates="pledges")
    supporter: Mapped[User] = relationship(foreign_keys=[supporter_id])
    received_by: Mapped[User | None] = relationship(foreign_keys=[received_by_id])

    def __repr__(self) -> str:
        return f"<Pledge {self.id} {self.provider} {self.status} {self.amount_cents}>"


class PaymentEvent(db.Model):
    """A provider's webhook event, stored once: a retry or a replay of it does nothing."""

    __tablename__ = "campaign_payment_events"
    __table_args__ = (UniqueConstraint("provider", "event_id"),)

    id: Mapped[intpk]
    provider: Mapped[Provider] = mapped_column(_enum(Provider))
    event_id: Mapped[str] = mapped_column(String(255))
    event_type: Mapped[str] = mapped_column(String(80))
    pledge_id: Mapped[int | None] = mapped_column(ForeignKey("campaign_pledges.id"), index=True)
    #: What handling it did: "received", "ignored", "unknown_payment", ...
    outcome: Mapped[str] = mapped_column(String(40), default="", server_default="")
    created_at: Mapped[created_at]

    def __repr__(self) -> str:
        return f"<PaymentEvent {self.provider}:{self.event_id} {self.event_type}>"


class ClearingAccount(db.Model):
    """The platform's ledger account of money in transit at a provider: gifts come in from
    it, refunds go back to it. One per provider and currency."""

    __tablename__ = "campaign_clearing_accounts"

    provider: Mapped[Provider] = mapped_column(_enum(Provider), primary_key=True)
    currency: Mapped[str] = mapped_column(String(3), primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("ledger_accounts.id"), unique=True)

    account: Mapped[LedgerAccount] = relationship()

    def __repr__(self) -> str:
        return f"<ClearingAccount {self.provider} {self.currency}>"


class CampaignUpdate(db.Model):
    """News from the initiator, mailed to the supporters."""

    __tablename__ = "campaign_updates"

    id: Mapped[intpk]
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    title: Mapped[str_short]
    #: Markdown, sanitised on render.
    body: Mapped[str] = mapped_column(Text)
    #: How many supporters it was mailed to.
    mailed_to: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[created_at]

    campaign: Mapped[Campaign] = relationship(back_populates="updates")
    author: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<CampaignUpdate {self.id} campaign={self.campaign_id}>"


class CampaignPayout(db.Model):
    """One instalment of a succeeded campaign's money paid to the initiative."""

    __tablename__ = "campaign_payouts"
    __table_args__ = (
        UniqueConstraint("campaign_id", "sequence"),
        CheckConstraint("amount_cents > 0", name="amount_positive"),
    )

    id: Mapped[intpk]
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    #: 1 for the first instalment, 2 for the second, ...
    sequence: Mapped[int] = mapped_column(SmallInteger)
    amount_cents: Mapped[cents]
    note: Mapped[str] = mapped_column(Text, default="", server_default="")
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    paid_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[created_at]
    entry_id: Mapped[int] = mapped_column(ForeignKey("journal_entries.id"), unique=True)

    campaign: Mapped[Campaign] = relationship(back_populates="payouts")
    paid_by: Mapped[User | None] = relationship()
    entry: Mapped[JournalEntry] = relationship()

    def __repr__(self) -> str:
        return f"<CampaignPayout {self.id} campaign={self.campaign_id} #{self.sequence}>"


class CampaignReceipt(db.Model):
    """What the paid-out money bought: the initiator's receipt or invoice. What it was for
    and the amount are public (supporters see where their money went); the photo itself
    only for the initiator and the wijkmanagers, because a receipt can carry a name or an
    address (as with a bewonersbudget's receipts)."""

    __tablename__ = "campaign_receipts"
    __table_args__ = (CheckConstraint("amount_cents > 0", name="amount_positive"),)

    id: Mapped[intpk]
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    description: Mapped[str_short]
    amount_cents: Mapped[cents]
    #: Stored file name (see samenhang.campaigns.storage).
    image_name: Mapped[str] = mapped_column(String(64), unique=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[created_at]

    campaign: Mapped[Campaign] = relationship(back_populates="receipts")
    uploaded_by: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<CampaignReceipt {self.id} campaign={self.campaign_id} {self.amount_cents}>"


class CampaignPhoto(db.Model):
    """A photo of the plan, shown on the campaign's page and its card."""

    __tablename__ = "campaign_photos"

    id: Mapped[intpk]
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    position: Mapped[int]
    #: Stored file stem, see samenhang.uploads.
    stored_name: Mapped[str] = mapped_column(String(40), unique=True)
    width: Mapped[int]
    height: Mapped[int]
    alt_text: Mapped[str] = mapped_column(String(200), default="", server_default="")
    created_at: Mapped[created_at]

    campaign: Mapped[Campaign] = relationship(back_populates="photos")

    def __repr__(self) -> str:
        return f"<CampaignPhoto {self.id} campaign={self.campaign_id}>"
