"""Stemcodes: single-use codes printed on letters, stored only as a salted hash."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from sqlalchemy import select, update

from samenhang.accounts.models import User
from samenhang.audit.services import log_event
from samenhang.db import utcnow
from samenhang.errors import DomainError
from samenhang.extensions import db
from samenhang.policies import require_manager
from samenhang.voting import codes
from samenhang.voting.models import PHASE_ORDER, CodeStatus, Phase, Round, StemCode
from samenhang.voting.services.common import lock_round, rows_changed

#: A batch is made by a job (letter_batches), so a whole wijk fits in one.
MAX_CODES_PER_BATCH = 10_000


def generate_codes(round_: Round, count: int, *, actor: User) -> list[tuple[int, str]]:
    """`count` new codes as (letter number, code). The codes exist only in what this
    returns: they are stored hashed, so print or hand them out now."""
    require_manager(actor, round_.wijk)
    check_codes_possible(round_, count)
    round_ = lock_round(round_)
    first = round_.next_serial
    issued = []
    rows = []
    seen: set[str] = set()
    for serial in range(first, first + count):
        code = codes.new_code()
        while code in seen:  # pragma: no cover - 59 random bits
            code = codes.new_code()
        seen.add(code)
        issued.append((serial, code))
        rows.append(
            {
                "round_id": round_.id,
                "code_hash": codes.hash_code(round_.salt, code),
                "serial": serial,
                "status": CodeStatus.issued,
            }
        )
    db.session.execute(StemCode.__table__.insert(), rows)
    round_.next_serial = first + count
    log_event(
        actor,
        "stemdag.codes_generated",
        round_,
        wijk=round_.wijk,
        after={"count": count, "first_letter": first, "last_letter": first + count - 1},
        public=True,
    )
    return issued


def check_codes_possible(round_: Round, count: int) -> None:
    """Refuse a batch of `count` codes the round cannot have (before queueing one)."""
    if not round_.eligibility.uses_codes:
        raise DomainError(_l("This round does not use stemcodes."))
    if PHASE_ORDER.index(round_.phase) > PHASE_ORDER.index(Phase.voting):
        raise DomainError(_l("Voting has closed; no new codes can be made."))
    if not 1 <= count <= MAX_CODES_PER_BATCH:
        raise DomainError(
            lazy_ngettext(
                "Make 1 to {maximum} code at a time.",
                "Make 1 to {maximum} codes at a time.",
                MAX_CODES_PER_BATCH,
            ),
            maximum=MAX_CODES_PER_BATCH,
        )


def _code_by_serial(round_: Round, serial: int) -> StemCode:
    code = db.session.scalar(
        select(StemCode).where(StemCode.round_id == round_.id, StemCode.serial == serial)
    )
    if code is None:
        raise DomainError(_l("There is no letter with number {serial}."), serial=serial)
    return code


def revoke_code(round_: Round, *, serial: int | None = None, code: str = "", actor: User) -> int:
    """Revoke an unused code, found by its letter number or by the code itself. Returns
    the letter number."""
    require_manager(actor, round_.wijk)
    if serial is not None:
        row = _code_by_serial(round_, serial)
    else:
        row = db.session.scalar(
            select(StemCode).where(
                StemCode.round_id == round_.id,
                StemCode.code_hash == codes.hash_code(round_.salt, code),
            )
        )
        if row is None:
            raise DomainError(_l("This code does not belong to this round."))
    result = db.session.execute(
        update(StemCode)
        .where(StemCode.id == row.id, StemCode.status == CodeStatus.issued)
        .values(status=CodeStatus.revoked, revoked_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if rows_changed(result) != 1:
        db.session.refresh(row)
        if row.status is CodeStatus.spent:
            raise DomainError(_l("This code has been used to vote; it cannot be revoked."))
        raise DomainError(_l("This code is already revoked."))
    db.session.expire(row)
    log_event(
        actor,
        "stemdag.code_revoked",
        round_,
        wijk=round_.wijk,
        after={"letter": row.serial},
        public=True,
    )
    return row.serial


def reissue_code(round_: Round, serial: int, *, actor: User) -> tuple[int, str]:
    """A new letter for a lost one: the old code is revoked (if it was not yet) and a
    new code replaces it. Returns (new letter number, code)."""
    require_manager(actor, round_.wijk)
    old = _code_by_serial(round_, serial)
    if old.status is CodeStatus.spent:
        raise DomainError(_l("This code has been used to vote; it cannot be replaced."))
    if old.status is CodeStatus.issued:
        revoke_code(round_, serial=serial, actor=actor)
    [(new_serial, code)] = generate_codes(round_, 1, actor=actor)
    db.session.execute(
        update(StemCode)
        .where(StemCode.round_id == round_.id, StemCode.serial == new_serial)
        .values(replaces_serial=serial)
        .execution_options(synchronize_session=False)
    )
    return new_serial, code
