"""`samenhang seed-load` builds the benchmark city; here at a thousandth of its size."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from samenhang.cli import cli
from samenhang.extensions import db
from samenhang.initiatives.models import Initiative
from samenhang.ledger.models import JournalLine, LedgerAccount
from samenhang.places.models import Municipality, Wijk
from samenhang.voting.models import Ballot, Phase, Round


def test_a_small_city_is_loaded_and_its_pages_answer(
    app: Flask, client: FlaskClient, db_session: Any
) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(cli, args=["seed-load", "--scale", "0.001"])
    assert result.exit_code == 0, result.output
    assert "Loaded: 1 wijken, 2 residents, 10 initiatives, 1 rounds, 300 ballots" in result.output
    city = db.session.scalar(select(Municipality).where(Municipality.slug == "loadstad"))
    assert city is not None
    wijk = db.session.scalar(select(Wijk).where(Wijk.municipality_id == city.id))
    assert wijk is not None
    assert (
        db.session.scalar(select(func.count(Initiative.id)).where(Initiative.wijk_id == wijk.id))
        == 10
    )
    round_ = db.session.scalar(select(Round).where(Round.wijk_id == wijk.id))
    assert round_ is not None and round_.phase is Phase.results and round_.result is not None
    ballots = db.session.scalar(
        select(func.count()).select_from(Ballot).where(Ballot.round_id == round_.id)
    )
    assert ballots == 300 == round_.result["turnout"]["total"]
    # Every entry is balanced, and the balances are the sums of the lines.
    accounts = list(
        db.session.scalars(select(LedgerAccount).where(LedgerAccount.wijk_id == wijk.id))
    )
    assert sum(a.balance_cents for a in accounts) == 0 and any(a.balance_cents for a in accounts)
    for account in accounts:
        lines = select(func.sum(JournalLine.amount_cents)).where(
            JournalLine.account_id == account.id
        )
        assert db.session.scalar(lines) == account.balance_cents

    for path in (
        f"/g/loadstad/{wijk.slug}",
        f"/g/loadstad/{wijk.slug}/initiatives",
        f"/stemdag/{round_.id}/results",
    ):
        assert client.get(path).status_code == 200, path

    again = runner.invoke(cli, args=["seed-load", "--scale", "0.001"])
    assert again.exit_code != 0 and "already there" in again.output
