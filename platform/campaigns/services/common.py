"""Rules and helpers shared by the campaign services."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from sqlalchemy import select

from samenhang.campaigns.models import Campaign, CampaignStatus, Pledge
from samenhang.db import utcnow
from samenhang.errors import DomainError
from samenhang.extensions import db
from samenhang.i18n import format_money
from samenhang.policies import can_manage, is_initiator, require

#: No gift below one euro, whatever a campaign sets: card fees would eat it.
PLATFORM_MIN_CENTS = 1_00
#: One gift of more than this is a typing error rather than generosity.
MAX_GIFT_CENTS = 25_000_00
MIN_GOAL_CENTS = 10_00
MAX_GOAL_CENTS = 1_000_000_00
#: A campaign runs at most this long: long enough to gather a neighbourhood, short enough to
#: keep its momentum (Voorjebuurt's campaigns ran about two months).
MAX_CAMPAIGN_DAYS = 120


def money(amount_cents: int, campaign: Campaign) -> str:
    return format_money(amount_cents, campaign.currency)


def require_initiator(actor: Any, campaign: Campaign) -> None:
    require(is_initiator(actor, campaign), _l("Only the initiator of this campaign can do this."))


def require_initiator_or_manager(actor: Any, campaign: Campaign) -> None:
    require(
        is_initiator(actor, campaign) or can_manage(actor, campaign.wijk),
        _l("Only the initiator of this campaign or a wijkmanager can do this."),
    )


def is_open_for_support(campaign: Campaign, now: datetime | None = None) -> bool:
    return campaign.status is CampaignStatus.running and (now or utcnow()) < campaign.deadline_at


def require_open_for_support(campaign: Campaign, now: datetime | None = None) -> None:
    if campaign.status is CampaignStatus.running and (now or utcnow()) >= campaign.deadline_at:
        raise DomainError(_l("The deadline of this campaign has passed."))
    if campaign.status is not CampaignStatus.running:
        raise DomainError(_l("This campaign does not take support now."))


def locked_campaign(campaign: Campaign) -> Campaign:
    """The campaign's row lock (PostgreSQL): its money moves one booking at a time.

    `FOR NO KEY UPDATE` (key_share): rows that merely point at the campaign (a new pledge,
    its foreign key) take a key-share lock on it, which this lock must not wait for; the
    same for `locked_pledge` and the webhook events that point at a pledge."""
    stmt = (
        select(Campaign)
        .where(Campaign.id == campaign.id)
        .with_for_update(key_share=True)
        .execution_options(populate_existing=True)
    )
    return db.session.scalars(stmt).one()


def locked_pledge(pledge: Pledge) -> Pledge:
    stmt = (
        select(Pledge)
        .where(Pledge.id == pledge.id)
        .with_for_update(key_share=True)
        .execution_options(populate_existing=True)
    )
    return db.session.scalars(stmt).one()


def clean_text(text: str, limit: int, empty_message: Any) -> str:
    text = (text or "").strip()
    if not text:
        raise DomainError(empty_message)
    if len(text) > limit:
        raise DomainError(
            lazy_ngettext(
                "The text is too long. The maximum is {count} character.",
                "The text is too long. The maximum is {count} characters.",
                limit,
            ),
            count=limit,
        )
    return text
