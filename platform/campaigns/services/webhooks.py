"""Stripe's webhook events, each handled once.

The event's id is stored first, in the same transaction as what the event does: a retry or
a replay finds it and changes nothing, also when both arrive at the same moment (the unique
key makes one of them wait and then fail). Events may come in any order; the pledge's
status only moves forward (see `money`), so a late one cannot undo a later truth.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.exc import IntegrityError

from samenhang.campaigns import queries
from samenhang.campaigns.models import PaymentEvent, Pledge, Provider
from samenhang.campaigns.services import money
from samenhang.campaigns.services.common import locked_pledge
from samenhang.extensions import db


def _succeeded(pledge: Pledge, obj: dict[str, Any]) -> str:
    return money.record_payment_succeeded(
        pledge, int(obj.get("amount") or 0), str(obj.get("currency") or "")
    )


def _failed(pledge: Pledge, obj: dict[str, Any]) -> str:
    return money.record_payment_failed(pledge)


def _cancelled(pledge: Pledge, obj: dict[str, Any]) -> str:
    return money.record_payment_cancelled(pledge)


def _refunded(pledge: Pledge, obj: dict[str, Any]) -> str:
    return money.record_payment_refunded(pledge, int(obj.get("amount_refunded") or 0))


#: Event type → (where the PaymentIntent's id is in the event's object, handler).
HANDLERS: dict[str, tuple[str, Callable[[Pledge, dict[str, Any]], str]]] = {
    "payment_intent.succeeded": ("id", _succeeded),
    "payment_intent.payment_failed": ("id", _failed),
    "payment_intent.canceled": ("id", _cancelled),
    "charge.refunded": ("payment_intent", _refunded),
}


def handle_stripe_event(event: dict[str, Any]) -> str:
    """Apply a verified event; returns what it did ("duplicate" for one seen before)."""
    record = PaymentEvent(
        provider=Provider.stripe,
        event_id=str(event["id"])[:255],
        event_type=str(event["type"])[:80],
    )
    try:
        with db.session.begin_nested():
            db.session.add(record)
            db.session.flush()
    except IntegrityError:
        return "duplicate"
    known = HANDLERS.get(record.event_type)
    obj = event["data"].get("object")
    if known is None or not isinstance(obj, dict):
        record.outcome = "ignored"
        return record.outcome
    field, handler = known
    intent = obj.get(field)
    pledge = (
        queries.pledge_by_provider_ref(Provider.stripe, intent) if isinstance(intent, str) else None
    )
    if pledge is None:
        record.outcome = "unknown_payment"
        return record.outcome
    # Lock the pledge before the event row points at it: messages about one payment are
    # handled one after the other.
    pledge = locked_pledge(pledge)
    record.pledge_id = pledge.id
    record.outcome = handler(pledge, obj)
    return record.outcome
