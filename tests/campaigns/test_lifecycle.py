"""A campaign's life: started from a published initiative, approved or rejected with public
reasons, closed at its deadline."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from factories.accounts import UserFactory, WijkmanagerFactory
from factories.campaigns import CampaignFactory, give, in_days, manager_of
from factories.initiatives import InitiativeFactory, PublishedInitiativeFactory
from sqlalchemy import select

from samenhang.audit.models import AuditEntry
from samenhang.campaigns import queries, services
from samenhang.campaigns.models import (
    CampaignDecision,
    CampaignStatus,
    FundingModel,
    PledgeStatus,
)
from samenhang.errors import DomainError, PermissionDenied
from samenhang.extensions import db
from samenhang.initiatives.models import State
from samenhang.localtime import local_date


def _data(**changes: Any) -> services.CampaignData:
    values: dict[str, Any] = {
        "title": "Een nieuwe speeltuin",
        "story": "Samen bouwen we een speeltuin.",
        "goal_cents": 2_000_00,
        "min_amount_cents": 5_00,
        "deadline": in_days(30),
        "funding_model": FundingModel.all_or_nothing,
    }
    values.update(changes)
    return services.CampaignData(**values)


def _public_actions(campaign: Any) -> list[str]:
    stmt = select(AuditEntry.action).where(
        AuditEntry.object_type == "campaigns",
        AuditEntry.object_id == str(campaign.id),
        AuditEntry.is_public,
    )
    return list(db.session.scalars(stmt))


def test_the_initiator_starts_a_draft_from_a_published_initiative(db_session: Any) -> None:
    initiative = PublishedInitiativeFactory()
    campaign = services.start_campaign(initiative, _data(), actor=initiative.author)
    assert campaign.status is CampaignStatus.draft
    assert campaign.wijk_id == initiative.wijk_id
    assert campaign.account.kind.value == "campaign"
    assert local_date(campaign.deadline_at) == in_days(30) and not campaign.is_public


def test_only_the_initiator_and_only_from_a_published_initiative(db_session: Any) -> None:
    initiative = PublishedInitiativeFactory()
    with pytest.raises(PermissionDenied):
        services.start_campaign(initiative, _data(), actor=UserFactory())
    draft = InitiativeFactory(state=State.draft)
    with pytest.raises(DomainError, match="published initiative"):
        services.start_campaign(draft, _data(), actor=draft.author)
    services.start_campaign(initiative, _data(), actor=initiative.author)
    with pytest.raises(DomainError, match="already has a campaign"):
        services.start_campaign(initiative, _data(), actor=initiative.author)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": "  "}, "Give the campaign a title"),
        ({"story": ""}, "Tell the story"),
        ({"goal_cents": 5_00}, "The goal must be between"),
        ({"goal_cents": 10_000_000_00}, "The goal must be between"),
        ({"min_amount_cents": 50}, "The smallest gift must be at least"),
        ({"min_amount_cents": 3_000_00}, "not more than the goal"),
        ({"deadline": in_days(0)}, "The deadline must be after today"),
        ({"deadline": in_days(-3)}, "The deadline must be after today"),
        ({"deadline": in_days(400)}, "at most 120 days"),
        ({"original_locale": "xx"}, "languages of the site"),
    ],
)
def test_bad_campaign_data_is_refused(db_session: Any, changes: Any, message: str) -> None:
    initiative = PublishedInitiativeFactory()
    with pytest.raises(DomainError, match=message):
        services.start_campaign(initiative, _data(**changes), actor=initiative.author)
    assert queries.campaign_for_initiative(initiative) is None


def test_approval_is_public_and_mailed_to_the_initiator(db_session: Any, outbox: list[Any]) -> None:
    campaign = CampaignFactory(stage="submitted")
    manager = WijkmanagerFactory(wijken=[campaign.wijk])
    services.decide_campaign(campaign, CampaignDecision.approve, "Mooi plan.", actor=manager)
    assert campaign.status is CampaignStatus.running and campaign.status_reason == "Mooi plan."
    assert "campaign.running" in _public_actions(campaign)
    assert outbox[-1].to == campaign.initiator.email
    assert "approved" in outbox[-1].body


def test_rejection_needs_public_reasons_and_can_be_answered(db_session: Any) -> None:
    campaign = CampaignFactory(stage="submitted")
    manager = WijkmanagerFactory(wijken=[campaign.wijk])
    with pytest.raises(DomainError, match="write the reasons"):
        services.decide_campaign(campaign, CampaignDecision.reject, " ", actor=manager)
    services.decide_campaign(campaign, CampaignDecision.reject, "Te vaag.", actor=manager)
    assert campaign.status is CampaignStatus.rejected and campaign.is_public
    assert "campaign.rejected" in _public_actions(campaign)
    services.update_campaign(campaign, _data(title="Duidelijker plan"), actor=campaign.initiator)
    services.submit_campaign(campaign, actor=campaign.initiator)
    assert campaign.status is CampaignStatus.submitted


def test_only_a_manager_of_the_wijk_decides(db_session: Any) -> None:
    campaign = CampaignFactory(stage="submitted")
    for outsider in (campaign.initiator, WijkmanagerFactory(), UserFactory()):
        with pytest.raises(PermissionDenied):
            services.decide_campaign(campaign, CampaignDecision.approve, "", actor=outsider)
    assert campaign.status is CampaignStatus.submitted


def test_a_decision_needs_a_submitted_campaign(db_session: Any) -> None:
    draft = CampaignFactory(stage="draft")
    manager = WijkmanagerFactory(wijken=[draft.wijk])
    with pytest.raises(DomainError, match="not waiting for a decision"):
        services.decide_campaign(draft, CampaignDecision.approve, "", actor=manager)
    running = CampaignFactory()
    with pytest.raises(DomainError, match="not waiting for a decision"):
        services.decide_campaign(
            running, CampaignDecision.reject, "Nee.", actor=manager_of(running)
        )


def test_a_running_campaign_cannot_be_changed(db_session: Any) -> None:
    campaign = CampaignFactory()
    with pytest.raises(DomainError, match="before the wijkmanager approves"):
        services.update_campaign(campaign, _data(goal_cents=50_00), actor=campaign.initiator)


def test_all_or_nothing_that_meets_its_goal_succeeds_and_funds_the_initiative(
    db_session: Any, outbox: list[Any]
) -> None:
    campaign = CampaignFactory(goal_cents=100_00)
    give(campaign, 60_00)
    give(campaign, 50_00)
    status = services.close_campaign(campaign, now=campaign.deadline_at + timedelta(seconds=1))
    assert status is CampaignStatus.succeeded
    assert campaign.initiative.state is State.funded
    assert campaign.initiative_account is not None
    assert "campaign.succeeded" in _public_actions(campaign)
    assert sum("has ended" in m.subject for m in outbox) == 2


def test_a_campaign_closes_only_at_its_deadline(db_session: Any) -> None:
    campaign = CampaignFactory()
    with pytest.raises(DomainError, match="runs until its deadline"):
        services.close_campaign(campaign)


def test_keep_what_you_raise_succeeds_below_its_goal(db_session: Any) -> None:
    campaign = CampaignFactory(goal_cents=1_000_00, funding_model=FundingModel.keep_it)
    give(campaign, 20_00)
    later = campaign.deadline_at + timedelta(hours=1)
    assert services.close_campaign(campaign, now=later) is CampaignStatus.succeeded


def test_all_or_nothing_below_its_goal_fails_and_calls_off_promises(db_session: Any) -> None:
    campaign = CampaignFactory(goal_cents=1_000_00)
    received = give(campaign, 20_00)
    promised = give(campaign, 30_00, received=False)
    later = campaign.deadline_at + timedelta(hours=1)
    assert services.close_campaign(campaign, now=later) is CampaignStatus.failed
    assert promised.status is PledgeStatus.cancelled
    assert received.status is PledgeStatus.received
    assert queries.refunds_due(received.provider, campaign) == [received]
    assert campaign.initiative.state is State.published
