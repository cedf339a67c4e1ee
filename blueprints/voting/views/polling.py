"""The physical stemdag: the wijkmanager names the volunteers; they keep the register and
enter the paper ballots, each stack checked by another volunteer."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from samenhang.accounts.models import User
from samenhang.accounts.queries import active_user_by_email
from samenhang.blueprints.forms import render_form, render_form_error
from samenhang.blueprints.handling import flash_errors, form_errors
from samenhang.blueprints.voting import forms
from samenhang.blueprints.voting.views.common import (
    View,
    ballot_cards,
    get_batch_or_404,
    get_round_or_404,
    round_url,
)
from samenhang.extensions import db
from samenhang.policies import can_check_batch, require_manager, require_volunteer
from samenhang.voting import queries, services


def _over_register(count: int) -> str:
    return ngettext(
        "Warning: the stacks hold %(num)d more paper ballot than the register handed out."
        " Check the register and the stacks before you confirm.",
        "Warning: the stacks hold %(num)d more paper ballots than the register handed out."
        " Check the register and the stacks before you confirm.",
        count,
    )


@login_required
def volunteers(round_id: int) -> View:
    round_ = get_round_or_404(round_id)
    require_manager(current_user, round_.wijk)
    form = forms.VolunteerForm()
    if form.validate_on_submit():
        user = active_user_by_email(form.email.data or "")
        if user is None:
            form.email.errors.append(_("Nobody has an account with this e-mail address."))
        else:
            with form_errors(form, "email"):
                services.add_volunteer(round_, user, actor=current_user)
                flash(_("{name} is now a volunteer.").format(name=user.display_name), "success")
                return redirect(round_url(round_, "voting.volunteers"))
    context = {
        "round": round_,
        "form": form,
        "volunteers": queries.volunteers(round_),
    }
    return render_form(form, "voting/volunteers.html", **context)


@login_required
def remove_volunteer(round_id: int) -> Response:
    round_ = get_round_or_404(round_id)
    require_manager(current_user, round_.wijk)
    form = forms.RemoveVolunteerForm()
    user_id = form.user_id.data or ""
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    if not form.validate_on_submit() or user is None:
        abort(400)
    with flash_errors():
        services.remove_volunteer(round_, user, actor=current_user)
        flash(_("The volunteer is removed."), "success")
    return redirect(round_url(round_, "voting.volunteers"))


@login_required
def register(round_id: int) -> View:
    """The register at the stemdag: a volunteer sees only "may vote", "has voted" or "not
    on the register", and marks a voter as having voted on paper. Each look-up is logged
    and limited (see the blueprint)."""
    round_ = get_round_or_404(round_id)
    require_volunteer(current_user, round_)
    form = forms.RegisterForm()
    answer = None
    if form.validate_on_submit():
        with form_errors(form, "code"):
            answer = services.look_up_register(
                round_,
                code=form.code.data or "",
                email=form.email.data or "",
                mark=form.action.data == "mark",
                actor=current_user,
            )
            if answer is services.RegisterAnswer.marked:
                # A fresh form for the next voter, after the mark was saved.
                flash(str(answer.label), "success")
                return redirect(round_url(round_, "voting.register"))
    context = {
        "round": round_,
        "form": form,
        "answer": answer.value if answer else None,
        "voting_open": services.is_voting_open(round_),
    }
    if form.errors:
        return render_form_error("voting/register.html", **context)
    return render_template("voting/register.html", **context)


@login_required
def paper(round_id: int) -> View:
    round_ = get_round_or_404(round_id)
    require_volunteer(current_user, round_)
    projects = queries.ballot_projects(round_)
    form = forms.BatchForm()
    if form.validate_on_submit():
        with form_errors(form, "lines"):
            batch = services.enter_paper_batch(
                round_,
                projects,
                label=form.label.data or "",
                declared_count=form.declared_count.data or 0,
                text=form.lines.data or "",
                actor=current_user,
            )
            flash(_("The stack is saved. Another volunteer must now check it."), "success")
            if batch.invalid_count:
                flash(
                    ngettext(
                        "%(num)d ballot of this stack is invalid: it counts in the turnout,"
                        " not for a project.",
                        "%(num)d ballots of this stack are invalid: they count in the turnout,"
                        " not for a project.",
                        batch.invalid_count,
                    ),
                    "info",
                )
            over = queries.paper_counts(round_)["over_register"]
            if over:
                flash(_over_register(over), "warning")
            return redirect(round_url(round_, "voting.paper"))
    problems: list[tuple[int, str]] = []
    invalid: list[tuple[int, str]] = []
    if form.lines.errors:
        # A refused stack: say which of its lines could not be read, and which are invalid.
        reading = services.read_paper_lines(round_, projects, form.lines.data or "")
        problems, invalid = reading.problems, reading.invalid
    context = {
        "round": round_,
        "form": form,
        "problems": problems,
        "invalid": invalid,
        "cards": ballot_cards(round_),
        "batches": queries.paper_batches(round_),
        "counts": queries.paper_counts(round_),
    }
    return render_form(form, "voting/paper.html", **context)


@login_required
def decide_batch(round_id: int, batch_id: int) -> Response:
    round_ = get_round_or_404(round_id)
    require_volunteer(current_user, round_)
    batch = get_batch_or_404(round_, batch_id)
    form = forms.BatchDecisionForm()
    if not form.validate_on_submit() or form.decision.data not in ("confirm", "reject"):
        abort(400)
    confirm = form.decision.data == "confirm"
    target = round_url(round_, "voting.paper") + f"#batch-{batch.id}"
    if not can_check_batch(current_user, round_, batch):
        # The button is not shown to whoever entered the stack; an old page may still have it.
        flash(_("Another volunteer must check this stack: you entered it yourself."), "error")
        return redirect(target)
    with flash_errors():
        services.decide_paper_batch(
            batch, confirm=confirm, reason=form.reason.data or "", actor=current_user
        )
        flash(
            _("The stack is confirmed: its ballots count.")
            if confirm
            else _("The stack is rejected."),
            "success",
        )
    return redirect(target)
