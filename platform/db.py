"""Declarative base, naming convention and the column shapes every area reuses."""

from __future__ import annotations

import sqlite3
import time
from datetime import UTC, datetime
from typing import Annotated, Any

from sqlalchemy import BigInteger, DateTime, MetaData, String, Text, event, false, func
from sqlalchemy.engine import Connection, Dialect, Engine
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import DeclarativeBase, Mapper, mapped_column, registry
from sqlalchemy.pool import Pool
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Stores naive UTC, hands out aware UTC: SQLite keeps no time zone, PostgreSQL would."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use samenhang.db.utcnow()")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return value.replace(tzinfo=UTC) if value is not None else None


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    # The map lives on the registry: Flask-SQLAlchemy subclasses this base, and SQLAlchemy
    # refuses a per-class type_annotation_map on a subclass.
    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime()},
    )


intpk = Annotated[int, mapped_column(primary_key=True)]
#: Money is always integer cents; the currency lives in its own column where it can vary.
cents = Annotated[int, mapped_column(BigInteger)]
currency = Annotated[str, mapped_column(String(3), default="EUR", server_default="EUR")]
created_at = Annotated[
    datetime, mapped_column(UTCDateTime(), default=utcnow, server_default=func.now())
]
bool_false = Annotated[bool, mapped_column(default=False, server_default=false())]
str_short = Annotated[str, mapped_column(String(200))]


# pysqlite's own transaction handling breaks SAVEPOINT; SQLAlchemy emits BEGIN itself instead
# (the recipe from the SQLAlchemy SQLite dialect docs). Foreign keys are off by default there.
@event.listens_for(Engine, "connect")
def _sqlite_on_connect(dbapi_connection: Any, connection_record: Any) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()


#: A pooled connection unused for longer than this is tried before a request gets it.
PING_AFTER_IDLE_SECONDS = 2.0


@event.listens_for(Pool, "checkin")
def _note_idle_since(dbapi_connection: Any, connection_record: Any) -> None:
    connection_record.info["idle_since"] = time.monotonic()


@event.listens_for(Pool, "checkout")
def _ping_if_idle(dbapi_connection: Any, connection_record: Any, connection_proxy: Any) -> None:
    """`pool_pre_ping`, but only for a connection that sat idle: SQLAlchemy's pings on every
    checkout, one more round trip for every request (a fifth of a stemcode ballot's). A
    connection in steady use has just proved itself; one that waited (the database may have
    restarted meanwhile) is tried, and replaced by the pool when it fails. A database that
    goes away under load fails the requests in flight either way."""
    idle_since = connection_record.info.get("idle_since")
    if idle_since is None or time.monotonic() - idle_since < PING_AFTER_IDLE_SECONDS:
        return
    try:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("SELECT 1")
        finally:
            cursor.close()
        dbapi_connection.rollback()  # the ping's own transaction (psycopg opens one)
    except Exception as exc:  # any driver's "connection is gone"
        raise DisconnectionError("stale pooled connection") from exc


@event.listens_for(Engine, "begin")
def _sqlite_on_begin(connection: Connection) -> None:
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN")


def _newlines_normalised(target: Any, value: Any, oldvalue: Any, initiator: Any) -> Any:
    # Imported here: samenhang.text renders Markdown and is no dependency of the models.
    from samenhang.text import normalise_newlines

    return normalise_newlines(value) if isinstance(value, str) and "\r" in value else value


def _bidi_controls_stripped(target: Any, value: Any, oldvalue: Any, initiator: Any) -> Any:
    from samenhang.text import has_bidi_controls, strip_bidi_controls

    # `type(...) is str`: enum members that are strings stay members (they hold no controls).
    if type(value) is str and has_bidi_controls(value):
        return strip_bidi_controls(value)
    return value


@event.listens_for(Mapper, "mapper_configured")
def _normalise_newlines_of_text_columns(mapper: Mapper[Any], class_: type) -> None:
    """Every Text column (what people write in a textarea) stores LF line endings, whatever
    sent it: a form (browsers send CRLF), the API, an import. Set on assignment, so a
    translation's hash of the original sees the same text as the database."""
    for prop in mapper.column_attrs:
        if any(isinstance(column.type, Text) for column in prop.columns):
            event.listen(getattr(class_, prop.key), "set", _newlines_normalised, retval=True)


@event.listens_for(Mapper, "mapper_configured")
def _strip_bidi_controls_of_text_columns(mapper: Mapper[Any], class_: type) -> None:
    """Names, titles, summaries and every other text column lose bidi overrides, embeddings
    and isolates on assignment, whatever sent them: a form, the API, an import. Set on
    assignment, as the line endings above, so what is checked is what is stored."""
    for prop in mapper.column_attrs:
        if any(isinstance(column.type, String) for column in prop.columns):
            event.listen(getattr(class_, prop.key), "set", _bidi_controls_stripped, retval=True)
