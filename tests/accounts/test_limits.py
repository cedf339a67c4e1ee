"""Sign-in limits fall on what is attacked (one account from one address), count only
mistakes, and hold across app processes when they share Redis."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from conftest import TEST_CONFIG
from factories.accounts import PASSWORD, UserFactory
from flask import Flask
from flask.testing import FlaskClient

from samenhang.extensions import limiter


@pytest.fixture
def tight(app: Flask) -> Iterator[None]:
    limiter.reset()
    saved = {k: app.config[k] for k in ("RATELIMIT_SIGNIN", "RATELIMIT_SIGNUP")}
    app.config.update(RATELIMIT_SIGNIN="3 per minute", RATELIMIT_SIGNUP="2 per minute")
    yield
    app.config.update(saved)
    limiter.reset()


def _signin(client: FlaskClient, email: str, password: str, address: str) -> int:
    return client.post(
        "/signin",
        data={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
    ).status_code


def test_failures_from_elsewhere_never_lock_the_owner_out(client: FlaskClient, tight: None) -> None:
    owner = UserFactory()
    attacker = [_signin(client, owner.email, "wrong guess!", "203.0.113.9") for _ in range(4)]
    assert attacker == [422, 422, 422, 429]
    assert _signin(client, owner.email, PASSWORD, "198.51.100.7") == 302


def test_good_sign_ins_cost_nothing(client: FlaskClient, tight: None) -> None:
    owner = UserFactory()
    for _ in range(5):
        assert _signin(client, owner.email, PASSWORD, "198.51.100.7") == 302
        client.post("/signout")


def test_sign_up_is_limited_per_address(client: FlaskClient, tight: None) -> None:
    codes = [
        client.post(
            "/signup",
            data={"email": f"new{i}@example.org"},
            environ_base={"REMOTE_ADDR": "192.0.2.1"},
        ).status_code
        for i in range(3)
    ]
    assert codes[-1] == 429 and 429 not in codes[:-1]


_WORKER = """
import json, os, sys
from samenhang.app import create_app
config = json.loads(sys.argv[1])
app = create_app(config)
client = app.test_client()
codes = [client.post("/signin", data={"email": "x@example.org", "password": "wrong!"},
                     environ_base={"REMOTE_ADDR": "203.0.113.5"}).status_code for _ in range(2)]
print(json.dumps(codes))
"""


def test_limits_hold_across_processes_sharing_redis(database_url: str, tmp_path: Any) -> None:
    """Two app processes (as gunicorn workers are) share one Redis bucket."""
    redis = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    prefix = f"test-{uuid.uuid4().hex}"
    config = {
        **TEST_CONFIG,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "RATELIMIT_STORAGE_URI": redis,
        "RATELIMIT_KEY_PREFIX": prefix,
        "RATELIMIT_SIGNIN": "3 per minute",
    }
    env = {**os.environ, "SAMENHANG_INSTANCE_PATH": str(tmp_path)}
    runs = [
        subprocess.run(
            [sys.executable, "-c", _WORKER, json.dumps(config)],
            capture_output=True,
            text=True,
            env=env,
            check=True,
        )
        for _ in range(2)
    ]
    codes = [code for run in runs for code in json.loads(run.stdout.strip().splitlines()[-1])]
    assert codes == [422, 422, 422, 429]
