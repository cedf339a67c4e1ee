"""Reading pots, applications and vouchers; every euro figure comes from the ledger."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from samenhang.accounts.models import User
from samenhang.db import utcnow
from samenhang.extensions import db
from samenhang.idempotency import IdempotencyKey, KeyRefused
from samenhang.ledger.models import JournalEntry, LedgerAccount
from samenhang.ledger.queries import balances, entries_for_accounts
from samenhang.places.models import Municipality, Wijk
from samenhang.policies import can_administer, is_manager
from samenhang.vouchers.codes import CODE_LENGTH, hash_secret, normalise_code
from samenhang.vouchers.models import (
    Application,
    ApplicationStatus,
    CriteriaStatus,
    Decision,
    PanelMember,
    Pot,
    Receipt,
    ReportPhoto,
    Supplier,
    Voucher,
    VoucherRedemption,
    VoucherStatus,
)

#: A score per criterion runs from 0 to this.
MAX_POINTS = 5


@dataclass(frozen=True)
class PotSummary:
    """What the pot page shows. budget = remaining + committed + paid, always."""

    budget_cents: int
    committed_cents: int
    paid_cents: int
    remaining_cents: int
    currency: str

    @property
    def is_consistent(self) -> bool:
        return (
            self.remaining_cents >= 0
            and self.committed_cents >= 0
            and self.budget_cents == self.remaining_cents + self.committed_cents + self.paid_cents
        )


def pot_accounts(pot: Pot) -> list[LedgerAccount]:
    """Every ledger account that belongs to the pot."""
    accounts = [pot.account, pot.source_account]
    for application in pot.applications:
        accounts += [
            a
            for a in (application.reservation_account, application.initiative_account)
            if a is not None
        ]
    accounts += [batch.account for batch in pot.batches]
    return accounts


def pot_summary(pot: Pot) -> PotSummary:
    """Budget, committed, paid and remaining, from the ledger's balances.

    committed: reserved for granted applications and outstanding voucher codes;
    paid: what left the pot to initiatives and suppliers, net of money returned.
    """
    reservations = [a.reservation_account for a in pot.applications if a.reservation_account]
    vouchers = [batch.account for batch in pot.batches]
    found = balances([pot.account, pot.source_account, *reservations, *vouchers])
    budget = -found[pot.source_account.id]
    remaining = found[pot.account.id]
    committed = sum(found[a.id] for a in (*reservations, *vouchers))
    return PotSummary(
        budget_cents=budget,
        committed_cents=committed,
        paid_cents=budget - remaining - committed,
        remaining_cents=remaining,
        currency=pot.currency,
    )


def pot_ledger(pot: Pot) -> list[JournalEntry]:
    """The pot's bookings, newest first; `EntryKind.of(entry.kind)` names each."""
    return entries_for_accounts(pot_accounts(pot))


def pot_by_id(pot_id: int) -> Pot | None:
    return db.session.get(Pot, pot_id)


def pots_for_wijk(wijk: Wijk) -> list[Pot]:
    stmt = select(Pot).where(Pot.wijk_id == wijk.id).order_by(Pot.year.desc(), Pot.name)
    return list(db.session.scalars(stmt))


def managed_pots(user: Any) -> list[Pot]:
    """The pots in the wijken `user` manages (every pot for an admin)."""
    if not is_manager(user):
        return []
    stmt = select(Pot).join(Pot.wijk).order_by(Wijk.name, Pot.year.desc(), Pot.name)
    if not can_administer(user):
        stmt = stmt.where(Pot.wijk_id.in_([w.id for w in user.managed_wijken]))
    return list(db.session.scalars(stmt))


def application_by_id(application_id: int) -> Application | None:
    return db.session.get(Application, application_id)


def applications_of(user: User) -> list[Application]:
    stmt = (
        select(Application)
        .where(Application.applicant_id == user.id)
        .order_by(Application.id.desc())
    )
    return list(db.session.scalars(stmt))


def advice_requests_for(user: Any) -> list[Application]:
    """Applications on which `user`, as panel member, is asked for advice and has not given it."""
    if not isinstance(user, User):
        return []
    stmt = (
        select(Application)
        .join(PanelMember, PanelMember.pot_id == Application.pot_id)
        .where(
            PanelMember.user_id == user.id,
            Application.status == ApplicationStatus.advice_requested,
            Application.applicant_id != user.id,
        )
        .order_by(Application.id)
    )
    return [a for a in db.session.scalars(stmt) if not has_advised(user, a)]


@dataclass
class Dashboard:
    pots: list[tuple[Pot, PotSummary]] = field(default_factory=list)
    to_decide: list[Application] = field(default_factory=list)
    awaiting_advice: list[Application] = field(default_factory=list)
    to_pay: list[Application] = field(default_factory=list)
    to_settle: list[Application] = field(default_factory=list)
    consultations: list[Pot] = field(default_factory=list)


def dashboard_for(user: Any) -> Dashboard:
    """The wijkmanager's work: pots with their figures, and what waits for them."""
    board = Dashboard()
    for pot in managed_pots(user):
        board.pots.append((pot, pot_summary(pot)))
        if pot.criteria_status is CriteriaStatus.consultation:
            board.consultations.append(pot)
        for application in pot.applications:
            if application.status is ApplicationStatus.submitted:
                board.to_decide.append(application)
            elif application.status is ApplicationStatus.advice_requested:
                board.awaiting_advice.append(application)
            elif application.status is ApplicationStatus.granted:
                if application.paid_cents < application.granted_cents:
                    board.to_pay.append(application)
                if application.paid_cents:
                    board.to_settle.append(application)
    return board


def comments_are_open(pot: Pot, now: datetime | None = None) -> bool:
    return (
        pot.criteria_status is CriteriaStatus.consultation
        and pot.comments_close_at is not None
        and (now or utcnow()) < pot.comments_close_at
    )


def has_advised(user: User, application: Application) -> bool:
    return any(advice.member_id == user.id for advice in application.advice)


def score_total(application: Application) -> tuple[int, int]:
    """(weighted points, weighted maximum) over the pot's criteria."""
    weights = {c.id: c.weight for c in application.pot.criteria}
    got = sum(s.points * weights.get(s.criterion_id, 0) for s in application.scores)
    return got, MAX_POINTS * sum(weights.values())


def unaccounted_cents(application: Application) -> int:
    """Paid out, minus returned, minus receipts: what the initiative still has to show."""
    spent = application.paid_cents - application.returned_cents
    return max(spent - application.receipts_cents, 0)


def find_voucher(code: str) -> Voucher | None:
    normalised = normalise_code(code)
    if len(normalised) != CODE_LENGTH:
        return None
    return db.session.scalar(select(Voucher).where(Voucher.code_hash == hash_secret(normalised)))


def supplier_by_id(supplier_id: int) -> Supplier | None:
    return db.session.get(Supplier, supplier_id)


def supplier_by_token(token: str) -> Supplier | None:
    if not token or len(token) > 100:
        return None
    stmt = select(Supplier).where(
        Supplier.till_token_hash == hash_secret(token), Supplier.is_active.is_(True)
    )
    return db.session.scalar(stmt)


def suppliers_for_wijk(wijk: Wijk) -> list[Supplier]:
    stmt = select(Supplier).where(Supplier.wijk_id == wijk.id).order_by(Supplier.name)
    return list(db.session.scalars(stmt))


def voucher_counts(pot: Pot) -> dict[int, dict[VoucherStatus, int]]:
    """Per batch id: how many codes are issued (unspent), redeemed and expired."""
    counts: dict[int, dict[VoucherStatus, int]] = {}
    for batch in pot.batches:
        tally = dict.fromkeys(VoucherStatus, 0)
        for voucher in batch.vouchers:
            tally[voucher.status] += 1
        counts[batch.id] = tally
    return counts


def decisions_export(pot: Pot | None = None) -> list[dict[str, Any]]:
    """Every decision as open data: no names or contact details of the applicants."""
    stmt = (
        select(Decision)
        .join(Decision.application)
        .join(Application.pot)
        .join(Pot.wijk)
        .join(Wijk.municipality)
        .options(
            selectinload(Decision.application).selectinload(Application.scores),
            selectinload(Decision.application).selectinload(Application.payouts),
            selectinload(Decision.application).selectinload(Application.returns),
            selectinload(Decision.application).selectinload(Application.advice),
        )
        .order_by(Municipality.name, Wijk.name, Pot.year, Pot.id, Decision.id)
    )
    if pot is not None:
        stmt = stmt.where(Application.pot_id == pot.id)
    rows = []
    for decision in db.session.scalars(stmt):
        application = decision.application
        points, maximum = score_total(application)
        rows.append(
            {
                "decision_id": decision.id,
                "decided_at": decision.decided_at.isoformat(),
                "municipality": application.pot.wijk.municipality.name,
                "wijk": application.pot.wijk.name,
                "wijk_code": application.pot.wijk.cbs_code,
                "pot_id": application.pot.id,
                "pot": application.pot.name,
                "year": application.pot.year,
                "source": application.pot.source_name,
                "source_kind": application.pot.source_kind.value,
                "application_id": application.id,
                "title": application.title,
                "group": application.group_name or "",
                "currency": application.pot.currency,
                "requested_cents": application.amount_requested_cents,
                "outcome": decision.outcome.value,
                "granted_cents": decision.amount_granted_cents,
                "reasons": decision.reasons,
                "score": points if application.scores else None,
                "score_max": maximum if application.scores else None,
                "panel_advice": len(application.advice),
                "paid_cents": application.paid_cents,
                "returned_cents": application.returned_cents,
                "status": application.status.value,
            }
        )
    return rows


@dataclass(frozen=True)
class ApplicationMoney:
    granted_cents: int
    paid_cents: int
    returned_cents: int
    receipts_cents: int
    #: Reserved and not yet paid out (the reservation account).
    to_pay_cents: int
    #: Paid out and not returned (the initiative account).
    held_cents: int
    #: Paid out, not returned and not covered by receipts.
    unaccounted_cents: int


def application_money(application: Application) -> ApplicationMoney:
    accounts = [
        a
        for a in (application.reservation_account, application.initiative_account)
        if a is not None
    ]
    found = balances(accounts)
    reservation, initiative = application.reservation_account, application.initiative_account
    return ApplicationMoney(
        granted_cents=application.granted_cents,
        paid_cents=application.paid_cents,
        returned_cents=application.returned_cents,
        receipts_cents=application.receipts_cents,
        to_pay_cents=found[reservation.id] if reservation else 0,
        held_cents=found[initiative.id] if initiative else 0,
        unaccounted_cents=unaccounted_cents(application),
    )


def receipt_by_image(name: str) -> Receipt | None:
    return db.session.scalar(select(Receipt).where(Receipt.image_name == name))


def report_photo_by_image(name: str) -> ReportPhoto | None:
    return db.session.scalar(select(ReportPhoto).where(ReportPhoto.image_name == name))


def redemption_of_claim(claim: IdempotencyKey, supplier: Supplier) -> VoucherRedemption:
    """The payment a till's form made the first time it was sent (see `samenhang.idempotency`).

    Only that supplier's till sees it; for anyone else the key is as good as expired.
    """
    kind, _, ident = (claim.result_ref or "").partition(":")
    found = db.session.get(VoucherRedemption, int(ident)) if ident.isdigit() else None
    if kind != "VoucherRedemption" or found is None or found.supplier_id != supplier.id:
        raise KeyRefused(_l("The form had expired. Please send it again."))
    return found
