"""`/webhooks/stripe`: Stripe's signed messages about payments. Answers JSON; a bad or old
signature is a 400 (Stripe then retries), anything handled (or seen before) a 200."""

from __future__ import annotations

from flask import Response, request

from samenhang.blueprints.handling import json_answer, json_endpoint
from samenhang.campaigns import payments, services


@json_endpoint
def stripe() -> Response:
    event = payments.verify_stripe_event(
        request.get_data(cache=False), request.headers.get("Stripe-Signature", "")
    )
    outcome = services.handle_stripe_event(event)
    return json_answer({"received": True, "outcome": outcome}, 200)
