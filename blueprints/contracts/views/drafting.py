"""The bewonersraad's part: starting a draft, writing it, publishing it for comments, opening
signing, amending a signed contract and carrying unfinished goals over; and each party's
signature."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, flash, redirect
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from samenhang.blueprints.contracts.forms import (
    AmendForm,
    PartyForm,
    PreambleForm,
    PublishForm,
    RepresentativesForm,
    SignForm,
    StartForm,
)
from samenhang.blueprints.contracts.views.common import (
    View,
    commitment_form,
    contract_context,
    contract_url,
    get_contract_or_404,
    goal_form,
    goal_of,
    party_of,
)
from samenhang.blueprints.forms import render_form
from samenhang.blueprints.handling import flash_errors, form_errors
from samenhang.blueprints.places.views import get_wijk_or_404
from samenhang.contracts import queries, services
from samenhang.contracts.models import Contract, PartyKind, Unit
from samenhang.initiatives.models import Theme
from samenhang.policies import require_act_for, require_writer


def _writable(municipality_slug: str, wijk_slug: str, year: int, version: int) -> Contract:
    contract = get_contract_or_404(municipality_slug, wijk_slug, year, version)
    require_writer(current_user, contract.wijk)
    return contract


@login_required
def start(municipality_slug: str, wijk_slug: str) -> View:
    wijk = get_wijk_or_404(municipality_slug, wijk_slug)
    require_writer(current_user, wijk)
    form = StartForm()
    if form.validate_on_submit():
        with form_errors(form, "year"):
            contract = services.start_draft(wijk, form.year.data, actor=current_user)
            flash(_("The draft is made. Write the goals together."), "success")
            return redirect(contract_url(contract))
    return render_form(
        form,
        "contracts/index.html",
        wijk=wijk,
        years=queries.years(wijk, current_user),
        members=queries.members(wijk),
        following=queries.is_following(current_user, wijk),
        start_form=form,
    )


@login_required
def edit(municipality_slug: str, wijk_slug: str, year: int, version: int) -> View:
    contract = _writable(municipality_slug, wijk_slug, year, version)
    form = PreambleForm(obj=contract)
    if form.validate_on_submit():
        with form_errors(form, "preamble"):
            services.update_draft(contract, form.preamble.data or "", actor=current_user)
            flash(_("Your changes are saved."), "success")
            return redirect(contract_url(contract))
    return render_form(form, "contracts/preamble_form.html", contract=contract, form=form)


@login_required
def add_party(municipality_slug: str, wijk_slug: str, year: int, version: int) -> View:
    contract = _writable(municipality_slug, wijk_slug, year, version)
    form = PartyForm()
    if form.validate_on_submit():
        with form_errors(form):
            services.add_party(
                contract,
                PartyKind(form.kind.data),
                form.name.data,
                form.representatives.data or "",
                actor=current_user,
            )
            flash(_("The party is added."), "success")
            return redirect(contract_url(contract, _anchor="parties"))
    return render_form(
        form, "contracts/contract.html", **contract_context(contract, party_form=form)
    )


@login_required
def edit_party(
    municipality_slug: str, wijk_slug: str, year: int, version: int, party_id: int
) -> View:
    contract = _writable(municipality_slug, wijk_slug, year, version)
    party = party_of(contract, party_id)
    form = RepresentativesForm()
    if form.validate_on_submit():
        with form_errors(form, "representatives"):
            services.update_party(party, form.representatives.data or "", actor=current_user)
            flash(_("Your changes are saved."), "success")
            return redirect(contract_url(contract, _anchor="parties"))
    context = contract_context(contract, representatives_form=form, party_id=party.id)
    return render_form(form, "contracts/contract.html", **context)


def _button(contract: Contract, action: Callable[[], Any], message: str, anchor: str) -> Response:
    with flash_errors():
        action()
        flash(message, "success")
    return redirect(contract_url(contract, _anchor=anchor))


@login_required
def remove_party(
    municipality_slug: str, wijk_slug: str, year: int, version: int, party_id: int
) -> Response:
    contract = _writable(municipality_slug, wijk_slug, year, version)
    party = party_of(contract, party_id)
    return _button(
        contract,
        lambda: services.remove_party(party, actor=current_user),
        _("The party is removed."),
        "parties",
    )


def _goal_input(form: Any, contract: Contract) -> services.GoalInput:
    return services.GoalInput(
        theme=Theme(form.theme.data),
        title=form.title.data,
        description=form.description.data or "",
        indicator=form.indicator.data,
        unit=Unit(form.unit.data),
        source=form.source.data,
        baseline=form.baseline.data,
        target=form.target.data,
        deadline=form.deadline.data,
        owner=party_of(contract, form.owner.data),
    )


@login_required
def new_goal(municipality_slug: str, wijk_slug: str, year: int, version: int) -> View:
    contract = _writable(municipality_slug, wijk_slug, year, version)
    form = goal_form(contract)
    if form.validate_on_submit():
        with form_errors(form):
            goal = services.add_goal(contract, _goal_input(form, contract), actor=current_user)
            flash(_("The goal is added. Now say who does what by when."), "success")
            return redirect(contract_url(contract, _anchor=f"goal-{goal.id}"))
    return render_form(form, "contracts/goal_form.html", contract=contract, form=form, goal=None)


@login_required
def edit_goal(
    municipality_slug: str, wijk_slug: str, year: int, version: int, goal_id: int
) -> View:
    contract = _writable(municipality_slug, wijk_slug, year, version)
    goal = goal_of(contract, goal_id)
    form = goal_form(contract, goal)
    if form.validate_on_submit():
        with form_errors(form):
            services.update_goal(goal, _goal_input(form, contract), actor=current_user)
            flash(_("Your changes are saved."), "success")
            return redirect(contract_url(contract, _anchor=f"goal-{goal.id}"))
    return render_form(form, "contracts/goal_form.html", contract=contract, form=form, goal=goal)


@login_required
def remove_goal(
    municipality_slug: str, wijk_slug: str, year: int, version: int, goal_id: int
) -> Response:
    contract = _writable(municipality_slug, wijk_slug, year, version)
    goal = goal_of(contract, goal_id)
    return _button(
        contract,
        lambda: services.remove_goal(goal, actor=current_user),
        _("The goal is removed."),
        "goals",
    )


@login_required
def add_commitment(
    municipality_slug: str, wijk_slug: str, year: int, version: int, goal_id: int
) -> View:
    contract = _writable(municipality_slug, wijk_slug, year, version)
    goal = goal_of(contract, goal_id)
    form = commitment_form(contract)
    if form.validate_on_submit():
        with form_errors(form):
            services.add_commitment(
                goal,
                party_of(contract, form.party.data),
                form.description.data,
                form.due_on.data,
                actor=current_user,
            )
            flash(_("The commitment is added."), "success")
            return redirect(contract_url(contract, _anchor=f"goal-{goal.id}"))
    context = contract_context(contract, commitment_form=form, commitment_goal_id=goal.id)
    return render_form(form, "contracts/contract.html", **context)


@login_required
def remove_commitment(
    municipality_slug: str, wijk_slug: str, year: int, version: int, commitment_id: int
) -> Response:
    contract = _writable(municipality_slug, wijk_slug, year, version)
    commitment = queries.commitment_by_id(commitment_id)
    if commitment is None or commitment.goal.contract_id != contract.id:
        abort(404)
    return _button(
        contract,
        lambda: services.remove_commitment(commitment, actor=current_user),
        _("The commitment is removed."),
        f"goal-{commitment.goal_id}",
    )


@login_required
def publish(municipality_slug: str, wijk_slug: str, year: int, version: int) -> View:
    contract = _writable(municipality_slug, wijk_slug, year, version)
    form = PublishForm()
    if form.validate_on_submit():
        with form_errors(form, "comments_close_on"):
            services.publish_for_comments(contract, form.comments_close_on.data, actor=current_user)
            flash(_("The draft is public. Residents can now comment."), "success")
            return redirect(contract_url(contract))
    return render_form(
        form, "contracts/contract.html", **contract_context(contract, publish_form=form)
    )


@login_required
def open_signing(municipality_slug: str, wijk_slug: str, year: int, version: int) -> Response:
    contract = _writable(municipality_slug, wijk_slug, year, version)
    return _button(
        contract,
        lambda: services.open_signing(contract, actor=current_user),
        _("The text is now fixed. Each party can sign."),
        "parties",
    )


@login_required
def sign(municipality_slug: str, wijk_slug: str, year: int, version: int, party_id: int) -> View:
    contract = get_contract_or_404(municipality_slug, wijk_slug, year, version)
    party = party_of(contract, party_id)
    require_act_for(current_user, party)
    form = SignForm()
    if form.validate_on_submit():
        with form_errors(form, "confirm"):
            services.sign(party, actor=current_user)
            flash(_("You signed for {party}.").format(party=party.name), "success")
            return redirect(contract_url(contract, _anchor="parties"))
    context = contract_context(contract, sign_form=form, sign_party_id=party.id)
    return render_form(form, "contracts/contract.html", **context)


@login_required
def amend(municipality_slug: str, wijk_slug: str, year: int, version: int) -> View:
    contract = _writable(municipality_slug, wijk_slug, year, version)
    form = AmendForm()
    if form.validate_on_submit():
        with form_errors(form, "reason"):
            amendment = services.amend(contract, form.reason.data, actor=current_user)
            flash(_("The amendment is a new draft. Change it, then publish it."), "success")
            return redirect(contract_url(amendment))
    return render_form(
        form, "contracts/contract.html", **contract_context(contract, amend_form=form)
    )


@login_required
def carry_over(municipality_slug: str, wijk_slug: str, year: int, version: int) -> Response:
    contract = _writable(municipality_slug, wijk_slug, year, version)
    with flash_errors():
        draft, count = services.carry_over(contract, actor=current_user)
        message = ngettext(
            "%(num)d goal carried over to the draft of {year}.",
            "%(num)d goals carried over to the draft of {year}.",
            count,
        )
        flash(message.format(year=draft.year), "success")
        return redirect(contract_url(draft))
    return redirect(contract_url(contract))
