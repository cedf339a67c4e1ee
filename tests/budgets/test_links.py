"""Links of buurtbegroting lines: a campaign's crowdfunding as a platform line with figures
from the ledger (matched money counted once, as the pot's), and the campaign and
buurtcontract goal a line pays for, set on the edit form or by an import."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from factories.budgets import ROWS, BudgetFactory, import_rows, line_with_key, manager_of
from factories.campaigns import CampaignFactory, give
from factories.campaigns import manager_of as campaign_manager
from factories.contracts import ContractFactory, first_goal
from factories.vouchers import ApplicationFactory, PotFactory, grant, pay

from samenhang.audit.models import AuditEntry
from samenhang.budgets import importing, queries, services
from samenhang.budgets.models import LineOrigin, Source
from samenhang.campaigns import services as campaigns
from samenhang.campaigns.models import FundingModel
from samenhang.contracts import queries as contract_queries
from samenhang.errors import DomainError
from samenhang.extensions import db
from samenhang.ledger.models import AccountKind, LedgerAccount


def _data(line: Any, **changes: Any) -> services.LineData:
    values = {
        "theme": line.theme,
        "source": line.source,
        "source_name": line.source_name,
        "title": line.title,
        "description": line.description,
        "is_public_task": line.is_public_task,
        "planned_cents": line.planned_cents,
        "actual_cents": line.actual_cents,
        "initiative_id": line.initiative_id,
        "campaign_id": line.campaign_id,
    }
    values.update(changes)
    return services.LineData(**values)


def _spent_in_ledger(wijk: Any) -> int:
    accounts = db.session.query(LedgerAccount).filter(LedgerAccount.wijk_id == wijk.id)
    return sum(
        line.amount_cents
        for account in accounts
        if account.kind in (AccountKind.initiative, AccountKind.payee)
        for line in account.lines
    )


def _closed_matched_campaign() -> tuple[Any, Any]:
    campaign = CampaignFactory(goal_cents=100_00, funding_model=FundingModel.keep_it)
    year = services.campaign_year(campaign)
    pot = PotFactory(wijk=campaign.wijk, year=year, amount_cents=1_000_00)
    pay(grant(ApplicationFactory(pot=pot), 200_00), 120_00)
    manager = campaign_manager(campaign)
    campaigns.set_matchfunding(campaign, pot, 100, 50_00, actor=manager)
    give(campaign, 80_00)  # the pot adds 50,00 (its cap)
    campaigns.close_campaign(campaign, now=campaign.deadline_at + timedelta(minutes=1))
    return campaign, pot


def test_a_campaign_is_a_crowdfunding_line_and_matched_money_counts_once(db_session: Any) -> None:
    campaign, pot = _closed_matched_campaign()
    manager = campaign_manager(campaign)
    budget = BudgetFactory(
        wijk=campaign.wijk, manager=manager, year=services.campaign_year(campaign), rows=[]
    )
    by_what = {(line.pot_id, line.campaign_id): line for line in budget.lines}
    pot_line, campaign_line = by_what[(pot.id, None)], by_what[(None, campaign.id)]
    assert campaign_line.origin is LineOrigin.platform
    assert campaign_line.source is Source.crowdfunding
    assert services.platform_candidates(budget).campaigns == []  # one line per campaign

    def check(pot_actual: int, crowd_actual: int) -> None:
        figures = {f.line.id: f for f in queries.budget_figures(budget).lines}
        assert figures[pot_line.id].actual_cents == pot_actual
        assert figures[campaign_line.id].actual_cents == crowd_actual
        assert figures[campaign_line.id].planned_cents == campaign.goal_cents
        for line in (pot_line, campaign_line):
            paid = sum(p.amount_cents for p in queries.payments(line))
            assert paid == figures[line.id].actual_cents
        total = queries.budget_figures(budget).platform_actual_cents
        assert total == _spent_in_ledger(campaign.wijk) == queries.ledger_spent_cents(campaign.wijk)

    # The matched 50,00 waits in the campaign: not spent yet, by neither line.
    check(120_00, 0)
    key = campaigns.new_idempotency_key
    campaigns.pay_out(campaign, 30_00, idempotency_key=key(), actor=manager)
    check(150_00, 0)  # matched money is paid out first, and it is the pot's
    campaigns.pay_out(campaign, 70_00, idempotency_key=key(), actor=manager)
    check(170_00, 50_00)
    [payment] = queries.payments(campaign_line)
    assert (payment.object_type, payment.object_id) == ("campaigns", campaign.id)


def test_the_edit_form_links_an_imported_line_to_a_campaign_and_a_goal(db_session: Any) -> None:
    contract = ContractFactory()
    wijk = contract.wijk
    campaign = CampaignFactory(initiative__wijk=wijk)
    budget = BudgetFactory(wijk=wijk, manager=wijk.managers[0], year=contract.year)
    manager, line = manager_of(budget), line_with_key(budget, "K-1")
    goal = first_goal(contract)

    assert services.change_line(
        line, _data(line, campaign_id=campaign.id, goal_id=goal.id), actor=manager
    )
    assert line.campaign is campaign
    assert contract_queries.served_goal(line) is goal
    assert [li.line for li in goal.links] == [line]
    assert not services.change_line(
        line, _data(line, campaign_id=campaign.id, goal_id=goal.id), actor=manager
    )
    logged = db.session.query(AuditEntry).filter(AuditEntry.action == "goal.linked").count()
    assert logged == 1

    # Another wijk's campaign and goal are refused with a clear message; nothing changes.
    elsewhere = CampaignFactory()
    with pytest.raises(DomainError, match="no public campaign"):
        services.change_line(line, _data(line, campaign_id=elsewhere.id), actor=manager)
    other_goal = first_goal(ContractFactory())
    with pytest.raises(DomainError, match="no goal"):
        services.change_line(
            line, _data(line, campaign_id=campaign.id, goal_id=other_goal.id), actor=manager
        )
    draft = CampaignFactory(initiative__wijk=wijk, stage="draft")
    with pytest.raises(DomainError, match="no public campaign"):
        services.change_line(line, _data(line, campaign_id=draft.id), actor=manager)

    # Taking the goal away removes the link, in the audit log as well.
    services.change_line(line, _data(line, campaign_id=None, goal_id=None), actor=manager)
    assert line.campaign is None and contract_queries.served_goal(line) is None
    assert goal.links == []
    assert db.session.query(AuditEntry).filter(AuditEntry.action == "goal.unlinked").count() == 1


def test_an_import_links_rows_to_campaigns_and_goals(db_session: Any) -> None:
    contract = ContractFactory()
    wijk = contract.wijk
    campaign = CampaignFactory(initiative__wijk=wijk)
    goal = first_goal(contract)
    budget = BudgetFactory(wijk=wijk, manager=wijk.managers[0], year=contract.year, rows=[])
    rows = [[*row, "", ""] for row in ROWS]
    rows[0][-2:] = [str(campaign.id), str(goal.id)]
    import_rows(budget, rows)
    line = line_with_key(budget, "K-1")
    assert line.campaign is campaign and contract_queries.served_goal(line) is goal

    # The same file without the links, as a correction: the preview shows the change.
    rows[0][-2:] = ["", ""]
    staged = services.stage_import(
        budget, "regels.csv", importing.rows_to_csv(rows), actor=manager_of(budget)
    )
    assert staged.budget_import is not None
    preview = services.preview_import(staged.budget_import)
    changed = {p.row.key: [c["field"] for c in p.changes] for p in preview.rows}
    assert changed["K-1"] == ["campaign_id", "goal_id"]
    services.apply_import(staged.budget_import, actor=manager_of(budget))
    assert line.campaign is None and contract_queries.served_goal(line) is None


def test_an_import_names_rows_with_unknown_campaigns_and_goals(db_session: Any) -> None:
    budget = BudgetFactory(rows=[])
    rows = [[*row, "", ""] for row in ROWS]
    rows[0][-2:] = ["999999", ""]
    rows[1][-2:] = ["", "888888"]
    rows[2][-2:] = ["twaalf", ""]
    staged = services.stage_import(
        budget, "regels.csv", importing.rows_to_csv(rows), actor=manager_of(budget)
    )
    assert staged.budget_import is None
    problems = {(p.row, p.column) for p in staged.parsed.problems}
    assert problems == {(2, "campagne"), (3, "doel"), (4, "campagne")}


def test_the_template_has_the_link_columns(db_session: Any) -> None:
    header = importing.template_csv().decode("utf-8-sig").splitlines()[0].split(";")
    assert header[-3:] == ["initiatief", "campagne", "doel"]
    parsed = importing.parse_file("t.xlsx", importing.template_xlsx())
    assert parsed.is_valid and len(parsed.rows) == 2
