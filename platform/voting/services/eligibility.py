"""One person, one credential per round.

In a round for residents alone the checked account is the credential (the register is unique
per round and user). In a round with stemcodes and residents both, everyone votes with a
code, also an account holder: otherwise a resident could vote with the account and again
with the letter sent to their address. A checked resident whose address got no letter asks
for a code here; the wijkmanager checks the register that no letter went to them and issues
one. The request is unique per round and user, so nobody gets a second code this way, and
which code they got is not recorded (as for every letter).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from samenhang.accounts.models import User
from samenhang.audit.services import log_event
from samenhang.db import utcnow
from samenhang.errors import DomainError
from samenhang.extensions import db
from samenhang.policies import (
    check_verified_resident,
    is_verified_resident,
    require_manager,
)
from samenhang.voting.models import (
    CodeRequest,
    CodeRequestStatus,
    Eligibility,
    Phase,
    Round,
)
from samenhang.voting.services.common import rows_changed
from samenhang.voting.services.stemcodes import generate_codes

MAX_NOTE_LENGTH = 1000


def code_request_of(round_: Round, user: User) -> CodeRequest | None:
    return db.session.scalar(
        select(CodeRequest).where(CodeRequest.round_id == round_.id, CodeRequest.user_id == user.id)
    )


def code_requests(round_: Round) -> list[CodeRequest]:
    stmt = (
        select(CodeRequest)
        .where(CodeRequest.round_id == round_.id)
        .order_by(CodeRequest.status, CodeRequest.created_at, CodeRequest.id)
    )
    return list(db.session.scalars(stmt))


def request_code(round_: Round, *, actor: User) -> CodeRequest:
    """A checked resident of the wijk without a letter asks for a stemcode."""
    if round_.eligibility is Eligibility.residents:
        raise DomainError(_l("In this round you vote with your account; you need no code."))
    if round_.eligibility is Eligibility.codes:
        raise DomainError(
            _l("In this round the letters with codes go to every address. Ask the wijkmanager.")
        )
    if round_.phase not in (Phase.review, Phase.voting):
        raise DomainError(_l("You can ask for a code from the review phase until voting closes."))
    check_verified_resident(
        actor,
        round_.wijk,
        _l(
            "Only residents whose address in {wijk} has been checked can ask for a code. Ask"
            " for the check on your profile page, under “Your address”."
        ),
        error=DomainError,
    )
    request = CodeRequest(round_id=round_.id, user_id=actor.id)
    try:
        with db.session.begin_nested():
            db.session.add(request)
            db.session.flush()
    except IntegrityError as exc:
        raise DomainError(_l("You have already asked for a code in this round.")) from exc
    log_event(actor, "stemdag.code_requested", request, wijk=round_.wijk)
    return request


def issue_requested_code(
    request: CodeRequest, *, register_checked: bool, note: str = "", actor: User
) -> tuple[int, str]:
    """The wijkmanager issues the one code of this resident for this round, after checking
    in the register that no letter went to them. Returns (letter number, code) to print now.
    """
    round_ = request.round
    require_manager(actor, round_.wijk)
    if not register_checked:
        raise DomainError(
            _l(
                "First check in the register that no letter with a code went to this"
                " resident, and tick the box."
            )
        )
    note = (note or "").strip()
    if len(note) > MAX_NOTE_LENGTH:
        raise DomainError(_l("The note is too long."))
    if not is_verified_resident(request.user, round_.wijk):
        raise DomainError(
            _l("The address of this resident in {wijk} is no longer checked."),
            wijk=round_.wijk.name,
        )
    # Requested -> issued, once: of two clicks (or two managers) only one gets a code.
    result = db.session.execute(
        update(CodeRequest)
        .where(CodeRequest.id == request.id, CodeRequest.status == CodeRequestStatus.requested)
        .values(
            status=CodeRequestStatus.issued,
            issued_at=utcnow(),
            issued_by_id=actor.id,
            note=note or None,
        )
        .execution_options(synchronize_session=False)
    )
    if rows_changed(result) != 1:
        raise DomainError(_l("This resident has already been given a code in this round."))
    db.session.expire(request)
    [(serial, code)] = generate_codes(round_, 1, actor=actor)
    log_event(
        actor,
        "stemdag.code_issued_to_resident",
        request,
        wijk=round_.wijk,
        after={"user": request.user_id, "register_checked": True, "note": note or None},
    )
    return serial, code
