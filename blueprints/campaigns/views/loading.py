"""Loading a campaign's objects for a view, with the access check that belongs to it."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from samenhang.blueprints.loading import get_or_404
from samenhang.campaigns import queries
from samenhang.campaigns.models import Campaign, CampaignPhoto, Need, Offer, Pledge, Task
from samenhang.policies import can_view_campaign, can_view_pledge, require_visible

View = str | Response | tuple[str, int]


def get_campaign_or_404(campaign_id: int) -> Campaign:
    campaign = queries.campaign_by_id(campaign_id)
    require_visible(campaign is not None and can_view_campaign(current_user, campaign))
    assert campaign is not None
    return campaign


def get_task_or_404(campaign: Campaign, task_id: int) -> Task:
    return get_or_404(Task, task_id, lambda task: task.campaign_id == campaign.id)


def get_need_or_404(campaign: Campaign, need_id: int) -> Need:
    return get_or_404(Need, need_id, lambda need: need.campaign_id == campaign.id)


def get_photo_or_404(campaign: Campaign, photo_id: int) -> CampaignPhoto:
    return get_or_404(CampaignPhoto, photo_id, lambda photo: photo.campaign_id == campaign.id)


def get_offer_or_404(campaign: Campaign, offer_id: int) -> Offer:
    return get_or_404(Offer, offer_id, lambda offer: offer.need.campaign_id == campaign.id)


def get_pledge_or_404(pledge_id: int) -> Pledge:
    """A pledge is seen by its giver and the wijk's managers only."""
    pledge = queries.pledge_by_id(pledge_id)
    require_visible(pledge is not None and can_view_pledge(current_user, pledge))
    assert pledge is not None
    return pledge


def back(campaign: Campaign, anchor: str = "", endpoint: str = "campaigns.show") -> Response:
    return redirect(url_for(endpoint, campaign_id=campaign.id) + anchor, code=303)


def flash_form_errors(form: Any) -> None:
    """A small form on a busy page: its errors go to the page the view redirects to."""
    for errors in form.errors.values():
        flash(" ".join(str(e) for e in errors), "error")
