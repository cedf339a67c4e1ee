"""Writing to the audit log. Callers pass the acting user; nothing here reads the request."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from samenhang.accounts.models import User
from samenhang.audit.models import AuditEntry
from samenhang.extensions import db
from samenhang.places.models import Wijk


class AuditLogIsAppendOnly(RuntimeError):
    pass


def log_event(
    actor: User | None,
    action: str,
    obj: Any,
    *,
    wijk: Wijk | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    public: bool = False,
) -> AuditEntry:
    """Record that `actor` did `action` to `obj` (any mapped object with an `id`)."""
    if obj.id is None:
        db.session.flush()
    entry = AuditEntry(
        actor=actor,
        action=action,
        object_type=obj.__tablename__,
        object_id=str(obj.id),
        wijk=wijk,
        before=before,
        after=after,
        is_public=public,
    )
    db.session.add(entry)
    return entry


@event.listens_for(Session, "before_flush")
def _refuse_audit_changes(session: Session, flush_context: object, instances: object) -> None:
    # The database triggers refuse too; this gives a clear error before the SQL is sent.
    for obj in (*session.dirty, *session.deleted):
        if isinstance(obj, AuditEntry):
            raise AuditLogIsAppendOnly(f"{obj!r} cannot be changed or deleted")
