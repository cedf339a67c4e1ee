"""`samenhang ledger check`: the whole-ledger check runs from the command line (cron),
not on a page view."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from factories.ledger import LedgerAccountFactory, SourceAccountFactory
from flask import Flask

from samenhang.extensions import db
from samenhang.ledger.cli import ledger_cli
from samenhang.ledger.models import LedgerAccount
from samenhang.ledger.services import post_entry, transfer


def _funded_pot() -> LedgerAccount:
    source, pot = SourceAccountFactory(), LedgerAccountFactory()
    post_entry(transfer(source, pot, 100_00), kind="pot.funded", reason="Start", actor=None)
    return pot


def test_a_consistent_ledger_exits_0(app: Flask, db_session: Any) -> None:
    _funded_pot()
    result = app.test_cli_runner().invoke(ledger_cli, ["check"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].endswith("accounts checked.") and " entries, " in lines[0]
    assert lines[-1] == "The ledger is consistent."


def test_a_stale_balance_exits_1_and_is_named(app: Flask, db_session: Any) -> None:
    pot = _funded_pot()
    db.session.execute(
        sa.update(LedgerAccount).where(LedgerAccount.id == pot.id).values(balance_cents=99_00)
    )
    result = app.test_cli_runner().invoke(ledger_cli, ["check"])
    assert result.exit_code == 1
    assert f"stale cached balances: [({pot.id}, 9900, 10000)]" in result.output
    assert "The ledger is consistent." not in result.output


def test_the_samenhang_command_has_it() -> None:
    samenhang = Path(sys.executable).parent / "samenhang"
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run(
        [samenhang, "ledger", "--help"], cwd=root, capture_output=True, text=True, check=False
    )
    assert out.returncode == 0, out.stderr
    assert "check" in out.stdout
