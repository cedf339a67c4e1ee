"""Money after the decision: instalments paid out, receipts and the report, unspent money
returned, and the books closed on a grant."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from sqlalchemy.exc import IntegrityError

from samenhang.accounts.models import User
from samenhang.audit.services import log_event
from samenhang.db import utcnow
from samenhang.errors import DomainError
from samenhang.extensions import db
from samenhang.ledger.services import InsufficientFunds, post_entry, transfer
from samenhang.policies import require_applicant, require_manager
from samenhang.vouchers import storage
from samenhang.vouchers.models import (
    Application,
    ApplicationStatus,
    EntryKind,
    MoneyReturn,
    Payout,
    Receipt,
    Report,
    ReportPhoto,
)
from samenhang.vouchers.queries import unaccounted_cents
from samenhang.vouchers.services.common import (
    balance_of,
    format_amount,
    locked_application,
    require_positive,
)

MAX_REPORT_PHOTOS = 6


@dataclass(frozen=True)
class Upload:
    stream: IO[bytes]
    content_type: str | None = None


def _require_granted(application: Application) -> None:
    if application.status is not ApplicationStatus.granted:
        raise DomainError(_l("This application is not granted, or already settled."))


def _more_than_to_pay(application: Application) -> DomainError:
    return DomainError(
        _l("Only {amount} of the grant is still to be paid. Nothing was paid."),
        amount=format_amount(balance_of(application.reservation_account), application.pot),
    )


def _more_than_held(application: Application) -> DomainError:
    return DomainError(
        _l("The initiative holds only {amount} paid out by this pot."),
        amount=format_amount(balance_of(application.initiative_account), application.pot),
    )


def pay_out(application: Application, amount_cents: int, note: str = "", *, actor: User) -> Payout:
    """Pay an instalment of the grant to the initiative."""
    pot = application.pot
    require_manager(actor, pot.wijk)
    require_positive(amount_cents)
    application = locked_application(application)
    _require_granted(application)
    if amount_cents > balance_of(application.reservation_account):
        raise _more_than_to_pay(application)
    sequence = len(application.payouts) + 1
    try:
        with db.session.begin_nested():
            entry = post_entry(
                transfer(
                    application.reservation_account, application.initiative_account, amount_cents
                ),
                kind=EntryKind.application_paid_out,
                reason=f"#{sequence}: {application.title} (#{application.id})",
                actor=actor,
                obj=application,
            )
            payout = Payout(
                application=application,
                sequence=sequence,
                amount_cents=amount_cents,
                note=note.strip(),
                paid_by=actor,
                entry=entry,
            )
            db.session.add(payout)
            db.session.flush()
    except IntegrityError as exc:
        raise DomainError(_l("This instalment was just paid by someone else.")) from exc
    except InsufficientFunds as exc:
        raise _more_than_to_pay(application) from exc
    log_event(
        actor,
        "application.paid_out",
        application,
        wijk=pot.wijk,
        after={"sequence": sequence, "amount_cents": amount_cents},
        public=True,
    )
    return payout


def upload_receipt(
    application: Application, description: str, amount_cents: int, image: Upload, *, actor: User
) -> Receipt:
    """A photo of a receipt for money spent from the grant; seen only by the applicants and
    the wijkmanagers (`samenhang.policies.can_see_receipts`)."""
    require_applicant(actor, application)
    _require_granted(application)
    if not application.payouts:
        raise DomainError(_l("Receipts can be added once money has been paid out."))
    if not description.strip():
        raise DomainError(_l("Say what the receipt is for."))
    require_positive(amount_cents)
    name = storage.store_image(image.stream, "receipts", image.content_type)
    receipt = Receipt(
        application=application,
        description=description.strip()[:200],
        amount_cents=amount_cents,
        image_name=name,
        uploaded_by=actor,
    )
    db.session.add(receipt)
    db.session.flush()
    log_event(
        actor,
        "application.receipt_added",
        application,
        wijk=application.pot.wijk,
        after={"receipt_id": receipt.id, "amount_cents": amount_cents},
    )
    return receipt


def submit_report(
    application: Application, body: str, photos: Sequence[Upload] = (), *, actor: User
) -> Report:
    """The initiators' public report on what they did, once."""
    require_applicant(actor, application)
    _require_granted(application)
    if application.report is not None:
        raise DomainError(_l("The report has already been sent."))
    if not body.strip():
        raise DomainError(_l("Write a few lines about what you did."))
    if len(photos) > MAX_REPORT_PHOTOS:
        raise DomainError(
            lazy_ngettext(
                "Add at most {count} photo.", "Add at most {count} photos.", MAX_REPORT_PHOTOS
            ),
            count=MAX_REPORT_PHOTOS,
        )
    names = [storage.store_image(p.stream, "reports", p.content_type) for p in photos]
    report = Report(
        application=application,
        body=body.strip(),
        author=actor,
        photos=[ReportPhoto(image_name=name) for name in names],
    )
    db.session.add(report)
    db.session.flush()
    log_event(
        actor,
        "application.reported",
        application,
        wijk=application.pot.wijk,
        after={"photos": len(names)},
        public=True,
    )
    return report


def record_return(
    application: Application, amount_cents: int, note: str = "", *, actor: User
) -> MoneyReturn:
    """The initiative paid unspent money back: it goes back into the pot."""
    pot = application.pot
    require_manager(actor, pot.wijk)
    require_positive(amount_cents)
    application = locked_application(application)
    _require_granted(application)
    if amount_cents > balance_of(application.initiative_account):
        raise _more_than_held(application)
    try:
        entry = post_entry(
            transfer(application.initiative_account, pot.account, amount_cents),
            kind=EntryKind.application_returned,
            reason=f"{application.title} (#{application.id})",
            actor=actor,
            obj=application,
        )
    except InsufficientFunds as exc:
        raise _more_than_held(application) from exc
    money_return = MoneyReturn(
        application=application,
        amount_cents=amount_cents,
        note=note.strip(),
        recorded_by=actor,
        entry=entry,
    )
    db.session.add(money_return)
    db.session.flush()
    log_event(
        actor,
        "application.money_returned",
        application,
        wijk=pot.wijk,
        after={"amount_cents": amount_cents},
        public=True,
    )
    return money_return


def settle_application(application: Application, *, actor: User) -> None:
    """Close the books on a grant: every euro paid is covered by receipts or returned, the
    report is in, and the part of the grant never paid out goes back to the pot."""
    pot = application.pot
    require_manager(actor, pot.wijk)
    application = locked_application(application)
    _require_granted(application)
    if application.report is None:
        raise DomainError(_l("The initiators have not sent their report yet."))
    missing = unaccounted_cents(application)
    if missing:
        raise DomainError(
            _l("{amount} is not accounted for yet: receipts are missing or money is to return."),
            amount=format_amount(missing, pot),
        )
    released = balance_of(application.reservation_account)
    if released:
        post_entry(
            transfer(application.reservation_account, pot.account, released),
            kind=EntryKind.application_released,
            reason=f"{application.title} (#{application.id})",
            actor=actor,
            obj=application,
        )
    application.status = ApplicationStatus.settled
    application.settled_at = utcnow()
    log_event(
        actor,
        "application.settled",
        application,
        wijk=pot.wijk,
        before={"status": "granted"},
        after={
            "status": "settled",
            "paid_cents": application.paid_cents,
            "returned_cents": application.returned_cents,
            "released_cents": released,
        },
        public=True,
    )
