"""Random ledgers (pots with grants, payouts, money paid back, vouchers spent and expired;
wijkstemdag rounds that fund projects; a second wijk beside it): the buurtbegroting's figures
and its downloads add up, to the cent, to what the ledger says was spent in the wijk."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from factories.accounts import WijkmanagerFactory
from factories.places import WijkFactory
from factories.voting import ProjectFactory, RoundFactory
from factories.vouchers import ResidentFactory
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from samenhang.blueprints.budgets.export import budget_record
from samenhang.budgets import queries
from samenhang.budgets import services as budgets
from samenhang.db import utcnow
from samenhang.extensions import db
from samenhang.ledger.models import AccountKind, JournalLine, LedgerAccount
from samenhang.ledger.services import open_account, post_entry, transfer
from samenhang.voting.models import Phase
from samenhang.vouchers import services as vouchers
from samenhang.vouchers.models import Outcome, Pot, SourceKind

YEARS = (2025, 2026)
percent = st.integers(0, 100)
grant_spec = st.tuples(st.integers(1, 2_000_00), percent, percent)  # amount, paid %, returned %
batch_spec = st.tuples(st.integers(1, 50_00), st.integers(1, 3), st.lists(percent, max_size=3))
pot_spec = st.tuples(
    st.sampled_from(YEARS),
    st.sampled_from(list(SourceKind)),
    st.lists(grant_spec, max_size=3),
    st.lists(batch_spec, max_size=2),
    st.booleans(),  # let the unspent vouchers expire
)
round_spec = st.tuples(st.sampled_from(YEARS), st.lists(st.integers(1, 5_000_00), max_size=3))
POT_BUDGET = 10_000_00


def _part(total: int, pct: int) -> int:
    return total * pct // 100


def _open_pot(wijk: Any, manager: Any, year: int, source: SourceKind, n: int) -> Pot:
    pot = vouchers.create_pot(
        wijk,
        actor=manager,
        year=year,
        name=f"Pot {n}",
        description="",
        source_kind=source,
        source_name="Bron",
        amount_cents=POT_BUDGET,
        max_per_application_cents=POT_BUDGET,
    )
    vouchers.set_criteria(pot, actor=manager, criteria=[vouchers.CriterionInput("Goed")])
    started = utcnow() - timedelta(days=20)
    vouchers.publish_criteria_draft(
        pot, actor=manager, comments_close_on=(started + timedelta(days=8)).date(), now=started
    )
    vouchers.fix_criteria(pot, actor=manager)
    vouchers.open_pot(pot, actor=manager)
    return pot


def _spend_pot(pot: Pot, spec: Any, people: dict[str, Any]) -> int:
    """Grants, payouts, returns and vouchers as `spec` says; returns what was spent."""
    manager, resident, supplier = people["manager"], people["resident"], people["supplier"]
    _, _, grants, batches, expire = spec
    spent = 0
    for amount, paid_pct, returned_pct in grants:
        application = vouchers.submit_application(
            pot,
            actor=resident,
            title="Plan",
            summary="Iets moois",
            budget_lines=[vouchers.BudgetLineInput("Alles", amount)],
        )
        vouchers.decide_application(
            application, actor=manager, outcome=Outcome.full, reasons="Goed"
        )
        paid = _part(amount, paid_pct)
        if paid:
            vouchers.pay_out(application, actor=manager, amount_cents=paid)
            returned = _part(paid, returned_pct)
            if returned:
                vouchers.record_return(application, actor=manager, amount_cents=returned)
            spent += paid - returned
    for value, quantity, redeem_pcts in batches:
        _, codes = vouchers.issue_vouchers(
            pot,
            actor=manager,
            label="Feest",
            value_cents=value,
            quantity=quantity,
            expires_on=(utcnow() + timedelta(days=5)).date(),
            suppliers=[supplier],
        )
        for code, pct in zip(codes, redeem_pcts, strict=False):
            amount = max(1, _part(value, pct))
            vouchers.redeem_voucher(code, supplier=supplier, amount_cents=amount)
            spent += amount
    if expire:
        vouchers.expire_vouchers(actor=manager, now=utcnow() + timedelta(days=6))
    return spent


def _fund_round(wijk: Any, year: int, amounts: list[int]) -> int:
    """A round in results whose projects are paid as the wijkstemdag pays them: from the
    round's source account to one initiative account per project."""
    round_ = RoundFactory.build(wijk=wijk, phase=Phase.results)
    round_.voting_on = utcnow().date().replace(year=year, month=6, day=1)
    db.session.add(round_)
    db.session.flush()
    if not amounts:
        return 0
    source = open_account(AccountKind.source, f"Stemdag {round_.id}", wijk=wijk)
    round_.ledger_account_id = source.id
    for amount in amounts:
        project = ProjectFactory.build(round=round_, cost_cents=amount)
        db.session.add(project)
        db.session.flush()
        target = open_account(AccountKind.initiative, f"Project {project.id}", wijk=wijk)
        post_entry(
            transfer(source, target, amount),
            kind="stemdag.funded",
            reason="Gewonnen",
            actor=None,
            obj=project,
        )
    return sum(amounts)


def _people(wijk: Any) -> dict[str, Any]:
    manager = WijkmanagerFactory(wijken=[wijk])
    return {
        "manager": manager,
        "resident": ResidentFactory(wijk=wijk),
        "supplier": vouchers.create_supplier(wijk, actor=manager, name=f"Winkel {wijk.id}")[0],
    }


def _ledger_spent(wijk: Any) -> int:
    """Straight from the journal lines, computed here without the area's queries."""
    total = 0
    accounts = db.session.scalars(sa.select(LedgerAccount).where(LedgerAccount.wijk_id == wijk.id))
    for account in accounts:
        if account.kind in (AccountKind.initiative, AccountKind.payee):
            total += sum(line.amount_cents for line in account.lines)
    return total


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    pots=st.lists(pot_spec, min_size=1, max_size=3),
    rounds=st.lists(round_spec, max_size=2),
    elsewhere=st.lists(pot_spec, max_size=1),
)
def test_the_buurtbegroting_reconciles_with_the_ledger_to_the_cent(
    app: Flask, db_session: Any, pots: list[Any], rounds: list[Any], elsewhere: list[Any]
) -> None:
    wijk, other = WijkFactory(), WijkFactory()
    people, other_people = _people(wijk), _people(other)
    savepoint = db.session.begin_nested()
    try:
        spent = {year: 0 for year in YEARS}
        planned = {year: 0 for year in YEARS}
        for n, spec in enumerate(pots):
            pot = _open_pot(wijk, people["manager"], spec[0], spec[1], n)
            spent[spec[0]] += _spend_pot(pot, spec, people)
            planned[spec[0]] += POT_BUDGET
        for year, amounts in rounds:
            spent[year] += _fund_round(wijk, year, amounts)
        for n, spec in enumerate(elsewhere):
            pot = _open_pot(other, other_people["manager"], spec[0], spec[1], n)
            _spend_pot(pot, spec, other_people)

        total_from_budgets = 0
        for year in YEARS:
            budget = budgets.create_budget(wijk, year, actor=people["manager"])
            figures = queries.budget_figures(budget)
            assert figures.platform_actual_cents == spent[year]
            for line in figures.lines:
                payments = queries.payments(line.line)
                assert sum(p.amount_cents for p in payments) == line.actual_cents
            assert sum(s.actual_cents for s in figures.by_theme) == figures.actual_cents
            assert sum(s.actual_cents for s in figures.by_source) == figures.actual_cents
            pots_planned = sum(f.planned_cents for f in figures.lines if f.line.pot_id)
            assert pots_planned == planned[year]
            with app.test_request_context():
                record = budget_record(figures)
            assert record["totals"]["actual_from_ledger_cents"] == spent[year]
            assert sum(r["actual_cents"] for r in record["lines"]) == spent[year]
            total_from_budgets += figures.platform_actual_cents
        assert total_from_budgets == _ledger_spent(wijk) == queries.ledger_spent_cents(wijk)
        assert sum(spent.values()) == total_from_budgets
        assert db.session.scalar(sa.select(sa.func.count(JournalLine.id))) > 0
    finally:
        savepoint.rollback()
