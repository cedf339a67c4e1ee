"""What every resident sees: a wijk's contracts per year, one version, what an amendment
changed, a goal with its progress; and what a signed-in resident does: follow, comment on a
draft, ask a question about a goal."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from samenhang.blueprints.contracts.forms import CommentForm, QuestionForm
from samenhang.blueprints.contracts.views.common import (
    View,
    contract_context,
    contract_url,
    get_contract_or_404,
    get_goal_or_404,
    goal_context,
    goal_url,
    index_url,
    start_form,
)
from samenhang.blueprints.files import send_stored
from samenhang.blueprints.forms import render_form
from samenhang.blueprints.handling import flash_errors, form_errors
from samenhang.blueprints.places.views import get_wijk_or_404
from samenhang.contracts import queries, services
from samenhang.contracts.text import changes as text_changes
from samenhang.policies import can_view_contract, require_visible
from samenhang.uploads import PAGE_WIDTHS, image_key


def index(municipality_slug: str, wijk_slug: str) -> str:
    wijk = get_wijk_or_404(municipality_slug, wijk_slug)
    return render_template(
        "contracts/index.html",
        wijk=wijk,
        years=queries.years(wijk, current_user),
        members=queries.members(wijk),
        following=queries.is_following(current_user, wijk),
        start_form=start_form(),
    )


def year(municipality_slug: str, wijk_slug: str, year: int) -> str:
    contract = get_contract_or_404(municipality_slug, wijk_slug, year)
    return render_template("contracts/contract.html", **contract_context(contract))


def version(municipality_slug: str, wijk_slug: str, year: int, version: int) -> str:
    contract = get_contract_or_404(municipality_slug, wijk_slug, year, version)
    return render_template("contracts/contract.html", **contract_context(contract))


def changes(municipality_slug: str, wijk_slug: str, year: int, version: int) -> str:
    contract = get_contract_or_404(municipality_slug, wijk_slug, year, version)
    if contract.amends is None:
        abort(404)
    return render_template(
        "contracts/changes.html",
        contract=contract,
        previous=contract.amends,
        changes=text_changes(contract.amends, contract),
    )


def goal(municipality_slug: str, wijk_slug: str, year: int, goal_id: int) -> str:
    found = get_goal_or_404(municipality_slug, wijk_slug, year, goal_id)
    return render_template("contracts/goal.html", **goal_context(found))


def photo(municipality_slug: str, wijk_slug: str, name: str, width: int) -> Response:
    wijk = get_wijk_or_404(municipality_slug, wijk_slug)
    progress = queries.progress_by_photo(name)
    if progress is None or progress.goal.contract.wijk_id != wijk.id or width not in PAGE_WIDTHS:
        abort(404)
    require_visible(can_view_contract(current_user, progress.goal.contract))
    key = image_key("contracts", name, width)
    if key is None:
        abort(404)
    return send_stored(key, mimetype="image/jpeg", max_age=60 * 60 * 24 * 30)


@login_required
def follow(municipality_slug: str, wijk_slug: str) -> Response:
    wijk = get_wijk_or_404(municipality_slug, wijk_slug)
    with flash_errors():
        services.follow(wijk, user=current_user)
        flash(_("You follow the buurtcontract. Once a month we send you what happened."), "success")
    return redirect(index_url(wijk))


@login_required
def unfollow(municipality_slug: str, wijk_slug: str) -> Response:
    wijk = get_wijk_or_404(municipality_slug, wijk_slug)
    services.unfollow(wijk, user=current_user)
    flash(_("You no longer follow the buurtcontract."), "success")
    return redirect(index_url(wijk))


@login_required
def comment(municipality_slug: str, wijk_slug: str, year: int, version: int) -> View:
    contract = get_contract_or_404(municipality_slug, wijk_slug, year, version)
    form = CommentForm()
    if form.validate_on_submit():
        with form_errors(form, "body"):
            services.comment_on_draft(contract, form.body.data, author=current_user)
            flash(_("Thank you. Your comment is on the page."), "success")
            return redirect(contract_url(contract, _anchor="comments"))
    return render_form(
        form, "contracts/contract.html", **contract_context(contract, comment_form=form)
    )


@login_required
def ask(municipality_slug: str, wijk_slug: str, year: int, goal_id: int) -> View:
    found = get_goal_or_404(municipality_slug, wijk_slug, year, goal_id)
    form = QuestionForm()
    if form.validate_on_submit():
        with form_errors(form, "body"):
            services.ask_question(found, form.body.data, author=current_user)
            flash(_("Your question is on the page. The owner of the goal will answer."), "success")
            return redirect(goal_url(found, _anchor="questions"))
    return render_form(form, "contracts/goal.html", **goal_context(found, question_form=form))
