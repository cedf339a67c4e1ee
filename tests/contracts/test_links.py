"""What serves a goal: campaigns and buurtbegroting lines beside initiatives, rounds and
pots; added and removed by those the policy allows, audit-logged, shown on both pages."""

from __future__ import annotations

from typing import Any

import pytest
from factories.accounts import UserFactory
from factories.budgets import BudgetFactory, line_with_key
from factories.campaigns import CampaignFactory
from factories.contracts import ContractFactory, first_goal, party, signer_for, writer_of
from factories.initiatives import PublishedInitiativeFactory

from samenhang.audit.models import AuditEntry
from samenhang.contracts import queries, services
from samenhang.contracts.models import Contract, PartyKind
from samenhang.errors import DomainError, PermissionDenied
from samenhang.extensions import db


def _goal_url(contract: Contract) -> str:
    wijk = contract.wijk
    base = f"/g/{wijk.municipality.slug}/{wijk.slug}/buurtcontract"
    return f"{base}/{contract.year}/goals/{first_goal(contract).id}"


def _published_line(contract: Contract, key: str = "K-2") -> Any:
    wijk = contract.wijk
    budget = BudgetFactory(wijk=wijk, manager=wijk.managers[0], year=contract.year, published=True)
    return line_with_key(budget, key)


def test_owners_link_campaigns_and_lines_of_their_own_wijk(db_session: Any) -> None:
    contract = ContractFactory()
    goal = first_goal(contract)
    owner = signer_for(goal.owner_party)  # the gemeente: a wijkmanager
    campaign = CampaignFactory(initiative__wijk=contract.wijk)
    line = _published_line(contract)
    services.link(goal, campaign, actor=owner)
    services.link(goal, line, actor=owner)
    assert [li.target for li in goal.links] == [campaign, line]
    assert queries.goals_served_by(campaign, None) == [goal]
    assert queries.goals_served_by(line, None) == [goal]
    actions = [
        a
        for (a,) in db.session.query(AuditEntry.action).filter(AuditEntry.object_id == str(goal.id))
    ]
    assert actions.count("goal.linked") == 2

    with pytest.raises(DomainError, match="already linked"):
        services.link(goal, campaign, actor=owner)
    for other in (
        CampaignFactory(),
        CampaignFactory(initiative__wijk=contract.wijk, stage="draft"),
    ):
        with pytest.raises(DomainError, match="Only public things"):
            services.link(goal, other, actor=owner)
    draft_line = line_with_key(
        BudgetFactory(
            wijk=contract.wijk, manager=contract.wijk.managers[0], year=contract.year + 1
        ),
        "K-1",
    )
    with pytest.raises(DomainError, match="Only public things"):
        services.link(goal, draft_line, actor=owner)
    with pytest.raises(PermissionDenied):
        services.link(goal, CampaignFactory(initiative__wijk=contract.wijk), actor=UserFactory())
    # A corporatie's signer acts for the corporatie, not for the gemeente's goal.
    corporatie = signer_for(party(contract, PartyKind.corporatie))
    with pytest.raises(PermissionDenied):
        services.unlink(goal.links[0], actor=corporatie)
    services.unlink(goal.links[0], actor=owner)
    assert [li.target for li in goal.links] == [line]


def test_a_line_pays_for_one_goal(db_session: Any) -> None:
    contract = ContractFactory()
    goal = first_goal(contract)
    writer = writer_of(contract)
    line = _published_line(contract)
    services.link(goal, line, actor=writer)
    other_contract = ContractFactory(wijk=contract.wijk, year=contract.year + 1)
    with pytest.raises(DomainError, match="already pays for the goal"):
        services.link(first_goal(other_contract), line, actor=writer_of(other_contract))


def test_the_goal_page_and_the_linked_pages_show_the_link(client: Any, login: Any) -> None:
    contract = ContractFactory()
    goal = first_goal(contract)
    campaign = CampaignFactory(initiative__wijk=contract.wijk, title="Speeltuin verven")
    initiative = PublishedInitiativeFactory(wijk=contract.wijk)
    line = _published_line(contract)
    login(writer_of(contract))
    for target in (f"campaign:{campaign.id}", f"line:{line.id}", f"initiative:{initiative.id}"):
        response = client.post(f"{_goal_url(contract)}/links", data={"target": target})
        assert response.status_code == 302, target
    page = client.get(_goal_url(contract)).text
    assert "Speeltuin verven" in page and line.title in page
    wijk = contract.wijk
    line_url = (
        f"/g/{wijk.municipality.slug}/{wijk.slug}/buurtbegroting/{contract.year}/lines/{line.id}"
    )
    for url in (f"/campaigns/{campaign.id}", f"/initiatives/{initiative.id}", line_url):
        page = client.get(url).text
        assert "Serves the goal of the buurtcontract" in page, url
        assert goal.title in page and _goal_url(contract) in page, url


def test_the_line_edit_form_offers_the_wijks_goals(client: Any, login: Any) -> None:
    contract = ContractFactory()
    goal = first_goal(contract)
    line = _published_line(contract, "K-1")
    wijk = contract.wijk
    url = (
        f"/g/{wijk.municipality.slug}/{wijk.slug}/buurtbegroting/{contract.year}"
        f"/lines/{line.id}/edit"
    )
    login(wijk.managers[0])
    assert goal.title in client.get(url).text
    form = {
        "title": line.title,
        "theme": line.theme.value,
        "source": line.source.value,
        "source_name": line.source_name,
        "planned": "48000",
        "actual": "21500,50",
        "goal": str(goal.id),
        "reason": "Het doel erbij gezet.",
    }
    assert client.post(url, data=form).status_code == 302
    assert queries.served_goal(line) is goal
    form["goal"] = "12345"
    assert client.post(url, data=form).status_code == 422
