"""Fixtures of the campaign tests: the ledger check after each test, and a real payment peer.

`localstripe` (a test-only, GPL dependency; never shipped) runs in this process, its aiohttp
app bound to 127.0.0.1 only (its own command binds every interface). The app itself is
served on 127.0.0.1 too, so localstripe can deliver its signed webhooks to
`/webhooks/stripe`. No test reaches the internet.
"""

from __future__ import annotations

import asyncio
import json
import queue
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import requests
import stripe
from flask import Flask
from werkzeug.serving import make_server

from samenhang.ledger.queries import check_ledger_consistency

SECRET_KEY = "sk_test_12345"
PUBLISHABLE_KEY = "pk_test_12345"
WEBHOOK_SECRET = "whsec_samenhang_tests"


@pytest.fixture(autouse=True)
def ledger_stays_consistent(db_session: Any) -> Iterator[None]:
    """Whatever a test did, the ledger adds up afterwards."""
    yield
    report = check_ledger_consistency()
    assert report.is_consistent, report


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_until_listening(port: int) -> None:
    for _ in range(100):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port}")


@pytest.fixture(scope="session")
def localstripe_url() -> Iterator[str]:
    """localstripe's app on 127.0.0.1, in a thread with its own event loop."""
    from aiohttp import web
    from localstripe import resources
    from localstripe.server import app as localstripe_app

    # It pickles its whole store to one fixed file in /tmp after every change; that file
    # would be shared with anything else on the machine.
    resources.Store.dump_to_disk = lambda self: None  # type: ignore[method-assign]
    port = _free_port()
    loop = asyncio.new_event_loop()
    runner = web.AppRunner(localstripe_app, access_log=None)

    def serve() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(runner.setup())
        loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", port).start())
        loop.run_forever()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    _wait_until_listening(port)
    yield f"http://127.0.0.1:{port}"
    asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(timeout=10)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(timeout=10)


class _Recorder:
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
    recorder: _Recorder

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


@pytest.fixture(scope="session")
def _served_app(app: Flask, localstripe_url: str) -> Iterator[_Recorder]:
    recorder = _Recorder(app)
    server = make_server("127.0.0.1", 0, recorder, threaded=False)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    requests.post(
        f"{localstripe_url}/_config/webhooks/samenhang",
        json={
            "url": f"http://127.0.0.1:{server.server_port}/webhooks/stripe",
            "secret": WEBHOOK_SECRET,
            "events": ["payment_intent.succeeded", "payment_intent.payment_failed"],
        },
        timeout=10,
    ).raise_for_status()
    yield recorder
    server.shutdown()
    thread.join(timeout=10)


def configure_stripe(monkeypatch: pytest.MonkeyPatch, app: Flask, api_base: str | None) -> None:
    for key, value in {
        "STRIPE_SECRET_KEY": SECRET_KEY,
        "STRIPE_PUBLISHABLE_KEY": PUBLISHABLE_KEY,
        "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "STRIPE_API_BASE": api_base,
        "STRIPE_JS_URL": f"{api_base}/js.stripe.com/v3/" if api_base else None,
    }.items():
        monkeypatch.setitem(app.config, key, value)


@pytest.fixture
def stripe_peer(
    app: Flask,
    db_session: Any,
    monkeypatch: pytest.MonkeyPatch,
    localstripe_url: str,
    _served_app: _Recorder,
) -> Iterator[StripePeer]:
    """The app talking to localstripe, and localstripe's webhooks reaching the app."""
    configure_stripe(monkeypatch, app, localstripe_url)
    requests.delete(f"{localstripe_url}/_config/data", timeout=10).raise_for_status()
    while not _served_app.answered.empty():
        _served_app.answered.get_nowait()
    client = stripe.StripeClient(SECRET_KEY, base_addresses={"api": localstripe_url})
    yield StripePeer(localstripe_url, client, _served_app)


def signed(event: dict[str, Any], secret: str = WEBHOOK_SECRET, at: int | None = None) -> Any:
    """A webhook body and its Stripe-Signature header, as Stripe would send them."""
    payload = json.dumps(event)
    header = stripe.WebhookSignature.generate_signature_header(
        payload, secret, timestamp=at if at is not None else int(time.time())
    )
    return payload, {"Stripe-Signature": header, "Content-Type": "application/json"}
