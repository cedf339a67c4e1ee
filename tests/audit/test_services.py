from __future__ import annotations

from typing import Any

import pytest
from factories.accounts import UserFactory

from samenhang.audit.queries import entries_for
from samenhang.audit.services import AuditLogIsAppendOnly, log_event
from samenhang.extensions import db


def test_log_event_records_who_what_and_before_after(db_session: Any) -> None:
    actor, target = UserFactory(), UserFactory()
    log_event(actor, "user.thing", target, before={"a": 1}, after={"a": 2})
    db.session.flush()
    [entry] = entries_for(target)
    assert (entry.actor_id, entry.action, entry.before, entry.after) == (
        actor.id,
        "user.thing",
        {"a": 1},
        {"a": 2},
    )
    assert entry.created_at.tzinfo is not None


def test_entries_cannot_be_changed_or_deleted(db_session: Any) -> None:
    entry = log_event(None, "user.thing", UserFactory())
    db.session.flush()
    entry.action = "user.other"
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.flush()
    db.session.rollback()
