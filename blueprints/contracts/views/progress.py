"""The goal owner's part after signing: progress, status, commitments done, answers, the
closing review; and links from a goal to what serves it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, flash, redirect
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from samenhang.blueprints.contracts.forms import (
    AnswerForm,
    DoneForm,
    LinkForm,
    ProgressForm,
    ReviewForm,
    StatusForm,
)
from samenhang.blueprints.contracts.views.common import (
    View,
    get_goal_or_404,
    goal_context,
    goal_url,
    link_choices,
)
from samenhang.blueprints.forms import render_form
from samenhang.blueprints.handling import flash_errors, form_errors
from samenhang.contracts import queries, services
from samenhang.contracts.models import Goal, GoalStatus, ReviewOutcome, Unit
from samenhang.policies import can_link_goal, require, require_reporter


def _owned(municipality_slug: str, wijk_slug: str, year: int, goal_id: int) -> Goal:
    goal = get_goal_or_404(municipality_slug, wijk_slug, year, goal_id)
    require_reporter(current_user, goal)
    return goal


def _show_again(form: Any, goal: Goal, **forms: Any) -> View:
    return render_form(form, "contracts/goal.html", **goal_context(goal, **forms))


@login_required
def post_progress(municipality_slug: str, wijk_slug: str, year: int, goal_id: int) -> View:
    goal = _owned(municipality_slug, wijk_slug, year, goal_id)
    form = ProgressForm()
    if form.validate_on_submit():
        upload = form.photo.data
        photo = services.Photo(upload.stream, upload.mimetype) if upload else None
        with form_errors(form, "value"):
            services.post_progress(
                goal,
                form.value.data,
                Unit(form.unit.data),
                form.measured_on.data,
                actor=current_user,
                note=form.note.data or "",
                evidence_url=form.evidence_url.data or "",
                photo=photo,
            )
            flash(_("The progress is saved and shown on the page."), "success")
            return redirect(goal_url(goal, _anchor="progress"))
    return _show_again(form, goal, progress_form=form)


@login_required
def set_status(municipality_slug: str, wijk_slug: str, year: int, goal_id: int) -> View:
    goal = _owned(municipality_slug, wijk_slug, year, goal_id)
    form = StatusForm()
    if form.validate_on_submit():
        with form_errors(form, "reason"):
            services.set_status(
                goal, GoalStatus(form.status.data), form.reason.data or "", actor=current_user
            )
            flash(_("The status is saved."), "success")
            return redirect(goal_url(goal))
    return _show_again(form, goal, status_form=form)


@login_required
def answer(
    municipality_slug: str, wijk_slug: str, year: int, goal_id: int, question_id: int
) -> View:
    goal = _owned(municipality_slug, wijk_slug, year, goal_id)
    question = queries.question_by_id(question_id)
    if question is None or question.goal not in goal.lineage:
        abort(404)
    form = AnswerForm()
    if form.validate_on_submit():
        with form_errors(form, "answer"):
            services.answer_question(question, form.answer.data, actor=current_user)
            flash(_("Your answer is on the page."), "success")
            return redirect(goal_url(goal, _anchor="questions"))
    return _show_again(form, goal, answer_form=form, answer_question_id=question.id)


@login_required
def review(municipality_slug: str, wijk_slug: str, year: int, goal_id: int) -> View:
    goal = _owned(municipality_slug, wijk_slug, year, goal_id)
    form = ReviewForm()
    if form.validate_on_submit():
        with form_errors(form):
            services.review_goal(
                goal,
                ReviewOutcome(form.outcome.data),
                form.summary.data,
                actor=current_user,
                final_value=form.final_value.data,
            )
            flash(_("The closing review is saved."), "success")
            return redirect(goal_url(goal, _anchor="review"))
    return _show_again(form, goal, review_form=form)


@login_required
def commitment_done(
    municipality_slug: str, wijk_slug: str, year: int, goal_id: int, commitment_id: int
) -> Response:
    goal = get_goal_or_404(municipality_slug, wijk_slug, year, goal_id)
    commitment = queries.commitment_by_id(commitment_id)
    if commitment is None or commitment.goal_id != goal.id:
        abort(404)
    form = DoneForm()
    with flash_errors():
        services.complete_commitment(commitment, form.note.data or "", actor=current_user)
        flash(_("The commitment is marked as done."), "success")
    return redirect(goal_url(goal, _anchor="commitments"))


def _target(value: str) -> Any:
    kind, _sep, number = value.partition(":")
    finders: dict[str, Callable[[int], Any]] = {
        "initiative": queries.initiative_by_id,
        "round": queries.round_by_id,
        "pot": queries.pot_by_id,
        "campaign": queries.campaign_by_id,
        "line": queries.line_by_id,
    }
    if kind not in finders or not number.isdigit():
        return None
    return finders[kind](int(number))


@login_required
def add_link(municipality_slug: str, wijk_slug: str, year: int, goal_id: int) -> View:
    goal = get_goal_or_404(municipality_slug, wijk_slug, year, goal_id)
    require(can_link_goal(current_user, goal), _("You may not link things to this goal."))
    form = LinkForm()
    form.target.choices = link_choices(goal)
    if form.validate_on_submit():
        target = _target(form.target.data) or abort(404)
        with form_errors(form, "target"):
            services.link(goal, target, actor=current_user)
            flash(_("The link is added."), "success")
            return redirect(goal_url(goal, _anchor="links"))
    return _show_again(form, goal, link_form=form)


@login_required
def remove_link(
    municipality_slug: str, wijk_slug: str, year: int, goal_id: int, link_id: int
) -> Response:
    goal = get_goal_or_404(municipality_slug, wijk_slug, year, goal_id)
    found = queries.link_by_id(link_id)
    if found is None or found.goal_id != goal.id:
        abort(404)
    with flash_errors():
        services.unlink(found, actor=current_user)
        flash(_("The link is removed."), "success")
    return redirect(goal_url(goal, _anchor="links"))
