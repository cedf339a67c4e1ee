"""Bewonersbudgetten in the browser. Each view: load → check access → validate → one service
call → redirect, or the page again with the error and status 422 (which rolls back)."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import click
from flask import Response, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response as BaseResponse

from samenhang.accounts.models import Role
from samenhang.blueprints.forms import FORM_ERROR_STATUS, render_form
from samenhang.blueprints.places.views import get_wijk_or_404
from samenhang.blueprints.vouchers.forms import (
    AdviceForm,
    ApplicationForm,
    CommentForm,
    CriteriaForm,
    DecisionForm,
    FixCriteriaForm,
    FundForm,
    PanelMemberForm,
    PayoutForm,
    PotForm,
    PublishCriteriaForm,
    ReceiptForm,
    ReportForm,
    ReturnForm,
    SupplierForm,
    TillForm,
    VoucherBatchForm,
    score_form_class,
)
from samenhang.content.queries import localize
from samenhang.db import utcnow
from samenhang.errors import DomainError
from samenhang.extensions import db
from samenhang.i18n import current_locale
from samenhang.ledger.queries import check_ledger_consistency
from samenhang.places.models import Wijk
from samenhang.policies import can_manage
from samenhang.vouchers import queries, services, storage
from samenhang.vouchers.models import (
    Application,
    ApplicationStatus,
    ContributionKind,
    CriteriaStatus,
    Outcome,
    Pot,
    PotStatus,
    SourceKind,
    Supplier,
)

View = str | BaseResponse | tuple[str, int]


# --- loading and access -----------------------------------------------------------------


def is_manager_of(wijk: Wijk) -> bool:
    return can_manage(current_user, wijk)


def require_manager(wijk: Wijk) -> None:
    """Object check for the routes that change a pot: a wijkmanager of its wijk, or admin."""
    if not is_manager_of(wijk):
        abort(403)


def require_applicant(application: Application) -> None:
    if current_user.id != application.applicant_id:
        abort(403)


def is_pot_public(pot: Pot) -> bool:
    """A pot is public once its draft criteria are out for comments."""
    return pot.status is not PotStatus.draft or pot.criteria_status is not CriteriaStatus.draft


def get_pot_or_404(pot_id: int) -> Pot:
    pot = queries.pot_by_id(pot_id)
    if pot is None or not (is_pot_public(pot) or is_manager_of(pot.wijk)):
        abort(404)
    return pot


def get_application_or_404(application_id: int) -> Application:
    application = queries.application_by_id(application_id)
    if application is None:
        abort(404)
    is_own = current_user.is_authenticated and current_user.id == application.applicant_id
    if application.status is ApplicationStatus.withdrawn and not (
        is_own or is_manager_of(application.pot.wijk)
    ):
        abort(404)
    return application


def get_supplier_or_404(supplier_id: int) -> Supplier:
    supplier = db.session.get(Supplier, supplier_id)
    if supplier is None:
        abort(404)
    return supplier


def _error(form: Any, exc: DomainError, field: str | None = None) -> None:
    target = getattr(form, field) if field else None
    if target is not None:
        target.errors = [*target.errors, str(exc)]
    else:
        form.form_errors.append(str(exc))


# --- wijk: pots and suppliers -----------------------------------------------------------


def wijk_pots(municipality_slug: str, wijk_slug: str) -> str:
    wijk = get_wijk_or_404(municipality_slug, wijk_slug)
    manager = is_manager_of(wijk)
    pots = [p for p in queries.pots_for_wijk(wijk) if manager or is_pot_public(p)]
    return render_template(
        "vouchers/wijk_pots.html",
        wijk=wijk,
        pots=[(pot, queries.pot_summary(pot)) for pot in pots],
        is_manager=manager,
    )


@login_required
def new_pot(municipality_slug: str, wijk_slug: str) -> View:
    wijk = get_wijk_or_404(municipality_slug, wijk_slug)
    require_manager(wijk)
    form = PotForm()
    if request.method == "GET":
        form.year.data = utcnow().year
    if form.validate_on_submit():
        try:
            pot = services.create_pot(
                wijk,
                actor=current_user,
                year=form.year.data,
                name=form.name.data,
                description=form.description.data or "",
                source_kind=SourceKind(form.source_kind.data),
                source_name=form.source_name.data,
                amount_cents=form.amount.data,
                max_per_application_cents=form.max_per_application.data,
            )
        except DomainError as exc:
            _error(form, exc)
        else:
            flash(_("The pot is made. Now write the criteria with residents."), "success")
            return redirect(url_for("vouchers.edit_criteria", pot_id=pot.id))
    return render_form(form, "vouchers/pot_form.html", form=form, wijk=wijk)


def _suppliers_page(wijk: Wijk, form: SupplierForm, status: int = 200, **extra: Any) -> View:
    page = render_template(
        "vouchers/suppliers.html",
        wijk=wijk,
        suppliers=queries.suppliers_for_wijk(wijk),
        form=form,
        **extra,
    )
    response = Response(page, status=status)
    if "till_url" in extra:
        # The secret link is shown once: keep it out of every cache.
        response.headers["Cache-Control"] = "no-store"
    return response


@login_required
def suppliers(municipality_slug: str, wijk_slug: str) -> View:
    wijk = get_wijk_or_404(municipality_slug, wijk_slug)
    require_manager(wijk)
    form = SupplierForm()
    if form.validate_on_submit():
        try:
            supplier, token = services.create_supplier(
                wijk, actor=current_user, name=form.name.data, address=form.address.data or ""
            )
        except DomainError as exc:
            _error(form, exc, "name")
        else:
            till_url = url_for("vouchers.till", token=token, _external=True)
            return _suppliers_page(
                wijk, SupplierForm(formdata=None), supplier=supplier, till_url=till_url
            )
    return _suppliers_page(wijk, form, FORM_ERROR_STATUS if form.is_submitted() else 200)


@login_required
def renew_till_link(supplier_id: int) -> View:
    supplier = get_supplier_or_404(supplier_id)
    require_manager(supplier.wijk)
    token = services.renew_till_link(supplier, actor=current_user)
    till_url = url_for("vouchers.till", token=token, _external=True)
    return _suppliers_page(
        supplier.wijk, SupplierForm(formdata=None), supplier=supplier, till_url=till_url
    )


# --- the pot ------------------------------------------------------------------------------


def _pot_page(pot: Pot, status: int = 200, **forms: Any) -> View:
    manager = is_manager_of(pot.wijk)
    context: dict[str, Any] = {
        "pot": pot,
        "summary": queries.pot_summary(pot),
        "applications": pot.applications if manager else queries.public_applications(pot),
        "is_manager": manager,
        "comments_open": queries.comments_are_open(pot),
        "comment_form": forms.get("comment_form") or CommentForm(formdata=None),
        "criteria_text": {c.id: localize(c, current_locale()) for c in pot.criteria},
    }
    if manager:
        context["publish_form"] = forms.get("publish_form") or PublishCriteriaForm(formdata=None)
        context["fund_form"] = forms.get("fund_form") or FundForm(formdata=None)
        context["action_error"] = forms.get("action_error")
    page = render_template("vouchers/pot.html", **context)
    return page if status == 200 else (page, status)


def pot(pot_id: int) -> View:
    return _pot_page(get_pot_or_404(pot_id))


def pot_ledger(pot_id: int) -> str:
    pot = get_pot_or_404(pot_id)
    accounts = {a.id for a in queries.pot_accounts(pot)}
    return render_template(
        "vouchers/ledger.html",
        pot=pot,
        summary=queries.pot_summary(pot),
        entries=queries.pot_ledger(pot),
        pot_accounts=accounts,
    )


@login_required
def fund_pot(pot_id: int) -> View:
    pot = get_pot_or_404(pot_id)
    require_manager(pot.wijk)
    form = FundForm()
    if form.validate_on_submit():
        try:
            services.fund_pot(
                pot,
                actor=current_user,
                amount_cents=form.amount.data,
                reason=form.reason.data or "",
            )
        except DomainError as exc:
            _error(form, exc, "amount")
        else:
            flash(_("The money is added to the pot."), "success")
            return redirect(url_for("vouchers.pot", pot_id=pot.id))
    return _pot_page(pot, FORM_ERROR_STATUS, fund_form=form)


@login_required
def edit_criteria(pot_id: int) -> View:
    pot = get_pot_or_404(pot_id)
    require_manager(pot.wijk)
    if pot.criteria_are_final:
        flash(_("The criteria are final and cannot be changed any more."), "error")
        return redirect(url_for("vouchers.pot", pot_id=pot.id))
    existing = [
        {"title": c.title, "description": c.description, "weight": c.weight} for c in pot.criteria
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
            )
            for row in form.criteria
        ]
        try:
            services.set_criteria(pot, actor=current_user, criteria=rows)
        except DomainError as exc:
            _error(form, exc)
        else:
            flash(_("The criteria are saved."), "success")
            return redirect(url_for("vouchers.pot", pot_id=pot.id))
    return render_form(form, "vouchers/criteria_form.html", form=form, pot=pot)


@login_required
def publish_criteria(pot_id: int) -> View:
    pot = get_pot_or_404(pot_id)
    require_manager(pot.wijk)
    form = PublishCriteriaForm()
    if form.validate_on_submit():
        try:
            services.publish_criteria_draft(
                pot, actor=current_user, comments_close_on=form.comments_close_on.data
            )
        except DomainError as exc:
            _error(form, exc, "comments_close_on")
        else:
            flash(_("The draft criteria are published. Residents can comment now."), "success")
            return redirect(url_for("vouchers.pot", pot_id=pot.id))
    return _pot_page(pot, FORM_ERROR_STATUS, publish_form=form)


@login_required
def comment_on_criteria(pot_id: int) -> View:
    pot = get_pot_or_404(pot_id)
    form = CommentForm()
    if form.validate_on_submit():
        try:
            services.comment_on_criteria(pot, author=current_user, body=form.body.data)
        except DomainError as exc:
            _error(form, exc, "body")
        else:
            flash(_("Thank you. Your comment is added."), "success")
            return redirect(url_for("vouchers.pot", pot_id=pot.id, _anchor="comments"))
    return _pot_page(pot, FORM_ERROR_STATUS, comment_form=form)


@login_required
def fix_criteria(pot_id: int) -> View:
    pot = get_pot_or_404(pot_id)
    require_manager(pot.wijk)
    form = FixCriteriaForm()
    if form.validate_on_submit():
        names = (form.other_participants.data or "").splitlines()
        try:
            services.fix_criteria(pot, actor=current_user, other_participants=names)
        except DomainError as exc:
            _error(form, exc, "other_participants")
        else:
            flash(_("The criteria are final. You can open the pot now."), "success")
            return redirect(url_for("vouchers.pot", pot_id=pot.id))
    return render_form(form, "vouchers/fix_criteria.html", form=form, pot=pot)


def _pot_action(pot_id: int, action: Any, message: str) -> View:
    pot = get_pot_or_404(pot_id)
    require_manager(pot.wijk)
    try:
        action(pot, actor=current_user)
    except DomainError as exc:
        return _pot_page(pot, FORM_ERROR_STATUS, action_error=str(exc))
    flash(message, "success")
    return redirect(url_for("vouchers.pot", pot_id=pot.id))


@login_required
def open_pot(pot_id: int) -> View:
    return _pot_action(pot_id, services.open_pot, _("The pot is open. Residents can apply now."))


@login_required
def close_pot(pot_id: int) -> View:
    return _pot_action(pot_id, services.close_pot, _("The pot is closed for new applications."))


def _panel_page(pot: Pot, form: PanelMemberForm, status: int = 200) -> View:
    page = render_template("vouchers/panel.html", pot=pot, form=form)
    return page if status == 200 else (page, status)


@login_required
def panel(pot_id: int) -> View:
    pot = get_pot_or_404(pot_id)
    require_manager(pot.wijk)
    form = PanelMemberForm()
    if form.validate_on_submit():
        member = queries.active_user_by_email(form.email.data)
        if member is None:
            form.email.errors = [_("There is no account with this e-mail address.")]
        else:
            try:
                services.add_panel_member(pot, actor=current_user, member=member)
            except DomainError as exc:
                _error(form, exc, "email")
            else:
                flash(_("{name} is on the panel now.").format(name=member.display_name), "success")
                return redirect(url_for("vouchers.panel", pot_id=pot.id))
    return _panel_page(pot, form, FORM_ERROR_STATUS if form.is_submitted() else 200)


@login_required
def remove_panel_member(pot_id: int, user_id: int) -> View:
    pot = get_pot_or_404(pot_id)
    require_manager(pot.wijk)
    member = next((m.user for m in pot.panel_members if m.user_id == user_id), None)
    if member is None:
        abort(404)
    services.remove_panel_member(pot, actor=current_user, member=member)
    flash(_("{name} is no longer on the panel.").format(name=member.display_name), "success")
    return redirect(url_for("vouchers.panel", pot_id=pot.id))


# --- applying -----------------------------------------------------------------------------


@login_required
def apply(pot_id: int) -> View:
    pot = get_pot_or_404(pot_id)
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
        try:
            application = services.submit_application(
                pot,
                applicant=current_user,
                title=form.title.data,
                summary=form.summary.data,
                group_name=form.group_name.data,
                budget_lines=lines,
                contributions=contributions,
            )
        except DomainError as exc:
            _error(form, exc)
        else:
            flash(_("Your application is sent. You can follow it here."), "success")
            return redirect(url_for("vouchers.application", application_id=application.id))
    return render_form(form, "vouchers/apply.html", form=form, pot=pot)


# --- one application ----------------------------------------------------------------------


def _score_form(application: Application, formdata: Any = None) -> Any:
    cls = score_form_class(application.pot.criteria)
    data: dict[str, Any] = {}
    for score in application.scores:
        data[f"points_{score.criterion_id}"] = score.points
        data[f"note_{score.criterion_id}"] = score.note
    if formdata is None:
        return cls(formdata=None, data=data)
    return cls()


def _application_page(application: Application, status: int = 200, **forms: Any) -> View:
    pot = application.pot
    manager = is_manager_of(pot.wijk)
    own = current_user.is_authenticated and current_user.id == application.applicant_id
    panel_member = queries.is_panel_member(current_user, pot) and not own
    money = queries.application_money(application)
    context: dict[str, Any] = {
        "application": application,
        "pot": pot,
        "money": money,
        "score": queries.score_total(application),
        "is_manager": manager,
        "is_applicant": own,
        "is_panel_member": panel_member,
        "action_error": forms.get("action_error"),
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
    if own and granted:
        context["receipt_form"] = forms.get("receipt_form") or ReceiptForm(formdata=None)
        if application.report is None:
            context["report_form"] = forms.get("report_form") or ReportForm(formdata=None)
    if (
        panel_member
        and application.status is ApplicationStatus.advice_requested
        and all(a.member_id != current_user.id for a in application.advice)
    ):
        context["advice_form"] = forms.get("advice_form") or AdviceForm(formdata=None)
    page = render_template("vouchers/application.html", **context)
    return page if status == 200 else (page, status)


def application(application_id: int) -> View:
    return _application_page(get_application_or_404(application_id))


@login_required
def withdraw(application_id: int) -> View:
    application = get_application_or_404(application_id)
    require_applicant(application)
    try:
        services.withdraw_application(application, actor=current_user)
    except DomainError as exc:
        return _application_page(application, FORM_ERROR_STATUS, action_error=str(exc))
    flash(_("Your application is withdrawn."), "success")
    return redirect(url_for("vouchers.my_applications"))


@login_required
def score(application_id: int) -> View:
    application = get_application_or_404(application_id)
    require_manager(application.pot.wijk)
    form = _score_form(application, formdata=request.form)
    if form.validate_on_submit():
        points = {
            c.id: (form[f"points_{c.id}"].data, form[f"note_{c.id}"].data or "")
            for c in application.pot.criteria
        }
        try:
            services.score_application(application, actor=current_user, points=points)
        except DomainError as exc:
            _error(form, exc)
        else:
            flash(_("The scores are saved."), "success")
            return redirect(url_for("vouchers.application", application_id=application.id))
    return _application_page(application, FORM_ERROR_STATUS, score_form=form)


@login_required
def request_advice(application_id: int) -> View:
    application = get_application_or_404(application_id)
    require_manager(application.pot.wijk)
    try:
        services.request_advice(application, actor=current_user)
    except DomainError as exc:
        return _application_page(application, FORM_ERROR_STATUS, action_error=str(exc))
    flash(_("The resident panel is asked for advice."), "success")
    return redirect(url_for("vouchers.application", application_id=application.id))


@login_required
def give_advice(application_id: int) -> View:
    application = get_application_or_404(application_id)
    if not queries.is_panel_member(current_user, application.pot):
        abort(403)
    form = AdviceForm()
    if form.validate_on_submit():
        try:
            services.give_advice(
                application,
                member=current_user,
                recommendation=Outcome(form.outcome.data),
                amount_cents=form.amount.data,
                reasons=form.reasons.data,
            )
        except DomainError as exc:
            _error(form, exc, "outcome")
        else:
            flash(_("Thank you for your advice."), "success")
            return redirect(url_for("vouchers.application", application_id=application.id))
    return _application_page(application, FORM_ERROR_STATUS, advice_form=form)


@login_required
def decide(application_id: int) -> View:
    application = get_application_or_404(application_id)
    require_manager(application.pot.wijk)
    form = DecisionForm()
    if form.validate_on_submit():
        try:
            services.decide_application(
                application,
                actor=current_user,
                outcome=Outcome(form.outcome.data),
                amount_cents=form.amount.data,
                reasons=form.reasons.data,
            )
        except DomainError as exc:
            _error(form, exc, "outcome")
        else:
            flash(_("The decision is saved and published."), "success")
            return redirect(url_for("vouchers.application", application_id=application.id))
    return _application_page(application, FORM_ERROR_STATUS, decision_form=form)


@login_required
def pay_out(application_id: int) -> View:
    application = get_application_or_404(application_id)
    require_manager(application.pot.wijk)
    form = PayoutForm()
    if form.validate_on_submit():
        try:
            services.pay_out(
                application,
                actor=current_user,
                amount_cents=form.amount.data,
                note=form.note.data or "",
            )
        except DomainError as exc:
            _error(form, exc, "amount")
        else:
            flash(_("The payment is booked."), "success")
            return redirect(url_for("vouchers.application", application_id=application.id))
    return _application_page(application, FORM_ERROR_STATUS, payout_form=form)


@login_required
def upload_receipt(application_id: int) -> View:
    application = get_application_or_404(application_id)
    require_applicant(application)
    form = ReceiptForm()
    if form.validate_on_submit():
        upload = form.image.data
        try:
            services.upload_receipt(
                application,
                actor=current_user,
                description=form.description.data,
                amount_cents=form.amount.data,
                image=services.Upload(upload.stream, upload.mimetype),
            )
        except DomainError as exc:
            _error(form, exc, "image")
        else:
            flash(_("The receipt is added."), "success")
            return redirect(url_for("vouchers.application", application_id=application.id))
    return _application_page(application, FORM_ERROR_STATUS, receipt_form=form)


@login_required
def submit_report(application_id: int) -> View:
    application = get_application_or_404(application_id)
    require_applicant(application)
    form = ReportForm()
    if form.validate_on_submit():
        photos = [
            services.Upload(f.stream, f.mimetype)
            for f in (form.photos.data or [])
            if f and f.filename
        ]
        try:
            services.submit_report(
                application, actor=current_user, body=form.body.data, photos=photos
            )
        except DomainError as exc:
            _error(form, exc, "photos")
        else:
            flash(_("Thank you for your report."), "success")
            return redirect(url_for("vouchers.application", application_id=application.id))
    return _application_page(application, FORM_ERROR_STATUS, report_form=form)


@login_required
def record_return(application_id: int) -> View:
    application = get_application_or_404(application_id)
    require_manager(application.pot.wijk)
    form = ReturnForm()
    if form.validate_on_submit():
        try:
            services.record_return(
                application,
                actor=current_user,
                amount_cents=form.amount.data,
                note=form.note.data or "",
            )
        except DomainError as exc:
            _error(form, exc, "amount")
        else:
            flash(_("The returned money is back in the pot."), "success")
            return redirect(url_for("vouchers.application", application_id=application.id))
    return _application_page(application, FORM_ERROR_STATUS, return_form=form)


@login_required
def settle(application_id: int) -> View:
    application = get_application_or_404(application_id)
    require_manager(application.pot.wijk)
    try:
        services.settle_application(application, actor=current_user)
    except DomainError as exc:
        return _application_page(application, FORM_ERROR_STATUS, action_error=str(exc))
    flash(_("The application is settled. Every euro is accounted for."), "success")
    return redirect(url_for("vouchers.application", application_id=application.id))


def uploaded_image(kind: str, name: str) -> Response:
    """Receipts for the initiators and wijkmanagers; report photos for everyone."""
    path = storage.image_path(kind, name)
    if path is None:
        abort(404)
    if kind == "receipts":
        receipt = queries.receipt_by_image(name)
        if receipt is None:
            abort(404)
        owner = receipt.application.applicant_id
        if not (
            (current_user.is_authenticated and current_user.id == owner)
            or is_manager_of(receipt.application.pot.wijk)
        ):
            abort(404)
    else:
        photo = queries.report_photo_by_image(name)
        if photo is None:
            abort(404)
        get_application_or_404(photo.report.application_id)
    response = send_file(path, mimetype="image/jpeg", max_age=3600)
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response


# --- lists, dashboard, exports ------------------------------------------------------------


@login_required
def my_applications() -> str:
    return render_template(
        "vouchers/my_applications.html",
        applications=queries.applications_of(current_user),
        advice_requests=queries.advice_requests_for(current_user),
    )


@login_required
def dashboard() -> str:
    if current_user.role not in {Role.wijkmanager, Role.admin}:
        abort(403)
    return render_template(
        "vouchers/dashboard.html",
        board=queries.dashboard_for(current_user),
        ledger=check_ledger_consistency(),
    )


EXPORT_FIELDS = [
    "decision_id",
    "decided_at",
    "municipality",
    "wijk",
    "wijk_code",
    "pot_id",
    "pot",
    "year",
    "source",
    "source_kind",
    "application_id",
    "title",
    "group",
    "currency",
    "requested_cents",
    "outcome",
    "granted_cents",
    "reasons",
    "score",
    "score_max",
    "panel_advice",
    "paid_cents",
    "returned_cents",
    "status",
]


def export_decisions(fmt: str, pot_id: int | None = None) -> Response:
    """Every decision with its reasons, as open data (no applicant names)."""
    pot = get_pot_or_404(pot_id) if pot_id is not None else None
    rows = queries.decisions_export(pot)
    stem = f"decisions-pot-{pot.id}" if pot else "decisions"
    if fmt == "json":
        body = json.dumps({"decisions": rows}, ensure_ascii=False, indent=2)
        mimetype = "application/json"
    elif fmt == "csv":
        out = io.StringIO()
        # A byte-order mark, so spreadsheet programs read the accents right.
        out.write("\ufeff")
        writer = csv.DictWriter(out, fieldnames=EXPORT_FIELDS, lineterminator="\r\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: "" if v is None else v for k, v in row.items()})
        body = out.getvalue()
        mimetype = "text/csv"
    else:
        abort(404)
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f"attachment; filename={stem}.{fmt}"},
    )


# --- voucher codes ------------------------------------------------------------------------


def _vouchers_page(pot: Pot, form: VoucherBatchForm, status: int = 200, **extra: Any) -> View:
    page = render_template(
        "vouchers/vouchers.html",
        pot=pot,
        form=form,
        summary=queries.pot_summary(pot),
        counts=queries.voucher_counts(pot),
        **extra,
    )
    return page if status == 200 else (page, status)


def _batch_form(pot: Pot, formdata: bool = True) -> VoucherBatchForm:
    form = VoucherBatchForm() if formdata else VoucherBatchForm(formdata=None)
    form.set_suppliers([s for s in queries.suppliers_for_wijk(pot.wijk) if s.is_active])
    return form


@login_required
def vouchers(pot_id: int) -> View:
    pot = get_pot_or_404(pot_id)
    require_manager(pot.wijk)
    form = _batch_form(pot)
    if form.validate_on_submit():
        chosen = [s for s in queries.suppliers_for_wijk(pot.wijk) if s.id in form.suppliers.data]
        try:
            batch, codes = services.issue_vouchers(
                pot,
                actor=current_user,
                label=form.label.data,
                value_cents=form.value.data,
                quantity=form.quantity.data,
                expires_on=form.expires_on.data,
                suppliers=chosen,
            )
        except DomainError as exc:
            _error(form, exc, "value")
        else:
            response = Response(
                render_template("vouchers/codes.html", pot=pot, batch=batch, codes=codes)
            )
            # The codes exist only on this page: keep it out of every cache.
            response.headers["Cache-Control"] = "no-store"
            return response
    return _vouchers_page(pot, form, FORM_ERROR_STATUS if form.is_submitted() else 200)


@login_required
def expire_vouchers(pot_id: int) -> View:
    pot = get_pot_or_404(pot_id)
    require_manager(pot.wijk)
    count = services.expire_vouchers(actor=current_user, pot=pot)
    flash(
        _("{count} expired vouchers; their value is back in the pot.").format(count=count),
        "success",
    )
    return redirect(url_for("vouchers.vouchers", pot_id=pot.id))


def till(token: str) -> View:
    """A supplier's till page: the secret link is the key, no account needed."""
    supplier = queries.supplier_by_token(token)
    if supplier is None:
        abort(404)
    form = TillForm()
    context: dict[str, Any] = {"supplier": supplier, "form": form, "token": token}
    if form.validate_on_submit():
        try:
            redemption = services.redeem_voucher(
                form.code.data, supplier=supplier, amount_cents=form.amount.data
            )
        except DomainError as exc:
            _error(form, exc, "code")
        else:
            context["redemption"] = redemption
            context["form"] = TillForm(formdata=None)
    status = FORM_ERROR_STATUS if form.errors else 200
    response = Response(render_template("vouchers/till.html", **context), status=status)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def check_ledger_command() -> None:
    """Recompute every balance from the ledger lines; exit 1 when anything disagrees."""
    report = check_ledger_consistency()
    click.echo(f"{report.entries_checked} entries, {report.accounts_checked} accounts checked.")
    for label, problems in (
        ("unbalanced entries", report.unbalanced_entries),
        ("stale cached balances", report.stale_balances),
        ("negative balances", report.negative_balances),
        ("currency mismatches", report.currency_mismatches),
    ):
        if problems:
            click.echo(f"{label}: {problems}")
    if not report.is_consistent:
        raise SystemExit(1)
    click.echo("The ledger is consistent.")
