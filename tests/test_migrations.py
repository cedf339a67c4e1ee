"""The models and the migrations describe the same schema, on SQLite and on PostgreSQL."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask

from samenhang.extensions import db


def test_no_pending_autogenerate_diff(app: Flask) -> None:
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diff: list[Any] = compare_metadata(context, db.metadata)
    assert diff == [], f"models differ from migrations; run `samenhang db migrate`: {diff}"


def test_audit_log_is_append_only_in_the_database(app: Flask) -> None:
    import pytest
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    with app.app_context(), db.engine.connect() as connection:
        transaction = connection.begin()
        connection.execute(
            text(
                "INSERT INTO audit_entries (action, object_type, object_id, is_public, created_at)"
                " VALUES ('test.x', 'users', '1', false, CURRENT_TIMESTAMP)"
            )
        )
        with pytest.raises(DBAPIError, match="append-only"):
            connection.execute(text("UPDATE audit_entries SET action = 'test.y'"))
        transaction.rollback()
        transaction = connection.begin()
        connection.execute(
            text(
                "INSERT INTO audit_entries (action, object_type, object_id, is_public, created_at)"
                " VALUES ('test.x', 'users', '1', false, CURRENT_TIMESTAMP)"
            )
        )
        with pytest.raises(DBAPIError, match="append-only"):
            connection.execute(text("DELETE FROM audit_entries"))
        transaction.rollback()
