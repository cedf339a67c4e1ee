"""Campaigns: crowdfunding and crowdsourcing for published initiatives."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, request

from samenhang.blueprints.campaigns.views import api, initiator, manage, public, support, webhooks
from samenhang.campaigns import queries
from samenhang.campaigns.models import BookingKind
from samenhang.extensions import csrf, limiter

bp = Blueprint("campaigns", __name__)

GET_POST = ["GET", "POST"]
POST = ["POST"]
_wijk = "/g/<municipality_slug>/<wijk_slug>"
_one = "/campaigns/<int:campaign_id>"
_pledge = "/campaigns/pledges/<int:pledge_id>"


def _give_limit() -> str:
    return current_app.config.get("RATELIMIT_CAMPAIGN_GIFTS", "30 per hour")


# Payments are rate-limited like sign-in: a stolen card is tried many times.
give = limiter.limit(_give_limit, exempt_when=lambda: request.method != "POST")(support.give)
# Stripe signs its messages; it cannot send a CSRF token.
stripe_webhook = csrf.exempt(webhooks.stripe)

bp.add_url_rule(f"{_wijk}/campaigns", view_func=public.wijk_list)
bp.add_url_rule(f"{_wijk}/campaigns/feed.atom", view_func=public.wijk_feed)
bp.add_url_rule("/g/<municipality_slug>/campaigns", view_func=public.municipality_list)
bp.add_url_rule(
    "/initiatives/<int:initiative_id>/campaign", view_func=initiator.create, methods=GET_POST
)
bp.add_url_rule(_one, view_func=public.show)
bp.add_url_rule(f"{_one}/widget", view_func=public.widget)
bp.add_url_rule(f"{_one}/poster.pdf", view_func=public.poster_pdf)
bp.add_url_rule(f"{_one}/edit", view_func=initiator.edit, methods=GET_POST)
bp.add_url_rule(f"{_one}/submit", view_func=initiator.submit, methods=POST)
bp.add_url_rule(f"{_one}/manage", view_func=initiator.manage)
bp.add_url_rule(f"{_one}/tasks", view_func=initiator.add_task, methods=POST)
bp.add_url_rule(f"{_one}/tasks/<int:task_id>/remove", view_func=initiator.remove_task, methods=POST)
bp.add_url_rule(f"{_one}/tasks/<int:task_id>/done", view_func=initiator.task_done, methods=POST)
bp.add_url_rule(f"{_one}/needs", view_func=initiator.add_need, methods=POST)
bp.add_url_rule(f"{_one}/needs/<int:need_id>/remove", view_func=initiator.remove_need, methods=POST)
bp.add_url_rule(
    f"{_one}/offers/<int:offer_id>/confirm", view_func=initiator.confirm_offer, methods=POST
)
bp.add_url_rule(f"{_one}/updates", view_func=initiator.post_update, methods=POST)
bp.add_url_rule(f"{_one}/photos", view_func=initiator.add_photo, methods=POST)
bp.add_url_rule(
    f"{_one}/photos/<int:photo_id>/remove", view_func=initiator.remove_photo, methods=POST
)
bp.add_url_rule("/media/campaigns/<name>-<int:width>.jpg", view_func=public.photo_file)
bp.add_url_rule(f"{_one}/receipts", view_func=initiator.add_receipt, methods=POST)
bp.add_url_rule(f"{_one}/receipts/<int:receipt_id>.jpg", view_func=initiator.receipt_file)
bp.add_url_rule(f"{_one}/give", view_func=give, methods=GET_POST)
bp.add_url_rule(f"{_one}/tasks/<int:task_id>/signup", view_func=support.sign_up, methods=POST)
bp.add_url_rule(f"{_one}/tasks/<int:task_id>/cancel", view_func=support.cancel_signup, methods=POST)
bp.add_url_rule(f"{_one}/needs/<int:need_id>/offer", view_func=support.offer, methods=POST)
bp.add_url_rule(
    f"{_one}/offers/<int:offer_id>/withdraw", view_func=support.withdraw_offer, methods=POST
)
bp.add_url_rule(_pledge, view_func=support.pledge)
bp.add_url_rule(f"{_pledge}/cancel", view_func=support.cancel_pledge, methods=POST)
bp.add_url_rule(f"{_one}/decide", view_func=manage.decide, methods=GET_POST)
bp.add_url_rule(f"{_one}/match", view_func=manage.match, methods=POST)
bp.add_url_rule(f"{_one}/payouts", view_func=manage.pay_out, methods=POST)
bp.add_url_rule(f"{_pledge}/received", view_func=manage.mark_received, methods=POST)
bp.add_url_rule(f"{_pledge}/refund", view_func=manage.refund, methods=POST)
bp.add_url_rule("/api/v1/campaigns", "api_campaigns", view_func=api.campaigns)
bp.add_url_rule("/api/v1/campaigns/<int:campaign_id>", "api_campaign", view_func=api.campaign)
bp.add_url_rule("/webhooks/stripe", "stripe_webhook", view_func=stripe_webhook, methods=POST)


@bp.app_template_global()
def campaign_of(initiative: Any) -> Any:
    """The campaign of an initiative, for the link on the initiative's page."""
    return queries.campaign_for_initiative(initiative)


@bp.app_template_global()
def booking_label(kind: str) -> str:
    """The title of a campaign's ledger entry kind."""
    try:
        return BookingKind(kind).label
    except ValueError:
        return kind
