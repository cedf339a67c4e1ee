"""Open data: campaigns as JSON, beside the initiatives in `/api/v1` (openapi.json)."""

from __future__ import annotations

from typing import Any

from flask import Response, abort, jsonify, request, url_for

from samenhang.blueprints.campaigns.views.loading import get_campaign_or_404
from samenhang.blueprints.guards import paging, place_slugs
from samenhang.campaigns import queries
from samenhang.campaigns.models import LISTED_STATUSES, Campaign, CampaignStatus
from samenhang.campaigns.queries import CampaignSummary
from samenhang.places.queries import municipality_by_slug, wijk_by_slugs
from samenhang.text import normalise_newlines_in

MAX_PER_PAGE = 100


def _campaign_json(campaign: Campaign, figures: CampaignSummary) -> dict[str, Any]:
    # Text stored before line endings were normalised on input may still hold CRLF.
    return normalise_newlines_in(
        {
            "id": campaign.id,
            "url": url_for("campaigns.show", campaign_id=campaign.id, _external=True),
            "initiative_id": campaign.initiative_id,
            "title": campaign.title,
            "story": campaign.story,
            "language": campaign.original_locale,
            "status": campaign.status.value,
            "status_reason": campaign.status_reason,
            "funding_model": campaign.funding_model.value,
            "wijk": {"name": campaign.wijk.name, "cbs_code": campaign.wijk.cbs_code},
            "municipality": campaign.wijk.municipality.name,
            "currency": campaign.currency,
            "goal_cents": campaign.goal_cents,
            "raised_cents": figures.raised_cents,
            "matched_cents": figures.matched_cents,
            "pledged_cents": figures.pledged_cents,
            "percent": figures.percent,
            "supporters": figures.supporters,
            "tasks": {
                "total": figures.tasks_total,
                "filled": figures.tasks_filled,
                "done": figures.tasks_done,
            },
            "deadline_at": campaign.deadline_at.isoformat(),
            "days_left": figures.days_left,
            "closed_at": campaign.closed_at.isoformat() if campaign.closed_at else None,
        }
    )


def _statuses() -> list[CampaignStatus]:
    known = {status.value: status for status in LISTED_STATUSES}
    # An empty value is not a status either (the OpenAPI document says so): refused.
    wanted = request.args.getlist("status")
    if any(v not in known for v in wanted):
        abort(Response('{"error": "unknown status"}', 400, mimetype="application/json"))
    return [known[v] for v in wanted]


def campaigns() -> Response:
    municipality_slug, wijk_slug = place_slugs()
    wijk = municipality = None
    if municipality_slug and wijk_slug:
        wijk = wijk_by_slugs(municipality_slug, wijk_slug) or abort(404)
    elif municipality_slug:
        municipality = municipality_by_slug(municipality_slug) or abort(404)
    page, per_page = paging(20, MAX_PER_PAGE)
    items, total = queries.public_campaigns(wijk, municipality, _statuses(), page, per_page)
    figures = queries.summaries(items)
    return jsonify(
        {
            "items": [_campaign_json(c, figures[c.id]) for c in items],
            "page": page,
            "per_page": per_page,
            "total": total,
        }
    )


def campaign(campaign_id: int) -> Response:
    found = get_campaign_or_404(campaign_id)
    if found.status not in LISTED_STATUSES:
        abort(404)
    return jsonify(_campaign_json(found, queries.summary(found)))
