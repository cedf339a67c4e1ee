"""tools/backup.sh, as docs/deploy.md tells an operator to use it: a dump of a database with
the demo data restores into an empty one with every row."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[2]
SERVER = sa.engine.make_url(
    os.environ.get("TEST_DATABASE_URL") or "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)

# It needs no app fixture and uses the machine's PostgreSQL itself: one pass is enough.
pytestmark = pytest.mark.pure


def _recreate(name: str) -> str:
    admin = sa.create_engine(SERVER.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return SERVER.set(database=name).render_as_string(hide_password=False)


def _row_counts(url: str) -> dict[str, int]:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        tables = sa.inspect(conn).get_table_names()
        counts = {t: conn.scalar(sa.text(f'SELECT count(*) FROM "{t}"')) for t in tables}
    engine.dispose()
    return counts


def test_dump_and_restore_keep_every_row(tmp_path: Path) -> None:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    source = _recreate(f"backup_source_{worker}")
    target = _recreate(f"backup_target_{worker}")
    env = {**os.environ, "DATABASE_URL": source, "SAMENHANG_INSTANCE_PATH": str(tmp_path)}
    samenhang = Path(sys.executable).parent / "samenhang"
    for command in (["db", "upgrade"], ["seed-demo"]):
        subprocess.run([samenhang, *command], env=env, check=True, capture_output=True)
    dump = tmp_path / "samenhang.dump"
    script = ROOT / "tools" / "backup.sh"
    subprocess.run([script, "dump", source, str(dump)], check=True, capture_output=True)
    restored = subprocess.run(
        [script, "restore", target, str(dump)], check=True, capture_output=True, text=True
    )
    assert restored.stdout.startswith("alembic ")
    before, after = _row_counts(source), _row_counts(target)
    assert before == after
    assert before["users"] > 0 and before["journal_lines"] > 0
