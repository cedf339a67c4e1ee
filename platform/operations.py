"""Readiness: what must work before a process takes traffic (`/readyz`)."""

from __future__ import annotations

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from sqlalchemy import text

from samenhang.extensions import db


def readiness() -> dict[str, str]:
    """What must work before this process takes traffic: each check "ok" or why not."""
    checks: dict[str, str] = {}
    try:
        connection = db.session.connection()
        connection.execute(text("SELECT 1"))
        current = set(MigrationContext.configure(connection).get_current_heads())
        heads = set(ScriptDirectory(current_app.config["MIGRATIONS_DIR"]).get_heads())
        checks["database"] = "ok"
        checks["migrations"] = "ok" if current == heads else "not at head"
    except Exception:  # any failure means "not ready"; the log says why
        current_app.logger.exception("readiness: database check failed")
        checks["database"] = "unavailable"
        checks["migrations"] = "unknown"
    redis_url = current_app.config["REDIS_URL"]
    if redis_url:
        import redis

        try:
            redis.Redis.from_url(redis_url, socket_timeout=1).ping()
            checks["redis"] = "ok"
        except redis.RedisError:
            current_app.logger.exception("readiness: redis unreachable")
            checks["redis"] = "unavailable"
    return checks
