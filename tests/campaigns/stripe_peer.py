"""Talking to the payment peer in tests: localstripe's client, the app's webhook answers,
and webhooks signed by the tests themselves (for what localstripe never sends)."""

from __future__ import annotations

import json
import queue
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
import requests
import stripe
from flask import Flask

SECRET_KEY = "sk_test_12345"
PUBLISHABLE_KEY = "pk_test_12345"
WEBHOOK_SECRET = "whsec_samenhang_tests"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_listening(port: int) -> None:
    for _ in range(100):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port}")


class Recorder:
    """WSGI middleware that tells the test each time a webhook was answered."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.answered: queue.Queue[dict[str, Any]] = queue.Queue()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        status: list[str] = []

        def recording_start(code: str, headers: Any, *args: Any) -> Any:
            status.append(code)
            return start_response(code, headers, *args)

        body = b"".join(self.app(environ, recording_start))
        if environ.get("PATH_INFO") == "/webhooks/stripe":
            self.answered.put({"status": status[0], "body": json.loads(body or b"{}")})
        return [body]


@dataclass
class StripePeer:
    base_url: str
    client: stripe.StripeClient
    recorder: Recorder

    def wait_for_webhook(self, timeout: float = 10) -> dict[str, Any]:
        """The next answer of `/webhooks/stripe` (localstripe sends about 1 s after an act)."""
        return self.recorder.answered.get(timeout=timeout)

    def no_webhook_within(self, seconds: float) -> bool:
        try:
            self.recorder.answered.get(timeout=seconds)
        except queue.Empty:
            return True
        return False

    def pay(self, pledge: Any, card: str = "4242424242424242") -> Any:
        """What the Payment Element does in the supporter's browser."""
        method = self.client.v1.payment_methods.create(
            params={
                "type": "card",
                "card": {"number": card, "exp_month": 12, "exp_year": 2030, "cvc": "123"},
            }
        )
        self.client.v1.payment_intents.update(
            pledge.provider_ref, params={"payment_method": method.id}
        )
        return self.client.v1.payment_intents.confirm(pledge.provider_ref)

    def authenticate(self, intent_id: str, client_secret: str, success: bool) -> None:
        """Finish (or fail) a 3-D Secure check: a route only localstripe has."""
        requests.post(
            f"{self.base_url}/v1/payment_intents/{intent_id}/_authenticate",
            data={
                "client_secret": client_secret,
                "success": "true" if success else "false",
                "key": PUBLISHABLE_KEY,
            },
            timeout=10,
        ).raise_for_status()


def configure_stripe(monkeypatch: pytest.MonkeyPatch, app: Flask, api_base: str | None) -> None:
    for key, value in {
        "STRIPE_SECRET_KEY": SECRET_KEY,
        "STRIPE_PUBLISHABLE_KEY": PUBLISHABLE_KEY,
        "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "STRIPE_API_BASE": api_base,
        "STRIPE_JS_URL": f"{api_base}/js.stripe.com/v3/" if api_base else None,
    }.items():
        monkeypatch.setitem(app.config, key, value)


def signed(event: dict[str, Any], secret: str = WEBHOOK_SECRET, at: int | None = None) -> Any:
    """A webhook body and its Stripe-Signature header, as Stripe would send them."""
    payload = json.dumps(event)
    header = stripe.WebhookSignature.generate_signature_header(
        payload, secret, timestamp=at if at is not None else int(time.time())
    )
    return payload, {"Stripe-Signature": header, "Content-Type": "application/json"}
