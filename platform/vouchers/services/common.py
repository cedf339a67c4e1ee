"""What the services of the area share: money checks, row locks."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from samenhang.errors import DomainError
from samenhang.extensions import db
from samenhang.i18n import format_money
from samenhang.ledger.models import LedgerAccount
from samenhang.ledger.queries import balances
from samenhang.vouchers.models import Application, Pot


class PotOverCommitted(DomainError):
    """A grant or a batch of vouchers needs more than the pot has left."""


def require_positive(amount_cents: int, message: Any = None) -> None:
    if isinstance(amount_cents, bool) or not isinstance(amount_cents, int):
        raise DomainError(_l("An amount must be a whole number of cents."))
    if amount_cents <= 0:
        raise DomainError(message or _l("The amount must be more than zero."))


def format_amount(amount_cents: int, pot: Pot) -> str:
    return format_money(amount_cents, pot.currency)


def locked_pot(pot: Pot) -> Pot:
    """Take the pot's row lock (PostgreSQL), so decisions on one pot happen one at a time."""
    stmt = (
        select(Pot)
        .where(Pot.id == pot.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return db.session.scalars(stmt).one()


def locked_application(application: Application) -> Application:
    stmt = (
        select(Application)
        .where(Application.id == application.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return db.session.scalars(stmt).one()


def balance_of(account: LedgerAccount | None) -> int:
    if account is None:
        return 0
    return balances([account])[account.id]


def over_committed(pot: Pot, needed: int) -> PotOverCommitted:
    remaining = balance_of(pot.account)
    return PotOverCommitted(
        _l("The pot has only {remaining} left, and this needs {needed}. Nothing was changed."),
        remaining=format_amount(remaining, pot),
        needed=format_amount(needed, pot),
    )
