"""Address verification: placing a resident in a wijk by something they cannot type
themselves.

Two ways, both started by the resident from their profile (`request_verification`) and
both written to the audit log:

- a letter by post (`send_verification_letters`): the wijkmanager prints a letter to the
  address with a one-time code (stored only as a hash, valid `LETTER_CODE_DAYS` days, at
  most `MAX_CODE_ATTEMPTS` wrong tries); the resident types it in (`confirm_address_code`);
- the municipal register (`verify_by_register`): the wijkmanager checks the address in the
  register and says so, with a note.

A self-declared postcode still places a person in a wijk for reading and following; only a
verified address counts for voting as a resident and applying for money
(`samenhang.policies.check_verified_resident`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from samenhang.accounts.models import (
    OPEN_VERIFICATION,
    AddressVerification,
    User,
    VerificationMethod,
    VerificationStatus,
)
from samenhang.audit.services import log_event
from samenhang.db import utcnow
from samenhang.errors import DomainError
from samenhang.extensions import db
from samenhang.places.models import Wijk
from samenhang.places.queries import normalise_postcode, wijken_for_postcode
from samenhang.policies import is_self, require, require_manager
from samenhang.voting import codes

#: How long a letter's code works: post takes days, people are away.
LETTER_CODE_DAYS = 60
#: Wrong codes typed for one letter before it stops working (59-bit codes: a guard against
#: guessing, not against typos; a new letter resets it).
MAX_CODE_ATTEMPTS = 5
MAX_ADDRESS_LINES = 5
MAX_LINE_LENGTH = 80
MAX_NOTE_LENGTH = 1000


def _salt(row: AddressVerification) -> str:
    # Unique per request, so the same code in two letters never has the same hash.
    return f"address-{row.id}"


def _clean_address(address: str) -> str:
    lines = [line.strip() for line in address.replace("|", "\n").splitlines() if line.strip()]
    if len(lines) < 2:
        raise DomainError(
            _l("Write your address on at least two lines: your name, then street and number.")
        )
    if len(lines) > MAX_ADDRESS_LINES or any(len(line) > MAX_LINE_LENGTH for line in lines):
        raise DomainError(
            _l("An address has at most {lines} lines of {length} characters."),
            lines=MAX_ADDRESS_LINES,
            length=MAX_LINE_LENGTH,
        )
    return "\n".join(lines)


def open_verification(user: User) -> AddressVerification | None:
    """The user's request under way (asked, or letter sent), if any."""
    return db.session.scalar(
        select(AddressVerification)
        .where(
            AddressVerification.user_id == user.id,
            AddressVerification.status.in_(OPEN_VERIFICATION),
        )
        .order_by(AddressVerification.id.desc())
        .limit(1)
    )


def current_verification(user: User) -> AddressVerification | None:
    """The user's verified address in force, if any."""
    return db.session.scalar(
        select(AddressVerification)
        .where(
            AddressVerification.user_id == user.id,
            AddressVerification.status == VerificationStatus.verified,
        )
        .order_by(AddressVerification.verified_at.desc(), AddressVerification.id.desc())
        .limit(1)
    )


def pending_verifications(wijk: Wijk) -> list[AddressVerification]:
    """Requests of a wijk waiting for the wijkmanager (asked) or for the resident's code."""
    stmt = (
        select(AddressVerification)
        .where(
            AddressVerification.wijk_id == wijk.id,
            AddressVerification.status.in_(OPEN_VERIFICATION),
        )
        .order_by(AddressVerification.created_at, AddressVerification.id)
    )
    return list(db.session.scalars(stmt))


def end_verification(row: AddressVerification, actor: User | None, reason: str) -> None:
    row.status = VerificationStatus.ended
    row.ended_at = utcnow()
    row.code_hash = None
    log_event(actor, "address.verification_ended", row, wijk=row.wijk, after={"reason": reason})


def request_verification(
    user: User, address: str, postcode: str, *, wijk_id: int | None = None, actor: User
) -> AddressVerification:
    """The resident asks for their address to be checked. A request under way is replaced;
    a verified address stays in force until the new one is verified."""
    require(is_self(actor, user.id), _l("You can only ask this for yourself."))
    normalised = normalise_postcode(postcode or "")
    if normalised is None:
        raise DomainError(_l("This is not a Dutch postcode. Write it like 9741 AB."))
    candidates = wijken_for_postcode(normalised)
    if not candidates:
        raise DomainError(_l("We do not know this postcode. Check it."))
    chosen = [w for w in candidates if w.id == wijk_id]
    wijk = chosen[0] if chosen else candidates[0]
    lines = _clean_address(address)
    if user.postcode is None:
        # Typed here by someone without one, the postcode places them in the wijk as a typed
        # postcode does (to read and follow); only the check gives a right.
        user.postcode, user.wijk = normalised, wijk
    previous = open_verification(user)
    if previous is not None:
        end_verification(previous, actor, "replaced")
    row = AddressVerification(user=user, wijk=wijk, postcode=normalised, address=lines)
    db.session.add(row)
    db.session.flush()
    log_event(actor, "address.verification_requested", row, wijk=wijk)
    return row


def withdraw_verification(user: User, *, actor: User) -> None:
    """The resident takes back their request under way, or ends their verified address
    (they moved)."""
    require(is_self(actor, user.id), _l("You can only ask this for yourself."))
    rows = [r for r in (open_verification(user), current_verification(user)) if r is not None]
    if not rows:
        raise DomainError(_l("There is nothing to withdraw."))
    for row in rows:
        end_verification(row, actor, "withdrawn")


def send_verification_letters(
    requests: Sequence[AddressVerification], *, actor: User
) -> list[tuple[AddressVerification, str]]:
    """A one-time code for each request, to print on a letter to its address now: the codes
    are stored only as a hash. Printing again for the same request replaces its code."""
    if not requests:
        raise DomainError(_l("Choose at least one request."))
    issued = []
    now = utcnow()
    for row in requests:
        require_manager(actor, row.wijk)
        if not row.is_open:
            raise DomainError(_l("This request is no longer waiting for a letter."))
        code = codes.new_code()
        row.code_hash = codes.hash_code(_salt(row), code)
        row.code_expires_at = now + timedelta(days=LETTER_CODE_DAYS)
        row.attempts = 0
        row.status = VerificationStatus.letter_sent
        row.letter_sent_at = now
        row.letter_sent_by = actor
        log_event(
            actor,
            "address.letter_sent",
            row,
            wijk=row.wijk,
            after={"expires": row.code_expires_at.date().isoformat()},
        )
        issued.append((row, code))
    return issued


def _verify(row: AddressVerification, method: VerificationMethod, actor: User) -> None:
    previous = current_verification(row.user)
    if previous is not None and previous.id != row.id:
        end_verification(previous, actor, "replaced")
    row.status = VerificationStatus.verified
    row.method = method
    row.verified_at = utcnow()
    row.verified_by = actor
    row.code_hash = None
    log_event(
        actor,
        "address.verified",
        row,
        wijk=row.wijk,
        after={"method": method.value, "wijk_id": row.wijk_id},
    )


def confirm_address_code(user: User, code: str, *, actor: User) -> AddressVerification | None:
    """The resident types the code from the letter. Returns the verified address, or None
    when the code is wrong: the wrong try is counted (and logged), and must be kept, so this
    is an answer and not an error (an error rolls the transaction back)."""
    require(is_self(actor, user.id), _l("You can only ask this for yourself."))
    row = open_verification(user)
    if row is None or row.status is not VerificationStatus.letter_sent or row.code_hash is None:
        raise DomainError(_l("No letter with a code is on its way to you."))
    if row.attempts >= MAX_CODE_ATTEMPTS:
        raise DomainError(
            _l("Too many wrong codes for this letter. Ask the wijkmanager for a new letter.")
        )
    if row.code_expires_at is not None and utcnow() >= row.code_expires_at:
        raise DomainError(
            _l("The code on this letter has expired. Ask the wijkmanager for a new letter.")
        )
    if not code.strip():
        raise DomainError(_l("Type the code from the letter."))
    if codes.looks_valid(code) and codes.hash_code(_salt(row), code) == row.code_hash:
        _verify(row, VerificationMethod.letter, actor)
        return row
    # Counted in the database, so that two tries at once both count.
    db.session.execute(
        update(AddressVerification)
        .where(AddressVerification.id == row.id)
        .values(attempts=AddressVerification.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(row)
    log_event(actor, "address.code_wrong", row, wijk=row.wijk, after={"attempts": row.attempts})
    return None


def verify_by_register(row: AddressVerification, note: str, *, actor: User) -> AddressVerification:
    """The wijkmanager checked the address in the municipal register."""
    require_manager(actor, row.wijk)
    if not row.is_open:
        raise DomainError(_l("This request is no longer waiting for a check."))
    note = (note or "").strip()
    if not note:
        raise DomainError(
            _l("Say what you checked in the register, for example the date and what you saw.")
        )
    if len(note) > MAX_NOTE_LENGTH:
        raise DomainError(_l("The note is too long."))
    row.note = note
    _verify(row, VerificationMethod.register, actor)
    return row


def refuse_verification(row: AddressVerification, *, actor: User) -> None:
    """The wijkmanager closes a request that cannot be checked (no such address)."""
    require_manager(actor, row.wijk)
    if not row.is_open:
        raise DomainError(_l("This request is no longer waiting for a check."))
    end_verification(row, actor, "refused")


def erase_addresses(user: User) -> None:
    """GDPR erasure: the address lines go, the fact that a check happened stays (audit)."""
    for row in db.session.scalars(
        select(AddressVerification).where(AddressVerification.user_id == user.id)
    ):
        row.address = ""
        row.code_hash = None
        if row.status is not VerificationStatus.ended:
            row.status = VerificationStatus.ended
            row.ended_at = utcnow()
