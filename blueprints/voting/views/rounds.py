"""The wijkmanager's pages of a round: create or import it, edit it, move it through its
phases and count it."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from flask import abort, flash, redirect, render_template
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from samenhang.blueprints.forms import render_form
from samenhang.blueprints.handling import flash_errors, form_errors
from samenhang.blueprints.places.views import get_wijk_or_404
from samenhang.blueprints.voting import forms
from samenhang.blueprints.voting.views.common import View, cards, get_round_or_404, round_url
from samenhang.blueprints.voting.views.public import who_voted
from samenhang.jobs import JobStatus, error_text
from samenhang.localtime import LOCAL_TIME
from samenhang.policies import require_manager
from samenhang.voting import counting, live, queries, services
from samenhang.voting.models import BallotType, Eligibility, Phase, Round, Rule
from samenhang.voting.services import keys
from samenhang.voting.share_pdf import ShareContext, key_share_pdf


def _local(value: datetime | None) -> datetime | None:
    return value.astimezone(LOCAL_TIME).replace(tzinfo=None) if value else None


def _round_data(form: forms.RoundForm) -> services.RoundData:
    closes = form.voting_closes_at.data
    return services.RoundData(
        title=form.title.data or "",
        description=form.description.data or "",
        budget_cents=form.budget.data or 0,
        ballot_type=BallotType(form.ballot_type.data),
        rule=Rule(form.rule.data),
        eligibility=Eligibility(form.eligibility.data),
        min_projects=form.min_projects.data,
        max_projects=form.max_projects.data,
        max_points=form.max_points.data,
        min_age=form.min_age.data,
        allows_changes=form.allows_changes.data,
        allows_blank=form.allows_blank.data,
        asks_age_band=form.asks_age_band.data,
        online_weight=form.online_weight.data or Decimal(1),
        paper_weight=form.paper_weight.data or Decimal(1),
        is_channel_balanced=form.is_channel_balanced.data,
        is_leftover_funded=form.is_leftover_funded.data,
        eligible_count=form.eligible_count.data,
        ideas_on=form.ideas_on.data,
        review_on=form.review_on.data,
        voting_on=form.voting_on.data,
        counting_on=form.counting_on.data,
        results_on=form.results_on.data,
        voting_closes_at=closes.replace(tzinfo=LOCAL_TIME).astimezone(UTC) if closes else None,
        categories=[
            (entry.form.name.data.strip(), entry.form.cap.data)
            for entry in form.categories
            if (entry.form.name.data or "").strip()
        ],
    )


@login_required
def create(municipality_slug: str, wijk_slug: str) -> View:
    wijk = get_wijk_or_404(municipality_slug, wijk_slug)
    require_manager(current_user, wijk)
    form = forms.RoundForm()
    if form.validate_on_submit():
        with form_errors(form):
            round_ = services.create_round(wijk, _round_data(form), actor=current_user)
            flash(_("The round is created as a draft."), "success")
            return redirect(round_url(round_, "voting.manage"))
    return render_form(form, "voting/edit.html", form=form, wijk=wijk, round=None)


@login_required
def edit(round_id: int) -> View:
    round_ = get_round_or_404(round_id)
    require_manager(current_user, round_.wijk)
    form = forms.RoundForm(obj=round_)
    if not form.is_submitted():
        form.budget.data = round_.budget_cents
        form.voting_closes_at.data = _local(round_.voting_closes_at)
        for entry, category in zip(form.categories, round_.categories, strict=False):
            entry.form.name.data = category.name
            entry.form.cap.data = category.cap_cents
    if form.validate_on_submit():
        with form_errors(form):
            services.update_round(round_, _round_data(form), actor=current_user)
            flash(_("Your changes are saved."), "success")
            return redirect(round_url(round_, "voting.manage"))
    return render_form(form, "voting/edit.html", form=form, wijk=round_.wijk, round=round_)


@login_required
def manage(round_id: int) -> str:
    round_ = get_round_or_404(round_id)
    require_manager(current_user, round_.wijk)
    return render_template(
        "voting/manage.html",
        round=round_,
        cards=cards(round_),
        phases=services.allowed_phases(round_),
        codes=queries.code_counts(round_) if round_.eligibility.uses_codes else None,
        voters=queries.voter_count(round_),
        paper=queries.paper_counts(round_),
        review_form=forms.ReviewForm(),
        sealed=keys.sealed_count(round_) if round_.counting_public_key else 0,
        count_form=forms.CountForm(),
        annul_form=forms.AnnulForm(),
        who_voted=who_voted(round_),
        live=live.live_turnout(round_),
        count_job=counting.latest_count_job(round_),
        count_stages=counting.COUNT_STAGES,
        job_error=error_text,
    )


def _no_store(response: Response) -> Response:
    """Key shares are shown once: no browser or proxy may keep a copy."""
    response.headers["Cache-Control"] = "no-store"
    return response


@login_required
def change_phase(round_id: int) -> View:
    round_ = get_round_or_404(round_id)
    require_manager(current_user, round_.wijk)
    form = forms.PhaseForm()
    if not form.validate_on_submit() or form.target.data not in Phase.__members__:
        abort(400)
    target = Phase(form.target.data)
    with flash_errors():
        key = services.change_phase(round_, target, actor=current_user)
        if key is not None:
            # The only time the shares exist outside their holders' hands: shown in this
            # answer, never stored, never in a cookie or a redirect.
            page = render_template(
                "voting/key_shares.html",
                round=round_,
                key=key,
                holders=keys.HOLDERS,
                form=forms.KeyShareForm(),
            )
            return _no_store(Response(page))
        flash(_("The round is now in the phase: {phase}.").format(phase=target.label), "success")
    return redirect(round_url(round_, "voting.manage"))


@login_required
def key_share_pdf_view(round_id: int) -> Response:
    """A key share as a printable PDF, made from the share the page posts back."""
    round_ = get_round_or_404(round_id)
    require_manager(current_user, round_.wijk)
    form = forms.KeyShareForm()
    if not form.validate_on_submit():
        abort(400)
    with flash_errors():
        share = keys.check_share(round_, form.share.data or "")
        body = key_share_pdf(_share_context(round_, share.index), share)
        response = Response(body, mimetype="application/pdf")
        name = f"stemdag-{round_.id}-key-share-{share.index}.pdf"
        response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
        return _no_store(response)
    return redirect(round_url(round_, "voting.manage"))


def _share_context(round_: Round, index: int) -> ShareContext:
    return ShareContext(
        round_title=round_.title,
        wijk_name=round_.wijk.name,
        municipality_name=round_.wijk.municipality.name,
        holder=str(keys.HOLDERS[index]),
    )


@login_required
def count(round_id: int) -> Response:
    round_ = get_round_or_404(round_id)
    require_manager(current_user, round_.wijk)
    form = forms.CountForm()
    if not form.validate_on_submit():
        abort(400)
    with flash_errors():
        shares = [form.share_1.data or "", form.share_2.data or ""]
        job = counting.start_count(round_, shares=shares, actor=current_user)
        if job.status is JobStatus.failed:
            flash(error_text(job), "error")
            return redirect(round_url(round_, "voting.manage") + "#count-heading")
        if job.status is not JobStatus.done:
            # On the queue: the manage page shows how far the count is.
            flash(_("The count has started. This page shows how far it is."), "success")
            return redirect(round_url(round_, "voting.manage") + "#count-heading")
        flash(_("The votes are counted. Check the results, then publish them."), "success")
        return redirect(round_url(round_, "voting.results"))
    return redirect(round_url(round_, "voting.manage") + "#count-heading")


@login_required
def annul(round_id: int) -> Response:
    round_ = get_round_or_404(round_id)
    require_manager(current_user, round_.wijk)
    form = forms.AnnulForm()
    if not form.validate_on_submit():
        flash(_("Write why the round is annulled. Residents see this."), "error")
        return redirect(round_url(round_, "voting.manage") + "#annul-heading")
    with flash_errors():
        keys.annul_round(round_, form.reason.data or "", actor=current_user)
        flash(_("The round is annulled."), "success")
    return redirect(round_url(round_, "voting.manage"))


@login_required
def import_pb(municipality_slug: str, wijk_slug: str) -> View:
    wijk = get_wijk_or_404(municipality_slug, wijk_slug)
    require_manager(current_user, wijk)
    form = forms.ImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        with form_errors(form, "file"):
            round_ = counting.import_pb(
                wijk,
                upload.read(counting.MAX_IMPORT_BYTES + 1),
                upload.filename or "import.pb",
                actor=current_user,
            )
            flash(_("The file is imported and counted."), "success")
            return redirect(round_url(round_, "voting.results"))
    return render_form(form, "voting/import.html", form=form, wijk=wijk)
