"""Who takes part: bewonersraad members and the people authorised to act for a party (both
granted by the wijkmanager), and residents who follow the buurtcontract."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from samenhang.accounts.models import User
from samenhang.audit.services import log_event
from samenhang.contracts.models import (
    BewonersraadMember,
    ContractStatus,
    Follower,
    Party,
    Signatory,
)
from samenhang.errors import DomainError
from samenhang.extensions import db
from samenhang.places.models import Wijk
from samenhang.policies import is_bewonersraad_member, is_member, require_manager


def _require_account(user: User | None) -> User:
    """`user` as found by e-mail address: an active account, or a clear refusal."""
    if user is None or not is_member(user):
        raise DomainError(_l("There is no active account with this e-mail address."))
    return user


def grant_membership(wijk: Wijk, user: User | None, *, actor: User) -> BewonersraadMember:
    require_manager(actor, wijk)
    user = _require_account(user)
    if is_bewonersraad_member(user, wijk):
        raise DomainError(_l("{name} is already on the bewonersraad."), name=user.display_name)
    member = BewonersraadMember(wijk=wijk, user=user, granted_by_id=actor.id)
    db.session.add(member)
    db.session.flush()
    log_event(actor, "bewonersraad.granted", user, wijk=wijk, after={"wijk": wijk.id})
    return member


def end_membership(wijk: Wijk, user: User, *, actor: User) -> None:
    require_manager(actor, wijk)
    member = db.session.get(BewonersraadMember, (wijk.id, user.id))
    if member is None:
        raise DomainError(_l("{name} is not on the bewonersraad."), name=user.display_name)
    db.session.delete(member)
    log_event(actor, "bewonersraad.ended", user, wijk=wijk, before={"wijk": wijk.id})


def authorise_signatory(party: Party, user: User | None, *, actor: User) -> None:
    """Let `user` sign and report for `party` (e.g. the corporatie's area manager)."""
    wijk = party.contract.wijk
    require_manager(actor, wijk)
    user = _require_account(user)
    if party.contract.status is ContractStatus.superseded:
        raise DomainError(_l("A newer version of this buurtcontract replaced this one."))
    if any(s.user_id == user.id for s in party.signatories):
        raise DomainError(
            _l("{name} may already act for {party}."), name=user.display_name, party=party.name
        )

    party.signatories.append(Signatory(user=user, authorised_by_id=actor.id))
    log_event(actor, "contract.signatory_authorised", party, wijk=wijk, after={"user": user.id})


def revoke_signatory(party: Party, user: User, *, actor: User) -> None:
    wijk = party.contract.wijk
    require_manager(actor, wijk)
    found = [s for s in party.signatories if s.user_id == user.id]
    if not found:
        raise DomainError(
            _l("{name} may not act for {party}."), name=user.display_name, party=party.name
        )
    party.signatories.remove(found[0])
    log_event(actor, "contract.signatory_revoked", party, wijk=wijk, before={"user": user.id})


def follow(wijk: Wijk, *, user: User) -> None:
    if not is_member(user):
        raise DomainError(_l("Sign in to follow the buurtcontract"))
    if db.session.get(Follower, (wijk.id, user.id)) is None:
        db.session.add(Follower(wijk=wijk, user=user))


def unfollow(wijk: Wijk, *, user: User) -> None:
    found = db.session.get(Follower, (wijk.id, user.id))
    if found is not None:
        db.session.delete(found)
