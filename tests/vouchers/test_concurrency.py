"""Concurrent decisions, payouts and redemptions in real parallel transactions.

Each thread has its own app context, session and connection, and commits for real, so
these tests do not use the rolled-back `db_session`; they delete what they made at the end.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from conftest import TEST_DATABASE_URL
from factories.vouchers import ApplicationFactory, PotFactory, grant, manager_of
from flask import Flask

from samenhang.accounts.models import User
from samenhang.db import utcnow
from samenhang.errors import DomainError
from samenhang.extensions import db
from samenhang.ledger.queries import check_ledger_consistency
from samenhang.vouchers import services
from samenhang.vouchers.models import Application, Outcome, Pot, Supplier
from samenhang.vouchers.queries import pot_summary

pytestmark = pytest.mark.skipif(
    not TEST_DATABASE_URL,
    reason="needs PostgreSQL (TEST_DATABASE_URL): SQLite runs one writer at a time, so it "
    "cannot show what parallel transactions do",
)

THREADS = 6


def _purge(wijk_ids: list[int]) -> None:
    """Delete everything these tests committed. The ledger and the audit log refuse DELETE
    by trigger; `session_replication_role = replica` (superuser only) switches triggers off
    for this one transaction, foreign-key checks included, so the order does not matter."""
    pots = "SELECT id FROM pots WHERE wijk_id = ANY(:w)"
    apps = f"SELECT id FROM pot_applications WHERE pot_id IN ({pots})"
    batches = f"SELECT id FROM voucher_batches WHERE pot_id IN ({pots})"
    accounts = "SELECT id FROM ledger_accounts WHERE wijk_id = ANY(:w)"
    users = (
        "SELECT id FROM users WHERE wijk_id = ANY(:w)"
        " UNION SELECT user_id FROM wijk_managers WHERE wijk_id = ANY(:w)"
    )
    statements = [
        f"DELETE FROM voucher_redemptions WHERE voucher_id IN "
        f"(SELECT id FROM vouchers WHERE batch_id IN ({batches}))",
        f"DELETE FROM vouchers WHERE batch_id IN ({batches})",
        f"DELETE FROM voucher_batch_suppliers WHERE batch_id IN ({batches})",
        f"DELETE FROM voucher_batches WHERE id IN ({batches})",
        "DELETE FROM voucher_suppliers WHERE wijk_id = ANY(:w)",
        *(
            f"DELETE FROM {table} WHERE application_id IN ({apps})"
            for table in (
                "pot_budget_lines",
                "pot_contributions",
                "pot_scores",
                "pot_panel_advice",
                "pot_decisions",
                "pot_payouts",
                "pot_returns",
                "pot_receipts",
                "pot_reports",
            )
        ),
        f"DELETE FROM pot_applications WHERE id IN ({apps})",
        *(
            f"DELETE FROM {table} WHERE pot_id IN ({pots})"
            for table in (
                "pot_criteria",
                "pot_criteria_comments",
                "pot_criteria_participants",
                "pot_panel_members",
            )
        ),
        "DELETE FROM pots WHERE wijk_id = ANY(:w)",
        f"DELETE FROM journal_entries WHERE id IN "
        f"(SELECT entry_id FROM journal_lines WHERE account_id IN ({accounts}))",
        f"DELETE FROM journal_lines WHERE account_id IN ({accounts})",
        f"DELETE FROM ledger_accounts WHERE id IN ({accounts})",
        f"DELETE FROM audit_entries WHERE wijk_id = ANY(:w) OR actor_id IN ({users})",
        f"DELETE FROM idempotency_keys WHERE actor_id IN ({users})",
        f"CREATE TEMP TABLE doomed_users ON COMMIT DROP AS {users}",
        "DELETE FROM wijk_managers WHERE wijk_id = ANY(:w)",
        "DELETE FROM users WHERE id IN (SELECT id FROM doomed_users)",
        "DELETE FROM wijk_postcodes WHERE wijk_id = ANY(:w)",
        "CREATE TEMP TABLE doomed_municipalities ON COMMIT DROP AS"
        " SELECT municipality_id AS id FROM wijken WHERE id = ANY(:w)",
        "DELETE FROM wijken WHERE id = ANY(:w)",
        "DELETE FROM municipalities WHERE id IN (SELECT id FROM doomed_municipalities)",
    ]
    with db.engine.begin() as conn:
        conn.execute(sa.text("SET LOCAL session_replication_role = replica"))
        for statement in statements:
            conn.execute(sa.text(statement), {"w": wijk_ids})


@pytest.fixture
def committed(app: Flask) -> Iterator[list[int]]:
    """An app context whose factories commit for real; purged afterwards."""
    wijk_ids: list[int] = []
    with app.app_context():
        try:
            yield wijk_ids
        finally:
            db.session.remove()
            _purge(wijk_ids)


def _race(app: Flask, work: Callable[[], Any]) -> list[str]:
    """Run `work` in THREADS threads at once; each commits or rolls back on its own."""
    barrier = threading.Barrier(THREADS)
    results: list[str] = []
    lock = threading.Lock()

    def run() -> None:
        with app.app_context():
            try:
                barrier.wait(timeout=10)
                work()
                db.session.commit()
                outcome = "ok"
            except DomainError:
                db.session.rollback()
                outcome = "refused"
            except Exception as exc:  # pragma: no cover - reported below
                db.session.rollback()
                outcome = f"error: {exc!r}"
            finally:
                db.session.remove()
            with lock:
                results.append(outcome)

    threads = [threading.Thread(target=run) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return sorted(results)


def test_concurrent_decisions_never_over_commit_a_pot(app: Flask, committed: list[int]) -> None:
    pot = PotFactory(amount_cents=1000_00, max_per_application_cents=400_00)
    committed.append(pot.wijk_id)
    ids = [ApplicationFactory(pot=pot, lines=[("Plan", 400_00)]).id for _ in range(THREADS)]
    pot_id, manager_id = pot.id, manager_of(pot).id
    db.session.remove()
    queue = list(ids)
    take = threading.Lock()

    def decide() -> None:
        with take:
            application_id = queue.pop()
        services.decide_application(
            db.session.get(Application, application_id),
            actor=db.session.get(User, manager_id),
            outcome=Outcome.full,
            reasons="Goed plan.",
        )

    results = _race(app, decide)
    assert results == ["ok", "ok"] + ["refused"] * (THREADS - 2)
    summary = pot_summary(db.session.get(Pot, pot_id))
    assert (summary.remaining_cents, summary.committed_cents) == (200_00, 800_00)
    assert check_ledger_consistency().is_consistent


def test_concurrent_payouts_never_pay_more_than_the_grant(app: Flask, committed: list[int]) -> None:
    application = grant(ApplicationFactory(lines=[("Plan", 1000_00)]), 700_00)
    committed.append(application.pot.wijk_id)
    application_id, manager_id = application.id, manager_of(application.pot).id
    db.session.remove()

    def pay() -> None:
        services.pay_out(
            db.session.get(Application, application_id),
            actor=db.session.get(User, manager_id),
            amount_cents=300_00,
        )

    results = _race(app, pay)
    assert results == ["ok", "ok"] + ["refused"] * (THREADS - 2)
    application = db.session.get(Application, application_id)
    assert [p.sequence for p in application.payouts] == [1, 2]
    assert application.paid_cents == 600_00
    assert check_ledger_consistency().is_consistent


def test_a_code_redeemed_at_two_tills_at_once_is_spent_once(
    app: Flask, committed: list[int]
) -> None:
    pot = PotFactory(amount_cents=100_00)
    committed.append(pot.wijk_id)
    supplier, _ = services.create_supplier(pot.wijk, actor=manager_of(pot), name="Bakker")
    _, [code] = services.issue_vouchers(
        pot,
        actor=manager_of(pot),
        label="Feest",
        value_cents=25_00,
        quantity=1,
        expires_on=(utcnow() + timedelta(days=3)).date(),
        suppliers=[supplier],
    )
    db.session.commit()
    pot_id, supplier_id = pot.id, supplier.id
    db.session.remove()

    def redeem() -> None:
        services.redeem_voucher(
            code, supplier=db.session.get(Supplier, supplier_id), amount_cents=20_00
        )

    results = _race(app, redeem)
    assert results == ["ok"] + ["refused"] * (THREADS - 1)
    summary = pot_summary(db.session.get(Pot, pot_id))
    assert (summary.paid_cents, summary.remaining_cents) == (20_00, 80_00)
    assert db.session.get(Supplier, supplier_id).account.balance_cents == 20_00
    assert check_ledger_consistency().is_consistent


def test_the_same_payout_form_sent_at_once_is_paid_once(app: Flask, committed: list[int]) -> None:
    """Two requests with one key (a retry while the first is still running): the key's
    primary key makes the second wait for the first, then show its result."""
    from factories.accounts import PASSWORD

    from samenhang.idempotency import IdempotencyKey, new_key

    application = grant(ApplicationFactory(lines=[("Plan", 1000_00)]), 700_00)
    committed.append(application.pot.wijk_id)
    application_id, email = application.id, manager_of(application.pot).email
    db.session.remove()
    clients = []
    for _ in range(THREADS):
        client = app.test_client()
        assert (
            client.post("/signin", data={"email": email, "password": PASSWORD}).status_code == 302
        )
        clients.append(client)
    key, barrier = new_key(), threading.Barrier(THREADS)
    statuses: list[int] = []

    def send(client: Any) -> None:
        barrier.wait(timeout=10)
        response = client.post(
            f"/bewonersbudgetten/applications/{application_id}/payouts",
            data={"idempotency_key": key, "amount": "300"},
        )
        statuses.append(response.status_code)

    threads = [threading.Thread(target=send, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert statuses == [302] * THREADS
    db.session.expire_all()
    application = db.session.get(Application, application_id)
    assert [p.sequence for p in application.payouts] == [1]
    assert application.paid_cents == 300_00
    assert db.session.get(IdempotencyKey, key).result_ref.startswith("Payout:")
    assert check_ledger_consistency().is_consistent
