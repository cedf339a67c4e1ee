"""`samenhang ledger check`: recompute every balance from the ledger's lines.

Run it from cron (daily, say) or by hand; it exits with 1 when anything disagrees, so a
monitor can alert. Registered on the `samenhang` group with `cli.add_command(ledger_cli)`.
"""

from __future__ import annotations

import click
from flask.cli import AppGroup

from samenhang.ledger.queries import check_ledger_consistency

ledger_cli = AppGroup("ledger", help="The double-entry ledger under every euro.")


@ledger_cli.command("check")
def check_command() -> None:
    """Recompute every balance from the ledger lines; exit 1 when anything disagrees."""
    report = check_ledger_consistency()
    click.echo(f"{report.entries_checked} entries, {report.accounts_checked} accounts checked.")
    for label, problems in (
        ("unbalanced entries", report.unbalanced_entries),
        ("stale cached balances", report.stale_balances),
        ("negative balances", report.negative_balances),
        ("currency mismatches", report.currency_mismatches),
    ):
        if problems:
            click.echo(f"{label}: {problems}")
    if not report.is_consistent:
        raise SystemExit(1)
    click.echo("The ledger is consistent.")
