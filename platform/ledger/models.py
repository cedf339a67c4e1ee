"""Ledger accounts, journal entries and their lines.

Every line moves integer cents into (positive) or out of (negative) one account; the lines
of an entry sum to zero per currency. Entries and lines are never changed or deleted (the
database refuses, see the migration's triggers): a correction is a reversing entry.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, Enum, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from samenhang.db import bool_false, cents, created_at, currency, intpk, str_short
from samenhang.enums import LabelledEnum
from samenhang.extensions import db

if TYPE_CHECKING:
    from samenhang.accounts.models import User
    from samenhang.places.models import Wijk


class AccountKind(LabelledEnum):
    #: A municipality's, corporation's or fund's source budget; goes negative as it gives.
    source = "source"
    #: Uncommitted money in a bewonersbudget pot.
    pot = "pot"
    #: Money reserved for a granted application, not yet paid out.
    reservation = "reservation"
    #: Money paid out to an initiative (net of what it returned).
    initiative = "initiative"
    #: The outstanding value of a batch of voucher codes.
    voucher = "voucher"
    #: A supplier or other payee that received money.
    payee = "payee"
    #: A crowdfunding campaign.
    campaign = "campaign"
    #: Money in transit at a payment provider.
    clearing = "clearing"

    __labels__ = {
        source: _l("Source"),
        pot: _l("Pot"),
        reservation: _l("Reserved for a grant"),
        initiative: _l("Paid to an initiative"),
        voucher: _l("Voucher codes"),
        payee: _l("Supplier"),
        campaign: _l("Campaign"),
        clearing: _l("Payment provider"),
    }


class LedgerAccount(db.Model):
    __tablename__ = "ledger_accounts"
    __table_args__ = (
        CheckConstraint("is_overdraft_allowed OR balance_cents >= 0", name="balance_not_negative"),
    )

    id: Mapped[intpk]
    kind: Mapped[AccountKind] = mapped_column(
        Enum(AccountKind, native_enum=False, length=20, validate_strings=True), index=True
    )
    name: Mapped[str_short]
    currency: Mapped[currency]
    #: The wijk the money belongs to, where it belongs to one (for the buurtbegroting).
    wijk_id: Mapped[int | None] = mapped_column(ForeignKey("wijken.id"), index=True)
    #: Sources may go below zero (they record what they gave); every other account may not.
    is_overdraft_allowed: Mapped[bool_false]
    #: Cache of the sum of this account's lines, kept by `post_entry` with a conditional
    #: UPDATE; `check_ledger_consistency()` recomputes it.
    balance_cents: Mapped[cents] = mapped_column(default=0, server_default="0")
    created_at: Mapped[created_at]

    wijk: Mapped[Wijk | None] = relationship()
    lines: Mapped[list[JournalLine]] = relationship(back_populates="account", viewonly=True)

    def __repr__(self) -> str:
        return f"<LedgerAccount {self.id} {self.kind} {self.balance_cents} {self.currency}>"


class JournalEntry(db.Model):
    """One booking: a reason, the object it concerns, who did it, and its balanced lines."""

    __tablename__ = "journal_entries"

    id: Mapped[intpk]
    created_at: Mapped[created_at]
    #: Dotted verb, e.g. "pot.funded", "application.granted", "voucher.redeemed".
    kind: Mapped[str] = mapped_column(String(60), index=True)
    reason: Mapped[str] = mapped_column(Text)
    #: The object the entry concerns (table name and id), like the audit log's link.
    object_type: Mapped[str | None] = mapped_column(String(40))
    object_id: Mapped[str | None] = mapped_column(String(40))
    #: None for the system itself (a job, a supplier's till).
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    #: The entry this one reverses; an entry can be reversed once.
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entries.id"), unique=True)

    actor: Mapped[User | None] = relationship()
    lines: Mapped[list[JournalLine]] = relationship(
        back_populates="entry", order_by="JournalLine.id"
    )
    reverses: Mapped[JournalEntry | None] = relationship(remote_side="JournalEntry.id")

    def __repr__(self) -> str:
        return f"<JournalEntry {self.id} {self.kind}>"


class JournalLine(db.Model):
    __tablename__ = "journal_lines"
    __table_args__ = (CheckConstraint("amount_cents <> 0", name="amount_not_zero"),)

    id: Mapped[intpk]
    entry_id: Mapped[int] = mapped_column(ForeignKey("journal_entries.id"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("ledger_accounts.id"), index=True)
    #: Positive: money into the account; negative: money out of it.
    amount_cents: Mapped[cents]
    currency: Mapped[str] = mapped_column(String(3))

    entry: Mapped[JournalEntry] = relationship(back_populates="lines")
    account: Mapped[LedgerAccount] = relationship(back_populates="lines")

    def __repr__(self) -> str:
        return f"<JournalLine {self.id} account={self.account_id} {self.amount_cents}>"
