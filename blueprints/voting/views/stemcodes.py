"""Stemcodes and the letters that carry them: made, revoked and replaced by the wijkmanager."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from samenhang.blueprints.forms import render_form
from samenhang.blueprints.handling import flash_errors, form_errors
from samenhang.blueprints.voting import forms
from samenhang.blueprints.voting.views.common import View, get_round_or_404, round_url
from samenhang.extensions import db
from samenhang.jobs import JobStatus, error_text
from samenhang.policies import require_manager
from samenhang.voting import letters, queries, services
from samenhang.voting.models import LetterBatch, Round


def _letters_response(
    round_: Round, issued: list[tuple[int, str]], addresses: list[str]
) -> Response:
    """The letters as a PDF: the only place the codes ever exist in the clear."""
    context = letters.LetterContext(
        round_title=round_.title,
        wijk_name=round_.wijk.name,
        municipality_name=round_.wijk.municipality.name,
        vote_url=current_app.config["BASE_URL"].rstrip("/") + round_url(round_, "voting.ballot"),
        closes_at=round_.voting_closes_at,
        min_age=round_.min_age,
        opens_on=round_.voting_on,
        closes_on=round_.counting_on,
        allows_changes=round_.allows_changes,
    )
    batch = [
        letters.Letter(serial, code, addresses[i] if i < len(addresses) else "")
        for i, (serial, code) in enumerate(issued)
    ]
    pdf = letters.letters_pdf(context, batch)
    response = Response(pdf, mimetype="application/pdf")
    name = f"stemcodes-{round_.id}-{issued[0][0]}-{issued[-1][0]}.pdf"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@login_required
def codes_page(round_id: int) -> View:
    round_ = get_round_or_404(round_id)
    require_manager(current_user, round_.wijk)
    form = forms.CodesForm()
    if form.validate_on_submit():
        addresses = [a.strip() for a in (form.addresses.data or "").splitlines() if a.strip()]
        with form_errors(form, "count"):
            count = len(addresses) or form.count.data or 0
            batch = services.start_letters(round_, count, addresses, actor=current_user)
            if batch.status is JobStatus.done:
                # No queue: the job ran in this request, the PDF is ready; hand it over.
                return _batch_file(batch)
            if batch.status is JobStatus.failed:
                flash(error_text(batch), "error")
            else:
                flash(_("The letters are being made. This page shows how far it is."), "success")
            return redirect(round_url(round_, "voting.codes_page"))
    batches = services.batches_of(round_)
    context = {
        "batches": batches,
        "busy": any(b.status in (JobStatus.queued, JobStatus.running) for b in batches),
        "stages": services.LETTER_STAGES,
        "error_text": error_text,
        "void_forms": {b.id: forms.VoidLettersForm(prefix=f"void{b.id}") for b in batches},
        "round": round_,
        "form": form,
        "revoke_form": forms.RevokeForm(prefix="revoke"),
        "reissue_form": forms.ReissueForm(prefix="reissue"),
        "counts": queries.code_counts(round_),
        "has_fonts": letters.font_paths() is not None,
    }
    return render_form(form, "voting/codes.html", **context)


@login_required
def revoke_code(round_id: int) -> Response:
    round_ = get_round_or_404(round_id)
    require_manager(current_user, round_.wijk)
    form = forms.RevokeForm(prefix="revoke")
    target = round_url(round_, "voting.codes_page")
    if not form.validate_on_submit() or not (form.serial.data or form.code.data):
        flash(_("Fill in the letter number or the code."), "error")
        return redirect(target)
    with flash_errors():
        serial = services.revoke_code(
            round_, serial=form.serial.data, code=form.code.data or "", actor=current_user
        )
        flash(
            _("Letter {number} is revoked: its code no longer works.").format(number=serial),
            "success",
        )
    return redirect(target)


@login_required
def reissue_code(round_id: int) -> Response:
    round_ = get_round_or_404(round_id)
    require_manager(current_user, round_.wijk)
    form = forms.ReissueForm(prefix="reissue")
    target = round_url(round_, "voting.codes_page")
    if not form.validate_on_submit():
        flash(_("Fill in the number of the lost letter."), "error")
        return redirect(target)
    with flash_errors():
        issued = services.reissue_code(round_, form.serial.data, actor=current_user)
        return _letters_response(round_, [issued], [])
    return redirect(target)


def _get_batch_or_404(round_: Round, letters_id: int) -> LetterBatch:
    batch = db.session.get(LetterBatch, letters_id)
    if batch is None or batch.round_id != round_.id:
        abort(404)
    return batch


def _batch_file(batch: LetterBatch) -> Response:
    stored = services.letters_file(batch, actor=current_user)
    with stored.stream:
        response = Response(stored.stream.read(), mimetype="application/pdf")
    name = services.download_name(batch)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@login_required
def download_letters(round_id: int, letters_id: int) -> Response:
    """A batch's PDF again, until voting opens."""
    round_ = get_round_or_404(round_id)
    require_manager(current_user, round_.wijk)
    batch = _get_batch_or_404(round_, letters_id)
    with flash_errors():
        return _batch_file(batch)
    return redirect(round_url(round_, "voting.codes_page"))


@login_required
def void_letters(round_id: int, letters_id: int) -> Response:
    """Void a batch as a whole: its unused codes are revoked."""
    round_ = get_round_or_404(round_id)
    require_manager(current_user, round_.wijk)
    batch = _get_batch_or_404(round_, letters_id)
    form = forms.VoidLettersForm(prefix=f"void{batch.id}")
    if not form.validate_on_submit():
        flash(_("Tick the box to confirm."), "error")
        return redirect(round_url(round_, "voting.codes_page"))
    with flash_errors():
        revoked = services.void_batch(batch, actor=current_user)
        flash(_("The batch is voided. Codes revoked: {n}.").format(n=revoked), "success")
    return redirect(round_url(round_, "voting.codes_page"))
