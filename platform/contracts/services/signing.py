"""From draft to contract: signing opens when the comment period is over, each party signs
the fixed text, and a signed contract changes only through a signed amendment."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l

from samenhang.accounts.models import User
from samenhang.audit.services import log_event
from samenhang.contracts.models import Contract, ContractStatus, Party, Signature
from samenhang.contracts.services.common import clean_text, require_writer
from samenhang.contracts.services.copying import copy_goal, copy_party, sync_progress_state
from samenhang.contracts.text import content_hash
from samenhang.db import utcnow
from samenhang.errors import DomainError
from samenhang.extensions import db
from samenhang.policies import require_act_for


def open_signing(contract: Contract, *, actor: User, now: datetime | None = None) -> None:
    """Fix the text after the comment period; from now on the parties sign it."""
    require_writer(actor, contract)
    now = now or utcnow()
    if contract.status is not ContractStatus.consultation or contract.comments_close_at is None:
        raise DomainError(_l("Publish the draft for comments first."))
    if now <= contract.comments_close_at:
        raise DomainError(_l("Residents can still comment; signing starts after that."))
    contract.status = ContractStatus.signing
    contract.signing_opened_at = now
    contract.content_hash = content_hash(contract)
    log_event(
        actor,
        "contract.signing_opened",
        contract,
        wijk=contract.wijk,
        after={"content_hash": contract.content_hash},
    )


def sign(party: Party, *, actor: User, now: datetime | None = None) -> Signature:
    """`actor` signs for `party`; the last signature puts the contract in force."""
    contract = party.contract
    require_act_for(actor, party)
    if contract.status in (ContractStatus.signed, ContractStatus.superseded):
        raise DomainError(_l("This buurtcontract is already signed."))
    if contract.status is not ContractStatus.signing:
        raise DomainError(_l("Signing has not started yet."))
    if party.signature is not None:
        raise DomainError(_l("{party} has already signed."), party=party.name)
    if content_hash(contract) != contract.content_hash:
        # The text is fixed by the services and a flush guard; this is the last line.
        raise RuntimeError(f"{contract!r} changed after signing opened")
    now = now or utcnow()
    signature = Signature(
        user=actor,
        signer_name=actor.display_name,
        content_hash=contract.content_hash,
        signed_at=now,
    )
    party.signature = signature
    db.session.flush()
    log_event(
        actor,
        "contract.signed_by",
        contract,
        wijk=contract.wijk,
        after={"party": party.name},
    )
    if all(p.signature is not None for p in contract.parties):
        _put_in_force(contract, now)
    return signature


def _put_in_force(contract: Contract, now: datetime) -> None:
    contract.status = ContractStatus.signed
    contract.signed_at = now
    previous = contract.amends
    if previous is not None:
        previous.status = ContractStatus.superseded
        by_id = {g.id: g for g in previous.goals}
        for goal in contract.goals:
            if goal.amends_id in by_id:
                sync_progress_state(by_id[goal.amends_id], goal)
    log_event(None, "contract.in_force", contract, wijk=contract.wijk)


def amend(contract: Contract, reason: str, *, actor: User) -> Contract:
    """Start the next version of a signed contract: a draft copy that the parties sign again."""
    require_writer(actor, contract)
    if contract.status is not ContractStatus.signed:
        raise DomainError(_l("Only the signed contract in force can be amended."))
    if contract.amended_by is not None:
        raise DomainError(_l("An amendment of this contract is already being prepared."))
    amendment = Contract(
        wijk=contract.wijk,
        year=contract.year,
        version=contract.version + 1,
        preamble=contract.preamble,
        amends=contract,
        amendment_reason=clean_text(reason, _l("Say why the contract is amended.")),
        created_by_id=actor.id,
    )
    db.session.add(amendment)
    for party in contract.parties:
        copy_party(party, amendment)
    for goal in contract.goals:
        copy_goal(goal, amendment, amends=True)
    db.session.flush()
    log_event(
        actor,
        "contract.amendment_started",
        amendment,
        wijk=contract.wijk,
        after={"reason": amendment.amendment_reason, "amends": contract.id},
    )
    return amendment
