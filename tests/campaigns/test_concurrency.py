"""Many supporters at the same moment, in real parallel transactions on PostgreSQL: the
database keeps a task's places, a form's idempotency key and a webhook's event id.

Each thread has its own app context, session and connection and commits for real, so these
tests do not use the rolled-back `db_session`; they delete what they made at the end.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from campaigns.stripe_peer import configure_stripe
from conftest import TEST_DATABASE_URL
from factories.accounts import UserFactory
from factories.campaigns import CampaignFactory, in_days, manager_of
from factories.vouchers import PotFactory
from flask import Flask

from samenhang.accounts.models import User
from samenhang.campaigns import payments, queries, services
from samenhang.campaigns.models import Campaign, Pledge, Provider, Task
from samenhang.errors import DomainError
from samenhang.extensions import db
from samenhang.ledger.queries import balances, check_ledger_consistency
from samenhang.vouchers.models import Pot

pytestmark = pytest.mark.skipif(
    not TEST_DATABASE_URL,
    reason="needs PostgreSQL (TEST_DATABASE_URL): SQLite runs one writer at a time, so it "
    "cannot show what parallel transactions do",
)

THREADS = 8


@pytest.fixture(autouse=True)
def ledger_stays_consistent(app: Flask) -> Iterator[None]:
    """Replaces the package's check, which needs the rolled-back session."""
    yield
    with app.app_context():
        report = check_ledger_consistency()
        db.session.remove()
    assert report.is_consistent, report


def _purge(wijk_ids: list[int]) -> None:
    """Delete what these tests committed. The ledger and the audit log refuse DELETE by
    trigger; `session_replication_role = replica` (superuser only) switches triggers and
    foreign-key checks off for this one transaction. Entries are deleted whole, also their
    lines on the shared clearing account, whose cached balance is then counted again."""
    campaigns = "SELECT id FROM campaigns WHERE wijk_id = ANY(:w)"
    pledges = f"SELECT id FROM campaign_pledges WHERE campaign_id IN ({campaigns})"
    tasks = f"SELECT id FROM campaign_tasks WHERE campaign_id IN ({campaigns})"
    accounts = "SELECT id FROM ledger_accounts WHERE wijk_id = ANY(:w)"
    entries = f"SELECT entry_id FROM journal_lines WHERE account_id IN ({accounts})"
    initiatives = "SELECT id FROM initiatives WHERE wijk_id = ANY(:w)"
    pots = "SELECT id FROM pots WHERE wijk_id = ANY(:w)"
    statements = [
        f"CREATE TEMP TABLE doomed_entries ON COMMIT DROP AS {entries}",
        f"CREATE TEMP TABLE doomed_users ON COMMIT DROP AS"
        f" SELECT supporter_id AS id FROM campaign_pledges WHERE id IN ({pledges})"
        f" UNION SELECT user_id FROM campaign_task_signups WHERE task_id IN ({tasks})"
        f" UNION SELECT author_id FROM initiatives WHERE wijk_id = ANY(:w)"
        " UNION SELECT user_id FROM wijk_managers WHERE wijk_id = ANY(:w)",
        f"DELETE FROM campaign_payment_events WHERE pledge_id IN ({pledges})",
        f"DELETE FROM campaign_task_signups WHERE task_id IN ({tasks})",
        f"DELETE FROM campaign_tasks WHERE id IN ({tasks})",
        f"DELETE FROM campaign_pledges WHERE id IN ({pledges})",
        "DELETE FROM campaigns WHERE wijk_id = ANY(:w)",
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
        f"DELETE FROM initiative_themes WHERE initiative_id IN ({initiatives})",
        f"DELETE FROM initiative_budget_lines WHERE initiative_id IN ({initiatives})",
        "DELETE FROM initiatives WHERE wijk_id = ANY(:w)",
        "DELETE FROM journal_lines WHERE entry_id IN (SELECT entry_id FROM doomed_entries)",
        "DELETE FROM journal_entries WHERE id IN (SELECT entry_id FROM doomed_entries)",
        f"DELETE FROM ledger_accounts WHERE id IN ({accounts})",
        "UPDATE ledger_accounts SET balance_cents = (SELECT COALESCE(SUM(amount_cents), 0)"
        " FROM journal_lines WHERE account_id = ledger_accounts.id) WHERE kind = 'clearing'",
        "DELETE FROM audit_entries WHERE wijk_id = ANY(:w)"
        " OR actor_id IN (SELECT id FROM doomed_users)",
        "DELETE FROM wijk_managers WHERE wijk_id = ANY(:w)",
        "DELETE FROM users WHERE id IN (SELECT id FROM doomed_users)",
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


def _all_at_once(app: Flask, works: list[Callable[[], Any]]) -> list[Any]:
    """Run each work in its own thread and transaction, started together; what each
    returned (or "refused"), in the order of `works`."""
    barrier = threading.Barrier(len(works))
    results: list[Any] = [None] * len(works)

    def run(index: int) -> None:
        with app.app_context():
            try:
                barrier.wait(timeout=10)
                results[index] = works[index]()
                db.session.commit()
            except DomainError:
                db.session.rollback()
                results[index] = "refused"
            except Exception as exc:  # pragma: no cover - reported by the assertion
                db.session.rollback()
                results[index] = f"error: {exc!r}"
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(works))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_a_task_never_takes_more_people_than_it_has_places(
    app: Flask, committed: list[int]
) -> None:
    campaign = CampaignFactory()
    committed.append(campaign.wijk_id)
    task = services.add_task(campaign, "Verven", in_days(5), 3, actor=campaign.initiator)
    helpers = [UserFactory(wijk=campaign.wijk).id for _ in range(THREADS)]
    db.session.commit()
    task_id = task.id
    db.session.remove()

    def sign_up(user_id: int) -> Callable[[], str]:
        def work() -> str:
            task = db.session.get(Task, task_id)
            services.sign_up(task, actor=db.session.get(User, user_id))
            return "ok"

        return work

    results = _all_at_once(app, [sign_up(u) for u in helpers])
    assert sorted(results) == ["ok"] * 3 + ["refused"] * (THREADS - 3)
    task = db.session.get(Task, task_id)
    assert task.taken == 3 and len(task.signups) == 3


def test_a_form_sent_many_times_at_once_is_one_pledge(app: Flask, committed: list[int]) -> None:
    campaign = CampaignFactory()
    committed.append(campaign.wijk_id)
    giver = UserFactory(wijk=campaign.wijk)
    db.session.commit()
    campaign_id, giver_id, key = campaign.id, giver.id, services.new_idempotency_key()
    db.session.remove()

    def give() -> int:
        pledge = services.pledge_money(
            db.session.get(Campaign, campaign_id),
            15_00,
            provider=Provider.manual,
            idempotency_key=key,
            actor=db.session.get(User, giver_id),
        )
        return pledge.id

    results = _all_at_once(app, [give] * THREADS)
    assert len(set(results)) == 1 and isinstance(results[0], int), results
    count = db.session.scalar(
        sa.select(sa.func.count(Pledge.id)).where(Pledge.campaign_id == campaign_id)
    )
    assert count == 1


def test_a_transfer_marked_received_by_two_managers_at_once_is_booked_once(
    app: Flask, committed: list[int]
) -> None:
    campaign = CampaignFactory()
    committed.append(campaign.wijk_id)
    pledge = services.pledge_money(
        campaign,
        20_00,
        provider=Provider.manual,
        idempotency_key=services.new_idempotency_key(),
        actor=UserFactory(wijk=campaign.wijk),
    )
    db.session.commit()
    campaign_id, pledge_id = campaign.id, pledge.id
    manager_id = campaign.wijk.managers[0].id
    db.session.remove()

    def mark() -> bool:
        return services.mark_received(
            db.session.get(Pledge, pledge_id), actor=db.session.get(User, manager_id)
        )

    results = _all_at_once(app, [mark] * 4)
    assert sorted(results) == [False, False, False, True]
    assert queries.summary(db.session.get(Campaign, campaign_id)).raised_cents == 20_00


def test_a_webhook_delivered_many_times_at_once_books_once(
    app: Flask, committed: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    configure_stripe(monkeypatch, app, None)
    monkeypatch.setattr(
        payments.StripeProvider,
        "start",
        lambda self, pledge: setattr(pledge, "provider_ref", f"pi_race_{pledge.id}"),
    )
    campaign = CampaignFactory()
    committed.append(campaign.wijk_id)
    pledge = services.pledge_money(
        campaign,
        30_00,
        provider=Provider.stripe,
        idempotency_key=services.new_idempotency_key(),
        actor=UserFactory(wijk=campaign.wijk),
    )
    db.session.commit()
    campaign_id, intent = campaign.id, pledge.provider_ref
    db.session.remove()

    def event(event_id: str) -> dict[str, Any]:
        obj = {"id": intent, "object": "payment_intent", "amount": 30_00, "currency": "eur"}
        return {"id": event_id, "type": "payment_intent.succeeded", "data": {"object": obj}}

    same = _all_at_once(app, [lambda: services.handle_stripe_event(event("evt_race"))] * 4)
    assert sorted(same) == ["duplicate"] * 3 + ["received"]
    others = _all_at_once(
        app, [lambda n=n: services.handle_stripe_event(event(f"evt_other_{n}")) for n in range(3)]
    )
    assert others == ["ignored"] * 3
    assert queries.summary(db.session.get(Campaign, campaign_id)).raised_cents == 30_00


def _pledged(campaign: Campaign, amount_cents: int) -> int:
    pledge = services.pledge_money(
        campaign,
        amount_cents,
        provider=Provider.manual,
        idempotency_key=services.new_idempotency_key(),
        actor=UserFactory(wijk=campaign.wijk),
    )
    return pledge.id


def _mark(pledge_id: int, manager_id: int) -> Callable[[], bool]:
    def work() -> bool:
        return services.mark_received(
            db.session.get(Pledge, pledge_id), actor=db.session.get(User, manager_id)
        )

    return work


def _pot_balance(pot_id: int) -> int:
    pot = db.session.get(Pot, pot_id)
    assert pot is not None
    return balances([pot.account])[pot.account_id]


def test_gifts_matched_at_once_never_pass_the_cap(app: Flask, committed: list[int]) -> None:
    """Eight transfers of 20 euro marked received at the same moment, a 1:1 match capped at
    50 euro: the pot puts in exactly 50 (20 + 20 + 10), never 8 x 20."""
    campaign = CampaignFactory(goal_cents=1_000_00)
    committed.append(campaign.wijk_id)
    pot = PotFactory(wijk=campaign.wijk, amount_cents=10_000_00, max_per_application_cents=1_00)
    manager = manager_of(campaign)
    services.set_matchfunding(campaign, pot, 100, 50_00, actor=manager)
    pledge_ids = [_pledged(campaign, 20_00) for _ in range(THREADS)]
    db.session.commit()
    campaign_id, pot_id, manager_id = campaign.id, pot.id, manager.id
    before = _pot_balance(pot_id)
    db.session.remove()

    results = _all_at_once(app, [_mark(p, manager_id) for p in pledge_ids])
    assert results == [True] * THREADS
    campaign = db.session.get(Campaign, campaign_id)
    assert queries.matched_total(campaign) == 50_00
    matched = sorted(db.session.get(Pledge, p).matched_cents for p in pledge_ids)
    assert matched == [0] * (THREADS - 3) + [10_00, 20_00, 20_00]
    assert before - _pot_balance(pot_id) == 50_00
    figures = queries.summary(campaign)
    # Raised counts the gifts and what the pot added.
    assert (figures.raised_cents, figures.matched_cents) == (THREADS * 20_00 + 50_00, 50_00)


def test_two_campaigns_matched_at_once_never_take_more_than_the_pot_holds(
    app: Flask, committed: list[int]
) -> None:
    """One pot of 30 euro matches two campaigns, each capped at 100: gifts received in both
    at once take 30 in all, and the pot never goes below zero."""
    first = CampaignFactory(goal_cents=1_000_00)
    committed.append(first.wijk_id)
    second = CampaignFactory(initiative__wijk=first.wijk, goal_cents=1_000_00)
    pot = PotFactory(wijk=first.wijk, amount_cents=30_00, max_per_application_cents=1_00)
    manager = manager_of(first)
    for campaign in (first, second):
        services.set_matchfunding(campaign, pot, 100, 100_00, actor=manager)
    pledge_ids = [_pledged(c, 20_00) for c in (first, second) for _ in range(THREADS // 2)]
    db.session.commit()
    pot_id, manager_id = pot.id, manager.id
    campaign_ids = (first.id, second.id)
    db.session.remove()

    results = _all_at_once(app, [_mark(p, manager_id) for p in pledge_ids])
    assert results == [True] * THREADS
    assert _pot_balance(pot_id) == 0
    matched = sum(queries.matched_total(db.session.get(Campaign, c)) for c in campaign_ids)
    assert matched == 30_00
