"""Reading the ledger: balances from the lines, entries of an account, the consistency check."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from samenhang.extensions import db
from samenhang.ledger.models import JournalEntry, JournalLine, LedgerAccount


def computed_balance(account: LedgerAccount) -> int:
    """The balance recomputed from the lines (the cached `balance_cents` should agree)."""
    stmt = select(func.coalesce(func.sum(JournalLine.amount_cents), 0)).where(
        JournalLine.account_id == account.id
    )
    return int(db.session.scalar(stmt) or 0)


def balances(accounts: Iterable[LedgerAccount]) -> dict[int, int]:
    """Cached balances of several accounts, fresh from the database, by account id."""
    ids = [a.id for a in accounts]
    if not ids:
        return {}
    stmt = select(LedgerAccount.id, LedgerAccount.balance_cents).where(LedgerAccount.id.in_(ids))
    found = {account_id: int(balance) for account_id, balance in db.session.execute(stmt)}
    return {account_id: found.get(account_id, 0) for account_id in ids}


def entries_for_accounts(accounts: Iterable[LedgerAccount], limit: int = 500) -> list[JournalEntry]:
    """Entries touching any of `accounts`, newest first, with their lines loaded."""
    ids = [a.id for a in accounts]
    if not ids:
        return []
    touching = select(JournalLine.entry_id).where(JournalLine.account_id.in_(ids))
    stmt = (
        select(JournalEntry)
        .where(JournalEntry.id.in_(touching))
        .options(selectinload(JournalEntry.lines).selectinload(JournalLine.account))
        .order_by(JournalEntry.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(stmt))


def entries_for(obj: object) -> list[JournalEntry]:
    """Entries that concern `obj` (a mapped object with an id)."""
    stmt = (
        select(JournalEntry)
        .where(
            JournalEntry.object_type == obj.__tablename__,  # type: ignore[attr-defined]
            JournalEntry.object_id == str(obj.id),  # type: ignore[attr-defined]
        )
        .order_by(JournalEntry.id)
    )
    return list(db.session.scalars(stmt))


@dataclass
class ConsistencyReport:
    #: (entry id, currency, sum) of entries whose lines do not sum to zero.
    unbalanced_entries: list[tuple[int, str, int]] = field(default_factory=list)
    #: (account id, cached balance, balance from the lines).
    stale_balances: list[tuple[int, int, int]] = field(default_factory=list)
    #: (account id, balance) of accounts below zero that may not be.
    negative_balances: list[tuple[int, int]] = field(default_factory=list)
    #: (line id, line currency, account currency).
    currency_mismatches: list[tuple[int, str, str]] = field(default_factory=list)
    entries_checked: int = 0
    accounts_checked: int = 0

    @property
    def is_consistent(self) -> bool:
        return not (
            self.unbalanced_entries
            or self.stale_balances
            or self.negative_balances
            or self.currency_mismatches
        )


def check_ledger_consistency() -> ConsistencyReport:
    """Recompute everything from the lines and compare: balanced entries, cached balances,
    no forbidden negatives, one currency per account."""
    report = ConsistencyReport()
    unbalanced = (
        select(
            JournalLine.entry_id,
            JournalLine.currency,
            func.sum(JournalLine.amount_cents),
        )
        .group_by(JournalLine.entry_id, JournalLine.currency)
        .having(func.sum(JournalLine.amount_cents) != 0)
        .order_by(JournalLine.entry_id)
    )
    report.unbalanced_entries = [(e, c, int(s)) for e, c, s in db.session.execute(unbalanced)]
    sums = (
        select(JournalLine.account_id, func.sum(JournalLine.amount_cents).label("total"))
        .group_by(JournalLine.account_id)
        .subquery()
    )
    rows = db.session.execute(
        select(
            LedgerAccount.id,
            LedgerAccount.balance_cents,
            LedgerAccount.is_overdraft_allowed,
            func.coalesce(sums.c.total, 0),
        ).outerjoin(sums, sums.c.account_id == LedgerAccount.id)
    ).all()
    for account_id, cached, overdraft, computed in rows:
        report.accounts_checked += 1
        if int(cached) != int(computed):
            report.stale_balances.append((account_id, int(cached), int(computed)))
        if not overdraft and int(computed) < 0:
            report.negative_balances.append((account_id, int(computed)))
    mismatches = (
        select(JournalLine.id, JournalLine.currency, LedgerAccount.currency)
        .join(LedgerAccount, LedgerAccount.id == JournalLine.account_id)
        .where(JournalLine.currency != LedgerAccount.currency)
    )
    report.currency_mismatches = [(i, a, b) for i, a, b in db.session.execute(mismatches)]
    report.entries_checked = int(db.session.scalar(select(func.count(JournalEntry.id))) or 0)
    return report
