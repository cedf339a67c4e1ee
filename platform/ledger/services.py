"""Writing to the ledger: open accounts, post balanced entries, reverse them.

`post_entry` is the only way money moves. It refuses an entry whose lines do not sum to zero
per currency, and moves each account's cached balance with a conditional UPDATE, so an
account that may not go below zero never does, also when two transactions post at once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import event, or_, update
from sqlalchemy.orm import Session

from samenhang.accounts.models import User
from samenhang.errors import DomainError
from samenhang.extensions import db
from samenhang.i18n import format_money
from samenhang.ledger.models import AccountKind, JournalEntry, JournalLine, LedgerAccount
from samenhang.places.models import Wijk


class LedgerError(DomainError):
    pass


class UnbalancedEntry(LedgerError):
    pass


class InsufficientFunds(LedgerError):
    def __init__(self, message: Any, ledger_account: LedgerAccount, **params: Any) -> None:
        super().__init__(message, **params)
        self.account = ledger_account


class LedgerIsAppendOnly(RuntimeError):
    pass


@dataclass(frozen=True)
class Line:
    """One side of an entry: `amount_cents` into (positive) or out of (negative) `account`."""

    account: LedgerAccount
    amount_cents: int


def transfer(source: LedgerAccount, target: LedgerAccount, amount_cents: int) -> list[Line]:
    """The two lines that move `amount_cents` from `source` to `target`."""
    return [Line(source, -amount_cents), Line(target, amount_cents)]


def open_account(
    kind: AccountKind,
    name: str,
    *,
    wijk: Wijk | None = None,
    currency: str = "EUR",
    is_overdraft_allowed: bool | None = None,
) -> LedgerAccount:
    """A new account with a zero balance. Only sources may go negative unless told so."""
    if is_overdraft_allowed is None:
        is_overdraft_allowed = kind is AccountKind.source
    account = LedgerAccount(
        kind=kind,
        name=name[:200],
        wijk=wijk,
        currency=currency,
        is_overdraft_allowed=is_overdraft_allowed,
        balance_cents=0,
    )
    db.session.add(account)
    db.session.flush()
    return account


def _obj_link(obj: Any) -> tuple[str | None, str | None]:
    if obj is None:
        return None, None
    if obj.id is None:
        db.session.flush()
    return obj.__tablename__, str(obj.id)


def post_entry(
    lines: Sequence[Line],
    *,
    kind: str,
    reason: str,
    actor: User | None,
    obj: Any = None,
    reverses: JournalEntry | None = None,
    link: tuple[str | None, str | None] | None = None,
) -> JournalEntry:
    """Book `lines` as one entry, or refuse and change nothing.

    Each line takes its account's currency. Refuses: fewer than two lines, an amount that
    is not a non-zero integer, lines that do not sum to zero per currency, an empty reason,
    and any line that would take an account without overdraft below zero
    (`InsufficientFunds`). Runs in a savepoint, so a refusal leaves nothing behind.
    """
    if len(lines) < 2:
        raise UnbalancedEntry(_l("A journal entry needs at least two lines."))
    totals: dict[str, int] = defaultdict(int)
    deltas: dict[int, int] = defaultdict(int)
    accounts: dict[int, LedgerAccount] = {}
    for line in lines:
        amount = line.amount_cents
        if isinstance(amount, bool) or not isinstance(amount, int) or amount == 0:
            raise LedgerError(_l("Every line needs a whole, non-zero number of cents."))
        if line.account.id is None:
            db.session.flush()
        totals[line.account.currency] += amount
        deltas[line.account.id] += amount
        accounts[line.account.id] = line.account
    unbalanced = sorted(cur for cur, total in totals.items() if total != 0)
    if unbalanced:
        raise UnbalancedEntry(
            _l("The lines of a journal entry must add up to zero (not so in {currencies})."),
            currencies=", ".join(unbalanced),
        )
    if not reason.strip():
        raise LedgerError(_l("A journal entry needs a reason."))
    object_type, object_id = link if link is not None else _obj_link(obj)
    with db.session.begin_nested():
        # In a fixed order, so two entries touching the same accounts cannot deadlock.
        for account_id in sorted(deltas):
            delta = deltas[account_id]
            if delta == 0:
                continue
            result = db.session.execute(
                update(LedgerAccount)
                .where(
                    LedgerAccount.id == account_id,
                    or_(
                        LedgerAccount.is_overdraft_allowed,
                        LedgerAccount.balance_cents + delta >= 0,
                    ),
                )
                .values(balance_cents=LedgerAccount.balance_cents + delta)
                .execution_options(synchronize_session=False)
            )
            if result.rowcount != 1:
                account = accounts[account_id]
                db.session.expire(account, ["balance_cents"])
                raise InsufficientFunds(
                    _l("Not enough money in “{account}”: it holds {available}."),
                    account,
                    account=account.name,
                    available=format_money(account.balance_cents, account.currency),
                )
        entry = JournalEntry(
            kind=kind,
            reason=reason.strip(),
            object_type=object_type,
            object_id=object_id,
            actor=actor,
            reverses=reverses,
        )
        entry.lines = [
            JournalLine(
                account_id=line.account.id,
                amount_cents=line.amount_cents,
                currency=line.account.currency,
            )
            for line in lines
        ]
        db.session.add(entry)
        db.session.flush()
    for account in accounts.values():
        db.session.expire(account, ["balance_cents"])
    return entry


def reverse_entry(entry: JournalEntry, *, reason: str, actor: User | None) -> JournalEntry:
    """A correction: a new entry with every line of `entry` negated."""
    if entry.reverses_id is not None:
        raise LedgerError(_l("A reversing entry cannot itself be reversed; book a new one."))
    lines = [Line(line.account, -line.amount_cents) for line in entry.lines]
    return post_entry(
        lines,
        kind=f"{entry.kind}.reversed"[:60],
        reason=reason,
        actor=actor,
        reverses=entry,
        link=(entry.object_type, entry.object_id),
    )


@event.listens_for(Session, "before_flush")
def _refuse_ledger_changes(session: Session, flush_context: object, instances: object) -> None:
    # The database triggers refuse too; this gives a clear error before the SQL is sent.
    for obj in (*session.dirty, *session.deleted):
        if isinstance(obj, JournalEntry | JournalLine) and (
            obj in session.deleted or session.is_modified(obj, include_collections=False)
        ):
            raise LedgerIsAppendOnly(f"{obj!r} cannot be changed or deleted")
