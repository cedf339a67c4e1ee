"""Sealed ballots: the round's counting key, its key shares, and sealing a ballot's content.

When voting opens a random 16-byte secret is drawn. The round's private counting key (an
X25519 key) is derived from it with HKDF-SHA256, bound to the round's id; only the public
key and its fingerprint are stored. The secret itself is split 2-of-3 with Shamir secret
sharing and handed to three holders on paper; it is never stored. Online ballots are sealed
to the public key (a libsodium sealed box: an anonymous sender, so nothing in the
ciphertext says who sealed it), so nobody holding the database, its dumps or its WAL can
read a ballot that still sits next to its register row. At the count two holders type their
shares, the secret is rebuilt, the key derived again and the ballots opened.

Pure code: no Flask, no database. See docs/ballot-secrecy.md.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from Crypto.Hash import SHA256
from Crypto.Protocol.KDF import HKDF
from Crypto.Protocol.SecretSharing import Shamir
from nacl.exceptions import CryptoError
from nacl.public import PrivateKey, PublicKey, SealedBox

SECRET_BYTES = 16
#: Shares needed to rebuild the secret, and shares handed out.
QUORUM = 2
HOLDERS = 3
#: Checksum bytes in a share's text: a mistyped share is told apart from a wrong one.
_CHECK_BYTES = 4
_KDF_SALT = b"samenhang/stemdag/counting-key"
#: What people mistype in base32 (which has no 0, 1, 8 or 9).
_LOOKALIKES = str.maketrans({"0": "O", "1": "I", "8": "B"})
_SHARE = re.compile(r"^S(\d+)-(\d+)-([A-Z0-9-]+)$")


class ShareError(ValueError):
    """A share's text that cannot be read: `reason` says why, `index` which holder's it
    claims to be (when that much could be read)."""

    def __init__(self, reason: str, index: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.index = index


@dataclass(frozen=True)
class Share:
    """One holder's part of a round's secret, as typed back at the count."""

    index: int
    round_id: int
    fingerprint: str
    value: bytes

    @property
    def text(self) -> str:
        return share_text(self)


@dataclass(frozen=True)
class CountingKey:
    """What opening a round's vote creates: the public key to store, its fingerprint and
    the holders' shares (to be shown once, never stored)."""

    round_id: int
    public_key: bytes
    fingerprint: str
    shares: tuple[Share, ...]


def _b32(data: bytes) -> str:
    return base64.b32encode(data).decode("ascii").rstrip("=")


def derive_private_key(secret: bytes, round_id: int) -> PrivateKey:
    """The round's private counting key, from the secret the shares rebuild."""
    seed = HKDF(secret, 32, _KDF_SALT, SHA256, context=f"round:{round_id}".encode())
    assert isinstance(seed, bytes)
    return PrivateKey(seed)


def fingerprint(public_key: bytes) -> str:
    """Eight characters that name a counting key: printed on the shares, kept on the round."""
    return _b32(hashlib.sha256(b"samenhang/fingerprint/" + public_key).digest())[:8]


def new_counting_key(round_id: int) -> CountingKey:
    """A fresh key for a round: a random secret, split 2 of 3; the secret is dropped here."""
    secret = secrets.token_bytes(SECRET_BYTES)
    public = bytes(derive_private_key(secret, round_id).public_key)
    mark = fingerprint(public)
    shares = tuple(
        Share(index=index, round_id=round_id, fingerprint=mark, value=value)
        for index, value in Shamir.split(QUORUM, HOLDERS, secret, ssss=False)
    )
    return CountingKey(round_id=round_id, public_key=public, fingerprint=mark, shares=shares)


def _checksum(index: int, round_id: int, mark: str, value: bytes) -> bytes:
    head = f"S{index}-{round_id}-{mark}".encode()
    return hashlib.sha256(head + value).digest()[:_CHECK_BYTES]


def share_text(share: Share) -> str:
    """`S1-12-K7QMXWDA-ABCD-EFGH-...`: the holder's number, the round, the key's
    fingerprint, then the share and a checksum in base32, in groups of four."""
    body = _b32(
        share.value + _checksum(share.index, share.round_id, share.fingerprint, share.value)
    )
    groups = "-".join(body[i : i + 4] for i in range(0, len(body), 4))
    return f"S{share.index}-{share.round_id}-{share.fingerprint}-{groups}"


def parse_share(text: str) -> Share:
    """A share from what a holder typed (spaces, lower case and 0/1/8 for O/I/B forgiven);
    `ShareError("mistyped")` when it cannot be read or its checksum fails."""
    cleaned = re.sub(r"\s+", "", text or "").upper()
    match = _SHARE.match(cleaned)
    if match is None:
        raise ShareError("mistyped")
    index, round_id = int(match.group(1)), int(match.group(2))
    rest = match.group(3).replace("-", "").translate(_LOOKALIKES)
    body_length = 8 + len(_b32(bytes(SECRET_BYTES + _CHECK_BYTES)))
    if not 1 <= index <= HOLDERS or len(rest) != body_length:
        raise ShareError("mistyped", index if 1 <= index <= HOLDERS else None)
    mark, body = rest[:8], rest[8:]
    try:
        raw = base64.b32decode(body + "=" * (-len(body) % 8))
    except ValueError as exc:
        raise ShareError("mistyped", index) from exc
    value, check = raw[:SECRET_BYTES], raw[SECRET_BYTES:]
    if not secrets.compare_digest(check, _checksum(index, round_id, mark, value)):
        raise ShareError("mistyped", index)
    return Share(index=index, round_id=round_id, fingerprint=mark, value=value)


def combine(shares: list[Share], round_id: int, public_key: bytes) -> PrivateKey:
    """The round's private key from `QUORUM` different shares of it, checked against the
    stored public key. Raises ShareError: "other_round", "same_twice", "too_few",
    "no_match"."""
    mark = fingerprint(public_key)
    for share in shares:
        if share.round_id != round_id or share.fingerprint != mark:
            raise ShareError("other_round", share.index)
    distinct = {share.index: share for share in shares}
    if len(distinct) < len(shares):
        raise ShareError("same_twice")
    if len(distinct) < QUORUM:
        raise ShareError("too_few")
    chosen = sorted(distinct.values(), key=lambda s: s.index)[:QUORUM]
    secret = Shamir.combine([(s.index, s.value) for s in chosen], ssss=False)
    key = derive_private_key(secret, round_id)
    if bytes(key.public_key) != public_key:
        raise ShareError("no_match")
    return key


# --- sealing ----------------------------------------------------------------------------


#: Room for who cast the ballot (`profile`: language, device class, age band), so that a
#: ballot with an age band is as long as one without.
PROFILE_ROOM = 48


def sealed_size(project_count: int) -> int:
    """The plaintext length every ballot of a round is padded to, so that the ciphertext's
    length does not tell a blank vote from a long list: room for every project with an id
    and points of up to eleven digits, and for the profile, in steps of 64 bytes."""
    return 64 * -(-(32 + PROFILE_ROOM + 24 * max(project_count, 1)) // 64)


@lru_cache(maxsize=64)
def _box(public_key: bytes) -> SealedBox[Any]:
    return SealedBox(PublicKey(public_key))


def seal(
    public_key: bytes,
    selection: list[int],
    points: list[int] | None,
    is_blank: bool,
    project_count: int,
    profile: dict[str, str] | None = None,
) -> bytes:
    """A ballot's content, padded to the round's size and sealed to its public key.

    `profile` (short strings: interface language, device class, age band) travels inside
    the seal: it is only ever read at the count, and then only added up (see
    `samenhang.voting.turnout`), never written next to the ballot or its voter."""
    content: dict[str, Any] = {
        "s": list(selection),
        "p": list(points) if points else None,
        "b": bool(is_blank),
    }
    if profile:
        content["w"] = {str(k)[:1]: str(v)[:8] for k, v in profile.items() if v}
    plain = json.dumps(content, separators=(",", ":")).encode()
    size = sealed_size(project_count)
    if len(plain) < size:
        plain += b" " * (size - len(plain))
    return bytes(_box(public_key).encrypt(plain))


@dataclass(frozen=True)
class Opened:
    selection: list[int]
    points: list[int] | None
    is_blank: bool
    #: Who cast it (language, device, age band) by their one-letter keys; unchecked here.
    profile: dict[str, str] = field(default_factory=dict)


def unseal(private_key: PrivateKey, sealed: bytes) -> Opened:
    """A sealed ballot's content; ValueError when it cannot be opened with this key."""
    try:
        data = json.loads(SealedBox(private_key).decrypt(bytes(sealed)))
    except (CryptoError, ValueError) as exc:
        raise ValueError("cannot open this ballot with this key") from exc
    selection, points = data.get("s"), data.get("p")
    if not isinstance(selection, list) or not all(type(p) is int for p in selection):
        raise ValueError("the ballot's content is not a list of projects")
    if points is not None and (
        not isinstance(points, list) or not all(type(p) is int for p in points)
    ):
        raise ValueError("the ballot's points are not numbers")
    profile = data.get("w")
    if not isinstance(profile, dict):
        profile = {}
    return Opened(
        selection=selection,
        points=points,
        is_blank=bool(data.get("b")),
        profile={str(k): str(v) for k, v in profile.items() if isinstance(v, str)},
    )
