"""Time, materials and space: tasks with places, sign-ups, offers, confirmations."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from factories.accounts import UserFactory
from factories.campaigns import CampaignFactory, in_days, manager_of

from samenhang.campaigns import queries, services
from samenhang.campaigns.models import NeedKind
from samenhang.errors import DomainError, PermissionDenied
from samenhang.extensions import db


def _task(campaign: Any, capacity: int = 2, days: int = 10) -> Any:
    return services.add_task(
        campaign, "Muren verven", in_days(days), capacity, actor=campaign.initiator
    )


def test_the_initiator_plans_tasks(db_session: Any) -> None:
    campaign = CampaignFactory(stage="draft")
    task = _task(campaign, capacity=6)
    assert (task.capacity, task.taken) == (6, 0)
    with pytest.raises(PermissionDenied):
        services.add_task(campaign, "Schoonmaken", in_days(3), 2, actor=UserFactory())
    with pytest.raises(DomainError, match="date of the task has passed"):
        services.add_task(campaign, "Gisteren", in_days(-1), 2, actor=campaign.initiator)
    with pytest.raises(DomainError, match="between 1 and 500 people"):
        services.add_task(campaign, "Niemand", in_days(3), 0, actor=campaign.initiator)
    with pytest.raises(DomainError, match="Say what the task is"):
        services.add_task(campaign, " ", in_days(3), 2, actor=campaign.initiator)
    services.remove_task(task, actor=campaign.initiator)
    assert campaign.tasks == []


def test_no_sign_ups_before_approval(db_session: Any) -> None:
    campaign = CampaignFactory(stage="draft")
    task = _task(campaign)
    with pytest.raises(DomainError, match="does not take support now"):
        services.sign_up(task, actor=UserFactory())


def test_a_task_takes_no_more_people_than_it_has_places(db_session: Any) -> None:
    campaign = CampaignFactory()
    task = _task(campaign, capacity=2)
    first, second, third = UserFactory(), UserFactory(), UserFactory()
    services.sign_up(task, actor=first)
    with pytest.raises(DomainError, match="already signed up"):
        services.sign_up(task, actor=first)
    services.sign_up(task, actor=second)
    with pytest.raises(DomainError, match="This task is full"):
        services.sign_up(task, actor=third)
    db.session.refresh(task)
    assert task.taken == 2 and task.is_full and len(task.signups) == 2
    figures = queries.summary(campaign)
    assert (figures.tasks_filled, figures.tasks_total, figures.supporters) == (1, 1, 2)

    services.cancel_signup(task, actor=first)
    db.session.refresh(task)
    assert task.taken == 1
    with pytest.raises(DomainError, match="had not signed up"):
        services.cancel_signup(task, actor=first)
    services.sign_up(task, actor=third)
    with pytest.raises(DomainError, match="cannot be removed"):
        services.remove_task(task, actor=campaign.initiator)


def test_the_initiator_confirms_what_was_done(db_session: Any) -> None:
    campaign = CampaignFactory()
    task = _task(campaign)
    services.sign_up(task, actor=UserFactory())
    with pytest.raises(PermissionDenied):
        services.confirm_task_done(task, actor=UserFactory())
    services.confirm_task_done(task, actor=campaign.initiator)
    assert task.done_at is not None
    assert queries.summary(campaign).tasks_done == 1
    with pytest.raises(DomainError, match="This task is over"):
        services.sign_up(task, actor=UserFactory())
    with pytest.raises(DomainError, match="This task is over"):
        services.cancel_signup(task, actor=UserFactory())


def test_offers_of_materials_and_space(db_session: Any) -> None:
    campaign = CampaignFactory()
    need = services.add_need(
        campaign, NeedKind.space, "Een zaal voor 20 mensen", actor=campaign.initiator
    )
    neighbour = UserFactory()
    offer = services.offer_help(need, "Ons buurthuis op zondag", actor=neighbour)
    with pytest.raises(DomainError, match="already offered"):
        services.offer_help(need, "Nog eens", actor=neighbour)
    with pytest.raises(DomainError, match="Say what you offer"):
        services.offer_help(need, "  ", actor=UserFactory())
    with pytest.raises(DomainError, match="cannot be removed"):
        services.remove_need(need, actor=campaign.initiator)
    with pytest.raises(PermissionDenied):
        services.withdraw_offer(offer, actor=UserFactory())
    assert queries.summary(campaign).supporters == 1
    services.confirm_offer(offer, actor=manager_of(campaign))
    assert offer.confirmed_at is not None
    with pytest.raises(DomainError, match="given already"):
        services.withdraw_offer(offer, actor=neighbour)


def test_reminders_the_day_before(db_session: Any, outbox: list[Any]) -> None:
    campaign = CampaignFactory()
    tomorrow = _task(campaign, days=1)
    later = _task(campaign, days=5)
    helper = UserFactory()
    services.sign_up(tomorrow, actor=helper)
    services.sign_up(later, actor=UserFactory())
    assert services.send_task_reminders() == 1
    assert outbox[-1].to == helper.email and "Tomorrow" in outbox[-1].subject
    assert services.send_task_reminders() == 0
    assert services.send_task_reminders(now=campaign.created_at + timedelta(days=4)) == 1
