"""The append-only audit log every area writes its decisions to."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from samenhang.accounts.models import User
from samenhang.db import bool_false, created_at, intpk
from samenhang.extensions import db
from samenhang.places.models import Wijk


class AuditEntry(db.Model):
    """One decision or state change. Never updated or deleted (database triggers refuse)."""

    __tablename__ = "audit_entries"
    __table_args__ = (Index("ix_audit_entries_object", "object_type", "object_id"),)

    id: Mapped[intpk]
    created_at: Mapped[created_at]
    #: None for the system itself (a scheduled job, a webhook).
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    #: Dotted verb, e.g. "user.role_changed", "initiative.published".
    action: Mapped[str] = mapped_column(String(80), index=True)
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str] = mapped_column(String(40))
    wijk_id: Mapped[int | None] = mapped_column(ForeignKey("wijken.id"), index=True)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    #: Public entries show in the per-wijk log; they must not hold personal data.
    is_public: Mapped[bool_false]

    actor: Mapped[User | None] = relationship()
    wijk: Mapped[Wijk | None] = relationship()

    def __repr__(self) -> str:
        return f"<AuditEntry {self.id} {self.action} {self.object_type}:{self.object_id}>"
