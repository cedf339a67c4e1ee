"""Reading campaigns: lists, the figures on a campaign's page, supporters, what is due."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, case, func, select, union
from sqlalchemy.orm import joinedload, selectinload

from samenhang.accounts.models import User
from samenhang.campaigns.models import (
    LISTED_STATUSES,
    Campaign,
    CampaignPhoto,
    CampaignStatus,
    Need,
    Offer,
    Pledge,
    PledgeStatus,
    Provider,
    Task,
    TaskSignup,
)
from samenhang.db import utcnow
from samenhang.extensions import db
from samenhang.initiatives.models import Initiative
from samenhang.ledger.models import JournalEntry
from samenhang.ledger.queries import balances, entries_for_accounts
from samenhang.localtime import local_date
from samenhang.places.models import Municipality, Wijk
from samenhang.vouchers.models import Pot, PotStatus

#: Gifts whose money the campaign has (or had, before a refund).
MONEY_IN = (PledgeStatus.received, PledgeStatus.refunded)
#: Gifts promised or on their way, not yet received.
MONEY_COMING = (PledgeStatus.pledged, PledgeStatus.pending)
#: Pledges that make someone a supporter.
SUPPORTING = (PledgeStatus.pledged, PledgeStatus.pending, PledgeStatus.received)


@dataclass(frozen=True)
class CampaignSummary:
    goal_cents: int
    #: Gifts received (less refunds) plus what the matchfunding pot added.
    raised_cents: int
    gifts_cents: int
    matched_cents: int
    #: Promised by bank transfer or paid online but not yet confirmed: not raised yet.
    pledged_cents: int
    supporters: int
    tasks_total: int
    tasks_filled: int
    tasks_done: int
    deadline_at: datetime
    now: datetime

    @property
    def percent(self) -> int:
        return self.raised_cents * 100 // self.goal_cents

    @property
    def progress_value(self) -> int:
        """For `<progress>`, which cannot go past its maximum; the text says 118%."""
        return min(self.raised_cents, self.goal_cents)

    @property
    def goal_met(self) -> bool:
        return self.raised_cents >= self.goal_cents

    @property
    def days_left(self) -> int:
        """Whole days after today until the deadline's day (0 on the last day)."""
        return max(0, (local_date(self.deadline_at) - local_date(self.now)).days)


def campaign_by_id(campaign_id: int) -> Campaign | None:
    return db.session.get(Campaign, campaign_id)


def campaign_for_initiative(initiative: Initiative) -> Campaign | None:
    return db.session.scalar(select(Campaign).where(Campaign.initiative_id == initiative.id))


def _listed(stmt: Select[Any]) -> list[Campaign]:
    stmt = stmt.where(Campaign.status.in_(LISTED_STATUSES)).order_by(
        # Running campaigns first, the soonest deadline on top; then the closed ones.
        case((Campaign.status == CampaignStatus.running, 0), else_=1),
        case((Campaign.status == CampaignStatus.running, Campaign.deadline_at), else_=None).asc(),
        Campaign.closed_at.desc(),
        Campaign.id.desc(),
    )
    return list(
        db.session.scalars(
            stmt.options(
                # Many-to-one, so joined into the list's own query rather than three more.
                joinedload(Campaign.wijk),
                # Lists and feeds show the initiative's name (and whether its author left).
                joinedload(Campaign.initiative).joinedload(Initiative.author),
                # Cards show the first photo: one query for the list, not one per card.
                selectinload(Campaign.photos),
            )
        )
    )


def campaigns_in_wijk(wijk: Wijk) -> list[Campaign]:
    return _listed(select(Campaign).where(Campaign.wijk_id == wijk.id))


def campaigns_in_municipality(municipality: Municipality) -> list[Campaign]:
    wijken = select(Wijk.id).where(Wijk.municipality_id == municipality.id)
    return _listed(select(Campaign).where(Campaign.wijk_id.in_(wijken)))


def public_campaigns(
    wijk: Wijk | None = None,
    municipality: Municipality | None = None,
    statuses: Sequence[CampaignStatus] = (),
    page: int = 1,
    per_page: int = 20,
) -> tuple[list[Campaign], int]:
    """For the API: listed campaigns, newest first, with the total count."""
    stmt = select(Campaign).where(Campaign.status.in_(statuses or LISTED_STATUSES))
    if wijk is not None:
        stmt = stmt.where(Campaign.wijk_id == wijk.id)
    elif municipality is not None:
        stmt = stmt.where(
            Campaign.wijk_id.in_(select(Wijk.id).where(Wijk.municipality_id == municipality.id))
        )
    total = int(db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0)
    items = db.session.scalars(
        stmt.order_by(Campaign.id.desc()).limit(per_page).offset((page - 1) * per_page)
    )
    return list(items), total


def waiting_for_decision(wijk: Wijk) -> list[Campaign]:
    stmt = (
        select(Campaign)
        .where(Campaign.wijk_id == wijk.id, Campaign.status == CampaignStatus.submitted)
        .order_by(Campaign.submitted_at)
    )
    return list(db.session.scalars(stmt))


# --- figures --------------------------------------------------------------------------------


def _supporter_rows(ids: list[int]) -> Any:
    gifts = select(Pledge.campaign_id, Pledge.supporter_id.label("user_id")).where(
        Pledge.campaign_id.in_(ids), Pledge.status.in_(SUPPORTING)
    )
    hands = (
        select(Task.campaign_id, TaskSignup.user_id)
        .join(TaskSignup, TaskSignup.task_id == Task.id)
        .where(Task.campaign_id.in_(ids))
    )
    things = (
        select(Need.campaign_id, Offer.user_id)
        .join(Offer, Offer.need_id == Need.id)
        .where(Need.campaign_id.in_(ids))
    )
    return union(gifts, hands, things).subquery()


def summaries(
    campaigns: Sequence[Campaign], now: datetime | None = None
) -> dict[int, CampaignSummary]:
    """The figures of each campaign, in a fixed number of queries."""
    ids = [c.id for c in campaigns]
    if not ids:
        return {}
    kept = Pledge.amount_cents - Pledge.refunded_cents
    matched = Pledge.matched_cents - Pledge.match_released_cents
    money = {
        row.campaign_id: row
        for row in db.session.execute(
            select(
                Pledge.campaign_id,
                func.coalesce(
                    func.sum(case((Pledge.status.in_(MONEY_IN), kept), else_=0)), 0
                ).label("gifts"),
                func.coalesce(func.sum(matched), 0).label("matched"),
                func.coalesce(
                    func.sum(case((Pledge.status.in_(MONEY_COMING), Pledge.amount_cents), else_=0)),
                    0,
                ).label("coming"),
            )
            .where(Pledge.campaign_id.in_(ids))
            .group_by(Pledge.campaign_id)
        )
    }
    rows = _supporter_rows(ids)
    people = dict(
        db.session.execute(
            select(rows.c.campaign_id, func.count(rows.c.user_id)).group_by(rows.c.campaign_id)
        ).all()
    )
    tasks = {
        row.campaign_id: row
        for row in db.session.execute(
            select(
                Task.campaign_id,
                func.count(Task.id).label("total"),
                func.coalesce(func.sum(case((Task.taken >= Task.capacity, 1), else_=0)), 0).label(
                    "filled"
                ),
                func.coalesce(func.sum(case((Task.done_at.is_not(None), 1), else_=0)), 0).label(
                    "done"
                ),
            )
            .where(Task.campaign_id.in_(ids))
            .group_by(Task.campaign_id)
        )
    }
    now = now or utcnow()
    result = {}
    for campaign in campaigns:
        m, t = money.get(campaign.id), tasks.get(campaign.id)
        gifts, match = (int(m.gifts), int(m.matched)) if m else (0, 0)
        result[campaign.id] = CampaignSummary(
            goal_cents=campaign.goal_cents,
            raised_cents=gifts + match,
            gifts_cents=gifts,
            matched_cents=match,
            pledged_cents=int(m.coming) if m else 0,
            supporters=int(people.get(campaign.id, 0)),
            tasks_total=int(t.total) if t else 0,
            tasks_filled=int(t.filled) if t else 0,
            tasks_done=int(t.done) if t else 0,
            deadline_at=campaign.deadline_at,
            now=now,
        )
    return result


def summary(campaign: Campaign, now: datetime | None = None) -> CampaignSummary:
    return summaries([campaign], now)[campaign.id]


def matched_total(campaign: Campaign) -> int:
    """What the matchfunding pot has put in and not taken back."""
    stmt = select(
        func.coalesce(func.sum(Pledge.matched_cents - Pledge.match_released_cents), 0)
    ).where(Pledge.campaign_id == campaign.id)
    return int(db.session.scalar(stmt) or 0)


def account_balance(campaign: Campaign) -> int:
    return balances([campaign.account])[campaign.account_id]


def campaign_ledger(campaign: Campaign) -> list[JournalEntry]:
    accounts = [campaign.account]
    if campaign.initiative_account is not None:
        accounts.append(campaign.initiative_account)
    return entries_for_accounts(accounts)


# --- people -----------------------------------------------------------------------------------


def supporters(campaign: Campaign) -> list[User]:
    """Everyone who gave, promised, signed up or offered something; each once."""
    rows = _supporter_rows([campaign.id])
    stmt = select(User).where(User.id.in_(select(rows.c.user_id))).order_by(User.id)
    return list(db.session.scalars(stmt))


def public_gifts(campaign: Campaign) -> list[Pledge]:
    """Received gifts, for the list of names on the page (anonymous ones without a name)."""
    stmt = (
        select(Pledge)
        .where(Pledge.campaign_id == campaign.id, Pledge.status == PledgeStatus.received)
        .options(selectinload(Pledge.supporter))
        .order_by(Pledge.received_at.desc())
        .limit(50)
    )
    return list(db.session.scalars(stmt))


def pledges_of(campaign: Campaign) -> list[Pledge]:
    stmt = (
        select(Pledge)
        .where(Pledge.campaign_id == campaign.id)
        .options(selectinload(Pledge.supporter))
        .order_by(Pledge.id)
    )
    return list(db.session.scalars(stmt))


def donors_for_initiator(campaign: Campaign) -> list[Pledge]:
    """The gifts whose givers let the initiator see who they are."""
    return [
        p
        for p in pledges_of(campaign)
        if p.share_with_initiator and not p.is_anonymous and p.status in SUPPORTING
    ]


def my_pledges(user: Any, campaign: Campaign) -> list[Pledge]:
    if not getattr(user, "is_authenticated", False):
        return []
    stmt = (
        select(Pledge)
        .where(Pledge.campaign_id == campaign.id, Pledge.supporter_id == user.id)
        .order_by(Pledge.id.desc())
    )
    return list(db.session.scalars(stmt))


def my_task_ids(user: Any, campaign: Campaign) -> set[int]:
    if not getattr(user, "is_authenticated", False):
        return set()
    stmt = (
        select(TaskSignup.task_id)
        .join(Task, Task.id == TaskSignup.task_id)
        .where(Task.campaign_id == campaign.id, TaskSignup.user_id == user.id)
    )
    return set(db.session.scalars(stmt))


def my_offers(user: Any, campaign: Campaign) -> dict[int, Offer]:
    """The user's offers, by need id."""
    if not getattr(user, "is_authenticated", False):
        return {}
    stmt = (
        select(Offer)
        .join(Need, Need.id == Offer.need_id)
        .where(Need.campaign_id == campaign.id, Offer.user_id == user.id)
    )
    return {o.need_id: o for o in db.session.scalars(stmt)}


def pledge_by_id(pledge_id: int) -> Pledge | None:
    return db.session.get(Pledge, pledge_id)


def pledge_by_provider_ref(provider: Provider, ref: str) -> Pledge | None:
    stmt = select(Pledge).where(Pledge.provider == provider, Pledge.provider_ref == ref)
    return db.session.scalar(stmt)


def pledge_by_key(key: str) -> Pledge | None:
    return db.session.scalar(select(Pledge).where(Pledge.idempotency_key == key))


# --- what is due ----------------------------------------------------------------------------


def due_campaigns(now: datetime | None = None) -> list[Campaign]:
    """Running campaigns whose deadline has passed."""
    stmt = (
        select(Campaign)
        .where(Campaign.status == CampaignStatus.running, Campaign.deadline_at <= (now or utcnow()))
        .order_by(Campaign.deadline_at)
    )
    return list(db.session.scalars(stmt))


def refunds_due(provider: Provider, campaign: Campaign | None = None) -> list[Pledge]:
    """Received gifts of failed campaigns not yet paid back in full."""
    stmt = (
        select(Pledge)
        .join(Campaign, Campaign.id == Pledge.campaign_id)
        .where(
            Campaign.status == CampaignStatus.failed,
            Pledge.provider == provider,
            Pledge.status == PledgeStatus.received,
        )
        .order_by(Pledge.id)
    )
    if campaign is not None:
        stmt = stmt.where(Campaign.id == campaign.id)
    return list(db.session.scalars(stmt))


def signups_to_remind(day: date) -> list[TaskSignup]:
    """Sign-ups for tasks on `day` that have not had their reminder."""
    stmt = (
        select(TaskSignup)
        .join(Task, Task.id == TaskSignup.task_id)
        .join(Campaign, Campaign.id == Task.campaign_id)
        .where(
            Task.happens_on == day,
            Task.done_at.is_(None),
            TaskSignup.reminded_at.is_(None),
            Campaign.status.in_((CampaignStatus.running, CampaignStatus.succeeded)),
        )
    )
    return list(db.session.scalars(stmt))


def match_pots(wijk: Wijk) -> list[Pot]:
    """Open bewonersbudget pots of the wijk that can match gifts."""
    stmt = (
        select(Pot)
        .where(Pot.wijk_id == wijk.id, Pot.status == PotStatus.open)
        .order_by(Pot.year.desc(), Pot.name)
    )
    return list(db.session.scalars(stmt))


def photo_by_name(name: str) -> CampaignPhoto | None:
    return db.session.scalar(select(CampaignPhoto).where(CampaignPhoto.stored_name == name))
