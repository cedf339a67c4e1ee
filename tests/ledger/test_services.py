from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from conftest import TEST_DATABASE_URL
from factories.accounts import UserFactory
from factories.ledger import LedgerAccountFactory, SourceAccountFactory
from flask import Flask
from sqlalchemy.exc import DBAPIError

from samenhang.extensions import db
from samenhang.ledger.models import AccountKind, JournalEntry, JournalLine, LedgerAccount
from samenhang.ledger.queries import (
    check_ledger_consistency,
    computed_balance,
    entries_for,
    entries_for_accounts,
)
from samenhang.ledger.services import (
    InsufficientFunds,
    LedgerError,
    LedgerIsAppendOnly,
    Line,
    UnbalancedEntry,
    open_account,
    post_entry,
    reverse_entry,
    transfer,
)


def _count(model: Any) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model)) or 0


def _fund(amount: int = 1000_00) -> tuple[LedgerAccount, LedgerAccount]:
    source, pot = SourceAccountFactory(), LedgerAccountFactory()
    post_entry(transfer(source, pot, amount), kind="pot.funded", reason="Start", actor=None)
    return source, pot


def test_a_balanced_entry_moves_money_and_keeps_the_cache_right(db_session: Any) -> None:
    actor = UserFactory()
    source, pot = _fund(1000_00)
    grant = open_account(AccountKind.reservation, "Grant")
    entry = post_entry(
        transfer(pot, grant, 250_00),
        kind="application.granted",
        reason="Plan",
        actor=actor,
        obj=grant,
    )
    assert [(line.account_id, line.amount_cents) for line in entry.lines] == [
        (pot.id, -250_00),
        (grant.id, 250_00),
    ]
    assert entry.actor_id == actor.id
    assert (entry.object_type, entry.object_id) == ("ledger_accounts", str(grant.id))
    assert (source.balance_cents, pot.balance_cents, grant.balance_cents) == (
        -1000_00,
        750_00,
        250_00,
    )
    assert computed_balance(pot) == pot.balance_cents == 750_00
    assert entries_for(grant) == [entry]
    assert len(entries_for_accounts([pot])) == 2
    assert check_ledger_consistency().is_consistent


@pytest.mark.parametrize(
    "amounts",
    [[100, -99], [100, 100], [5, -3, -1]],
)
def test_unbalanced_entries_are_refused(db_session: Any, amounts: list[int]) -> None:
    accounts = [SourceAccountFactory() for _ in amounts]
    lines = [Line(a, amount) for a, amount in zip(accounts, amounts, strict=True)]
    with pytest.raises(UnbalancedEntry, match="add up to zero"):
        post_entry(lines, kind="x", reason="x", actor=None)
    assert _count(JournalEntry) == 0
    assert all(a.balance_cents == 0 for a in accounts)


def test_balance_is_per_currency(db_session: Any) -> None:
    eur_a, eur_b = SourceAccountFactory(), SourceAccountFactory()
    usd = SourceAccountFactory(currency="USD")
    # Sums to zero overall, but not per currency.
    with pytest.raises(UnbalancedEntry, match="EUR, USD"):
        post_entry(
            [Line(eur_a, -100), Line(eur_b, 50), Line(usd, 50)], kind="x", reason="x", actor=None
        )
    usd_b = SourceAccountFactory(currency="USD")
    entry = post_entry(
        [Line(eur_a, -100), Line(eur_b, 100), Line(usd, -7), Line(usd_b, 7)],
        kind="fx",
        reason="Two currencies, each balanced",
        actor=None,
    )
    assert sorted((line.currency, line.amount_cents) for line in entry.lines) == [
        ("EUR", -100),
        ("EUR", 100),
        ("USD", -7),
        ("USD", 7),
    ]


@pytest.mark.parametrize("bad", [0, 1.5, 10.0, True, "100"])
def test_amounts_are_whole_non_zero_cents(db_session: Any, bad: Any) -> None:
    a, b = SourceAccountFactory(), SourceAccountFactory()
    with pytest.raises(LedgerError, match="whole, non-zero"):
        post_entry([Line(a, bad), Line(b, -1)], kind="x", reason="x", actor=None)


def test_an_entry_needs_two_lines_and_a_reason(db_session: Any) -> None:
    a, b = SourceAccountFactory(), SourceAccountFactory()
    with pytest.raises(UnbalancedEntry, match="two lines"):
        post_entry([Line(a, 0)], kind="x", reason="x", actor=None)
    with pytest.raises(LedgerError, match="reason"):
        post_entry(transfer(a, b, 1), kind="x", reason="  ", actor=None)


def test_no_account_without_overdraft_goes_below_zero_and_nothing_changes(
    db_session: Any,
) -> None:
    source, pot = _fund(100_00)
    other = LedgerAccountFactory()
    entries = _count(JournalEntry)
    with pytest.raises(InsufficientFunds) as caught:
        # The second line alone would be fine; together they take the pot below zero.
        post_entry(
            [Line(pot, -60_00), Line(pot, -60_00), Line(other, 120_00)],
            kind="x",
            reason="too much",
            actor=None,
        )
    assert caught.value.account.id == pot.id
    assert "100,00" in str(caught.value) or "100.00" in str(caught.value)
    assert (pot.balance_cents, other.balance_cents, _count(JournalEntry)) == (100_00, 0, entries)
    # A source may go negative: that is what it gave.
    post_entry(transfer(source, other, 5_00), kind="x", reason="ok", actor=None)
    assert source.balance_cents == -105_00


def test_the_database_refuses_a_negative_balance_too(db_session: Any) -> None:
    account = LedgerAccountFactory()
    with pytest.raises(sa.exc.IntegrityError), db.session.begin_nested():
        db.session.execute(
            sa.update(LedgerAccount).where(LedgerAccount.id == account.id).values(balance_cents=-1)
        )


def test_entries_and_lines_cannot_be_changed_through_the_orm(db_session: Any) -> None:
    _fund()
    db.session.commit()
    entry = db.session.scalars(sa.select(JournalEntry)).one()
    entry.reason = "rewritten"
    with pytest.raises(LedgerIsAppendOnly):
        db.session.flush()
    db.session.rollback()
    line = db.session.scalars(sa.select(JournalLine)).first()
    db.session.delete(line)
    with pytest.raises(LedgerIsAppendOnly):
        db.session.flush()
    db.session.rollback()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE journal_entries SET reason = 'x'",
        "DELETE FROM journal_entries",
        "UPDATE journal_lines SET amount_cents = amount_cents * 2",
        "DELETE FROM journal_lines",
    ],
)
def test_the_database_refuses_changes_to_the_ledger(db_session: Any, statement: str) -> None:
    _fund()
    with pytest.raises(DBAPIError, match="append-only"), db.session.begin_nested():
        db.session.execute(sa.text(statement))


def test_a_correction_is_a_reversing_entry(db_session: Any) -> None:
    actor = UserFactory()
    source, pot = _fund(300_00)
    original = db.session.scalars(sa.select(JournalEntry)).one()
    reversal = reverse_entry(original, reason="Booked twice by mistake", actor=actor)
    assert reversal.reverses_id == original.id
    assert reversal.kind == "pot.funded.reversed"
    assert (source.balance_cents, pot.balance_cents) == (0, 0)
    with pytest.raises(LedgerError, match="cannot itself be reversed"):
        reverse_entry(reversal, reason="again", actor=actor)
    # An entry is reversed once: the database keeps a second reversal out.
    with pytest.raises(sa.exc.IntegrityError), db.session.begin_nested():
        post_entry(
            transfer(source, pot, 1),
            kind="x",
            reason="x",
            actor=None,
            reverses=original,
        )


def test_consistency_check_finds_a_stale_cached_balance(db_session: Any) -> None:
    _, pot = _fund(100_00)
    assert check_ledger_consistency().is_consistent
    # Accounts are not append-only: their cache can drift if someone edits it by hand.
    db.session.execute(
        sa.update(LedgerAccount).where(LedgerAccount.id == pot.id).values(balance_cents=99_00)
    )
    report = check_ledger_consistency()
    assert not report.is_consistent
    assert report.stale_balances == [(pot.id, 99_00, 100_00)]
    assert report.unbalanced_entries == []


@pytest.mark.skipif(not TEST_DATABASE_URL, reason="deferred constraint triggers are PostgreSQL's")
def test_postgresql_refuses_an_unbalanced_entry_at_commit(app: Flask) -> None:
    with app.app_context(), db.engine.connect() as conn:
        tx = conn.begin()
        account = conn.execute(
            sa.text(
                "INSERT INTO ledger_accounts (kind, name, currency, is_overdraft_allowed,"
                " balance_cents) VALUES ('source', 'x', 'EUR', true, 0) RETURNING id"
            )
        ).scalar_one()
        entry = conn.execute(
            sa.text(
                "INSERT INTO journal_entries (kind, reason) VALUES ('x', 'raw SQL') RETURNING id"
            )
        ).scalar_one()
        conn.execute(
            sa.text(
                "INSERT INTO journal_lines (entry_id, account_id, amount_cents, currency)"
                " VALUES (:e, :a, 100, 'EUR')"
            ),
            {"e": entry, "a": account},
        )
        with pytest.raises(DBAPIError, match="not balanced"):
            tx.commit()
