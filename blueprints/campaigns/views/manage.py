"""The wijkmanager's side: approve or reject, matchfunding, bank transfers received and paid
back, payouts to the initiative."""

from __future__ import annotations

from flask import flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from samenhang.blueprints.campaigns.forms import DecisionForm, MatchForm, PayoutForm
from samenhang.blueprints.campaigns.views.loading import (
    View,
    back,
    flash_form_errors,
    get_campaign_or_404,
    get_pledge_or_404,
)
from samenhang.blueprints.forms import render_form
from samenhang.blueprints.handling import flash_errors, form_errors
from samenhang.campaigns import queries, services
from samenhang.campaigns.models import CampaignDecision
from samenhang.extensions import db
from samenhang.policies import require_manager, require_visible
from samenhang.vouchers.models import Pot


@login_required
def decide(campaign_id: int) -> View:
    campaign = get_campaign_or_404(campaign_id)
    require_manager(current_user, campaign.wijk)
    form = DecisionForm()
    if form.validate_on_submit():
        with form_errors(form):
            services.decide_campaign(
                campaign,
                CampaignDecision(form.decision.data),
                form.reasons.data or "",
                actor=current_user,
            )
            flash(_("The decision is saved and published."), "success")
            return redirect(url_for("campaigns.show", campaign_id=campaign.id), code=303)
    return render_form(
        form,
        "campaigns/decide.html",
        form=form,
        campaign=campaign,
        figures=queries.summary(campaign),
    )


@login_required
def match(campaign_id: int) -> View:
    campaign = get_campaign_or_404(campaign_id)
    require_manager(current_user, campaign.wijk)
    form = MatchForm()
    form.pot.choices = [SelectChoice(p.id, p.name) for p in queries.match_pots(campaign.wijk)]
    if not form.validate_on_submit():
        flash_form_errors(form)
        return back(campaign, "#matchfunding", "campaigns.manage")
    pot = db.session.get(Pot, form.pot.data)
    require_visible(pot is not None)
    with flash_errors():
        services.set_matchfunding(
            campaign, pot, form.ratio_percent.data, form.cap.data, actor=current_user
        )
        flash(_("The matchfunding is set."), "success")
    return back(campaign, "#matchfunding", "campaigns.manage")


@login_required
def pay_out(campaign_id: int) -> View:
    campaign = get_campaign_or_404(campaign_id)
    require_manager(current_user, campaign.wijk)
    form = PayoutForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return back(campaign, "#payouts", "campaigns.manage")
    with flash_errors():
        services.pay_out(
            campaign,
            form.amount.data,
            form.note.data or "",
            idempotency_key=form.idempotency_key.data,
            actor=current_user,
        )
        flash(_("The instalment is booked as paid to the initiative."), "success")
    return back(campaign, "#payouts", "campaigns.manage")


@login_required
def mark_received(pledge_id: int) -> View:
    pledge = get_pledge_or_404(pledge_id)
    with flash_errors():
        if services.mark_received(pledge, actor=current_user):
            flash(_("The gift is marked as received. The giver gets a receipt."), "success")
        else:
            flash(_("This gift was already marked as received."), "info")
    return back(pledge.campaign, "#pledges", "campaigns.manage")


@login_required
def refund(pledge_id: int) -> View:
    pledge = get_pledge_or_404(pledge_id)
    with flash_errors():
        services.refund_pledge(pledge, actor=current_user)
        flash(_("The gift is paid back."), "success")
    return back(pledge.campaign, "#pledges", "campaigns.manage")
