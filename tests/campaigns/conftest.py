"""Fixtures of the campaign tests: the ledger check after each test, and a real payment peer.

`localstripe` (a test-only, GPL dependency; never shipped) runs in this process, its aiohttp
app bound to 127.0.0.1 only (its own command binds every interface). The app itself is
served on 127.0.0.1 too, so localstripe can deliver its signed webhooks to
`/webhooks/stripe`. No test reaches the internet.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from typing import Any

import pytest
import requests
import stripe
from campaigns.stripe_peer import (
    SECRET_KEY,
    WEBHOOK_SECRET,
    Recorder,
    StripePeer,
    configure_stripe,
    free_port,
    wait_until_listening,
)
from flask import Flask
from werkzeug.serving import make_server

from samenhang.ledger.queries import check_ledger_consistency


@pytest.fixture(autouse=True)
def ledger_stays_consistent(db_session: Any) -> Iterator[None]:
    """Whatever a test did, the ledger adds up afterwards."""
    yield
    report = check_ledger_consistency()
    assert report.is_consistent, report


@pytest.fixture(autouse=True)
def _generous_gift_limit(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test gives from 127.0.0.1; test_views.py checks the real limit."""
    monkeypatch.setitem(app.config, "RATELIMIT_CAMPAIGN_GIFTS", "1000 per minute")


@pytest.fixture(scope="session")
def localstripe_url() -> Iterator[str]:
    """localstripe's app on 127.0.0.1, in a thread with its own event loop."""
    from aiohttp import web
    from localstripe import resources
    from localstripe.server import app as localstripe_app

    # It pickles its whole store to one fixed file in /tmp after every change; that file
    # would be shared with anything else on the machine.
    resources.Store.dump_to_disk = lambda self: None  # type: ignore[method-assign]
    port = free_port()
    loop = asyncio.new_event_loop()
    runner = web.AppRunner(localstripe_app, access_log=None)

    def serve() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(runner.setup())
        loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", port).start())
        loop.run_forever()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    wait_until_listening(port)
    yield f"http://127.0.0.1:{port}"
    asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(timeout=10)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def _served_app(app: Flask, localstripe_url: str) -> Iterator[Recorder]:
    recorder = Recorder(app)
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


@pytest.fixture
def stripe_peer(
    app: Flask,
    db_session: Any,
    monkeypatch: pytest.MonkeyPatch,
    localstripe_url: str,
    _served_app: Recorder,
) -> Iterator[StripePeer]:
    """The app talking to localstripe, and localstripe's webhooks reaching the app."""
    configure_stripe(monkeypatch, app, localstripe_url)
    requests.delete(f"{localstripe_url}/_config/data", timeout=10).raise_for_status()
    while not _served_app.answered.empty():
        _served_app.answered.get_nowait()
    client = stripe.StripeClient(SECRET_KEY, base_addresses={"api": localstripe_url})
    yield StripePeer(localstripe_url, client, _served_app)
