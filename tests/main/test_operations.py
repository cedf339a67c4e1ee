from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from samenhang.blueprints.tracing import JSONFormatter


def test_readyz_checks_database_and_migrations(client: FlaskClient) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok", "migrations": "ok"}


def test_readyz_is_not_ready_when_migrations_are_behind(
    app: Flask, client: FlaskClient, db_session: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        "samenhang.operations.ScriptDirectory.get_heads", lambda self: ["a_newer_revision"]
    )
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json["migrations"] == "not at head"


def test_readyz_reports_an_unreachable_redis(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://127.0.0.1:9/0")
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json["redis"] == "unavailable"


def test_readyz_with_the_machines_redis(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://127.0.0.1:6379/0")
    assert client.get("/readyz").json["redis"] == "ok"


def test_every_response_carries_a_request_id(client: FlaskClient) -> None:
    first = client.get("/").headers["X-Request-ID"]
    second = client.get("/").headers["X-Request-ID"]
    assert first and second and first != second
    kept = client.get("/", headers={"X-Request-ID": "proxy-abc-12345"})
    assert kept.headers["X-Request-ID"] == "proxy-abc-12345"
    # A header that could forge log lines is replaced.
    forged = client.get("/", headers={"X-Request-ID": 'x" "level": "ERROR'})
    assert forged.headers["X-Request-ID"] != 'x" "level": "ERROR'


def test_pages_say_their_language_and_vary_on_it(client: FlaskClient) -> None:
    page = client.get("/", headers={"Accept-Language": "tr"})
    assert page.headers["Content-Language"] == "tr"
    assert {"Accept-Language", "Cookie"} <= set(page.headers["Vary"].replace(" ", "").split(","))
    assert client.get("/api/v1/initiatives").headers["Content-Language"]


def test_json_log_lines_carry_the_request_id(app: Flask) -> None:
    formatter = JSONFormatter()
    with app.test_request_context("/"):
        from flask import g

        g.request_id = "abc123abc123"
        record = logging.LogRecord("samenhang", logging.INFO, __file__, 1, "hello %s", ("x",), None)
        record.fields = {"status": 200}
        line = json.loads(formatter.format(record))
    assert line["message"] == "hello x"
    assert line["request_id"] == "abc123abc123"
    assert line["status"] == 200 and line["level"] == "INFO"


def test_request_log_holds_no_query_string(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch, caplog: Any
) -> None:
    monkeypatch.setitem(app.config, "LOG_REQUESTS", True)
    with caplog.at_level(logging.INFO, logger="samenhang.requests"):
        client.get("/privacy?token=secret-value")
    lines = [r for r in caplog.records if r.name == "samenhang.requests"]
    assert lines and lines[-1].fields["path"] == "/privacy"
    assert "secret-value" not in caplog.text


def test_serve_settings_are_sized_by_the_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    from samenhang.serving import default_settings

    monkeypatch.delenv("SAMENHANG_WORKERS", raising=False)
    settings = default_settings(cpus=4)
    assert settings["workers"] == 5 and settings["worker_class"] == "gthread"
    monkeypatch.setenv("SAMENHANG_WORKERS", "2")
    assert default_settings(cpus=4)["workers"] == 2


def test_samenhang_serve_answers_ready(tmp_path: Any) -> None:
    import os
    import socket
    import subprocess
    import sys
    import time
    import urllib.request
    from pathlib import Path

    bin_dir = Path(sys.executable).parent
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        "SAMENHANG_INSTANCE_PATH": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}",
    }
    subprocess.run(
        [bin_dir / "samenhang", "db", "upgrade"], env=env, check=True, capture_output=True
    )
    server = subprocess.Popen(
        [bin_dir / "samenhang", "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=1) as answer:
                    assert json.load(answer)["status"] == "ok"
                    break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("samenhang serve did not answer /readyz")
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_a_pooled_connection_the_database_dropped_while_idle_is_replaced(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only a connection that sat idle is tried before use (samenhang.db), and one the
    database closed meanwhile (a restart) is replaced, not handed to a request."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.pool import NullPool

    from samenhang.extensions import db

    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("the database closes connections only on PostgreSQL")
        with db.engine.connect() as connection:
            pid = connection.execute(text("SELECT pg_backend_pid()")).scalar_one()
        killer = create_engine(db.engine.url, poolclass=NullPool)
        try:
            with killer.connect() as other:
                other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        finally:
            killer.dispose()
        monkeypatch.setattr("samenhang.db.PING_AFTER_IDLE_SECONDS", 0.0)
        try:
            with db.engine.connect() as connection:
                assert connection.execute(text("SELECT 1")).scalar_one() == 1
        finally:
            db.engine.dispose()
