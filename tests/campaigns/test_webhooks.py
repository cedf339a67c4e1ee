"""`/webhooks/stripe` with events the tests sign themselves: what localstripe cannot send
(refunds, cancellations, retries, replays, events out of order) and forged messages.

Stripe's API is replaced by a recorder here; test_stripe.py talks to a real peer."""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from campaigns.stripe_peer import configure_stripe, signed
from factories.accounts import UserFactory
from factories.campaigns import CampaignFactory, manager_of
from factories.vouchers import PotFactory
from flask import Flask

from samenhang.campaigns import payments, queries, services
from samenhang.campaigns.models import PaymentEvent, Pledge, PledgeStatus, Provider
from samenhang.extensions import db
from samenhang.ledger.queries import balances, entries_for

_ids = itertools.count(1)


@pytest.fixture
def fake_stripe(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[str, Any]]]:
    """Stripe configured, its API calls recorded instead of sent."""
    configure_stripe(monkeypatch, app, None)
    calls: list[tuple[str, Any]] = []

    def start(self: Any, pledge: Pledge) -> None:
        pledge.provider_ref = f"pi_fake_{next(_ids)}"

    def refund(self: Any, pledge: Pledge, amount_cents: int) -> None:
        calls.append(("refund", amount_cents))

    def cancel(self: Any, pledge: Pledge) -> bool:
        calls.append(("cancel", pledge.provider_ref))
        return True

    monkeypatch.setattr(payments.StripeProvider, "start", start)
    monkeypatch.setattr(payments.StripeProvider, "refund", refund)
    monkeypatch.setattr(payments.StripeProvider, "cancel", cancel)
    yield calls


def _online(campaign: Any, amount: int = 25_00) -> Pledge:
    pledge = services.pledge_money(
        campaign,
        amount,
        provider=Provider.stripe,
        idempotency_key=services.new_idempotency_key(),
        actor=UserFactory(),
    )
    db.session.commit()
    return pledge


def _event(kind: str, pledge: Pledge, event_id: str | None = None, **fields: Any) -> Any:
    if kind == "charge.refunded":
        obj = {"id": "ch_1", "object": "charge", "payment_intent": pledge.provider_ref, **fields}
    else:
        obj = {
            "id": pledge.provider_ref,
            "object": "payment_intent",
            "amount": pledge.amount_cents,
            "currency": "eur",
            "metadata": {"pledge_id": str(pledge.id)},
            **fields,
        }
    return {
        "id": event_id or f"evt_{next(_ids)}",
        "object": "event",
        "type": kind,
        "data": {"object": obj},
    }


def _post(client: Any, event: dict[str, Any], **sign: Any) -> Any:
    payload, headers = signed(event, **sign)
    return client.post("/webhooks/stripe", data=payload, headers=headers)


def _fresh(pledge: Pledge) -> Pledge:
    db.session.expire_all()
    found = db.session.get(Pledge, pledge.id)
    assert found is not None
    return found


def _campaign_money(campaign: Any) -> int:
    return balances([campaign.account])[campaign.account_id]


def test_a_succeeded_event_books_the_gift_once(client: Any, fake_stripe: Any) -> None:
    campaign = CampaignFactory()
    pledge = _online(campaign)
    event = _event("payment_intent.succeeded", pledge)
    first = _post(client, event)
    assert first.status_code == 200 and first.json["outcome"] == "received"
    retry = _post(client, event)
    assert retry.status_code == 200 and retry.json["outcome"] == "duplicate"
    other_id = _post(client, _event("payment_intent.succeeded", pledge))
    assert other_id.json["outcome"] == "ignored"
    assert _fresh(pledge).status is PledgeStatus.received
    assert len(entries_for(pledge)) == 1 and _campaign_money(campaign) == 25_00


@pytest.mark.parametrize(
    ("headers", "why"),
    [
        ({}, "no signature"),
        ({"Stripe-Signature": "t=1,v1=deadbeef"}, "a made-up signature"),
    ],
)
def test_a_forged_message_is_refused(client: Any, fake_stripe: Any, headers: Any, why: str) -> None:
    pledge = _online(CampaignFactory())
    payload, _ = signed(_event("payment_intent.succeeded", pledge))
    answer = client.post("/webhooks/stripe", data=payload, headers=headers)
    assert answer.status_code == 400, why
    assert answer.json["error"] == "invalid_webhook"
    assert _fresh(pledge).status is PledgeStatus.pending


def test_a_message_signed_with_another_secret_or_changed_is_refused(
    client: Any, fake_stripe: Any
) -> None:
    pledge = _online(CampaignFactory())
    event = _event("payment_intent.succeeded", pledge)
    assert _post(client, event, secret="whsec_someone_else").status_code == 400
    payload, headers = signed(event)
    tampered = payload.replace(f'"amount": {pledge.amount_cents}', '"amount": 1')
    assert client.post("/webhooks/stripe", data=tampered, headers=headers).status_code == 400
    assert _fresh(pledge).status is PledgeStatus.pending
    assert db.session.query(PaymentEvent).count() == 0


def test_an_old_message_replayed_is_refused(client: Any, fake_stripe: Any) -> None:
    pledge = _online(CampaignFactory())
    answer = _post(client, _event("payment_intent.succeeded", pledge), at=int(time.time()) - 3600)
    assert answer.status_code == 400
    assert _fresh(pledge).status is PledgeStatus.pending


def test_without_a_webhook_secret_the_endpoint_refuses(client: Any, app: Flask) -> None:
    pledge_less = {"id": "evt_1", "type": "payment_intent.succeeded", "data": {"object": {}}}
    assert _post(client, pledge_less).status_code == 400


def test_a_succeeded_after_a_refund_does_not_bring_the_money_back(
    client: Any, fake_stripe: Any
) -> None:
    campaign = CampaignFactory()
    pledge = _online(campaign)
    refund = _post(client, _event("charge.refunded", pledge, amount_refunded=pledge.amount_cents))
    assert refund.json["outcome"] == "refund_before_payment"
    late = _post(client, _event("payment_intent.succeeded", pledge))
    assert late.json["outcome"] == "ignored"
    assert _fresh(pledge).status is PledgeStatus.refunded
    assert _campaign_money(campaign) == 0 and entries_for(pledge) == []
    assert queries.summary(campaign).raised_cents == 0


def test_partial_then_full_refund(client: Any, fake_stripe: Any) -> None:
    campaign = CampaignFactory()
    pot = PotFactory(wijk=campaign.wijk, max_per_application_cents=1_00)
    services.set_matchfunding(campaign, pot, 100, 100_00, actor=manager_of(campaign))
    pledge = _online(campaign, 40_00)
    _post(client, _event("payment_intent.succeeded", pledge))
    assert _fresh(pledge).matched_cents == 40_00 and _campaign_money(campaign) == 80_00

    partial = _post(client, _event("charge.refunded", pledge, amount_refunded=10_00))
    assert partial.json["outcome"] == "refunded"
    pledge = _fresh(pledge)
    assert (pledge.status, pledge.refunded_cents) == (PledgeStatus.received, 10_00)
    assert pledge.match_released_cents == 10_00 and _campaign_money(campaign) == 60_00
    assert queries.summary(campaign).raised_cents == 60_00

    full = _post(client, _event("charge.refunded", pledge, amount_refunded=40_00))
    assert full.json["outcome"] == "refunded"
    pledge = _fresh(pledge)
    assert pledge.status is PledgeStatus.refunded and _campaign_money(campaign) == 0
    stale = _post(client, _event("charge.refunded", pledge, amount_refunded=10_00))
    assert stale.json["outcome"] == "ignored"


def test_a_partial_refund_before_the_payment_is_booked_after_it(
    client: Any, fake_stripe: Any
) -> None:
    campaign = CampaignFactory()
    pledge = _online(campaign, 30_00)
    _post(client, _event("charge.refunded", pledge, amount_refunded=5_00))
    assert _fresh(pledge).status is PledgeStatus.pending
    _post(client, _event("payment_intent.succeeded", pledge))
    pledge = _fresh(pledge)
    assert (pledge.status, pledge.refunded_cents) == (PledgeStatus.received, 5_00)
    assert _campaign_money(campaign) == 25_00


def test_failed_then_succeeded_then_a_late_failure(client: Any, fake_stripe: Any) -> None:
    pledge = _online(CampaignFactory())
    assert _post(client, _event("payment_intent.payment_failed", pledge)).json["outcome"] == (
        "failed"
    )
    assert _post(client, _event("payment_intent.succeeded", pledge)).json["outcome"] == ("received")
    late = _post(client, _event("payment_intent.payment_failed", pledge))
    assert late.json["outcome"] == "ignored"
    assert _fresh(pledge).status is PledgeStatus.received


def test_a_cancelled_payment_event(client: Any, fake_stripe: Any) -> None:
    pledge = _online(CampaignFactory())
    assert _post(client, _event("payment_intent.canceled", pledge)).json["outcome"] == "cancelled"
    assert _post(client, _event("payment_intent.succeeded", pledge)).json["outcome"] == "ignored"
    assert _fresh(pledge).status is PledgeStatus.cancelled


def test_an_amount_that_differs_is_not_booked(client: Any, fake_stripe: Any) -> None:
    campaign = CampaignFactory()
    pledge = _online(campaign)
    answer = _post(client, _event("payment_intent.succeeded", pledge, amount=1))
    assert answer.json["outcome"] == "amount_mismatch"
    assert _fresh(pledge).status is PledgeStatus.pending and _campaign_money(campaign) == 0


def test_unknown_payments_and_other_events_are_acknowledged(client: Any, fake_stripe: Any) -> None:
    other = {
        "id": "evt_customer",
        "type": "customer.created",
        "data": {"object": {"id": "cus_1"}},
    }
    assert _post(client, other).json["outcome"] == "ignored"
    stranger = {
        "id": "evt_stranger",
        "type": "payment_intent.succeeded",
        "data": {"object": {"id": "pi_not_ours", "amount": 100, "currency": "eur"}},
    }
    assert _post(client, stranger).json["outcome"] == "unknown_payment"


def test_money_paid_after_the_campaign_failed_goes_straight_back(
    client: Any, fake_stripe: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    campaign = CampaignFactory(goal_cents=1_000_00)
    pledge = _online(campaign, 30_00)
    # The PaymentIntent could not be cancelled at the close: it was being paid right then.
    with monkeypatch.context() as paying:
        paying.setattr(payments.StripeProvider, "cancel", lambda self, pledge: False)
        services.close_campaign(campaign, now=campaign.deadline_at + timedelta(minutes=1))
    db.session.commit()
    assert _fresh(pledge).status is PledgeStatus.pending
    answer = _post(client, _event("payment_intent.succeeded", pledge))
    assert answer.json["outcome"] == "received"
    assert _fresh(pledge).status is PledgeStatus.refunded
    assert ("refund", 30_00) in fake_stripe and _campaign_money(campaign) == 0
