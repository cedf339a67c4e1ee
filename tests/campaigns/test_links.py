"""A campaign in the wijk's buurtbegroting (crowdfunding, from the ledger) and in the
buurtcontract (the goal it serves, shown on its page)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from factories.budgets import BudgetFactory
from factories.campaigns import CampaignFactory, give, manager_of
from factories.contracts import ContractFactory, first_goal, writer_of

from samenhang.budgets import services as budgets
from samenhang.campaigns import services
from samenhang.contracts import services as contracts


def test_money_raised_shows_as_crowdfunding_in_the_buurtbegroting(
    client: Any, db_session: Any
) -> None:
    campaign = CampaignFactory(goal_cents=100_00, title="Moestuin aan de Bloemstraat")
    give(campaign, 120_00)
    manager = manager_of(campaign)
    services.close_campaign(campaign, now=campaign.deadline_at + timedelta(minutes=1))
    services.pay_out(campaign, 90_00, idempotency_key=services.new_idempotency_key(), actor=manager)
    year = budgets.campaign_year(campaign)
    BudgetFactory(wijk=campaign.wijk, manager=manager, year=year, rows=[], published=True)
    wijk = campaign.wijk
    page = client.get(f"/g/{wijk.municipality.slug}/{wijk.slug}/buurtbegroting/{year}.json")
    [line] = [r for r in page.json["lines"] if r["title"] == "Moestuin aan de Bloemstraat"]
    assert (line["source"], line["planned_cents"], line["actual_cents"]) == (
        "crowdfunding",
        100_00,
        90_00,
    )


def test_the_campaign_page_names_the_goal_it_serves(client: Any, db_session: Any) -> None:
    contract = ContractFactory()
    campaign = CampaignFactory(initiative__wijk=contract.wijk)
    goal = first_goal(contract)
    assert "Serves the goal" not in client.get(f"/campaigns/{campaign.id}").text
    contracts.link(goal, campaign, actor=writer_of(contract))
    page = client.get(f"/campaigns/{campaign.id}").text
    assert "Serves the goal of the buurtcontract" in page and goal.title in page
