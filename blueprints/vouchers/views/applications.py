"""Applying to a pot, and one application's page: scores, the panel's advice, the decision."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from samenhang.accounts import verification
from samenhang.blueprints.accounts.forms import AddressRequestForm
from samenhang.blueprints.accounts.views import ask_address_check
from samenhang.blueprints.forms import claim_once, done_once, render_form
from samenhang.blueprints.handling import flash_errors, form_errors
from samenhang.blueprints.vouchers.forms import (
    AdviceForm,
    ApplicationForm,
    DecisionForm,
    PayoutForm,
    ReceiptForm,
    ReportForm,
    ReturnForm,
    score_form_class,
)
from samenhang.blueprints.vouchers.views.common import (
    View,
    get_application_or_404,
    get_pot_or_404,
)
from samenhang.policies import (
    can_advise,
    can_manage,
    is_applicant,
    require_adviser,
    require_applicant,
    require_manager,
    require_may_apply,
    resident_steps,
)
from samenhang.vouchers import queries, services
from samenhang.vouchers.models import (
    Application,
    ApplicationStatus,
    ContributionKind,
    Outcome,
    Pot,
)


def _first_steps(pot: Pot, address_form: AddressRequestForm | None = None) -> View:
    """What applying still needs (a confirmed e-mail, a checked address in the wijk), said
    before the application form instead of after it, with the e-mail button and the address
    request on the page. An application sent anyway is still refused (403)."""
    if request.method == "POST" and address_form is None:
        require_may_apply(current_user, pot)
    form = address_form or AddressRequestForm(
        postcode=current_user.postcode, prefix="address", formdata=None
    )
    return render_form(
        form,
        "vouchers/apply.html",
        pot=pot,
        steps=resident_steps(current_user, pot.wijk),
        pending=verification.open_verification(current_user),
        address_form=form,
    )


@login_required
def apply_address(pot_id: int) -> View:
    """The address request from the application page: the postcode typed here places the
    resident in the wijk (to read and follow) and starts the check; only the check, by
    letter or register, gives the right to apply."""
    pot = get_pot_or_404(pot_id)
    form = AddressRequestForm(prefix="address")
    if ask_address_check(form, pot.wijk_id):
        return redirect(url_for("vouchers.apply", pot_id=pot.id), code=303)
    return _first_steps(pot, form)


@login_required
def apply(pot_id: int) -> View:
    pot = get_pot_or_404(pot_id)
    if not resident_steps(current_user, pot.wijk).done:
        return _first_steps(pot)
    require_may_apply(current_user, pot)
    form = ApplicationForm()
    if form.validate_on_submit():
        lines = [
            services.BudgetLineInput(row.form.description.data or "", row.form.amount.data or 0)
            for row in form.budget_lines
            if (row.form.description.data or "").strip() or row.form.amount.data
        ]
        contributions = [
            services.ContributionInput(
                kind=ContributionKind(row.form.kind.data),
                description=row.form.description.data or "",
                hours=row.form.hours.data,
                amount_cents=row.form.amount.data,
            )
            for row in form.contributions
            if (row.form.description.data or "").strip()
        ]
        with form_errors(form):
            application = services.submit_application(
                pot,
                title=form.title.data,
                summary=form.summary.data,
                budget_lines=lines,
                contributions=contributions,
                group_name=form.group_name.data,
                actor=current_user,
            )
            flash(_("Your application is sent. You can follow it here."), "success")
            return redirect(application_url(application))
    return render_form(form, "vouchers/apply.html", form=form, pot=pot)


# --- one application ----------------------------------------------------------------------


def application_url(application: Application) -> str:
    return url_for("vouchers.application", application_id=application.id)


def _score_form(application: Application, formdata: Any = None) -> Any:
    cls = score_form_class(application.pot.criteria)
    if formdata is not None:
        return cls()
    data: dict[str, Any] = {}
    for score in application.scores:
        data[f"points_{score.criterion_id}"] = score.points
        data[f"note_{score.criterion_id}"] = score.note
    return cls(formdata=None, data=data)


def application_context(application: Application, **forms: Any) -> dict[str, Any]:
    """The application page with the forms the visitor may use; `forms` are those that
    came back with errors, the rest start empty."""
    manager = can_manage(current_user, application.pot.wijk)
    money = queries.application_money(application)
    context: dict[str, Any] = {
        "application": application,
        "pot": application.pot,
        "money": money,
        "score": queries.score_total(application),
    }
    granted = application.status is ApplicationStatus.granted
    if manager and application.is_open_for_decision:
        context["score_form"] = forms.get("score_form") or _score_form(application)
        context["decision_form"] = forms.get("decision_form") or DecisionForm(formdata=None)
    if manager and granted:
        context["payout_form"] = forms.get("payout_form") or PayoutForm(
            formdata=None, amount=money.to_pay_cents or None
        )
        # Suggest returning the unspent rest only once the initiators say they are done.
        suggested = money.unaccounted_cents if application.report is not None else None
        context["return_form"] = forms.get("return_form") or ReturnForm(
            formdata=None, amount=suggested or None
        )
    if granted and is_applicant(current_user, application):
        context["receipt_form"] = forms.get("receipt_form") or ReceiptForm(formdata=None)
        if application.report is None:
            context["report_form"] = forms.get("report_form") or ReportForm(formdata=None)
    if (
        application.status is ApplicationStatus.advice_requested
        and can_advise(current_user, application)
        and not queries.has_advised(current_user, application)
    ):
        context["advice_form"] = forms.get("advice_form") or AdviceForm(formdata=None)
    return context


def render_application(application: Application, form: Any, name: str) -> View:
    """The application page again, with `form` (its context name `name`) and its errors."""
    context = application_context(application, **{name: form})
    return render_form(form, "vouchers/application.html", **context)


def application(application_id: int) -> str:
    context = application_context(get_application_or_404(application_id))
    return render_template("vouchers/application.html", **context)


@login_required
def withdraw(application_id: int) -> View:
    application = get_application_or_404(application_id)
    require_applicant(current_user, application)
    with flash_errors():
        services.withdraw_application(application, actor=current_user)
        flash(_("Your application is withdrawn."), "success")
        return redirect(url_for("vouchers.my_applications"))
    return redirect(application_url(application))


@login_required
def score(application_id: int) -> View:
    application = get_application_or_404(application_id)
    require_manager(current_user, application.pot.wijk)
    form = _score_form(application, formdata=request.form)
    if form.validate_on_submit():
        points = {
            c.id: (form[f"points_{c.id}"].data, form[f"note_{c.id}"].data or "")
            for c in application.pot.criteria
        }
        with form_errors(form):
            services.score_application(application, points, actor=current_user)
            flash(_("The scores are saved."), "success")
            return redirect(application_url(application))
    return render_application(application, form, "score_form")


@login_required
def request_advice(application_id: int) -> View:
    application = get_application_or_404(application_id)
    require_manager(current_user, application.pot.wijk)
    with flash_errors():
        services.request_advice(application, actor=current_user)
        flash(_("The resident panel is asked for advice."), "success")
    return redirect(application_url(application))


@login_required
def give_advice(application_id: int) -> View:
    application = get_application_or_404(application_id)
    require_adviser(current_user, application)
    form = AdviceForm()
    if form.validate_on_submit():
        with form_errors(form, "outcome"):
            services.give_advice(
                application,
                recommendation=Outcome(form.outcome.data),
                amount_cents=form.amount.data,
                reasons=form.reasons.data,
                actor=current_user,
            )
            flash(_("Thank you for your advice."), "success")
            return redirect(application_url(application))
    return render_application(application, form, "advice_form")


@login_required
def decide(application_id: int) -> View:
    application = get_application_or_404(application_id)
    require_manager(current_user, application.pot.wijk)
    form = DecisionForm()
    if form.validate_on_submit():
        with form_errors(form, "outcome"):
            if (first := claim_once(form)) is not None:
                return first
            decision = services.decide_application(
                application,
                outcome=Outcome(form.outcome.data),
                reasons=form.reasons.data,
                amount_cents=form.amount.data,
                actor=current_user,
            )
            flash(_("The decision is saved and published."), "success")
            return done_once(form, application_url(application), decision)
    return render_application(application, form, "decision_form")
