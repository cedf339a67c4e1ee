"""Domain errors: raised by services, shown to the user in their own language.

`samenhang.blueprints.handling` turns them into HTTP answers in one place: `PermissionDenied`
is a 403, `NotFound` a 404, any other `DomainError` the form again (422) or a flash message.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A rule was broken. `message` is a (lazy) translated string, safe to show as it is.

    `status` and `kind` say how a JSON endpoint answers it (`{"error": kind, "message": ...}`);
    subclasses set their own.
    """

    status = 422
    kind = "refused"

    def __init__(self, message: Any, **params: Any) -> None:
        self.message = message
        self.params = params
        super().__init__(str(message))

    def __str__(self) -> str:
        return str(self.message).format(**self.params) if self.params else str(self.message)


class PermissionDenied(DomainError):
    """The actor may not do this (403)."""

    status = 403
    kind = "forbidden"


class NotFound(DomainError):
    """The object does not exist, or the actor may not know that it does (404)."""

    status = 404
    kind = "not_found"
