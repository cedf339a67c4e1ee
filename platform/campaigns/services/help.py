"""Time, materials and space: tasks supporters sign up for, wanted things they offer, and
the initiator's confirmation of what was done."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError

from samenhang.accounts.models import User
from samenhang.audit.services import log_event
from samenhang.campaigns import notifications, queries
from samenhang.campaigns.models import (
    Campaign,
    CampaignStatus,
    Need,
    NeedKind,
    Offer,
    Task,
    TaskSignup,
)
from samenhang.campaigns.services.common import (
    clean_text,
    require_initiator,
    require_initiator_or_manager,
)
from samenhang.db import utcnow
from samenhang.errors import DomainError
from samenhang.extensions import db
from samenhang.localtime import local_today
from samenhang.policies import is_self, require, require_confirmed_email

MAX_CAPACITY = 500
MAX_ITEMS = 30
#: Statuses in which the initiator still plans: before approval, or while it runs.
PLANNING = (CampaignStatus.draft, CampaignStatus.rejected, CampaignStatus.running)
#: Statuses in which people still help: help is often given after the money is in.
HELPING = (CampaignStatus.running, CampaignStatus.succeeded)


def _require_planning(campaign: Campaign) -> None:
    if campaign.status not in PLANNING:
        raise DomainError(_l("Tasks and wanted things cannot change now."))


def _require_helping(campaign: Campaign) -> None:
    if campaign.status not in HELPING:
        raise DomainError(_l("This campaign does not take support now."))


# --- tasks ------------------------------------------------------------------------------------


def add_task(
    campaign: Campaign,
    title: str,
    happens_on: date,
    capacity: int,
    *,
    actor: User,
    now: datetime | None = None,
) -> Task:
    """ "Paint the walls, Saturday 14 June, 6 people"."""
    require_initiator(actor, campaign)
    _require_planning(campaign)
    title = clean_text(title, 200, _l("Say what the task is."))
    if happens_on < local_today(now):
        raise DomainError(_l("The date of the task has passed."))
    if not 1 <= capacity <= MAX_CAPACITY:
        raise DomainError(_l("A task needs between 1 and {most} people."), most=MAX_CAPACITY)
    if len(campaign.tasks) >= MAX_ITEMS:
        raise DomainError(
            lazy_ngettext(
                "A campaign has at most {count} task.",
                "A campaign has at most {count} tasks.",
                MAX_ITEMS,
            ),
            count=MAX_ITEMS,
        )
    task = Task(campaign=campaign, title=title, happens_on=happens_on, capacity=capacity)
    db.session.add(task)
    db.session.flush()
    log_event(
        actor,
        "campaign.task_added",
        campaign,
        wijk=campaign.wijk,
        after={"task_id": task.id, "title": title, "capacity": capacity},
    )
    return task


def _remove_planned(
    item: Task | Need, in_use: bool, refusal: Any, action: str, actor: User
) -> None:
    campaign = item.campaign
    require_initiator(actor, campaign)
    _require_planning(campaign)
    if in_use:
        raise DomainError(refusal)
    log_event(actor, action, campaign, wijk=campaign.wijk, before={"title": item.title})
    db.session.delete(item)
    db.session.flush()


def remove_task(task: Task, *, actor: User) -> None:
    _remove_planned(
        task,
        task.taken > 0,
        _l("People have signed up for this task; it cannot be removed."),
        "campaign.task_removed",
        actor,
    )


def sign_up(task: Task, *, actor: User, now: datetime | None = None) -> TaskSignup:
    """Take a place. The count moves with a conditional UPDATE in the same savepoint as the
    sign-up row, so the database keeps a task from taking more people than it has places."""
    campaign = task.campaign
    _require_helping(campaign)
    require_confirmed_email(actor, "help")
    if task.done_at is not None or task.happens_on < local_today(now):
        raise DomainError(_l("This task is over."))
    try:
        with db.session.begin_nested():
            taken = db.session.execute(
                update(Task)
                .where(Task.id == task.id, Task.taken < Task.capacity)
                .values(taken=Task.taken + 1)
                .execution_options(synchronize_session=False)
            )
            if taken.rowcount != 1:
                raise DomainError(_l("This task is full. Thank you for wanting to help!"))
            signup = TaskSignup(task_id=task.id, user_id=actor.id)
            db.session.add(signup)
            db.session.flush()
    except IntegrityError as exc:
        raise DomainError(_l("You have already signed up for this task.")) from exc
    db.session.expire(task, ["taken"])
    log_event(
        actor, "campaign.task_signup", campaign, wijk=campaign.wijk, after={"task_id": task.id}
    )
    return signup


def cancel_signup(task: Task, *, actor: User) -> None:
    campaign = task.campaign
    if task.done_at is not None:
        raise DomainError(_l("This task is over."))
    with db.session.begin_nested():
        removed = db.session.execute(
            delete(TaskSignup)
            .where(TaskSignup.task_id == task.id, TaskSignup.user_id == actor.id)
            .execution_options(synchronize_session=False)
        )
        if removed.rowcount != 1:
            raise DomainError(_l("You had not signed up for this task."))
        db.session.execute(
            update(Task)
            .where(Task.id == task.id)
            .values(taken=Task.taken - 1)
            .execution_options(synchronize_session=False)
        )
    db.session.expire(task, ["taken", "signups"])
    log_event(
        actor, "campaign.task_cancelled", campaign, wijk=campaign.wijk, after={"task_id": task.id}
    )


def confirm_task_done(task: Task, *, actor: User) -> None:
    campaign = task.campaign
    require_initiator_or_manager(actor, campaign)
    _require_helping(campaign)
    if task.done_at is not None:
        return
    task.done_at = utcnow()
    log_event(
        actor,
        "campaign.task_done",
        campaign,
        wijk=campaign.wijk,
        after={"task_id": task.id, "title": task.title},
        public=True,
    )


def send_task_reminders(now: datetime | None = None) -> int:
    """Mail everyone who signed up for a task tomorrow (run daily)."""
    signups = queries.signups_to_remind(local_today(now) + timedelta(days=1))
    for signup in signups:
        notifications.task_reminder(signup)
        signup.reminded_at = utcnow()
    return len(signups)


# --- materials and space ------------------------------------------------------------------------


def add_need(
    campaign: Campaign, kind: NeedKind, title: str, description: str = "", *, actor: User
) -> Need:
    require_initiator(actor, campaign)
    _require_planning(campaign)
    if len(campaign.needs) >= MAX_ITEMS:
        raise DomainError(
            lazy_ngettext(
                "A campaign has at most {count} wanted thing.",
                "A campaign has at most {count} wanted things.",
                MAX_ITEMS,
            ),
            count=MAX_ITEMS,
        )
    need = Need(
        campaign=campaign,
        kind=kind,
        title=clean_text(title, 200, _l("Say what is wanted.")),
        description=(description or "").strip()[:2000],
    )
    db.session.add(need)
    db.session.flush()
    log_event(
        actor,
        "campaign.need_added",
        campaign,
        wijk=campaign.wijk,
        after={"need_id": need.id, "kind": kind.value, "title": need.title},
    )
    return need


def remove_need(need: Need, *, actor: User) -> None:
    _remove_planned(
        need,
        bool(need.offers),
        _l("Someone has offered this already; it cannot be removed."),
        "campaign.need_removed",
        actor,
    )


def offer_help(need: Need, description: str, *, actor: User) -> Offer:
    """Pledge materials or space for a wanted thing."""
    campaign = need.campaign
    _require_helping(campaign)
    require_confirmed_email(actor, "help")
    offer = Offer(
        need_id=need.id,
        user_id=actor.id,
        description=clean_text(description, 300, _l("Say what you offer.")),
    )
    try:
        with db.session.begin_nested():
            db.session.add(offer)
            db.session.flush()
    except IntegrityError as exc:
        raise DomainError(_l("You have already offered this.")) from exc
    log_event(
        actor, "campaign.offer_made", campaign, wijk=campaign.wijk, after={"need_id": need.id}
    )
    return offer


def withdraw_offer(offer: Offer, *, actor: User) -> None:
    require(is_self(actor, offer.user_id))
    if offer.confirmed_at is not None:
        raise DomainError(_l("This was given already."))
    campaign = offer.need.campaign
    log_event(
        actor,
        "campaign.offer_withdrawn",
        campaign,
        wijk=campaign.wijk,
        before={"need_id": offer.need_id},
    )
    db.session.delete(offer)
    db.session.flush()


def confirm_offer(offer: Offer, *, actor: User) -> None:
    """The initiator confirms the materials or space were given."""
    campaign = offer.need.campaign
    require_initiator_or_manager(actor, campaign)
    _require_helping(campaign)
    if offer.confirmed_at is not None:
        return
    offer.confirmed_at = utcnow()
    log_event(
        actor,
        "campaign.offer_confirmed",
        campaign,
        wijk=campaign.wijk,
        after={"need_id": offer.need_id},
        public=True,
    )
