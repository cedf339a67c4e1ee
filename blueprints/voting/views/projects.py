"""Projects of a round: residents propose them, the wijkmanager reviews them."""

from __future__ import annotations

from flask import flash, redirect, request
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from samenhang.blueprints.forms import render_form
from samenhang.blueprints.handling import flash_errors, form_errors
from samenhang.blueprints.voting import forms
from samenhang.blueprints.voting.views.common import (
    View,
    get_project_or_404,
    get_round_or_404,
    round_url,
)
from samenhang.i18n import current_locale
from samenhang.policies import can_edit_project, can_manage, require, require_manager
from samenhang.voting import queries, services
from samenhang.voting.models import Project, Round


def _project_form(round_: Round, project: Project | None) -> forms.ProjectForm:
    form = forms.ProjectForm(obj=project)
    form.category_id.choices = [("", _("No category"))] + [
        (str(c.id), c.name) for c in round_.categories
    ]
    form.initiative_id.choices = [("", _("None"))] + [
        (str(i.id), i.title) for i in queries.linkable_initiatives(round_)
    ]
    if form.is_submitted():
        return form
    if project is not None:
        form.cost.data = project.cost_cents
        form.category_id.data = str(project.category_id or "")
        form.initiative_id.data = str(project.initiative_id or "")
    else:
        form.original_locale.data = current_locale()
        form.initiative_id.data = request.args.get("initiative", "")
    return form


def _project_data(form: forms.ProjectForm) -> services.ProjectData:
    return services.ProjectData(
        title=form.title.data or "",
        summary=form.summary.data or "",
        cost_cents=form.cost.data or 0,
        original_locale=form.original_locale.data,
        category_id=int(form.category_id.data) if form.category_id.data else None,
        initiative_id=int(form.initiative_id.data) if form.initiative_id.data else None,
    )


@login_required
def propose(round_id: int) -> View:
    round_ = get_round_or_404(round_id)
    form = _project_form(round_, None)
    if form.validate_on_submit():
        with form_errors(form):
            services.propose_project(round_, _project_data(form), actor=current_user)
            if can_manage(current_user, round_.wijk):
                # The manager's own project waits for their own review like any other.
                flash(
                    _(
                        "The project is added. It is on the ballot once you choose"
                        " “Put on the ballot”."
                    ),
                    "success",
                )
                return redirect(round_url(round_, "voting.manage", _anchor="projects"))
            flash(_("Thank you. The wijkmanager will check your idea."), "success")
            return redirect(round_url(round_))
    return render_form(form, "voting/project.html", form=form, round=round_, project=None)


@login_required
def edit_project(round_id: int, project_id: int) -> View:
    round_ = get_round_or_404(round_id)
    project = get_project_or_404(round_, project_id)
    require(can_edit_project(current_user, project), _("You cannot change this project now."))
    form = _project_form(round_, project)
    if form.validate_on_submit():
        with form_errors(form):
            services.update_project(project, _project_data(form), actor=current_user)
            flash(_("Your changes are saved."), "success")
            return redirect(round_url(round_))
    return render_form(form, "voting/project.html", form=form, round=round_, project=project)


@login_required
def review_project(round_id: int, project_id: int) -> Response:
    round_ = get_round_or_404(round_id)
    require_manager(current_user, round_.wijk)
    project = get_project_or_404(round_, project_id)
    form = forms.ReviewForm()
    target = round_url(round_, "voting.manage") + "#projects"
    if not form.validate_on_submit() or form.decision.data not in ("accept", "reject"):
        flash(_("Please write the reasons. Residents see them."), "error")
        return redirect(target)
    accept = form.decision.data == "accept"
    with flash_errors():
        changed = services.review_project(
            project, accept, form.reason.data or "", actor=current_user
        )
        if not changed:
            flash(
                _("The project is already on the ballot.")
                if accept
                else _("The project is already rejected."),
                "info",
            )
        else:
            flash(
                _("The project is accepted.") if accept else _("The project is rejected."),
                "success",
            )
    return redirect(target)
