"""What every buurtcontract service starts with: the rules on a version's status.

The audit entries of this area are not public: the wijk's public log lists moderation
decisions, and the contract pages show their own history (signatures, progress, status)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext

from samenhang import policies
from samenhang.contracts.models import Contract, ContractStatus
from samenhang.errors import DomainError

MAX_TEXT = 4000


class ContractIsFixed(DomainError):
    """The text of a version that is being signed, or is signed, never changes."""

    status = 409
    kind = "conflict"


def require_writer(actor: Any, contract: Contract) -> None:
    policies.require_writer(actor, contract.wijk)


def require_editable(contract: Contract) -> None:
    if contract.status in (ContractStatus.signed, ContractStatus.superseded):
        raise ContractIsFixed(
            _l("This buurtcontract is signed and cannot be changed. Propose an amendment.")
        )
    if contract.status is ContractStatus.signing:
        raise ContractIsFixed(_l("The parties are signing this text; it cannot change now."))


def require_in_force(contract: Contract) -> None:
    """Progress is given on the version in force: signed, not replaced."""
    if contract.status is ContractStatus.superseded:
        raise DomainError(_l("A newer version of this buurtcontract replaced this one."))
    if contract.status is not ContractStatus.signed:
        raise DomainError(_l("This is possible once every party has signed the contract."))


def clean_text(text: str | None, message: Any, limit: int = MAX_TEXT) -> str:
    """Required text, trimmed; too long is refused rather than cut."""
    cleaned = (text or "").strip()
    if not cleaned:
        raise DomainError(message)
    if len(cleaned) > limit:
        raise DomainError(
            lazy_ngettext(
                "This text is too long: at most {limit} character.",
                "This text is too long: at most {limit} characters.",
                limit,
            ),
            limit=limit,
        )
    return cleaned
