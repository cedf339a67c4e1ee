"""Account services: what sign-in does and does not give away."""

from __future__ import annotations

from typing import Any

import pytest
from factories.accounts import UserFactory

from samenhang.accounts import services


def test_an_unknown_address_costs_the_same_argon2_work_as_a_wrong_password(
    db_session: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Equal work, so the answer time does not tell which e-mail addresses have accounts."""
    from samenhang.accounts import passwords

    user = UserFactory()
    calls: list[str] = []
    hasher = passwords._hasher
    monkeypatch.setattr(passwords, "_hasher", _Counting(hasher, calls), raising=True)
    assert services.authenticate(user.email, "wrong password!") is None
    known = list(calls)
    calls.clear()
    assert services.authenticate("nobody@example.org", "wrong password!") is None
    assert calls == known == ["verify"]


class _Counting:
    def __init__(self, hasher: Any, calls: list[str]) -> None:
        self._hasher, self._calls = hasher, calls

    def verify(self, *args: Any) -> bool:
        self._calls.append("verify")
        return bool(self._hasher.verify(*args))

    def hash(self, *args: Any) -> str:
        self._calls.append("hash")
        return str(self._hasher.hash(*args))

    def check_needs_rehash(self, *args: Any) -> bool:
        return bool(self._hasher.check_needs_rehash(*args))
