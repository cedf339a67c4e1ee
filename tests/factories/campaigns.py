"""Campaign test data, made through the services so the ledger and the audit log are right."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import factory

from factories.accounts import UserFactory, WijkmanagerFactory
from factories.initiatives import PublishedInitiativeFactory
from samenhang.accounts.models import User
from samenhang.campaigns import services
from samenhang.campaigns.models import (
    Campaign,
    CampaignDecision,
    FundingModel,
    Pledge,
    Provider,
)
from samenhang.extensions import db
from samenhang.localtime import local_today


def _commit() -> None:
    # Only releases the test's savepoint: a request that answers 4xx keeps this data.
    db.session.commit()


def manager_of(campaign: Campaign) -> User:
    return campaign.wijk.managers[0]


def in_days(days: int) -> date:
    return local_today() + timedelta(days=days)


class CampaignFactory(factory.Factory):
    """A campaign started by the author of a published initiative. `stage`: "draft",
    "submitted", "rejected" or "running" (the default), approved by a wijkmanager."""

    class Meta:
        model = Campaign

    stage = "running"
    initiative = factory.SubFactory(PublishedInitiativeFactory)
    manager = factory.LazyAttribute(lambda o: WijkmanagerFactory(wijken=[o.initiative.wijk]))
    title = factory.Sequence(lambda n: f"Buurtkamer opknappen {n}")
    story = "We knappen de **buurtkamer** op: verf, nieuwe stoelen en een open dag."
    goal_cents = 1_000_00
    min_amount_cents = 5_00
    days = 30
    funding_model = FundingModel.all_or_nothing

    @classmethod
    def _create(cls, model_class: type, **kw: Any) -> Campaign:
        stage, manager, initiative = kw.pop("stage"), kw.pop("manager"), kw.pop("initiative")
        data = services.CampaignData(
            title=kw.pop("title"),
            story=kw.pop("story"),
            goal_cents=kw.pop("goal_cents"),
            min_amount_cents=kw.pop("min_amount_cents"),
            deadline=in_days(kw.pop("days")),
            funding_model=kw.pop("funding_model"),
        )
        campaign = services.start_campaign(initiative, data, actor=initiative.author)
        if stage != "draft":
            services.submit_campaign(campaign, actor=initiative.author)
        if stage == "running":
            services.decide_campaign(campaign, CampaignDecision.approve, "", actor=manager)
        elif stage == "rejected":
            services.decide_campaign(
                campaign, CampaignDecision.reject, "Het doel is niet duidelijk.", actor=manager
            )
        _commit()
        return campaign


def give(
    campaign: Campaign,
    amount_cents: int,
    supporter: User | None = None,
    *,
    received: bool = True,
    provider: Provider = Provider.manual,
    **options: Any,
) -> Pledge:
    """A gift by bank transfer, marked received by the wijkmanager unless `received=False`."""
    pledge = services.pledge_money(
        campaign,
        amount_cents,
        provider=provider,
        idempotency_key=services.new_idempotency_key(),
        actor=supporter or UserFactory(),
        **options,
    )
    if received and provider is Provider.manual:
        services.mark_received(pledge, actor=manager_of(campaign))
    _commit()
    return pledge
