"""The supporter's side: give money, sign up for a task, offer materials or space."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from samenhang.blueprints.campaigns.forms import GiveForm, OfferForm
from samenhang.blueprints.campaigns.views.loading import (
    View,
    back,
    get_campaign_or_404,
    get_need_or_404,
    get_offer_or_404,
    get_pledge_or_404,
    get_task_or_404,
)
from samenhang.blueprints.forms import render_form
from samenhang.blueprints.handling import flash_errors, form_errors
from samenhang.campaigns import payments, queries, services
from samenhang.campaigns.models import Pledge, PledgeStatus, Provider
from samenhang.campaigns.services.common import is_open_for_support
from samenhang.i18n import current_locale
from samenhang.security import content_security_policy


@login_required
def give(campaign_id: int) -> View:
    campaign = get_campaign_or_404(campaign_id)
    form = GiveForm(payments.available_providers())
    if form.validate_on_submit():
        with form_errors(form):
            pledge = services.pledge_money(
                campaign,
                form.amount.data,
                provider=Provider(form.provider.data),
                idempotency_key=form.idempotency_key.data,
                is_anonymous=form.is_anonymous.data,
                share_with_initiator=form.share_with_initiator.data,
                locale=current_locale(),
                actor=current_user,
            )
            return redirect(url_for("campaigns.pledge", pledge_id=pledge.id), code=303)
    return render_form(
        form,
        "campaigns/give.html",
        form=form,
        campaign=campaign,
        figures=queries.summary(campaign),
        is_open=is_open_for_support(campaign),
    )


def _stripe_csp(script_url: str) -> str:
    """Stripe's Payment Element: its script, its frames and its API, on this page only."""
    parts = urlsplit(script_url)
    origin = f"{parts.scheme}://{parts.netloc}"
    return content_security_policy(
        {
            "script-src": f"'self' {origin}",
            "frame-src": f"{origin} https://hooks.stripe.com",
            "connect-src": "'self' https://api.stripe.com",
        }
    )


@login_required
def pledge(pledge_id: int) -> View:
    """The pledge as its giver (or a wijkmanager) sees it: the bank details and reference,
    or the online payment form, and what has happened to it since."""
    found = get_pledge_or_404(pledge_id)
    checkout = None
    online = found.provider is Provider.stripe and found.status in (
        PledgeStatus.pending,
        PledgeStatus.failed,
    )
    if online and found.supporter_id == current_user.id:
        checkout = payments.checkout(found)
    page = render_template(
        "campaigns/pledge.html",
        pledge=found,
        campaign=found.campaign,
        bank=services.bank_details(),
        checkout=checkout,
        return_url=url_for("campaigns.pledge", pledge_id=found.id, _external=True),
    )
    response = Response(page)
    response.headers["Cache-Control"] = "no-store"
    if checkout is not None:
        response.headers["Content-Security-Policy"] = _stripe_csp(checkout.script_url)
    return response


@login_required
def cancel_pledge(pledge_id: int) -> View:
    found: Pledge = get_pledge_or_404(pledge_id)
    with flash_errors():
        services.cancel_pledge(found, actor=current_user)
        flash(_("Your gift is cancelled."), "success")
    return redirect(url_for("campaigns.pledge", pledge_id=found.id), code=303)


@login_required
def sign_up(campaign_id: int, task_id: int) -> View:
    campaign = get_campaign_or_404(campaign_id)
    task = get_task_or_404(campaign, task_id)
    with flash_errors():
        services.sign_up(task, actor=current_user)
        flash(_("Thank you! You are signed up for this task."), "success")
    return back(campaign, "#tasks")


@login_required
def cancel_signup(campaign_id: int, task_id: int) -> View:
    campaign = get_campaign_or_404(campaign_id)
    task = get_task_or_404(campaign, task_id)
    with flash_errors():
        services.cancel_signup(task, actor=current_user)
        flash(_("You are no longer signed up for this task."), "success")
    return back(campaign, "#tasks")


@login_required
def offer(campaign_id: int, need_id: int) -> View:
    campaign = get_campaign_or_404(campaign_id)
    need = get_need_or_404(campaign, need_id)
    form = OfferForm()
    if not form.validate_on_submit():
        flash(_("Say what you offer."), "error")
        return back(campaign, "#needs")
    with flash_errors():
        services.offer_help(need, form.description.data, actor=current_user)
        flash(_("Thank you for your offer! The initiator will contact you."), "success")
    return back(campaign, "#needs")


@login_required
def withdraw_offer(campaign_id: int, offer_id: int) -> View:
    campaign = get_campaign_or_404(campaign_id)
    found = get_offer_or_404(campaign, offer_id)
    with flash_errors():
        services.withdraw_offer(found, actor=current_user)
        flash(_("Your offer is withdrawn."), "success")
    return back(campaign, "#needs")
