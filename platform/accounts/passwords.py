"""Password hashing with argon2 (argon2-cffi's defaults follow RFC 9106)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()

MIN_PASSWORD_LENGTH = 10


def hash_password(password: str) -> str:
    return _hasher.hash(password)


#: A hash of nothing anyone types, made once: checking a password against it costs what a
#: real check costs, so an unknown e-mail address answers as slowly as a known one.
_NOBODY = _hasher.hash("no account has this password")


def verify_nobody(password: str) -> bool:
    verify_password(_NOBODY, password)
    return False


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)
