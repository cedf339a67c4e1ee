"""Background jobs: work that may take long, with its progress on a row of its own.

    job = CountJob(round=round_, requested_by=actor)
    db.session.add(job)
    jobs.submit(job, lambda report: count_round(round_, actor=actor, report=report))

`work` calls `report(stage, percent)` as it goes; the job row keeps the stage, the percent,
the status and, when the work is refused (`DomainError`), why: as a message id and its
parameters, never a rendered sentence, so each reader sees it in their own language
(`error_text(job)`).

For now `submit` runs the work at once, in the caller's transaction, inside a savepoint:
a failed job keeps its row and its reason while the work's own changes are undone. A
queue (the production issue) replaces `submit` and nothing else: the work and the row stay
as they are.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, Protocol

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from samenhang.db import utcnow
from samenhang.enums import LabelledEnum
from samenhang.errors import DomainError
from samenhang.extensions import db

#: `report(stage, percent)`: the work says where it is.
Report = Callable[[str, int], None]


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
    """The columns a job row has (see `samenhang.voting.models.CountJob`)."""

    status: JobStatus
    stage: str
    percent: int
    error_msgid: str | None
    error_params: dict[str, Any] | None
    started_at: datetime | None
    finished_at: datetime | None


def submit(job: Job, work: Callable[[Report], None]) -> None:
    """Run `work` for `job` (now, synchronously) and record how it went."""
    run(job, work)


def run(job: Job, work: Callable[[Report], None]) -> None:
    reached = [job.stage, job.percent]

    def report(stage: str, percent: int) -> None:
        reached[:] = stage, max(0, min(100, percent))
        job.stage, job.percent = reached

    job.status, job.started_at = JobStatus.running, utcnow()
    try:
        with db.session.begin_nested():
            work(report)
    except DomainError as exc:
        # Undoing the work's savepoint also undid the progress written inside it.
        job.stage, job.percent = reached
        job.status = JobStatus.failed
        job.error_msgid = message_id(exc.message)
        job.error_params = {name: _storable(value) for name, value in exc.params.items()}
    else:
        job.status, job.percent = JobStatus.done, 100
    job.finished_at = utcnow()


def message_id(message: Any) -> str:
    """The untranslated text of a (lazy) message."""
    # flask_babel's LazyString keeps the msgid as the first argument of its gettext call.
    args = getattr(message, "_args", None)
    return str(args[0]) if args else str(message)


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
    return gettext(job.error_msgid).format(**params) if params else gettext(job.error_msgid)


def _shown(value: Any) -> Any:
    if isinstance(value, Mapping) and "explanation" in value:
        from samenhang.voting.rules.explain import Explanation, render

        data = value["explanation"]
        return render(Explanation(data["code"], data["params"]), gettext)
    if isinstance(value, Mapping) and "msgid" in value:
        return gettext(value["msgid"])
    return value
