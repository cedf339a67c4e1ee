"""Domain errors: raised by services, shown to the user in their own language."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A rule was broken. `message` is a (lazy) translated string, safe to show as it is."""

    def __init__(self, message: Any, **params: Any) -> None:
        self.message = message
        self.params = params
        super().__init__(str(message))

    def __str__(self) -> str:
        return str(self.message).format(**self.params) if self.params else str(self.message)


class PermissionDenied(DomainError):
    pass
