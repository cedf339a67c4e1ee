"""The initiator's side: start the campaign from an initiative, write it, send it for
approval, plan tasks and wanted things, post news, confirm what was done."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from samenhang.blueprints.campaigns.forms import (
    CampaignForm,
    MatchForm,
    NeedForm,
    PayoutForm,
    PhotoForm,
    ReceiptForm,
    TaskForm,
    UpdateForm,
)
from samenhang.blueprints.campaigns.views.loading import (
    View,
    back,
    flash_form_errors,
    get_campaign_or_404,
    get_need_or_404,
    get_offer_or_404,
    get_photo_or_404,
    get_task_or_404,
)
from samenhang.blueprints.files import send_stored
from samenhang.blueprints.forms import render_form
from samenhang.blueprints.handling import flash_errors, form_errors
from samenhang.campaigns import queries, services, storage
from samenhang.campaigns.models import (
    Campaign,
    CampaignReceipt,
    FundingModel,
    NeedKind,
    Provider,
)
from samenhang.extensions import db
from samenhang.initiatives.models import Initiative
from samenhang.localtime import local_date
from samenhang.policies import (
    can_manage,
    can_run_campaign,
    can_view_initiative,
    is_author,
    is_initiator,
    require,
    require_visible,
)


def _data(form: CampaignForm) -> services.CampaignData:
    return services.CampaignData(
        title=form.title.data or "",
        story=form.story.data or "",
        goal_cents=form.goal.data,
        min_amount_cents=form.min_amount.data,
        deadline=form.deadline.data,
        funding_model=FundingModel(form.funding_model.data),
        original_locale=form.original_locale.data,
    )


@login_required
def create(initiative_id: int) -> View:
    initiative = db.session.get(Initiative, initiative_id)
    require_visible(initiative is not None and can_view_initiative(current_user, initiative))
    assert initiative is not None
    require(is_author(current_user, initiative))
    existing = queries.campaign_for_initiative(initiative)
    if existing is not None:
        return redirect(url_for("campaigns.show", campaign_id=existing.id))
    form = CampaignForm()
    if not form.is_submitted():
        form.title.data = initiative.title
        form.story.data = initiative.description
        form.goal.data = initiative.budget_total or None
        form.min_amount.data = 5_00
        form.original_locale.data = initiative.original_locale
    if form.validate_on_submit():
        with form_errors(form):
            campaign = services.start_campaign(initiative, _data(form), actor=current_user)
            flash(_("The campaign is saved as a draft. Add tasks and wanted things."), "success")
            return redirect(url_for("campaigns.manage", campaign_id=campaign.id))
    return render_form(form, "campaigns/edit.html", form=form, initiative=initiative, campaign=None)


@login_required
def edit(campaign_id: int) -> View:
    campaign = get_campaign_or_404(campaign_id)
    require(is_initiator(current_user, campaign))
    form = CampaignForm(obj=campaign)
    if not form.is_submitted():
        form.goal.data = campaign.goal_cents
        form.min_amount.data = campaign.min_amount_cents
        form.deadline.data = local_date(campaign.deadline_at)
        form.funding_model.data = campaign.funding_model.value
    if form.validate_on_submit():
        with form_errors(form):
            services.update_campaign(campaign, _data(form), actor=current_user)
            flash(_("Your changes are saved."), "success")
            return redirect(url_for("campaigns.manage", campaign_id=campaign.id))
    return render_form(
        form, "campaigns/edit.html", form=form, initiative=campaign.initiative, campaign=campaign
    )


@login_required
def submit(campaign_id: int) -> View:
    campaign = get_campaign_or_404(campaign_id)
    require(is_initiator(current_user, campaign))
    with flash_errors():
        services.submit_campaign(campaign, actor=current_user)
        flash(_("The campaign is sent to the wijkmanager."), "success")
    return back(campaign, endpoint="campaigns.manage")


@login_required
def manage(campaign_id: int) -> View:
    """The campaign's working page, for its initiator and the wijk's managers."""
    campaign = get_campaign_or_404(campaign_id)
    require(can_run_campaign(current_user, campaign))
    is_manager = can_manage(current_user, campaign.wijk)
    pledges = queries.pledges_of(campaign) if is_manager else []
    match_form = MatchForm()
    match_form.pot.choices = [
        SelectChoice(p.id, f"{p.name} ({p.year})") for p in queries.match_pots(campaign.wijk)
    ]
    return render_template(
        "campaigns/manage.html",
        campaign=campaign,
        figures=queries.summary(campaign),
        is_manager=is_manager,
        pledges=pledges,
        donors=queries.donors_for_initiator(campaign),
        treasurer=queries.refunds_due(Provider.manual, campaign),
        balance=queries.account_balance(campaign),
        ledger=queries.campaign_ledger(campaign) if is_manager else [],
        task_form=TaskForm(),
        need_form=NeedForm(),
        update_form=UpdateForm(),
        payout_form=PayoutForm(),
        match_form=match_form,
        photo_form=PhotoForm(),
        receipt_form=ReceiptForm(),
    )


def _run(campaign: Campaign, message: str, anchor: str, action: Callable[[], object]) -> View:
    """Call a service from a button; flash its error or `message`; back to the manage page."""
    with flash_errors():
        action()
        flash(message, "success")
    return back(campaign, anchor, "campaigns.manage")


def _submit(
    campaign: Campaign, form: Any, message: str, anchor: str, action: Callable[[], object]
) -> View:
    """`_run` for a small form of the manage page: its errors are flashed instead."""
    if not form.validate_on_submit():
        flash_form_errors(form)
        return back(campaign, anchor, "campaigns.manage")
    return _run(campaign, message, anchor, action)


@login_required
def add_task(campaign_id: int) -> View:
    campaign = get_campaign_or_404(campaign_id)
    require(is_initiator(current_user, campaign))
    form = TaskForm()
    return _submit(
        campaign,
        form,
        _("The task is added."),
        "#tasks",
        lambda: services.add_task(
            campaign, form.title.data, form.happens_on.data, form.capacity.data, actor=current_user
        ),
    )


@login_required
def remove_task(campaign_id: int, task_id: int) -> View:
    campaign = get_campaign_or_404(campaign_id)
    require(is_initiator(current_user, campaign))
    task = get_task_or_404(campaign, task_id)
    return _run(
        campaign,
        _("The task is removed."),
        "#tasks",
        lambda: services.remove_task(task, actor=current_user),
    )


@login_required
def task_done(campaign_id: int, task_id: int) -> View:
    campaign = get_campaign_or_404(campaign_id)
    require(can_run_campaign(current_user, campaign))
    task = get_task_or_404(campaign, task_id)
    return _run(
        campaign,
        _("The task is marked as done."),
        "#tasks",
        lambda: services.confirm_task_done(task, actor=current_user),
    )


@login_required
def add_need(campaign_id: int) -> View:
    campaign = get_campaign_or_404(campaign_id)
    require(is_initiator(current_user, campaign))
    form = NeedForm()
    return _submit(
        campaign,
        form,
        _("It is added to the list of wanted things."),
        "#needs",
        lambda: services.add_need(
            campaign, NeedKind(form.kind.data), form.title.data, actor=current_user
        ),
    )


@login_required
def remove_need(campaign_id: int, need_id: int) -> View:
    campaign = get_campaign_or_404(campaign_id)
    require(is_initiator(current_user, campaign))
    need = get_need_or_404(campaign, need_id)
    return _run(
        campaign,
        _("It is removed from the list of wanted things."),
        "#needs",
        lambda: services.remove_need(need, actor=current_user),
    )


@login_required
def confirm_offer(campaign_id: int, offer_id: int) -> View:
    campaign = get_campaign_or_404(campaign_id)
    require(can_run_campaign(current_user, campaign))
    offer = get_offer_or_404(campaign, offer_id)
    return _run(
        campaign,
        _("Marked as given. Thank you for saying so!"),
        "#needs",
        lambda: services.confirm_offer(offer, actor=current_user),
    )


@login_required
def post_update(campaign_id: int) -> View:
    campaign = get_campaign_or_404(campaign_id)
    require(can_run_campaign(current_user, campaign))
    form = UpdateForm()
    return _submit(
        campaign,
        form,
        _("The news is posted and mailed to the supporters."),
        "#news",
        lambda: services.post_update(campaign, form.title.data, form.body.data, actor=current_user),
    )


@login_required
def add_photo(campaign_id: int) -> View:
    campaign = get_campaign_or_404(campaign_id)
    require(is_initiator(current_user, campaign))
    form = PhotoForm()
    upload = form.photo.data
    return _submit(
        campaign,
        form,
        _("The photo is added."),
        "#photos",
        lambda: services.add_photo(
            campaign,
            services.Upload(upload.stream, upload.mimetype),
            form.alt_text.data,
            actor=current_user,
        ),
    )


@login_required
def remove_photo(campaign_id: int, photo_id: int) -> View:
    campaign = get_campaign_or_404(campaign_id)
    require(is_initiator(current_user, campaign))
    photo = get_photo_or_404(campaign, photo_id)
    return _run(
        campaign,
        _("The photo is removed."),
        "#photos",
        lambda: services.remove_photo(photo, actor=current_user),
    )


@login_required
def add_receipt(campaign_id: int) -> View:
    campaign = get_campaign_or_404(campaign_id)
    require(is_initiator(current_user, campaign))
    form = ReceiptForm()
    upload = form.image.data
    return _submit(
        campaign,
        form,
        _("The receipt is added."),
        "#receipts",
        lambda: services.add_receipt(
            campaign,
            form.description.data,
            form.amount.data,
            services.Upload(upload.stream, upload.mimetype),
            actor=current_user,
        ),
    )


@login_required
def receipt_file(campaign_id: int, receipt_id: int) -> View:
    """The photo of a receipt: for the initiator and the wijkmanagers only (it can carry a
    name or an address). Anyone else learns nothing, not even that it exists."""
    campaign = get_campaign_or_404(campaign_id)
    receipt = db.session.get(CampaignReceipt, receipt_id)
    if receipt is None or receipt.campaign_id != campaign.id:
        abort(404)
    if not can_run_campaign(current_user, campaign):
        abort(404)
    key = storage.image_key("receipts", receipt.image_name, storage.RECEIPT_SIDE)
    if key is None:
        abort(404)
    response = send_stored(key, mimetype="image/jpeg", max_age=3600)
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response
