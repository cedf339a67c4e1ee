"""Background jobs (`samenhang.jobs`): on RQ with the machine's Redis when REDIS_URL is set,
in the request without it; the letters PDF as a job, kept until voting opens or voided."""

from __future__ import annotations

import io
import os
import smtplib
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pypdf
import pytest
from factories.accounts import AdminFactory, WijkmanagerFactory
from factories.places import WijkFactory
from factories.voting import ProjectFactory, RoundFactory
from flask import Flask
from flask.testing import FlaskClient
from redis import Redis
from rq.registry import FinishedJobRegistry
from sqlalchemy import exc as sa_exc
from sqlalchemy import select

from samenhang import jobs
from samenhang.audit.models import AuditEntry
from samenhang.cli import worker_command
from samenhang.extensions import db
from samenhang.jobs import JobStatus
from samenhang.mail import Mail, deliver
from samenhang.storage import storage
from samenhang.voting.models import CodeStatus, CountJob, LetterBatch, Phase, Round, StemCode
from samenhang.voting.services import letter_batches

#: A database of the machine's Redis of its own (one per pytest-xdist worker: 9 to 14),
#: emptied before and after each test.
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
REDIS_URL = f"redis://127.0.0.1:6379/{9 + int(_WORKER or 0) % 6}"


@pytest.fixture
def redis_queue(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[Redis]:
    connection = Redis.from_url(REDIS_URL)
    connection.flushdb()
    monkeypatch.setitem(app.config, "REDIS_URL", REDIS_URL)
    # Retries at once: the burst worker of a test runs them before it stops.
    monkeypatch.setitem(app.config, "JOB_RETRY_INTERVALS", [0])
    yield connection
    connection.flushdb()


@pytest.fixture
def setup(db_session: Any) -> dict[str, Any]:
    wijk = WijkFactory()
    manager = WijkmanagerFactory(wijken=[wijk])
    round_ = RoundFactory(wijk=wijk, phase=Phase.review)
    db.session.commit()
    return {"round": round_, "manager": manager, "page": f"/stemdag/{round_.id}"}


def _batches(round_id: int) -> list[LetterBatch]:
    db.session.expire_all()
    return list(db.session.scalars(select(LetterBatch).where(LetterBatch.round_id == round_id)))


def _work() -> None:
    """Run what is queued through a real RQ worker, in this process, until the queue is empty."""
    assert jobs.make_worker(simple=True).work(burst=True)


def _pages(data: bytes) -> int:
    return len(pypdf.PdfReader(io.BytesIO(data)).pages)


def test_letters_are_made_by_a_worker_and_kept_until_voting_opens(
    client: FlaskClient, login: Any, setup: dict[str, Any], redis_queue: Redis
) -> None:
    page, round_id = setup["page"], setup["round"].id
    login(setup["manager"])
    addresses = "Fam. Jansen|Bloemstraat 1\nFam. de Vries|Bloemstraat 3\n"
    answer = client.post(f"{page}/codes", data={"addresses": addresses})
    assert answer.status_code == 302 and answer.location.endswith(f"{page}/codes")
    [batch] = _batches(round_id)
    assert batch.status is JobStatus.queued and batch.file is None
    assert jobs.queue().count == 1
    waiting = client.get(f"{page}/codes")
    assert '<meta http-equiv="refresh"' in waiting.text and "Waiting to start" in waiting.text
    # No code exists until the worker made them.
    assert db.session.scalars(select(StemCode).where(StemCode.round_id == round_id)).all() == []

    _work()
    [batch] = _batches(round_id)
    assert (batch.status, batch.stage, batch.percent, batch.attempts) == (
        JobStatus.done,
        "saving",
        100,
        1,
    )
    assert (batch.first_serial, batch.last_serial) == (1, 2)
    assert batch.args == {"addresses": []}  # the addresses are not kept
    done = client.get(f"{page}/codes")
    assert '<meta http-equiv="refresh"' not in done.text
    link = f"{page}/letters/{batch.id}.pdf"
    assert link in done.text
    # Downloadable again (a browser that gave up loses nothing), each time the same PDF.
    first, again = client.get(link), client.get(link)
    assert first.status_code == 200 and first.mimetype == "application/pdf"
    assert first.data == again.data and _pages(first.data) == 2
    assert "Bloemstraat 3" in pypdf.PdfReader(io.BytesIO(first.data)).pages[1].extract_text()
    assert first.headers["Cache-Control"] == "no-store"

    # Voting opens: the PDF with the codes in the clear is deleted.
    key = letter_batches.letters_key(batch.file or "")
    assert storage().exists(key)
    letter_batches.delete_letter_files(setup["round"])  # what change_phase(voting) calls
    db.session.commit()
    assert not storage().exists(key) and _batches(round_id)[0].file is None
    gone = client.get(link)
    assert gone.status_code == 302
    assert link not in client.get(f"{page}/codes").text


def test_a_batch_is_voided_as_a_whole(
    client: FlaskClient, login: Any, setup: dict[str, Any]
) -> None:
    page, round_id = setup["page"], setup["round"].id
    login(setup["manager"])
    made = client.post(f"{page}/codes", data={"count": "3"})
    # Without a queue the job ran in the request: the PDF comes at once, as before.
    assert made.status_code == 200 and _pages(made.data) == 3
    [batch] = _batches(round_id)
    key = letter_batches.letters_key(batch.file or "")
    assert storage().exists(key)
    refused = client.post(f"{page}/letters/{batch.id}/void", data={})
    assert refused.status_code == 302 and _batches(round_id)[0].voided_at is None
    voided = client.post(f"{page}/letters/{batch.id}/void", data={f"void{batch.id}-confirm": "y"})
    assert voided.status_code == 302
    [batch] = _batches(round_id)
    assert batch.voided_at is not None and batch.file is None and not storage().exists(key)
    statuses = db.session.scalars(select(StemCode.status).where(StemCode.round_id == round_id))
    assert set(statuses) == {CodeStatus.revoked}
    event = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "stemdag.letters_voided")
    )
    assert event is not None and event.after["revoked"] == 3
    assert client.get(f"{page}/letters/{batch.id}.pdf").status_code == 302


def test_without_redis_a_job_runs_in_the_request(app: Flask, setup: dict[str, Any]) -> None:
    assert not jobs.queued()
    batch = letter_batches.start_letters(setup["round"], 2, [], actor=setup["manager"])
    assert (batch.status, batch.percent, batch.attempts) == (JobStatus.done, 100, 1)
    assert batch.task == "samenhang.voting.services.letter_batches:make_letters"
    assert storage().exists(letter_batches.letters_key(batch.file or ""))


def _flaky(times: int) -> Any:
    calls = []

    def work(batch: LetterBatch, report: jobs.Report, addresses: list[str]) -> None:
        calls.append(batch.attempts)
        report("codes", 10)
        if len(calls) <= times:
            raise sa_exc.OperationalError("SELECT 1", {}, Exception("server closed the connection"))

    work.calls = calls  # type: ignore[attr-defined]
    return work


def test_a_transient_error_is_tried_again(
    setup: dict[str, Any], redis_queue: Redis, monkeypatch: pytest.MonkeyPatch
) -> None:
    work = _flaky(times=2)
    monkeypatch.setattr(letter_batches, "make_letters", work)
    batch = letter_batches.start_letters(setup["round"], 1, [], actor=setup["manager"])
    db.session.commit()
    _work()
    [batch] = _batches(setup["round"].id)
    assert work.calls == [1, 2, 3]
    assert (batch.status, batch.attempts, batch.error_msgid) == (JobStatus.done, 3, None)


def test_a_failed_job_says_why_and_the_admin_sees_it(
    client: FlaskClient,
    login: Any,
    setup: dict[str, Any],
    redis_queue: Redis,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    work = _flaky(times=99)
    monkeypatch.setattr(letter_batches, "make_letters", work)
    letter_batches.start_letters(setup["round"], 1, [], actor=setup["manager"])
    db.session.commit()
    _work()
    [batch] = _batches(setup["round"].id)
    assert len(work.calls) == jobs.MAX_ATTEMPTS
    assert (batch.status, batch.attempts, batch.stage) == (
        JobStatus.failed,
        jobs.MAX_ATTEMPTS,
        "codes",
    )
    reason = f"The job stopped after {jobs.MAX_ATTEMPTS} tries: OperationalError."
    assert jobs.error_text(batch) == reason
    # The wijkmanager sees it on the codes page, the admin in the list of failed jobs.
    login(setup["manager"])
    assert reason in client.get(f"{setup['page']}/codes").text
    assert client.get("/admin/jobs").status_code == 403
    login(AdminFactory())
    listed = client.get("/admin/jobs")
    assert listed.status_code == 200
    assert reason in listed.text and f"letters #{batch.id}" in listed.text


def test_a_refused_job_fails_at_once(
    setup: dict[str, Any], redis_queue: Redis, monkeypatch: pytest.MonkeyPatch
) -> None:
    batch = letter_batches.start_letters(setup["round"], 1, [], actor=setup["manager"])
    db.session.commit()
    # Meanwhile the round closed its vote: the job's own check refuses, no retry.
    setup["round"].phase = Phase.counting
    db.session.commit()
    _work()
    [batch] = _batches(setup["round"].id)
    assert (batch.status, batch.attempts) == (JobStatus.failed, 1)
    assert jobs.error_text(batch) == "Voting has closed; no new codes can be made."
    assert db.session.scalars(select(StemCode)).all() == []


def test_a_rolled_back_job_is_never_queued(setup: dict[str, Any], redis_queue: Redis) -> None:
    letter_batches.start_letters(setup["round"], 1, [], actor=setup["manager"])
    db.session.rollback()
    db.session.commit()
    assert jobs.queue().count == 0


def test_mail_goes_through_the_queue(
    app: Flask, db_session: Any, redis_queue: Redis, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent: list[Any] = []

    class FakeSMTP:
        def __init__(self, host: str, port: int, timeout: int) -> None:
            pass

        def __enter__(self) -> FakeSMTP:
            return self

        def __exit__(self, *args: Any) -> None:
            pass

        def starttls(self) -> None:
            pass

        def send_message(self, message: Any) -> None:
            if not sent:
                sent.append(None)  # the first try meets a server that is busy
                raise smtplib.SMTPServerDisconnected("try later")
            sent.append(message)

    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "smtp")
    deliver(Mail(to="fatma@example.org", subject="Hallo", body="Tekst\n"))
    assert sent == [] and jobs.queue().count == 1
    _work()
    assert len(sent) == 2 and sent[1]["To"] == "fatma@example.org"
    assert jobs.failed_queue_jobs() == []


def test_the_worker_command_needs_a_queue(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    runner = app.test_cli_runner()
    refused = runner.invoke(worker_command, ["--burst"])
    assert refused.exit_code != 0 and "REDIS_URL is not set" in refused.output
    connection = Redis.from_url(REDIS_URL)
    connection.flushdb()
    monkeypatch.setitem(app.config, "REDIS_URL", REDIS_URL)
    # A job waiting in the queue (no row: a mail to the console) is done by the command.
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "console")
    with app.app_context():
        jobs.enqueue("samenhang.mail.deliver_queued", "a@example.org", "Hallo", "Tekst\n")
        assert jobs.queue().count == 1
    started = runner.invoke(worker_command, ["--burst"])
    assert started.exit_code == 0, started.output
    with app.app_context():
        assert jobs.queue().count == 0 and jobs.failed_queue_jobs() == []
        assert FinishedJobRegistry(queue=jobs.queue()).count == 1
    connection.flushdb()


def test_a_count_runs_on_the_worker(
    client: FlaskClient, login: Any, setup: dict[str, Any], redis_queue: Redis
) -> None:
    round_ = setup["round"]
    ProjectFactory(round=round_)
    ProjectFactory(round=round_)
    round_.phase = Phase.counting
    db.session.commit()
    login(setup["manager"])
    answer = client.post(f"{setup['page']}/count", data={})
    assert answer.status_code == 302 and answer.location.endswith("/manage#count-heading")
    [job] = db.session.scalars(select(CountJob).where(CountJob.round_id == round_.id))
    assert job.status is JobStatus.queued and job.task == "samenhang.voting.counting:run_count_job"
    assert '<meta http-equiv="refresh"' in client.get(f"{setup['page']}/manage").text
    _work()
    db.session.expire_all()
    assert (job.status, job.percent, job.attempts) == (JobStatus.done, 100, 1)
    assert db.session.get(Round, round_.id).result["turnout"]["total"] == 0


def test_a_plural_message_of_a_failed_job_keeps_its_forms(app: Flask) -> None:
    """A job stores the msgid of its error to translate it for each reader; for a count that is
    both forms and the count, so Polish reads "2 znaki" and "5 znaków" as it should."""
    from flask_babel import force_locale, lazy_ngettext

    stored = jobs.message_id(
        lazy_ngettext("At most {count} character.", "At most {count} characters.", 3)
    )
    with app.test_request_context(), force_locale("pl"):
        assert jobs.translate_message_id(stored).format(count=3) == "Najwyżej 3 znaki."
    with app.test_request_context(), force_locale("en"):
        assert jobs.translate_message_id(stored).format(count=3) == "At most 3 characters."
        assert jobs.translate_message_id("Please fill this in.") == "Please fill this in."
        once = jobs.message_id(
            lazy_ngettext(
                "The job stopped after {attempts} try: {error}.",
                "The job stopped after {attempts} tries: {error}.",
                1,
            )
        )
        failed = SimpleNamespace(error_msgid=once, error_params={"attempts": 1, "error": "X"})
        assert jobs.error_text(failed) == "The job stopped after 1 try: X."
