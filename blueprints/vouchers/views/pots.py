"""The pots of a wijk, one pot's page and ledger, its criteria and its resident panel."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from samenhang.accounts.queries import active_user_by_email
from samenhang.blueprints.forms import claim_once, done_once, render_form
from samenhang.blueprints.handling import flash_errors, form_errors
from samenhang.blueprints.places.views import get_wijk_or_404
from samenhang.blueprints.vouchers.forms import (
    CommentForm,
    CriteriaForm,
    FixCriteriaForm,
    FundForm,
    PanelMemberForm,
    PotForm,
    PublishCriteriaForm,
)
from samenhang.blueprints.vouchers.views.common import View, get_pot_or_404
from samenhang.content.queries import localize_many
from samenhang.i18n import current_locale
from samenhang.localtime import local_today
from samenhang.policies import can_manage, can_view_application, can_view_pot, require_manager
from samenhang.vouchers import queries, services
from samenhang.vouchers.models import EntryKind, Pot, SourceKind


def wijk_pots(municipality_slug: str, wijk_slug: str) -> str:
    wijk = get_wijk_or_404(municipality_slug, wijk_slug)
    pots = [p for p in queries.pots_for_wijk(wijk) if can_view_pot(current_user, p)]
    return render_template(
        "vouchers/wijk_pots.html",
        wijk=wijk,
        pots=[(pot, queries.pot_summary(pot)) for pot in pots],
    )


@login_required
def new_pot(municipality_slug: str, wijk_slug: str) -> View:
    wijk = get_wijk_or_404(municipality_slug, wijk_slug)
    require_manager(current_user, wijk)
    form = PotForm()
    if request.method == "GET":
        form.year.data = local_today().year
    if form.validate_on_submit():
        with form_errors(form):
            if (first := claim_once(form)) is not None:
                return first
            pot = services.create_pot(
                wijk,
                year=form.year.data,
                name=form.name.data,
                description=form.description.data or "",
                source_kind=SourceKind(form.source_kind.data),
                source_name=form.source_name.data,
                amount_cents=form.amount.data,
                max_per_application_cents=form.max_per_application.data,
                actor=current_user,
            )
            flash(_("The pot is made. Now write the criteria with residents."), "success")
            return done_once(form, url_for("vouchers.edit_criteria", pot_id=pot.id), pot)
    return render_form(form, "vouchers/pot_form.html", form=form, wijk=wijk)


# --- the pot ------------------------------------------------------------------------------


def _pot_context(pot: Pot, **forms: Any) -> dict[str, Any]:
    """The pot page; `forms` are those that came back with errors, the rest start empty."""
    context: dict[str, Any] = {
        "pot": pot,
        "summary": queries.pot_summary(pot),
        "applications": [a for a in pot.applications if can_view_application(current_user, a)],
        "comments_open": queries.comments_are_open(pot),
        "comment_form": forms.get("comment_form") or CommentForm(formdata=None),
        "criteria_text": localize_many(pot.criteria, current_locale()),
    }
    if can_manage(current_user, pot.wijk):
        context["publish_form"] = forms.get("publish_form") or PublishCriteriaForm(formdata=None)
        context["fund_form"] = forms.get("fund_form") or FundForm(formdata=None)
    return context


def _pot_url(pot: Pot, **anchor: str) -> str:
    return url_for("vouchers.pot", pot_id=pot.id, **anchor)


def pot(pot_id: int) -> str:
    return render_template("vouchers/pot.html", **_pot_context(get_pot_or_404(pot_id)))


def pot_ledger(pot_id: int) -> str:
    pot = get_pot_or_404(pot_id)
    return render_template(
        "vouchers/ledger.html",
        pot=pot,
        summary=queries.pot_summary(pot),
        entries=[(entry, EntryKind.of(entry.kind)) for entry in queries.pot_ledger(pot)],
    )


@login_required
def fund_pot(pot_id: int) -> View:
    pot = get_pot_or_404(pot_id)
    require_manager(current_user, pot.wijk)
    form = FundForm()
    if form.validate_on_submit():
        with form_errors(form, "amount"):
            if (first := claim_once(form)) is not None:
                return first
            services.fund_pot(pot, form.amount.data, form.reason.data or "", actor=current_user)
            flash(_("The money is added to the pot."), "success")
            return done_once(form, _pot_url(pot))
    return render_form(form, "vouchers/pot.html", **_pot_context(pot, fund_form=form))


def _pot_action(pot_id: int, action: Callable[..., None], message: str) -> View:
    pot = get_pot_or_404(pot_id)
    require_manager(current_user, pot.wijk)
    with flash_errors():
        action(pot, actor=current_user)
        flash(message, "success")
    return redirect(_pot_url(pot))


@login_required
def open_pot(pot_id: int) -> View:
    return _pot_action(pot_id, services.open_pot, _("The pot is open. Residents can apply now."))


@login_required
def close_pot(pot_id: int) -> View:
    return _pot_action(pot_id, services.close_pot, _("The pot is closed for new applications."))


# --- criteria, written with residents -----------------------------------------------------


def _criterion_id(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() and len(text) < 12 else None


@login_required
def edit_criteria(pot_id: int) -> View:
    pot = get_pot_or_404(pot_id)
    require_manager(current_user, pot.wijk)
    if pot.criteria_are_final:
        flash(_("The criteria are final and cannot be changed any more."), "error")
        return redirect(_pot_url(pot))
    existing = [
        {
            "criterion_id": str(c.id),
            "title": c.title,
            "description": c.description,
            "weight": c.weight,
        }
        for c in pot.criteria
    ]
    form = CriteriaForm(data={"criteria": existing} if request.method == "GET" else None)
    while len(form.criteria) < min(len(existing) + 2, services.MAX_CRITERIA):
        form.criteria.append_entry()
    if form.validate_on_submit():
        rows = [
            services.CriterionInput(
                title=row.form.title.data or "",
                description=row.form.description.data or "",
                weight=row.form.weight.data or 1,
                criterion_id=_criterion_id(row.form.criterion_id.data),
            )
            for row in form.criteria
        ]
        with form_errors(form):
            services.set_criteria(pot, rows, actor=current_user)
            flash(_("The criteria are saved."), "success")
            return redirect(_pot_url(pot))
    return render_form(form, "vouchers/criteria_form.html", form=form, pot=pot)


@login_required
def publish_criteria(pot_id: int) -> View:
    pot = get_pot_or_404(pot_id)
    require_manager(current_user, pot.wijk)
    form = PublishCriteriaForm()
    if form.validate_on_submit():
        with form_errors(form, "comments_close_on"):
            services.publish_criteria_draft(pot, form.comments_close_on.data, actor=current_user)
            flash(_("The draft criteria are published. Residents can comment now."), "success")
            return redirect(_pot_url(pot))
    return render_form(form, "vouchers/pot.html", **_pot_context(pot, publish_form=form))


@login_required
def comment_on_criteria(pot_id: int) -> View:
    pot = get_pot_or_404(pot_id)
    form = CommentForm()
    if form.validate_on_submit():
        with form_errors(form, "body"):
            services.comment_on_criteria(pot, form.body.data, actor=current_user)
            flash(_("Thank you. Your comment is added."), "success")
            return redirect(_pot_url(pot, _anchor="comments"))
    return render_form(form, "vouchers/pot.html", **_pot_context(pot, comment_form=form))


@login_required
def fix_criteria(pot_id: int) -> View:
    pot = get_pot_or_404(pot_id)
    require_manager(current_user, pot.wijk)
    form = FixCriteriaForm()
    if form.validate_on_submit():
        names = (form.other_participants.data or "").splitlines()
        with form_errors(form, "other_participants"):
            services.fix_criteria(pot, names, actor=current_user)
            flash(_("The criteria are final. You can open the pot now."), "success")
            return redirect(_pot_url(pot))
    return render_form(form, "vouchers/fix_criteria.html", form=form, pot=pot)


# --- the resident panel -------------------------------------------------------------------


@login_required
def panel(pot_id: int) -> View:
    pot = get_pot_or_404(pot_id)
    require_manager(current_user, pot.wijk)
    form = PanelMemberForm()
    if form.validate_on_submit():
        member = active_user_by_email(form.email.data)
        if member is None:
            form.email.errors = [_("There is no account with this e-mail address.")]
        else:
            with form_errors(form, "email"):
                services.add_panel_member(pot, member, actor=current_user)
                flash(_("{name} is on the panel now.").format(name=member.display_name), "success")
                return redirect(url_for("vouchers.panel", pot_id=pot.id))
    return render_form(form, "vouchers/panel.html", pot=pot, form=form)


@login_required
def remove_panel_member(pot_id: int, user_id: int) -> View:
    pot = get_pot_or_404(pot_id)
    require_manager(current_user, pot.wijk)
    member = next((m.user for m in pot.panel_members if m.user_id == user_id), None)
    if member is None:
        abort(404)
    with flash_errors():
        services.remove_panel_member(pot, member, actor=current_user)
        flash(_("{name} is no longer on the panel.").format(name=member.display_name), "success")
    return redirect(url_for("vouchers.panel", pot_id=pot.id))
