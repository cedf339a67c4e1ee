"""Every money action done once: the idempotency key a money form carries.

A form that moves money is issued with a fresh key (a hidden field). The view claims the
key before it calls the service, in the request's transaction, and records where the result
can be seen. A second submit with the same key (a retry after a lost connection, a double
click) finds the first claim and performs nothing; two submits at the same moment meet at
the table's primary key: the second waits for the first transaction, then sees its claim.
When the action is refused, the transaction rolls back and takes the claim with it, so the
same form can be corrected and sent again.
"""

from __future__ import annotations

import secrets

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from samenhang.accounts.models import User
from samenhang.db import created_at
from samenhang.errors import DomainError
from samenhang.extensions import db

#: Lengths a key may have: what `new_key` makes, and room for a client's own.
KEY_LENGTHS = range(16, 65)


class IdempotencyKey(db.Model):
    """A money action claimed by its form's key, and where its result is shown."""

    __tablename__ = "idempotency_keys"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    #: Who sent it; None for a supplier's till (the secret link is the credential).
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: The Flask endpoint that claimed it: a key is good for one kind of action only.
    endpoint: Mapped[str] = mapped_column(String(80))
    #: Where the first result can be seen again (a page of the platform, never outside).
    result_url: Mapped[str | None] = mapped_column(String(300))
    #: The object the action made, as "type:id", for the audit trail and support questions.
    result_ref: Mapped[str | None] = mapped_column(String(80))
    created_at: Mapped[created_at]

    def __repr__(self) -> str:
        return f"<IdempotencyKey {self.endpoint} {self.result_ref}>"


class KeyRefused(DomainError):
    """A key that is missing, malformed, or used by someone else or for something else."""


def new_key() -> str:
    """The token a money form carries: the same form sent twice is one action."""
    return secrets.token_urlsafe(24)


def check_key(key: str | None) -> str:
    key = (key or "").strip()
    if len(key) not in KEY_LENGTHS or not key.replace("-", "").replace("_", "").isalnum():
        raise KeyRefused(_l("The form had expired. Please send it again."))
    return key


def _same_sender(claim: IdempotencyKey, actor: User | None, endpoint: str) -> IdempotencyKey:
    actor_id = actor.id if actor is not None and actor.is_authenticated else None
    if claim.actor_id != actor_id or claim.endpoint != endpoint:
        raise KeyRefused(_l("The form had expired. Please send it again."))
    return claim


def earlier(key: str | None, *, endpoint: str, actor: User | None) -> IdempotencyKey | None:
    """The earlier claim of this key, or None after claiming it now.

    The claim is a row in the request's transaction, written at once (in a savepoint), so
    that a second request with the same key waits at the primary key until the first one
    commits or rolls back.
    """
    key = check_key(key)
    found = db.session.get(IdempotencyKey, key)
    if found is not None:
        return _same_sender(found, actor, endpoint)
    actor_id = actor.id if actor is not None and actor.is_authenticated else None
    claim = IdempotencyKey(key=key, actor_id=actor_id, endpoint=endpoint)
    try:
        with db.session.begin_nested():
            db.session.add(claim)
            db.session.flush()
    except IntegrityError:
        # Sent twice at once: the other request committed its claim; that one counts.
        found = db.session.get(IdempotencyKey, key, populate_existing=True)
        if found is None:
            raise
        return _same_sender(found, actor, endpoint)
    return None


def record_result(key: str, *, url: str | None, obj: object = None) -> None:
    """Note where the action's result is shown (and what it made) on the claim."""
    claim = db.session.get(IdempotencyKey, check_key(key))
    if claim is None:
        return
    claim.result_url = url
    if obj is not None and getattr(obj, "id", None) is not None:
        claim.result_ref = f"{type(obj).__name__}:{obj.id}"[:80]
