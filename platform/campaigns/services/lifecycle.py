"""A campaign's life: started from a published initiative, approved by the wijkmanager with
public reasons, running until its deadline, then closed as succeeded or failed.

    draft ──submit──▶ submitted ──approve──▶ running ──deadline──▶ succeeded | failed
      ▲                   │
      └──edit── rejected ◀┘ (with public reasons)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from sqlalchemy.exc import IntegrityError

from samenhang.accounts.models import User
from samenhang.audit.services import log_event
from samenhang.campaigns import notifications, queries
from samenhang.campaigns.models import (
    Campaign,
    CampaignDecision,
    CampaignStatus,
    CampaignUpdate,
    FundingModel,
)
from samenhang.campaigns.services.common import (
    MAX_CAMPAIGN_DAYS,
    MAX_GOAL_CENTS,
    MIN_GOAL_CENTS,
    PLATFORM_MIN_CENTS,
    clean_text,
    locked_campaign,
    money,
    require_initiator,
    require_initiator_or_manager,
)
from samenhang.campaigns.services.money import close_money
from samenhang.config import LOCALES
from samenhang.db import utcnow
from samenhang.errors import DomainError
from samenhang.extensions import db
from samenhang.initiatives import services as initiatives
from samenhang.initiatives.models import Initiative, State
from samenhang.ledger.models import AccountKind
from samenhang.ledger.services import open_account
from samenhang.localtime import end_of_day, local_date, local_today
from samenhang.policies import can_manage, is_author, require, require_manager
from samenhang.vouchers.models import Pot, PotStatus

MAX_STORY_LENGTH = 20_000
MAX_REASON_LENGTH = 4_000
MAX_MATCH_RATIO_PERCENT = 500


@dataclass(frozen=True)
class CampaignData:
    title: str
    story: str
    goal_cents: int
    min_amount_cents: int
    deadline: date
    funding_model: FundingModel
    original_locale: str = "nl"


def _check_deadline(deadline: date, now: datetime) -> datetime:
    today = local_today(now)
    if deadline <= today:
        raise DomainError(_l("The deadline must be after today."))
    if deadline > today + timedelta(days=MAX_CAMPAIGN_DAYS):
        raise DomainError(
            lazy_ngettext(
                "A campaign runs at most {days} day. Choose an earlier deadline.",
                "A campaign runs at most {days} days. Choose an earlier deadline.",
                MAX_CAMPAIGN_DAYS,
            ),
            days=MAX_CAMPAIGN_DAYS,
        )
    return end_of_day(deadline)


def _apply(campaign: Campaign, data: CampaignData, now: datetime) -> None:
    title = clean_text(data.title, 120, _l("Give the campaign a title."))
    story = clean_text(data.story, MAX_STORY_LENGTH, _l("Tell the story of the campaign."))
    if not MIN_GOAL_CENTS <= data.goal_cents <= MAX_GOAL_CENTS:
        raise DomainError(
            _l("The goal must be between {low} and {high}."),
            low=money(MIN_GOAL_CENTS, campaign),
            high=money(MAX_GOAL_CENTS, campaign),
        )
    if not PLATFORM_MIN_CENTS <= data.min_amount_cents <= data.goal_cents:
        raise DomainError(
            _l("The smallest gift must be at least {low} and not more than the goal."),
            low=money(PLATFORM_MIN_CENTS, campaign),
        )
    if data.original_locale not in LOCALES:
        raise DomainError(_l("Choose one of the languages of the site."))
    campaign.deadline_at = _check_deadline(data.deadline, now)
    campaign.title = title
    campaign.story = story
    campaign.goal_cents = data.goal_cents
    campaign.min_amount_cents = data.min_amount_cents
    campaign.funding_model = data.funding_model
    campaign.original_locale = data.original_locale


def _snapshot(campaign: Campaign) -> dict[str, Any]:
    return {
        "title": campaign.title,
        "goal_cents": campaign.goal_cents,
        "min_amount_cents": campaign.min_amount_cents,
        "funding_model": campaign.funding_model.value,
        "deadline_at": campaign.deadline_at.isoformat(),
    }


def start_campaign(
    initiative: Initiative, data: CampaignData, *, actor: User, now: datetime | None = None
) -> Campaign:
    """A draft campaign for a published initiative, by its initiator."""
    require(
        is_author(actor, initiative),
        _l("Only the initiator of this initiative can start a campaign for it."),
    )
    if initiative.state is not State.published:
        raise DomainError(_l("A campaign can only start from a published initiative."))
    if queries.campaign_for_initiative(initiative) is not None:
        raise DomainError(_l("This initiative already has a campaign."))
    campaign = Campaign(initiative=initiative, wijk=initiative.wijk, initiator=actor)
    _apply(campaign, data, now or utcnow())
    try:
        with db.session.begin_nested():
            campaign.account = open_account(
                AccountKind.campaign,
                f"{campaign.title} (#{initiative.id})",
                wijk=initiative.wijk,
                currency=campaign.currency or "EUR",
            )
            db.session.add(campaign)
            db.session.flush()
    except IntegrityError as exc:
        raise DomainError(_l("This initiative already has a campaign.")) from exc
    log_event(actor, "campaign.created", campaign, wijk=campaign.wijk, after=_snapshot(campaign))
    return campaign


def update_campaign(
    campaign: Campaign, data: CampaignData, *, actor: User, now: datetime | None = None
) -> None:
    require_initiator(actor, campaign)
    if not campaign.is_editable:
        raise DomainError(
            _l("The campaign can only be changed before the wijkmanager approves it.")
        )
    before = _snapshot(campaign)
    _apply(campaign, data, now or utcnow())
    log_event(
        actor,
        "campaign.changed",
        campaign,
        wijk=campaign.wijk,
        before=before,
        after=_snapshot(campaign),
    )


def submit_campaign(campaign: Campaign, *, actor: User, now: datetime | None = None) -> None:
    """Send the campaign to the wijkmanager for approval."""
    require_initiator(actor, campaign)
    if not campaign.is_editable:
        raise DomainError(_l("This campaign has already been sent."))
    now = now or utcnow()
    _check_deadline(local_date(campaign.deadline_at), now)
    before = campaign.status.value
    campaign.status = CampaignStatus.submitted
    campaign.submitted_at = now
    log_event(
        actor,
        "campaign.submitted",
        campaign,
        wijk=campaign.wijk,
        before={"status": before},
        after={"status": campaign.status.value},
    )


def decide_campaign(
    campaign: Campaign,
    decision: CampaignDecision,
    reasons: str,
    *,
    actor: User,
    now: datetime | None = None,
) -> None:
    """Approve (the campaign starts) or reject, with reasons everyone can read."""
    require_manager(actor, campaign.wijk)
    campaign = locked_campaign(campaign)
    if campaign.status is not CampaignStatus.submitted:
        raise DomainError(_l("This campaign is not waiting for a decision."))
    reasons = (reasons or "").strip()
    if decision is CampaignDecision.reject and not reasons:
        raise DomainError(_l("Please write the reasons. The initiator and the public see them."))
    if len(reasons) > MAX_REASON_LENGTH:
        raise DomainError(
            lazy_ngettext(
                "The text is too long. The maximum is {count} character.",
                "The text is too long. The maximum is {count} characters.",
                MAX_REASON_LENGTH,
            ),
            count=MAX_REASON_LENGTH,
        )
    now = now or utcnow()
    if decision is CampaignDecision.approve:
        if campaign.deadline_at <= now + timedelta(days=1):
            raise DomainError(
                _l("The deadline is too close. Reject the campaign so the initiator can change it.")
            )
        campaign.status = CampaignStatus.running
        campaign.approved_at = now
    else:
        campaign.status = CampaignStatus.rejected
    campaign.status_reason = reasons or None
    log_event(
        actor,
        f"campaign.{campaign.status.value}",
        campaign,
        wijk=campaign.wijk,
        before={"status": CampaignStatus.submitted.value},
        after={"status": campaign.status.value, "reason": reasons or None},
        public=True,
    )
    notifications.decided(campaign)


def set_matchfunding(
    campaign: Campaign, pot: Pot, ratio_percent: int, cap_cents: int, *, actor: User
) -> None:
    """A bewonersbudget pot of the same wijk adds `ratio_percent` of every gift received,
    up to `cap_cents` in all (booked when the money comes in, released if it fails)."""
    require_manager(actor, campaign.wijk)
    require(
        can_manage(actor, pot.wijk),
        _l("Only a wijkmanager of {wijk} can do this."),
        wijk=pot.wijk.name,
    )
    campaign = locked_campaign(campaign)
    if campaign.is_closed:
        raise DomainError(_l("This campaign is closed."))
    if pot.wijk_id != campaign.wijk_id:
        raise DomainError(_l("Only a pot of the campaign's own wijk can match its gifts."))
    if pot.status is not PotStatus.open:
        raise DomainError(_l("This pot is not open."))
    if not 1 <= ratio_percent <= MAX_MATCH_RATIO_PERCENT:
        raise DomainError(
            _l("Give a percentage between 1 and {most}."), most=MAX_MATCH_RATIO_PERCENT
        )
    if cap_cents <= 0:
        raise DomainError(_l("The amount must be more than zero."))
    if queries.matched_total(campaign) > 0:
        raise DomainError(_l("The matchfunding cannot change after money has been matched."))
    before = {
        "pot_id": campaign.match_pot_id,
        "ratio_percent": campaign.match_ratio_percent,
        "cap_cents": campaign.match_cap_cents,
    }
    campaign.match_pot = pot
    campaign.match_ratio_percent = ratio_percent
    campaign.match_cap_cents = cap_cents
    log_event(
        actor,
        "campaign.matchfunding_set",
        campaign,
        wijk=campaign.wijk,
        before=before,
        after={"pot_id": pot.id, "ratio_percent": ratio_percent, "cap_cents": cap_cents},
        public=True,
    )


def post_update(campaign: Campaign, title: str, body: str, *, actor: User) -> CampaignUpdate:
    """News from the initiator, on the page and mailed to every supporter."""
    require_initiator_or_manager(actor, campaign)
    if campaign.status not in (
        CampaignStatus.running,
        CampaignStatus.succeeded,
        CampaignStatus.failed,
    ):
        raise DomainError(_l("News can be posted once the campaign runs."))
    update = CampaignUpdate(
        campaign=campaign,
        author=actor,
        title=clean_text(title, 200, _l("Give the news a title.")),
        body=clean_text(body, MAX_STORY_LENGTH, _l("Write the news.")),
    )
    db.session.add(update)
    db.session.flush()
    update.mailed_to = notifications.update_posted(update, queries.supporters(campaign))
    log_event(
        actor,
        "campaign.update_posted",
        campaign,
        wijk=campaign.wijk,
        after={"update_id": update.id, "mailed_to": update.mailed_to},
    )
    return update


def close_campaign(
    campaign: Campaign, *, actor: User | None = None, now: datetime | None = None
) -> CampaignStatus:
    """Close a running campaign whose deadline has passed.

    All-or-nothing without its goal, or nothing raised at all: failed; matches go back to
    the pot, promises are called off, and received gifts are due back (online ones by the
    job that calls `refund_pledge`, bank transfers by the treasurer). Otherwise: succeeded;
    the initiative counts as funded and the wijkmanager pays the money out.
    """
    now = now or utcnow()
    campaign = locked_campaign(campaign)
    if campaign.status is not CampaignStatus.running:
        raise DomainError(_l("This campaign is not running."))
    if now < campaign.deadline_at:
        raise DomainError(_l("This campaign runs until its deadline."))
    figures = queries.summary(campaign, now)
    succeeded = figures.raised_cents > 0 and (
        figures.goal_met or campaign.funding_model is FundingModel.keep_it
    )
    campaign.status = CampaignStatus.succeeded if succeeded else CampaignStatus.failed
    campaign.closed_at = now
    if succeeded:
        campaign.initiative_account = open_account(
            AccountKind.initiative,
            f"{campaign.title} (#{campaign.initiative_id})",
            wijk=campaign.wijk,
            currency=campaign.currency,
        )
        if campaign.initiative.state is State.published:
            initiatives.mark_funded(campaign.initiative, campaign.title, actor=actor)  # type: ignore[arg-type]
    else:
        close_money(campaign, actor=actor)
    log_event(
        actor,
        f"campaign.{campaign.status.value}",
        campaign,
        wijk=campaign.wijk,
        before={"status": CampaignStatus.running.value},
        after={
            "status": campaign.status.value,
            "raised_cents": figures.raised_cents,
            "goal_cents": campaign.goal_cents,
            "matched_cents": figures.matched_cents,
        },
        public=True,
    )
    notifications.closed(campaign, queries.supporters(campaign))
    return campaign.status
