"""Mails of a campaign: to the supporter about their gift, to all supporters about news,
to the initiator about the wijkmanager's decision. Each in the recipient's own language."""

from __future__ import annotations

from collections.abc import Iterable

from samenhang import mail
from samenhang.accounts.models import NotificationMode, User
from samenhang.accounts.services import user_locale
from samenhang.campaigns.models import Campaign, CampaignUpdate, Pledge, Provider, TaskSignup


def _to(user: User) -> bool:
    return user.is_active and bool(user.email)


def pledged(pledge: Pledge, bank: dict[str, str]) -> None:
    """How to transfer the money promised (a bank transfer only)."""
    if pledge.provider is Provider.manual and _to(pledge.supporter):
        mail.send_template(
            pledge.supporter.email, "campaign_pledged", pledge.locale, pledge=pledge, bank=bank
        )


def received(pledge: Pledge) -> None:
    """The receipt: the money arrived."""
    if _to(pledge.supporter):
        mail.send_template(pledge.supporter.email, "campaign_receipt", pledge.locale, pledge=pledge)


def refunded(pledge: Pledge, amount_cents: int) -> None:
    if _to(pledge.supporter):
        mail.send_template(
            pledge.supporter.email,
            "campaign_refunded",
            pledge.locale,
            pledge=pledge,
            amount_cents=amount_cents,
        )


def decided(campaign: Campaign) -> None:
    if _to(campaign.initiator):
        mail.send_template(
            campaign.initiator.email,
            "campaign_decided",
            user_locale(campaign.initiator),
            campaign=campaign,
        )


def _wants_news(user: User) -> bool:
    return _to(user) and user.notification_mode is not NotificationMode.off


def update_posted(update: CampaignUpdate, supporters: Iterable[User]) -> int:
    sent = 0
    for user in supporters:
        if _wants_news(user):
            mail.send_template(
                user.email, "campaign_update", user_locale(user), update=update, user=user
            )
            sent += 1
    return sent


def closed(campaign: Campaign, supporters: Iterable[User]) -> None:
    for user in supporters:
        if _to(user):
            mail.send_template(
                user.email, "campaign_closed", user_locale(user), campaign=campaign, user=user
            )


def task_reminder(signup: TaskSignup) -> None:
    if _to(signup.user):
        mail.send_template(
            signup.user.email, "campaign_task_reminder", user_locale(signup.user), signup=signup
        )
