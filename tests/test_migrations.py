"""The models and the migrations describe the same schema, on SQLite and on PostgreSQL, and
every migration goes down and up again on a database full of data."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import flask_migrate
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata, render_python_code
from alembic.migration import MigrationContext
from alembic.operations import ops
from alembic.util import format_as_comma, template_to_file
from conftest import TEST_CONFIG, TEST_DATABASE_URL
from flask import Flask

from samenhang.accounts.models import User
from samenhang.app import create_app
from samenhang.demo import seed_demo
from samenhang.extensions import db
from samenhang.initiatives.models import Comment, Flag, Follow, Initiative, Support
from samenhang.jobs import JobStatus
from samenhang.voting import queries, services
from samenhang.voting.demo import DEMO_CODES
from samenhang.voting.models import CountJob, Phase, Round

MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"
#: Tables the populated database must have rows in, or the test proves little: the ones
#: whose downgrade rebuilds them on SQLite (users, pot_criteria), and one of each area.
MUST_HAVE_ROWS = {
    "municipalities",
    "wijken",
    "wijk_postcodes",
    "users",
    "wijk_managers",
    "audit_entries",
    "initiatives",
    "initiative_comments",
    "initiative_supports",
    "initiative_follows",
    "initiative_flags",
    "stemdag_rounds",
    "stemdag_projects",
    "stemdag_codes",
    "stemdag_ballots",
    "stemdag_voters",
    "ledger_accounts",
    "journal_entries",
    "journal_lines",
    "pots",
    "pot_criteria",
    "pot_applications",
    "budgets",
    "budget_lines",
    "budget_imports",
    "budget_corrections",
    "budget_challenges",
    "address_verifications",
    "stemdag_code_requests",
}
#: Database objects outside the tables: the append-only triggers and their functions.
TRIGGERS = {
    "sqlite": "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger'",
    "postgresql": "SELECT tgname, pg_get_triggerdef(oid) FROM pg_trigger WHERE NOT tgisinternal",
}
FUNCTIONS = (
    "SELECT proname, pg_get_functiondef(oid) FROM pg_proc"
    " WHERE pronamespace = 'public'::regnamespace"
)


# SQLite has no full-text index to compare: the initiatives' search index is PostgreSQL's
# (`ddl_if`), compared in the PostgreSQL pass.
@pytest.mark.filterwarnings(
    "ignore:autogenerate skipping metadata-specified expression-based index 'ix_initiatives_search'"
)
def test_no_pending_autogenerate_diff(app: Flask) -> None:
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diff: list[Any] = compare_metadata(context, db.metadata)
    assert diff == [], f"models differ from migrations; run `samenhang db migrate`: {diff}"


def test_audit_log_is_append_only_in_the_database(app: Flask) -> None:
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


@pytest.fixture
def updown_url(tmp_path: Path) -> Iterator[str]:
    """A database of its own: a file, or `<test database>_updown` on PostgreSQL."""
    if not TEST_DATABASE_URL:
        yield f"sqlite:///{tmp_path / 'updown.sqlite3'}"
        return
    url = sa.engine.make_url(TEST_DATABASE_URL)
    name = f"{url.database}_updown"
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def updown_app(updown_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Flask]:
    monkeypatch.setenv("SAMENHANG_INSTANCE_PATH", str(tmp_path / "instance"))
    application = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": updown_url})
    with application.app_context():
        try:
            yield application
        finally:
            db.session.remove()
            db.engine.dispose()


def test_every_migration_goes_down_and_up_again_on_a_populated_database(
    updown_app: Flask,
) -> None:
    flask_migrate.upgrade()
    _populate()
    db.session.commit()
    db.session.remove()
    head = _schema()
    counts = _row_counts()
    empty = sorted(MUST_HAVE_ROWS - {table for table, n in counts.items() if n})
    assert empty == [], f"_populate() leaves these tables empty: {empty}"

    while (revision := _current_revision()) is not None:
        flask_migrate.downgrade(revision="-1")
        below = _row_counts()
        assert below == {table: counts[table] for table in below}, f"{revision} down lost rows"
        # Up and down again, now on data: the upgrade meets the rows the downgrade kept.
        flask_migrate.upgrade(revision="+1")
        flask_migrate.downgrade(revision="-1")
        assert _row_counts() == below, f"{revision} up and down again lost rows"

    assert _schema() == {"tables": {}, "triggers": [], "functions": [], "enums": []}
    flask_migrate.upgrade()
    assert _schema() == head


def _populate() -> None:
    """The demo (places, users, initiatives, two stemdagen, pots with applications, the
    ledger), then what the demo does not do: a ballot and reactions to an initiative."""
    seed_demo()
    round_ = db.session.scalars(sa.select(Round).where(Round.phase == Phase.voting)).first()
    assert round_ is not None
    projects = queries.ballot_projects(round_)
    cheapest = min(projects.values(), key=lambda project: project.cost_cents)
    credential = services.Credential(code=services.find_code(round_, DEMO_CODES[0]))
    choice = services.Choice([cheapest.id])
    services.cast_ballot(round_, projects, choice, credential, age_confirmed=True)
    db.session.add(
        CountJob(
            round=round_,
            status=JobStatus.failed,
            stage="counting",
            percent=30,
            error_msgid="The count is not possible: {problem}",
            error_params={"problem": "test"},
        )
    )
    initiative = db.session.scalars(sa.select(Initiative).order_by(Initiative.id)).first()
    assert initiative is not None
    reader = db.session.scalars(sa.select(User).where(User.id != initiative.author_id)).first()
    assert reader is not None
    comment = Comment(initiative=initiative, author=reader, body="Goed plan, ik help mee.")
    db.session.add_all(
        [
            comment,
            Support(initiative=initiative, user_id=reader.id),
            Follow(initiative_id=initiative.id, user=reader),
            Flag(initiative=initiative, comment=comment, reporter_id=reader.id, reason="Test"),
        ]
    )


def _current_revision() -> str | None:
    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def _row_counts() -> dict[str, int]:
    with db.engine.connect() as connection:
        return {
            table: connection.scalar(sa.select(sa.func.count()).select_from(sa.table(table)))
            for table in sa.inspect(connection).get_table_names()
            if table != "alembic_version"
        }


def _index(index: Any) -> Any:
    """A reflected index that compares: a partial index's WHERE as its text, not an object."""
    options = index.get("dialect_options")
    if options:
        index = {**index, "dialect_options": {k: str(v) for k, v in options.items()}}
    return index


def _schema() -> dict[str, Any]:
    """Everything the migrations create, in a form that compares."""
    with db.engine.connect() as connection:
        inspector = sa.inspect(connection)
        postgres = connection.dialect.name == "postgresql"
        return {
            "tables": {
                table: repr(
                    [
                        inspector.get_columns(table),
                        inspector.get_pk_constraint(table),
                        *(
                            sorted(items, key=repr)
                            for items in (
                                inspector.get_foreign_keys(table),
                                [_index(i) for i in inspector.get_indexes(table)],
                                inspector.get_unique_constraints(table),
                                inspector.get_check_constraints(table),
                            )
                        ),
                    ]
                )
                for table in inspector.get_table_names()
                if table != "alembic_version"
            },
            "triggers": sorted(connection.execute(sa.text(TRIGGERS[connection.dialect.name]))),
            "functions": sorted(connection.execute(sa.text(FUNCTIONS))) if postgres else [],
            "enums": inspector.get_enums() if postgres else [],
        }


def test_migrations_carry_no_autogenerate_banners(tmp_path: Path) -> None:
    """Alembic writes "# ### ... ###" comments around the commands it generates; the
    revisions have none, and the template leaves them out of new ones."""
    versions = sorted((MIGRATIONS / "versions").glob("*.py"))
    assert versions
    assert [path.name for path in versions if "# ###" in path.read_text()] == []
    path = tmp_path / "revision.py"
    template_to_file(
        MIGRATIONS / "script.py.mako",
        path,
        "utf-8",
        comma=format_as_comma,
        message="Drop x",
        up_revision="a1",
        down_revision="b2",
        create_date="2026-11-28",
        imports="",
        branch_labels=None,
        depends_on=None,
        upgrades=render_python_code(ops.UpgradeOps([ops.DropTableOp("x")])),
        downgrades=render_python_code(ops.DowngradeOps([])),
    )
    text = path.read_text()
    assert "# ###" not in text
    generated = (
        "def upgrade() -> None:\n    op.drop_table('x')\n\n\ndef downgrade() -> None:\n    pass\n"
    )
    assert generated in text
    compile(text, str(path), "exec")
