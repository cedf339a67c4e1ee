"""The daily routines (`samenhang.daily`) as jobs: `samenhang jobs enqueue` runs them at once
without REDIS_URL, and puts them on the RQ queue of the machine's Redis with it, where a
worker runs them, tries again with back-off, and leaves a failure for the admin to see."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from factories.accounts import AdminFactory, UserFactory, WijkmanagerFactory
from factories.initiatives import InitiativeFactory
from factories.vouchers import PotFactory, expiring_vouchers
from flask import Flask
from flask.testing import FlaskClient
from main.test_jobs import redis_queue  # noqa: F401 - the fixture: Redis test dbs 9 to 14
from redis import Redis

from samenhang import daily, jobs
from samenhang.accounts.models import NotificationMode
from samenhang.audit.models import AuditEntry
from samenhang.cli import jobs_enqueue_command
from samenhang.db import utcnow
from samenhang.extensions import db
from samenhang.initiatives import services as initiatives
from samenhang.initiatives.models import State
from samenhang.mail import Mail
from samenhang.vouchers.queries import pot_summary


@pytest.fixture
def due(db_session: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    """A digest waiting for its reader, and four voucher codes past their date."""
    author = UserFactory(locale="en", notification_mode=NotificationMode.digest)
    initiative = InitiativeFactory(state=State.submitted, author=author)
    manager = WijkmanagerFactory(wijken=[initiative.wijk])
    initiatives.decide_initiative(initiative, "start_review", "", actor=manager)

    pot = PotFactory()
    remaining = pot_summary(pot).remaining_cents
    expiring_vouchers(pot, quantity=4, days=5)
    db.session.commit()
    later = utcnow() + timedelta(days=6)
    monkeypatch.setattr("samenhang.vouchers.services.voucher_codes.utcnow", lambda: later)
    yield {"author": author, "pot": pot, "remaining": remaining}


def _done(due: dict[str, Any], outbox: list[Mail]) -> None:
    """The digest went out, the codes' value is back in the pot, and the audit log says so."""
    assert [mail.to for mail in outbox] == [due["author"].email]
    db.session.expire_all()
    assert pot_summary(due["pot"]).remaining_cents == due["remaining"]
    entry = db.session.scalars(
        db.select(AuditEntry).where(AuditEntry.action == "voucher.batch_expired")
    ).one()
    assert entry.actor_id is None and entry.after["expired"] == 4


def test_without_redis_the_command_runs_them_at_once(
    app: Flask, due: dict[str, Any], outbox: list[Mail]
) -> None:
    assert not jobs.queued()
    result = app.test_cli_runner().invoke(jobs_enqueue_command, ["digests", "expire-vouchers"])
    assert result.exit_code == 0, result.output
    assert "digests: 1 digest mail(s) sent." in result.output
    assert "expire-vouchers: 4 voucher code(s) expired" in result.output
    _done(due, outbox)
    again = app.test_cli_runner().invoke(jobs_enqueue_command, ["--all"])
    assert again.exit_code == 0, again.output
    assert "digests: 0 digest mail(s) sent." in again.output  # nothing twice
    assert "expire-vouchers: 0 voucher code(s)" in again.output


def test_the_command_knows_its_routines(app: Flask, db_session: Any) -> None:
    for arguments in ([], ["digest"]):
        refused = app.test_cli_runner().invoke(jobs_enqueue_command, arguments)
        assert refused.exit_code == 2 and "expire-vouchers" in refused.output


def test_with_redis_a_worker_runs_them(
    app: Flask,
    due: dict[str, Any],
    outbox: list[Mail],
    redis_queue: Redis,  # noqa: F811
) -> None:
    result = app.test_cli_runner().invoke(jobs_enqueue_command, ["digests", "expire-vouchers"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == ["digests: queued.", "expire-vouchers: queued."]
    assert jobs.queue().count == 2 and outbox == []
    assert jobs.make_worker(simple=True).work(burst=True)
    _done(due, outbox)
    assert jobs.failed_queue_jobs() == []


def test_a_failing_routine_is_tried_again_then_shown_to_the_admin(
    client: FlaskClient,
    login: Any,
    db_session: Any,
    redis_queue: Redis,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[int] = []

    def flaky() -> list[str]:
        calls.append(1)
        if len(calls) == 1:
            raise ConnectionError("the mail server is away")
        return ["done"]

    def broken() -> list[str]:
        raise daily.Incomplete("Refund of gift G-1 failed: the provider said no")

    monkeypatch.setitem(daily.ROUTINES, "digests", flaky)
    monkeypatch.setitem(daily.ROUTINES, "campaigns", broken)
    assert daily.enqueue("digests") is None and daily.enqueue("campaigns") is None
    assert jobs.make_worker(simple=True).work(burst=True)
    assert len(calls) == 2  # tried again after the transient error, then done
    [failed] = jobs.failed_queue_jobs()
    assert failed["description"] == "daily: campaigns"
    assert "the provider said no" in failed["error"]
    login(AdminFactory())
    listed = client.get("/admin/jobs").text
    assert "daily: campaigns" in listed and "the provider said no" in listed


def test_in_process_a_failing_routine_keeps_what_succeeded(
    app: Flask, db_session: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def partly() -> list[str]:
        raise daily.Incomplete("Campaign 7 could not be closed: no")

    monkeypatch.setitem(daily.ROUTINES, "campaigns", partly)
    result = app.test_cli_runner().invoke(jobs_enqueue_command, ["campaigns", "digests"])
    assert result.exit_code == 1
    assert "Campaign 7 could not be closed" in result.output
    assert "digests: 0 digest mail(s) sent." in result.output
    assert "Not all done: campaigns" in result.output
