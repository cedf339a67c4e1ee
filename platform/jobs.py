"""Background jobs: work that may take long, with its progress on a row of its own.

    job = CountJob(round=round_, requested_by=actor)
    jobs.submit(job, "samenhang.voting.counting:run_count_job")

The work is a named, importable function `work(job, report, **args)` and its arguments are
JSON: both are kept on the job row (`task`, `args`), so a queue carries only the row's kind
and id, and a retry runs exactly what was asked. `work` calls `report(stage, percent)` as it
goes; the row keeps the stage, the percent, the status and, when the work is refused
(`DomainError`) or breaks, why: as a message id and its parameters, never a rendered
sentence, so each reader sees it in their own language (`error_text(job)`).

Where the work runs:

- without `REDIS_URL` (development, `make run`, most tests) `submit` runs it at once, in the
  caller's transaction, inside a savepoint: a failed job keeps its row and its reason while
  the work's own changes are undone;
- with `REDIS_URL` the row is saved as queued and, once the caller's transaction commits,
  the job goes on an RQ queue; `samenhang worker` runs it in its own app context and
  transaction (`perform`). Transient errors (the database or Redis gone for a moment, a
  mail server that does not answer) are retried with back-off, up to `MAX_ATTEMPTS`; after
  that, or on any other error, the job is failed with its reason, and the admin sees it
  (/admin/jobs).
"""

from __future__ import annotations

import importlib
import logging
import smtplib
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from flask import current_app
from flask_babel import gettext, lazy_ngettext, ngettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, String, event
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import Mapped, Session, mapped_column

from samenhang.db import utcnow
from samenhang.enums import LabelledEnum
from samenhang.errors import DomainError
from samenhang.extensions import db

if TYPE_CHECKING:
    from redis import Redis
    from rq import Queue

log = logging.getLogger(__name__)

#: `report(stage, percent)`: the work says where it is.
Report = Callable[[str, int], None]

#: How often a job is tried when it keeps meeting transient errors.
MAX_ATTEMPTS = 4
#: Seconds between the tries (RQ's `Retry(interval=...)`); the last repeats.
RETRY_INTERVALS = [30, 120, 600]
QUEUE_NAME = "samenhang"


class JobStatus(LabelledEnum):
    queued = "queued"
    running = "running"
    done = "done"
    failed = "failed"
    __labels__ = {
        queued: _l("Waiting to start"),
        running: _l("Busy"),
        done: _l("Done"),
        failed: _l("Failed"),
    }


class Job(Protocol):
    """The columns a job row has (`JobColumns`, e.g. `samenhang.voting.models.CountJob`)."""

    id: int
    job_kind: str
    status: JobStatus
    stage: str
    percent: int
    task: str | None
    args: dict[str, Any] | None
    attempts: int
    error_msgid: str | None
    error_params: dict[str, Any] | None
    started_at: datetime | None
    finished_at: datetime | None


#: The job row classes by kind ("count", "letters"): what the queue names.
KINDS: dict[str, type[Any]] = {}


class JobColumns:
    """The columns every job table shares (progress, status and stage are per table, since
    their enum type and index are). A subclass names its kind: `job_kind = "count"`."""

    job_kind: str = ""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.__dict__.get("job_kind"):
            KINDS[cls.job_kind] = cls

    #: `module:function` of the work, and its JSON arguments.
    task: Mapped[str | None] = mapped_column(String(200))
    args: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    attempts: Mapped[int] = mapped_column(default=0)


def queued() -> bool:
    """Jobs go on a queue (RQ) rather than running in the request."""
    return bool(current_app.config.get("REDIS_URL"))


def resolve(task: str) -> Callable[..., None]:
    module, _, name = task.partition(":")
    return getattr(importlib.import_module(module), name)  # type: ignore[no-any-return]


def submit(job: Job, task: str, **args: Any) -> None:
    """Run `task(job, report, **args)` for `job`: now (no queue) or on the queue once the
    caller's transaction commits."""
    resolve(task)  # a typo fails here, in the request, not in a worker later
    job.task, job.args = task, args
    job.status, job.stage, job.percent = JobStatus.queued, "queued", 0
    db.session.add(job)
    db.session.flush()
    if queued():
        db.session.info.setdefault(_PENDING, []).append((job.job_kind, job.id))
    else:
        job.attempts += 1
        run(job, final=True)


# --- the queue ----------------------------------------------------------------------------

_PENDING = "samenhang.jobs.pending"


@event.listens_for(Session, "after_commit")
def _enqueue_committed(session: Session) -> None:
    """The worker must find the row (and what the work reads) committed: enqueue only now."""
    for kind, job_id in session.info.pop(_PENDING, []):
        try:
            enqueue("samenhang.jobs.perform", kind, job_id, description=f"{kind} job {job_id}")
        except Exception:  # Redis is down: the row stays queued and says so to the admin
            log.exception("could not queue %s job %s", kind, job_id)


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back(session: Session) -> None:
    session.info.pop(_PENDING, None)


def redis_connection() -> Redis:
    from redis import Redis

    return Redis.from_url(current_app.config["REDIS_URL"])


def queue() -> Queue:
    from rq import Queue

    return Queue(QUEUE_NAME, connection=redis_connection())


def enqueue(function: str, *args: Any, description: str = "") -> None:
    from rq import Retry

    intervals = current_app.config.get("JOB_RETRY_INTERVALS", RETRY_INTERVALS)
    queue().enqueue(
        function,
        *args,
        retry=Retry(max=MAX_ATTEMPTS - 1, interval=intervals),
        description=description or function,
        result_ttl=24 * 3600,
        failure_ttl=30 * 24 * 3600,
    )


def make_worker(simple: bool = False) -> Any:
    """An RQ worker on the app's queue. `simple` runs jobs in this process (tests); the
    default forks a child per job, which inherits the app context of `samenhang worker`."""
    from rq import SimpleWorker, Worker

    cls = SimpleWorker if simple else Worker
    return cls([queue()], connection=redis_connection())


def perform(kind: str, job_id: int) -> None:
    """What the RQ worker runs: the job `kind`/`job_id` in a fresh app context and
    transaction of its own. Raises on a transient error (RQ tries again later)."""
    with current_app.app_context():
        try:
            job = db.session.get(KINDS[kind], job_id)
            if job is None or job.status in (JobStatus.done, JobStatus.failed):
                return  # voided, deleted or already finished by an earlier try
            job.attempts += 1
            final = job.attempts >= MAX_ATTEMPTS
            try:
                run(job, final=final)
            except _Transient:
                db.session.rollback()
                job = db.session.get(KINDS[kind], job_id)
                if job is not None:
                    job.attempts += 1
                    job.status, job.stage = JobStatus.queued, "retrying"
                    db.session.commit()
                raise
            db.session.commit()
        finally:
            db.session.remove()


class _Transient(Exception):
    """A transient error met by a job that will be tried again."""


#: Errors that may pass by themselves: worth another try later.
TRANSIENT: tuple[type[BaseException], ...] = (
    sa_exc.OperationalError,
    sa_exc.InterfaceError,
    sa_exc.DisconnectionError,
    ConnectionError,
    TimeoutError,
    smtplib.SMTPException,
)
try:  # pragma: no branch
    from redis import exceptions as _redis_errors

    TRANSIENT += (_redis_errors.ConnectionError, _redis_errors.TimeoutError)
except ImportError:  # pragma: no cover
    pass


def run(job: Job, *, final: bool = True) -> None:
    """Run the job's work now, in the current transaction, and record how it went. A
    transient error on a try that is not the last raises `_Transient` (nothing recorded)."""
    reached = [job.stage, job.percent]

    def report(stage: str, percent: int) -> None:
        reached[:] = stage, max(0, min(100, percent))
        job.stage, job.percent = reached

    job.status, job.started_at = JobStatus.running, utcnow()
    job.error_msgid = job.error_params = None
    try:
        with db.session.begin_nested():
            resolve(job.task or "")(job, report, **(job.args or {}))
    except DomainError as exc:
        # Undoing the work's savepoint also undid the progress written inside it.
        _fail(job, reached, message_id(exc.message), exc.params)
    except TRANSIENT as exc:
        if not final:
            log.warning("%s job %s: %s, will try again", job.job_kind, job.id, exc)
            raise _Transient(str(exc)) from exc
        log.exception("%s job %s failed after %s tries", job.job_kind, job.id, job.attempts)
        _fail(
            job,
            reached,
            message_id(
                lazy_ngettext(
                    "The job stopped after {attempts} try: {error}.",
                    "The job stopped after {attempts} tries: {error}.",
                    job.attempts,
                )
            ),
            {"attempts": job.attempts, "error": type(exc).__name__},
        )
    except Exception as exc:
        log.exception("%s job %s failed", job.job_kind, job.id)
        _fail(
            job,
            reached,
            "The job stopped with an unexpected error ({error}).",
            {"error": type(exc).__name__},
        )
    else:
        job.status, job.percent = JobStatus.done, 100
    job.finished_at = utcnow()


# The messages `_fail` is given by id (stored untranslated), for the catalog.
_l("The job stopped with an unexpected error ({error}).")


def _fail(job: Job, reached: list[Any], msgid: str, params: Mapping[str, Any]) -> None:
    job.stage, job.percent = reached
    job.status = JobStatus.failed
    job.error_msgid = msgid
    job.error_params = {name: _storable(value) for name, value in params.items()}


def failed_jobs(limit: int = 200) -> Iterator[Job]:
    """The failed jobs of every kind, newest first (the admin's list)."""
    from sqlalchemy import select

    rows: list[Any] = []
    for model in KINDS.values():
        rows += db.session.scalars(
            select(model)
            .where(model.status == JobStatus.failed)
            .order_by(model.finished_at.desc())
            .limit(limit)
        )
    rows.sort(key=lambda job: job.finished_at or job.created_at, reverse=True)
    yield from rows[:limit]


def failed_queue_jobs(limit: int = 100) -> list[dict[str, str]]:
    """Queue jobs without a row (e-mails) that failed after their retries: what and why
    (the exception's last line, never the mail's text)."""
    from rq.job import Job as QueueJob
    from rq.registry import FailedJobRegistry

    registry = FailedJobRegistry(queue=queue())
    items = []
    for job in QueueJob.fetch_many(registry.get_job_ids(0, limit - 1), registry.connection):
        if job is None or job.func_name == "samenhang.jobs.perform":
            continue  # row jobs are listed from their rows
        lines = (job.latest_result().exc_string if job.latest_result() else "") or ""
        last = lines.strip().splitlines()[-1] if lines.strip() else ""
        items.append({"description": job.description or job.func_name, "error": last})
    return items


#: Joins a plural message's singular, plural and count in one stored msgid (the ASCII unit
#: separator: never in a msgid, and PostgreSQL text refuses NUL).
PLURAL_SEPARATOR = "\x1f"


def message_id(message: Any) -> str:
    """The untranslated text of a (lazy) message; a lazy_ngettext keeps both its forms and its
    count, so that the reader later gets the form their language needs."""
    # flask_babel's LazyString keeps the msgid as the first argument of its gettext call.
    args = getattr(message, "_args", None)
    if args and len(args) == 3 and isinstance(args[2], int):
        return PLURAL_SEPARATOR.join(str(part) for part in args)
    return str(args[0]) if args else str(message)


def translate_message_id(msgid: str) -> str:
    """A stored message_id in the reader's language."""
    if PLURAL_SEPARATOR in msgid:
        singular, plural, count = msgid.split(PLURAL_SEPARATOR)
        return ngettext(singular, plural, int(count))
    return gettext(msgid)


def _storable(value: Any) -> Any:
    """A message parameter as JSON: numbers and text as they are; a message or an engine
    explanation by id and parameters, translated when shown."""
    if isinstance(value, bool | int | float | str) or value is None:
        return value
    explanation = getattr(value, "explanation", None)
    if explanation is not None:
        return {"explanation": explanation.as_dict()}
    if getattr(value, "_args", None):
        return {"msgid": message_id(value)}
    return str(value)


def error_text(job: Job) -> str:
    """Why the job failed, in the reader's language ("" when it did not)."""
    if job.error_msgid is None:
        return ""
    params = {name: _shown(value) for name, value in (job.error_params or {}).items()}
    text = translate_message_id(job.error_msgid)
    return text.format(**params) if params else text


def _shown(value: Any) -> Any:
    if isinstance(value, Mapping) and "explanation" in value:
        from samenhang.voting.rules.explain import Explanation, render

        data = value["explanation"]
        return render(Explanation(data["code"], data["params"]), gettext, ngettext=ngettext)
    if isinstance(value, Mapping) and "msgid" in value:
        return translate_message_id(value["msgid"])
    return value
