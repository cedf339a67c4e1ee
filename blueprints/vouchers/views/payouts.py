"""Money after the decision: instalments, receipts, the report, money returned, settling;
and the photos of receipts and reports."""

from __future__ import annotations

from flask import abort, flash, redirect
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from samenhang.blueprints.files import send_stored
from samenhang.blueprints.forms import claim_once, done_once
from samenhang.blueprints.handling import flash_errors, form_errors
from samenhang.blueprints.vouchers.forms import PayoutForm, ReceiptForm, ReportForm, ReturnForm
from samenhang.blueprints.vouchers.views.applications import application_url, render_application
from samenhang.blueprints.vouchers.views.common import View, get_application_or_404
from samenhang.policies import can_see_receipts, require_applicant, require_manager
from samenhang.vouchers import queries, services, storage


@login_required
def pay_out(application_id: int) -> View:
    application = get_application_or_404(application_id)
    require_manager(current_user, application.pot.wijk)
    form = PayoutForm()
    if form.validate_on_submit():
        with form_errors(form, "amount"):
            if (first := claim_once(form)) is not None:
                return first
            payout = services.pay_out(
                application, form.amount.data, form.note.data or "", actor=current_user
            )
            flash(_("The payment is booked."), "success")
            return done_once(form, application_url(application), payout)
    return render_application(application, form, "payout_form")


@login_required
def upload_receipt(application_id: int) -> View:
    application = get_application_or_404(application_id)
    require_applicant(current_user, application)
    form = ReceiptForm()
    if form.validate_on_submit():
        upload = form.image.data
        with form_errors(form, "image"):
            services.upload_receipt(
                application,
                description=form.description.data,
                amount_cents=form.amount.data,
                image=services.Upload(upload.stream, upload.mimetype),
                actor=current_user,
            )
            flash(_("The receipt is added."), "success")
            return redirect(application_url(application))
    return render_application(application, form, "receipt_form")


@login_required
def submit_report(application_id: int) -> View:
    application = get_application_or_404(application_id)
    require_applicant(current_user, application)
    form = ReportForm()
    if form.validate_on_submit():
        photos = [
            services.Upload(f.stream, f.mimetype)
            for f in (form.photos.data or [])
            if f and f.filename
        ]
        with form_errors(form, "photos"):
            services.submit_report(application, form.body.data, photos, actor=current_user)
            flash(_("Thank you for your report."), "success")
            return redirect(application_url(application))
    return render_application(application, form, "report_form")


@login_required
def record_return(application_id: int) -> View:
    application = get_application_or_404(application_id)
    require_manager(current_user, application.pot.wijk)
    form = ReturnForm()
    if form.validate_on_submit():
        with form_errors(form, "amount"):
            if (first := claim_once(form)) is not None:
                return first
            services.record_return(
                application, form.amount.data, form.note.data or "", actor=current_user
            )
            flash(_("The returned money is back in the pot."), "success")
            return done_once(form, application_url(application))
    return render_application(application, form, "return_form")


@login_required
def settle(application_id: int) -> View:
    application = get_application_or_404(application_id)
    require_manager(current_user, application.pot.wijk)
    with flash_errors():
        services.settle_application(application, actor=current_user)
        flash(_("The application is settled. Every euro is accounted for."), "success")
    return redirect(application_url(application))


def uploaded_image(kind: str, name: str) -> Response:
    """Receipts for the initiators and wijkmanagers; report photos for everyone who may see
    the application. Anyone else learns nothing, not even that the file exists."""
    key = storage.image_key(kind, name)
    if key is None:
        abort(404)
    if kind == "receipts":
        receipt = queries.receipt_by_image(name)
        if receipt is None or not can_see_receipts(current_user, receipt.application):
            abort(404)
    else:
        photo = queries.report_photo_by_image(name)
        if photo is None:
            abort(404)
        get_application_or_404(photo.report.application_id)
    response = send_stored(key, mimetype="image/jpeg", max_age=3600)
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response
