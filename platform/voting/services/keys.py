"""The counting key of a round: created when voting opens, rebuilt from two key shares to
open the sealed ballots at the count, and what a round can do when the shares are lost
(annul it, with public reasons).

Opening the sealed ballots writes them again as plain rows, shuffled, with new random ids
and no receipt, and clears every ciphertext, in the count's one transaction: afterwards
no row that holds a choice was written together with a register row, and the plain rows'
order is random. See docs/ballot-secrecy.md.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import date

from flask_babel import lazy_gettext as _l
from nacl.public import PrivateKey
from sqlalchemy import func, select, update

from samenhang.accounts.models import User
from samenhang.audit.services import log_event
from samenhang.db import utcnow
from samenhang.errors import DomainError
from samenhang.extensions import db
from samenhang.policies import require_manager
from samenhang.voting import live, sealing, turnout
from samenhang.voting.models import Ballot, Channel, Phase, Round, new_ballot_id
from samenhang.voting.services.common import clean_reason, lock_round


class KeyShareError(DomainError):
    """Key shares typed at the count that cannot open the round's ballots."""

    kind = "key_share"


#: Who holds each key share (by its number): the count needs two of them.
HOLDERS = {
    1: _l("the wijkmanager"),
    2: _l("a second official of the municipality"),
    3: _l("the bewonersraad"),
}

_MISTYPED = _l(
    "The key share in box {box} is not typed correctly. Check each character against the paper."
)
_OTHER_ROUND = _l(
    "The key share in box {box} belongs to another round. Use the shares of this round"
    " (key {fingerprint})."
)
_SAME_TWICE = _l(
    "You typed the same key share twice. Two different holders each type their own share."
)
_TOO_FEW = _l("Type two of the three key shares.")
_NO_MATCH = _l("These key shares do not open the ballots of this round.")
_ANNULLED = _l("This round was annulled. It cannot be counted.")


def create_counting_key(round_: Round, *, actor: User) -> sealing.CountingKey:
    """A new counting key for a round whose vote opens (`change_phase`): only its public
    half and fingerprint are kept; the three key shares are returned to be shown once."""
    require_manager(actor, round_.wijk)
    if round_.counting_public_key is not None:
        raise DomainError(_l("This round already has a counting key."))
    key = sealing.new_counting_key(round_.id)
    round_.counting_public_key = key.public_key.hex()
    round_.counting_key_fingerprint = key.fingerprint
    log_event(
        actor,
        "stemdag.key_created",
        round_,
        wijk=round_.wijk,
        after={
            "fingerprint": key.fingerprint,
            "holders": sealing.HOLDERS,
            "quorum": sealing.QUORUM,
        },
        public=True,
    )
    return key


def check_share(round_: Round, text: str) -> sealing.Share:
    """A key share of this round, read from its text (to print it again as a PDF)."""
    shares = _read_shares(round_, [text])
    if not shares:
        raise KeyShareError(_MISTYPED, box=1)
    return shares[0]


def _read_shares(round_: Round, texts: Sequence[str]) -> list[sealing.Share]:
    shares = []
    for box, text in enumerate(texts, start=1):
        if not (text or "").strip():
            continue
        try:
            share = sealing.parse_share(text)
        except sealing.ShareError as exc:
            raise KeyShareError(_MISTYPED, box=box) from exc
        if share.round_id != round_.id or share.fingerprint != round_.counting_key_fingerprint:
            raise KeyShareError(
                _OTHER_ROUND, box=box, fingerprint=round_.counting_key_fingerprint or "-"
            )
        shares.append(share)
    return shares


def _private_key(round_: Round, texts: Sequence[str]) -> PrivateKey:
    shares = _read_shares(round_, texts)
    public_key = round_.public_key
    assert public_key is not None
    try:
        return sealing.combine(shares, round_.id, public_key)
    except sealing.ShareError as exc:
        message = {"same_twice": _SAME_TWICE, "too_few": _TOO_FEW}.get(exc.reason, _NO_MATCH)
        raise KeyShareError(message) from exc


def sealed_count(round_: Round) -> int:
    """How many ballots of the round are still sealed (superseded ones too)."""
    stmt = select(func.count(Ballot.id)).where(
        Ballot.round_id == round_.id, Ballot.sealed.is_not(None)
    )
    return int(db.session.scalar(stmt) or 0)


def unseal_ballots(round_: Round, share_texts: Sequence[str], *, actor: User) -> int:
    """Open the round's sealed ballots with two key shares, in the counting phase.

    The current ones are written again as plain rows in a random order (new random ids,
    no receipt, today's date), and every ciphertext is cleared; the cast rows keep their
    receipt and superseded flag for the receipt check. Who cast them (the language,
    device and age band sealed with each) is only added up, on the round
    (`Round.ballot_profile`), never written beside a choice. Returns how many were opened.
    """
    require_manager(actor, round_.wijk)
    round_ = lock_round(round_)
    if round_.is_annulled:
        raise DomainError(_ANNULLED)
    if round_.phase is not Phase.counting:
        raise DomainError(_l("Close the vote (phase: counting) before you count."))
    key = _private_key(round_, share_texts)
    rows = db.session.execute(
        select(Ballot.sealed, Ballot.is_superseded).where(
            Ballot.round_id == round_.id, Ballot.sealed.is_not(None)
        )
    ).all()
    opened = []
    for sealed, superseded in rows:
        if superseded:
            continue
        try:
            opened.append(sealing.unseal(key, sealed))
        except ValueError as exc:
            raise DomainError(
                _l("A sealed ballot cannot be opened with this key. Nothing was changed.")
            ) from exc
    # Counts only: a profile next to its choice would name the one Arabic-speaking voter
    # aged 65 or over and what they chose.
    round_.ballot_profile = turnout.add_up(
        (ballot.profile for ballot in opened), asks_age_band=round_.asks_age_band
    )
    # The order the plain rows are written in is all a dump or a page of the table shows.
    secrets.SystemRandom().shuffle(opened)
    db.session.execute(
        update(Ballot)
        .where(Ballot.round_id == round_.id, Ballot.sealed.is_not(None))
        .values(sealed=None)
        .execution_options(synchronize_session=False)
    )
    today = date.today()
    if opened:
        db.session.execute(
            Ballot.__table__.insert(),
            [
                {
                    "id": new_ballot_id(),
                    "round_id": round_.id,
                    "channel": Channel.online,
                    "selection": ballot.selection,
                    "points": ballot.points,
                    "is_blank": ballot.is_blank,
                    "sealed": None,
                    "is_superseded": False,
                    "receipt_hash": None,
                    "owner_hash": None,
                    "batch_id": None,
                    "cast_on": today,
                }
                for ballot in opened
            ],
        )
    log_event(
        actor,
        "stemdag.unsealed",
        round_,
        wijk=round_.wijk,
        after={
            "ballots": len(opened),
            "superseded": len(rows) - len(opened),
            "fingerprint": round_.counting_key_fingerprint,
        },
        public=True,
    )
    return len(opened)


def annul_round(round_: Round, reason: str, *, actor: User) -> None:
    """Annul a round that is voting or counting, e.g. when two of its key shares are lost
    and its online ballots can never be opened. Final: the round stops taking ballots,
    is never counted nor published; the reasons are public."""
    require_manager(actor, round_.wijk)
    reason = clean_reason(reason)
    round_ = lock_round(round_)
    if round_.is_annulled:
        raise DomainError(_l("This round is already annulled."))
    if round_.is_imported or round_.phase not in (Phase.voting, Phase.counting):
        raise DomainError(_l("Only a round that is voting or counting can be annulled."))
    before = round_.phase
    # Out of the voting phase: the statement that casts a ballot refuses it from now on.
    round_.phase = Phase.counting
    live.forget_round(round_.id)
    round_.annulled_at = utcnow()
    round_.annulled_reason = reason
    round_.updated_at = utcnow()
    log_event(
        actor,
        "stemdag.annulled",
        round_,
        wijk=round_.wijk,
        before={"phase": before.value},
        after={"phase": round_.phase.value, "reason": reason},
        public=True,
    )
