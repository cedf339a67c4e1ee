"""Stemcodes and receipt codes: random, easy to type over from paper, stored only hashed.

A code is 12 characters from an alphabet without 0/O and 1/I/L (read aloud, typed from a
letter): about 59 bits, far beyond guessing, so a salted SHA-256 is enough to store it;
the salt is random per round.
"""

from __future__ import annotations

import hashlib
import secrets

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12
RECEIPT_LENGTH = 12


def new_salt() -> str:
    return secrets.token_hex(16)


def _random(length: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def group(code: str) -> str:
    """'K7QM2XWDHP4T' -> 'K7QM-2XWD-HP4T', for reading."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def new_code() -> str:
    """A fresh stemcode, grouped: 'K7QM-2XWD-HP4T'."""
    return group(_random(CODE_LENGTH))


def new_receipt() -> str:
    return group(_random(RECEIPT_LENGTH))


def normalise(code: str) -> str:
    """What a person typed, as hashed: upper case, without spaces or dashes."""
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def looks_valid(code: str) -> bool:
    """Right length and alphabet: a typo is caught before the database is asked."""
    raw = normalise(code)
    return len(raw) == CODE_LENGTH and all(ch in ALPHABET for ch in raw)


def hash_code(salt: str, code: str) -> str:
    return hashlib.sha256((salt + ":" + normalise(code)).encode()).hexdigest()
