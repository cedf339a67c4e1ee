"""What everyone sees: the lists, a campaign's page, its feed, widget and poster."""

from __future__ import annotations

from flask import Response, abort, render_template, request, url_for
from flask_login import current_user

from samenhang.blueprints.campaigns.forms import OfferForm
from samenhang.blueprints.campaigns.views.loading import View, get_campaign_or_404
from samenhang.blueprints.files import send_stored
from samenhang.blueprints.places.views import get_municipality_or_404, get_wijk_or_404
from samenhang.campaigns import poster, queries, storage
from samenhang.campaigns.services.common import is_open_for_support
from samenhang.i18n import current_locale
from samenhang.places.models import Municipality, Wijk
from samenhang.policies import can_manage
from samenhang.security import content_security_policy


def _list(wijk: Wijk | None, municipality: Municipality) -> str:
    campaigns = (
        queries.campaigns_in_wijk(wijk)
        if wijk is not None
        else queries.campaigns_in_municipality(municipality)
    )
    waiting = queries.waiting_for_decision(wijk) if wijk and can_manage(current_user, wijk) else []
    return render_template(
        "campaigns/list.html",
        wijk=wijk,
        municipality=municipality,
        campaigns=campaigns,
        figures=queries.summaries(campaigns),
        waiting=waiting,
    )


def wijk_list(municipality_slug: str, wijk_slug: str) -> str:
    wijk = get_wijk_or_404(municipality_slug, wijk_slug)
    return _list(wijk, wijk.municipality)


def municipality_list(municipality_slug: str) -> str:
    return _list(None, get_municipality_or_404(municipality_slug))


def wijk_feed(municipality_slug: str, wijk_slug: str) -> Response:
    wijk = get_wijk_or_404(municipality_slug, wijk_slug)
    campaigns = queries.campaigns_in_wijk(wijk)
    xml = render_template(
        "campaigns/feed.xml",
        title=wijk.name,
        campaigns=campaigns,
        figures=queries.summaries(campaigns),
        self_url=request.url,
        html_url=url_for(
            "campaigns.wijk_list",
            municipality_slug=municipality_slug,
            wijk_slug=wijk_slug,
            _external=True,
        ),
    )
    return Response(xml, mimetype="application/atom+xml")


def show(campaign_id: int) -> View:
    campaign = get_campaign_or_404(campaign_id)
    return render_template(
        "campaigns/show.html",
        campaign=campaign,
        figures=queries.summary(campaign),
        is_open=is_open_for_support(campaign),
        gifts=queries.public_gifts(campaign),
        my_pledges=queries.my_pledges(current_user, campaign),
        my_tasks=queries.my_task_ids(current_user, campaign),
        my_offers=queries.my_offers(current_user, campaign),
        offer_form=OfferForm(),
        widget_url=url_for("campaigns.widget", campaign_id=campaign.id, _external=True),
    )


def widget(campaign_id: int) -> Response:
    """A small card for other sites (a school, a shop) to frame: the only page that may be
    shown inside another site's frame."""
    campaign = get_campaign_or_404(campaign_id)
    page = render_template(
        "campaigns/widget.html",
        campaign=campaign,
        figures=queries.summary(campaign),
        is_open=is_open_for_support(campaign),
    )
    response = Response(page)
    response.headers["Content-Security-Policy"] = content_security_policy({"frame-ancestors": "*"})
    return response


def poster_pdf(campaign_id: int) -> Response:
    """A poster for the shop window: A4 (or A3), with a QR code to the campaign."""
    campaign = get_campaign_or_404(campaign_id)
    size = "A3" if request.args.get("size", "").upper() == "A3" else "A4"
    pdf = poster.poster_pdf(
        campaign,
        queries.summary(campaign),
        url_for("campaigns.show", campaign_id=campaign.id, _external=True),
        reader_locale=current_locale(),
        size=size,
    )
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = (
        f'inline; filename="campaign-{campaign.id}-{size.lower()}.pdf"'
    )
    return response


def photo_file(name: str, width: int) -> Response:
    """A photo of a campaign, for everyone who may see the campaign."""
    photo = queries.photo_by_name(name)
    if photo is None:
        abort(404)
    get_campaign_or_404(photo.campaign_id)
    key = storage.image_key("photos", name, width)
    if key is None:
        abort(404)
    response = send_stored(key, mimetype="image/jpeg", max_age=60 * 60 * 24)
    if not photo.campaign.is_public:
        response.headers["Cache-Control"] = "private, max-age=3600"
    return response
