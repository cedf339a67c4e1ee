"""Batches of stemcode letters, made as a job (`samenhang.jobs`).

Making 10,000 letters takes minutes: more than a request may take behind a proxy, and a
wijkmanager whose browser gave up would be left with codes and no copy. So the request
only checks and queues (`start_letters`); the job makes the codes and the PDF
(`make_letters`) and keeps the PDF in the store (`samenhang.storage`), downloadable again
(`letters_file`) until voting opens, when it is deleted (`delete_letter_files`); a batch
made while voting is open (a late letter) is kept until voting closes. A batch that went
astray is voided as a whole (`void_batch`): its unused codes are revoked.
"""

from __future__ import annotations

import uuid

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from samenhang import jobs
from samenhang.accounts.models import User
from samenhang.audit.services import log_event
from samenhang.db import utcnow
from samenhang.errors import DomainError
from samenhang.extensions import db
from samenhang.policies import require_manager
from samenhang.storage import StoredFile, storage
from samenhang.voting import letters
from samenhang.voting.models import PHASE_ORDER, CodeStatus, LetterBatch, Phase, Round, StemCode
from samenhang.voting.services.stemcodes import check_codes_possible, generate_codes

#: The stages of a letters job, in order, as the codes page names them.
LETTER_STAGES = {
    "queued": _l("Waiting to start"),
    "retrying": _l("Waiting to try again"),
    "codes": _l("Making the codes"),
    "letters": _l("Setting the letters"),
    "saving": _l("Saving the PDF"),
}


def letters_key(name: str) -> str:
    return f"letters/{name}"


def start_letters(round_: Round, count: int, addresses: list[str], *, actor: User) -> LetterBatch:
    """Queue a batch of `count` letters (one per address when addresses are given).
    Refusals (who may, the phase, the number) are raised here, in the request."""
    require_manager(actor, round_.wijk)
    check_codes_possible(round_, count)
    batch = LetterBatch(round=round_, count=count, requested_by=actor)
    jobs.submit(batch, "samenhang.voting.services.letter_batches:make_letters", addresses=addresses)
    return batch


def make_letters(batch: LetterBatch, report: jobs.Report, addresses: list[str]) -> None:
    """The work of a letters job: the codes, then the PDF, kept in the letters folder."""
    from samenhang.blueprints.voting.views.common import round_url

    round_, actor = batch.round, batch.requested_by
    if actor is None:  # pragma: no cover - the account was deleted meanwhile
        raise DomainError(_l("The person who asked for these letters no longer has an account."))
    report("codes", 2)
    issued = generate_codes(round_, batch.count, actor=actor)
    batch.first_serial, batch.last_serial = issued[0][0], issued[-1][0]
    with current_app.test_request_context(base_url=current_app.config["BASE_URL"]):
        context = letters.LetterContext(
            round_title=round_.title,
            wijk_name=round_.wijk.name,
            municipality_name=round_.wijk.municipality.name,
            vote_url=current_app.config["BASE_URL"].rstrip("/")
            + round_url(round_, "voting.ballot"),
            closes_at=round_.voting_closes_at,
            min_age=round_.min_age,
            opens_on=round_.voting_on,
            closes_on=round_.counting_on,
            allows_changes=round_.allows_changes,
        )
        batch_letters = [
            letters.Letter(serial, code, addresses[i] if i < len(addresses) else "")
            for i, (serial, code) in enumerate(issued)
        ]
        report("letters", 5)
        pdf = letters.letters_pdf(
            context,
            batch_letters,
            progress=lambda done: report("letters", 5 + 90 * done // len(batch_letters)),
        )
    report("saving", 96)
    name = f"{round_.id}-{batch.id}-{uuid.uuid4().hex}.pdf"
    storage().put(letters_key(name), pdf, "application/pdf")
    batch.file = name
    # The addresses were needed for the PDF only: they are not kept.
    batch.args = {"addresses": []}


def download_name(batch: LetterBatch) -> str:
    return f"stemcodes-{batch.round_id}-{batch.first_serial}-{batch.last_serial}.pdf"


def letters_file(batch: LetterBatch, *, actor: User) -> StoredFile:
    """The batch's PDF, opened, while it may still be downloaded."""
    require_manager(actor, batch.round.wijk)
    if batch.voided_at is not None:
        raise DomainError(_l("This batch of letters was voided: its codes no longer work."))
    if PHASE_ORDER.index(batch.round.phase) > PHASE_ORDER.index(Phase.voting):
        delete_letter_files(batch.round)
        raise DomainError(_l("Voting has closed: the letters can no longer be downloaded."))
    stored = storage().open(letters_key(batch.file)) if batch.file is not None else None
    if stored is None:
        raise DomainError(_l("The PDF of these letters is not there (any more)."))
    log_event(
        actor,
        "stemdag.letters_downloaded",
        batch.round,
        wijk=batch.round.wijk,
        after={"batch": batch.id, "first_letter": batch.first_serial},
    )
    return stored


def delete_letter_files(round_: Round) -> int:
    """Delete the round's kept PDFs (when voting opens, and when it closes): the codes in
    the clear go."""
    count = 0
    for batch in db.session.scalars(
        select(LetterBatch).where(LetterBatch.round_id == round_.id, LetterBatch.file.is_not(None))
    ):
        _delete_file(batch)
        count += 1
    return count


def _delete_file(batch: LetterBatch) -> None:
    if batch.file is not None:
        storage().delete(letters_key(batch.file))
        batch.file = None


def void_batch(batch: LetterBatch, *, actor: User) -> int:
    """Void a batch as a whole: its unused codes are revoked and its PDF deleted. Returns
    how many codes were revoked (codes already used to vote stay counted)."""
    require_manager(actor, batch.round.wijk)
    if batch.voided_at is not None:
        raise DomainError(_l("This batch of letters is already voided."))
    if batch.status in (jobs.JobStatus.queued, jobs.JobStatus.running):
        raise DomainError(_l("These letters are still being made. Void them when they are ready."))
    revoked = 0
    if batch.first_serial is not None and batch.last_serial is not None:
        result = db.session.execute(
            update(StemCode)
            .where(
                StemCode.round_id == batch.round_id,
                StemCode.serial.between(batch.first_serial, batch.last_serial),
                StemCode.status == CodeStatus.issued,
            )
            .values(status=CodeStatus.revoked, revoked_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        revoked = result.rowcount or 0
    _delete_file(batch)
    batch.voided_at, batch.voided_by = utcnow(), actor
    log_event(
        actor,
        "stemdag.letters_voided",
        batch.round,
        wijk=batch.round.wijk,
        after={
            "batch": batch.id,
            "first_letter": batch.first_serial,
            "last_letter": batch.last_serial,
            "revoked": revoked,
        },
        public=True,
    )
    return revoked


def batches_of(round_: Round) -> list[LetterBatch]:
    return list(
        db.session.scalars(
            select(LetterBatch)
            .where(LetterBatch.round_id == round_.id)
            .order_by(LetterBatch.id.desc())
        )
    )
