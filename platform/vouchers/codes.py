"""Voucher codes and till-link secrets: random, shown once, stored only as a hash."""

from __future__ import annotations

import hashlib
import secrets

#: No 0/O or 1/I/L: codes are read aloud and typed over from paper.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
#: 12 characters of a 31-letter alphabet: about 59 bits, far beyond guessing at a till.
CODE_LENGTH = 12


def new_code() -> str:
    """A fresh code, grouped for reading: 'K7QM-2XWD-HP4T'."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def normalise_code(code: str) -> str:
    """What a person typed, as stored: upper case, without spaces or dashes."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def hash_secret(value: str) -> str:
    """SHA-256 is enough here: the secrets are long and random, not passwords."""
    return hashlib.sha256(value.encode()).hexdigest()


def new_till_token() -> str:
    return secrets.token_urlsafe(24)
