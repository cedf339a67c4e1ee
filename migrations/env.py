"""Alembic environment, run by Flask-Migrate inside the app context."""

import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app
from sqlalchemy.engine import Connection

config = context.config
fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

target_db = current_app.extensions["migrate"].db
config.set_main_option(
    "sqlalchemy.url", target_db.engine.url.render_as_string(hide_password=False).replace("%", "%%")
)


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_db.metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    def skip_empty_autogenerate(context, revision, directives) -> None:
        if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
            directives[:] = []
            logger.info("No changes in schema detected.")

    conf_args = current_app.extensions["migrate"].configure_args
    conf_args.setdefault("process_revision_directives", skip_empty_autogenerate)

    with target_db.engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            _sqlite_foreign_keys(connection, "OFF")
        try:
            context.configure(
                connection=connection, target_metadata=target_db.metadata, **conf_args
            )
            with context.begin_transaction():
                context.run_migrations()
            if sqlite:
                _check_sqlite_foreign_keys(connection)
        finally:
            if sqlite:
                connection.rollback()  # what closing does anyway, but before the pragma
                _sqlite_foreign_keys(connection, "ON")


def _sqlite_foreign_keys(connection: Connection, state: str) -> None:
    """SQLite alters a table by copying it, dropping the old one and renaming the copy: a
    batch migration of a table other rows point at (users, say) cannot drop it while foreign
    keys are enforced. SQLite ignores this pragma inside a transaction, so it goes straight to
    the driver (SQLAlchemy would begin one first, see samenhang.db)."""
    connection.connection.driver_connection.execute(f"PRAGMA foreign_keys={state}")


def _check_sqlite_foreign_keys(connection: Connection) -> None:
    broken = connection.connection.driver_connection.execute("PRAGMA foreign_key_check").fetchall()
    if broken:
        raise RuntimeError(f"The migrations left rows pointing at nothing: {broken[:10]}")


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
