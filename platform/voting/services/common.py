"""What the services of a wijkstemdag share: locking the round, the rules for reasons, and
reading how many rows a conditional UPDATE changed."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from sqlalchemy import select

from samenhang.errors import DomainError
from samenhang.extensions import db
from samenhang.voting.models import Round

if TYPE_CHECKING:
    from samenhang.voting.services.ballots import VotingRound

MAX_REASON_LENGTH = 2000


def require_editable(round_: Round) -> None:
    if not round_.is_editable:
        raise DomainError(
            _l("Voting has opened: the budget, the rules and the projects can no longer change.")
        )


def clean_reason(reason: str, required: bool = True) -> str:
    reason = (reason or "").strip()
    if required and not reason:
        raise DomainError(_l("Please write the reasons. Residents see them."))
    if len(reason) > MAX_REASON_LENGTH:
        raise DomainError(
            lazy_ngettext(
                "The text is too long. The maximum is {count} character.",
                "The text is too long. The maximum is {count} characters.",
                MAX_REASON_LENGTH,
            ),
            count=MAX_REASON_LENGTH,
        )
    return reason


def rows_changed(result: Any) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


def lock_round(round_: VotingRound, *, shared: bool = False) -> Round:
    """Re-read the round's row with a lock: FOR UPDATE to change the phase, FOR SHARE to
    cast a ballot. So a ballot never lands after the phase has moved on (PostgreSQL;
    SQLite writes one transaction at a time anyway)."""
    locked = db.session.scalars(
        select(Round)
        .where(Round.id == round_.id)
        .with_for_update(read=shared)
        .execution_options(populate_existing=True)
    ).one()
    return locked
