"""Voucher codes: suppliers with a till link, codes issued from a pot, spent at a till,
and the value of expired codes back in the pot."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from sqlalchemy import select, update

from samenhang.accounts.models import User
from samenhang.audit.services import log_event
from samenhang.db import utcnow
from samenhang.errors import DomainError
from samenhang.extensions import db
from samenhang.ledger.models import AccountKind
from samenhang.ledger.services import InsufficientFunds, open_account, post_entry, transfer
from samenhang.localtime import end_of_day, local_date
from samenhang.places.models import Wijk
from samenhang.policies import require_manager
from samenhang.vouchers.codes import hash_secret, new_code, new_till_token, normalise_code
from samenhang.vouchers.models import (
    EntryKind,
    Pot,
    Supplier,
    Voucher,
    VoucherBatch,
    VoucherRedemption,
    VoucherStatus,
)
from samenhang.vouchers.queries import find_voucher
from samenhang.vouchers.services.common import (
    format_amount,
    locked_pot,
    over_committed,
    require_positive,
)

MAX_VOUCHERS_PER_BATCH = 500


class VoucherRefused(DomainError):
    """A till refuses a code: unknown, used, expired, elsewhere or for too much."""


def create_supplier(
    wijk: Wijk, name: str, address: str = "", *, actor: User
) -> tuple[Supplier, str]:
    """A participating supplier and the secret of its till link (shown once, stored hashed)."""
    require_manager(actor, wijk)
    name = name.strip()[:120]
    if not name:
        raise DomainError(_l("A supplier needs a name."))
    exists = db.session.scalar(
        select(Supplier.id).where(Supplier.wijk_id == wijk.id, Supplier.name == name)
    )
    if exists is not None:
        raise DomainError(
            _l("There is already a supplier with this name in {wijk}."), wijk=wijk.name
        )
    token = new_till_token()
    supplier = Supplier(
        wijk=wijk,
        name=name,
        address=address.strip()[:200],
        till_token_hash=hash_secret(token),
        account=open_account(AccountKind.payee, f"{name} ({wijk.name})", wijk=wijk),
    )
    db.session.add(supplier)
    db.session.flush()
    log_event(actor, "supplier.created", supplier, wijk=wijk, after={"name": name}, public=True)
    return supplier, token


def renew_till_link(supplier: Supplier, *, actor: User) -> str:
    """A new till secret; the old link stops working at once."""
    require_manager(actor, supplier.wijk)
    token = new_till_token()
    supplier.till_token_hash = hash_secret(token)
    log_event(actor, "supplier.till_link_renewed", supplier, wijk=supplier.wijk)
    return token


def issue_vouchers(
    pot: Pot,
    label: str,
    value_cents: int,
    quantity: int,
    expires_on: date,
    suppliers: Sequence[Supplier],
    *,
    actor: User,
    now: datetime | None = None,
) -> tuple[VoucherBatch, list[str]]:
    """Issue `quantity` codes worth `value_cents` each; their total is reserved in the pot.
    Returns the codes in plain text: they are shown once and stored only hashed."""
    require_manager(actor, pot.wijk)
    now = now or utcnow()
    require_positive(value_cents, _l("A voucher is worth more than zero."))
    if not 1 <= quantity <= MAX_VOUCHERS_PER_BATCH:
        raise DomainError(
            lazy_ngettext(
                "Issue 1 to {maximum} voucher at a time.",
                "Issue 1 to {maximum} vouchers at a time.",
                MAX_VOUCHERS_PER_BATCH,
            ),
            maximum=MAX_VOUCHERS_PER_BATCH,
        )
    if not label.strip():
        raise DomainError(_l("Say what the vouchers are for."))
    expires_at = end_of_day(expires_on)
    if expires_at <= now:
        raise DomainError(_l("The expiry date must be in the future."))
    if not suppliers:
        raise DomainError(_l("Choose at least one supplier where the vouchers can be spent."))
    if any(s.wijk_id != pot.wijk_id or not s.is_active for s in suppliers):
        raise DomainError(_l("Choose active suppliers of this wijk."))
    total = value_cents * quantity
    codes = [new_code() for _ in range(quantity)]
    with db.session.begin_nested():
        pot = locked_pot(pot)
        if not pot.is_open:
            raise DomainError(_l("This pot is not open."))
        batch = VoucherBatch(
            pot=pot,
            label=label.strip()[:200],
            value_cents=value_cents,
            quantity=quantity,
            expires_at=expires_at,
            suppliers=list(suppliers),
            created_by=actor,
            account=open_account(
                AccountKind.voucher, f"{label.strip()} ({pot.name})", wijk=pot.wijk
            ),
            vouchers=[
                Voucher(code_hash=hash_secret(normalise_code(c)), code_hint=normalise_code(c)[-4:])
                for c in codes
            ],
        )
        db.session.add(batch)
        db.session.flush()
        try:
            post_entry(
                transfer(pot.account, batch.account, total),
                kind=EntryKind.voucher_issued,
                reason=f"{quantity} × {format_amount(value_cents, pot)}: {batch.label}",
                actor=actor,
                obj=batch,
            )
        except InsufficientFunds as exc:
            raise over_committed(pot, total) from exc
    log_event(
        actor,
        "voucher.batch_issued",
        batch,
        wijk=pot.wijk,
        after={
            "quantity": quantity,
            "value_cents": value_cents,
            "expires_at": expires_at.isoformat(),
            "suppliers": [s.id for s in suppliers],
        },
        public=True,
    )
    return batch, codes


def redeem_voucher(
    code: str, amount_cents: int, *, supplier: Supplier, now: datetime | None = None
) -> VoucherRedemption:
    """Spend a code at a supplier: once, up to its value, before it expires. The supplier
    gets `amount_cents`; the rest of the code's value goes back to the pot. The supplier
    acts through its till link, without an account: it takes the place of `actor`."""
    now = now or utcnow()
    voucher = find_voucher(code)
    if voucher is None:
        raise VoucherRefused(_l("This code is not valid. Check the letters and numbers."))
    batch = voucher.batch
    pot = batch.pot
    if not supplier.is_active or supplier not in batch.suppliers:
        raise VoucherRefused(
            _l("This voucher cannot be spent at {supplier}."), supplier=supplier.name
        )
    if voucher.status is VoucherStatus.redeemed:
        raise VoucherRefused(_l("This voucher has already been used."))
    if voucher.status is VoucherStatus.expired or now >= batch.expires_at:
        raise VoucherRefused(
            _l("This voucher expired on {date}."),
            date=local_date(batch.expires_at).strftime("%d-%m-%Y"),
        )
    if isinstance(amount_cents, bool) or not isinstance(amount_cents, int) or amount_cents <= 0:
        raise VoucherRefused(_l("The amount must be more than zero."))
    if amount_cents > batch.value_cents:
        raise VoucherRefused(
            _l("This voucher is worth {value}; the amount is higher."),
            value=format_amount(batch.value_cents, pot),
        )
    with db.session.begin_nested():
        # The claim: exactly one transaction can move the code from issued to redeemed.
        claimed = db.session.execute(
            update(Voucher)
            .where(Voucher.id == voucher.id, Voucher.status == VoucherStatus.issued)
            .values(status=VoucherStatus.redeemed, redeemed_at=now)
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount != 1:
            raise VoucherRefused(_l("This voucher has already been used."))
        rest = batch.value_cents - amount_cents
        lines = transfer(batch.account, supplier.account, amount_cents)
        if rest:
            lines += transfer(batch.account, pot.account, rest)
        entry = post_entry(
            lines,
            kind=EntryKind.voucher_redeemed,
            reason=f"{batch.label}: …{voucher.code_hint} → {supplier.name}",
            actor=None,
            obj=voucher,
        )
        redemption = VoucherRedemption(
            voucher_id=voucher.id, supplier=supplier, amount_cents=amount_cents, entry=entry
        )
        db.session.add(redemption)
        db.session.flush()
    db.session.expire(voucher)
    log_event(
        None,
        "voucher.redeemed",
        voucher,
        wijk=pot.wijk,
        after={"supplier_id": supplier.id, "amount_cents": amount_cents, "returned_cents": rest},
    )
    return redemption


def expire_vouchers(
    pot: Pot | None = None, *, actor: User | None, now: datetime | None = None
) -> int:
    """Return the value of expired, unspent codes to their pots. Returns how many expired.
    Run by a wijkmanager for one pot, or by the `samenhang expire-vouchers` job for all."""
    now = now or utcnow()
    if pot is not None:
        require_manager(actor, pot.wijk)
    stmt = select(VoucherBatch).where(VoucherBatch.expires_at <= now).order_by(VoucherBatch.id)
    if pot is not None:
        stmt = stmt.where(VoucherBatch.pot_id == pot.id)
    expired = 0
    for batch in db.session.scalars(stmt).all():
        with db.session.begin_nested():
            ids = list(
                db.session.scalars(
                    select(Voucher.id).where(
                        Voucher.batch_id == batch.id, Voucher.status == VoucherStatus.issued
                    )
                )
            )
            if not ids:
                continue
            result = db.session.execute(
                update(Voucher)
                .where(Voucher.id.in_(ids), Voucher.status == VoucherStatus.issued)
                .values(status=VoucherStatus.expired, expired_at=now)
                .execution_options(synchronize_session=False)
            )
            count = result.rowcount
            if count:
                post_entry(
                    transfer(batch.account, batch.pot.account, count * batch.value_cents),
                    kind=EntryKind.voucher_expired,
                    reason=f"{count} × {batch.label}",
                    actor=actor,
                    obj=batch,
                )
                log_event(
                    actor,
                    "voucher.batch_expired",
                    batch,
                    wijk=batch.pot.wijk,
                    after={"expired": count, "returned_cents": count * batch.value_cents},
                    public=True,
                )
                expired += count
        for voucher in batch.vouchers:
            db.session.expire(voucher)
    return expired
