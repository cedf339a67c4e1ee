"""Reading the audit log."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from samenhang.audit.models import AuditEntry
from samenhang.extensions import db


def entries_for(obj: Any) -> list[AuditEntry]:
    stmt = (
        select(AuditEntry)
        .where(AuditEntry.object_type == obj.__tablename__, AuditEntry.object_id == str(obj.id))
        .order_by(AuditEntry.id)
    )
    return list(db.session.scalars(stmt))
