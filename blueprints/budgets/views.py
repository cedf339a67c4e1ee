"""The buurtbegroting in the browser: the public pages per wijk and year and per
municipality with their downloads; the wijkmanager's pages to prepare, import, publish and
correct; residents' challenges of a public task and the public answers.

Each view: load (`get_<thing>_or_404`, asking `samenhang.policies`) → check access → validate
the form → one service call → render or redirect.
"""

from __future__ import annotations

from typing import Any

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse

from samenhang.blueprints.budgets import export
from samenhang.blueprints.budgets.charts import ACTUAL, PLANNED, Series, bar_chart
from samenhang.blueprints.budgets.export import budget_url
from samenhang.blueprints.budgets.forms import (
    AnswerForm,
    ChallengeForm,
    IntroForm,
    LineForm,
    NewBudgetForm,
    ReasonForm,
    UploadForm,
)
from samenhang.blueprints.forms import render_form
from samenhang.blueprints.handling import flash_errors, form_errors
from samenhang.blueprints.loading import get_or_404
from samenhang.blueprints.places.views import get_municipality_or_404, get_wijk_or_404
from samenhang.budgets import importing, queries, services
from samenhang.budgets.models import Budget, BudgetImport, Challenge, LineItem, Source
from samenhang.contracts import queries as contract_queries
from samenhang.initiatives.models import Theme
from samenhang.localtime import local_today
from samenhang.policies import (
    can_challenge,
    can_view_budget,
    require,
    require_manager,
    require_visible,
)

View = str | BaseResponse | tuple[str, int]


# --- loading ------------------------------------------------------------------------------


def get_budget_or_404(municipality_slug: str, wijk_slug: str, year: int) -> Budget:
    """A published budget, or a draft for its wijk's managers."""
    wijk = get_wijk_or_404(municipality_slug, wijk_slug)
    budget = queries.budget_for(wijk, year)
    require_visible(budget is not None and can_view_budget(current_user, budget))
    assert budget is not None
    return budget


def get_managed_budget_or_404(municipality_slug: str, wijk_slug: str, year: int) -> Budget:
    wijk = get_wijk_or_404(municipality_slug, wijk_slug)
    require_manager(current_user, wijk)
    budget = queries.budget_for(wijk, year)
    require_visible(budget is not None)
    assert budget is not None
    return budget


def get_line_or_404(budget: Budget, line_id: int) -> LineItem:
    line = queries.line_by_id(line_id)
    require_visible(line is not None and line.budget_id == budget.id)
    assert line is not None
    return line


def get_challenge_or_404(budget: Budget, challenge_id: int) -> Challenge:
    challenge = queries.challenge_by_id(challenge_id)
    require_visible(challenge is not None and challenge.line.budget_id == budget.id)
    assert challenge is not None
    return challenge


def get_import_or_404(budget: Budget, import_id: int) -> BudgetImport:
    return get_or_404(BudgetImport, import_id, lambda found: found.budget_id == budget.id)


def _series() -> list[Series]:
    return [Series(_("Planned"), PLANNED), Series(_("Spent"), ACTUAL)]


def _theme_and_source_charts(figures: queries.BudgetFigures) -> dict[str, Any]:
    series = _series()
    return {
        "theme_chart": bar_chart(
            [(s.key.label, [s.planned_cents, s.actual_cents]) for s in figures.by_theme], series
        ),
        "source_chart": bar_chart(
            [(s.key.label, [s.planned_cents, s.actual_cents]) for s in figures.by_source], series
        ),
    }


# --- public pages ---------------------------------------------------------------------------


def wijk_index(municipality_slug: str, wijk_slug: str) -> View:
    """The newest published year, or a page that says there is none yet."""
    wijk = get_wijk_or_404(municipality_slug, wijk_slug)
    published = queries.budgets_of(wijk)
    if published:
        return redirect(budget_url(published[0]))
    return render_template("budgets/wijk_index.html", wijk=wijk)


def show(municipality_slug: str, wijk_slug: str, year: int) -> str:
    budget = get_budget_or_404(municipality_slug, wijk_slug, year)
    wijk = budget.wijk
    figures = queries.budget_figures(budget)
    history = queries.history(wijk)
    city = queries.municipality_figures(wijk.municipality, year)
    return render_template(
        "budgets/show.html",
        budget=budget,
        wijk=wijk,
        figures=figures,
        history=history,
        history_chart=bar_chart(
            [(str(s.key), [s.planned_cents, s.actual_cents]) for s in history], _series()
        ),
        city=city,
        per_resident=queries.per_resident,
        **_theme_and_source_charts(figures),
    )


def export_budget(municipality_slug: str, wijk_slug: str, year: int, fmt: str) -> Response:
    budget = get_budget_or_404(municipality_slug, wijk_slug, year)
    figures = queries.budget_figures(budget)
    stem = f"buurtbegroting-{budget.wijk.cbs_code}-{budget.year}"
    if fmt == "json":
        return export.json_download(export.budget_record(figures), stem)
    return export.csv_download(
        [export.line_record(f) for f in figures.lines], export.LINE_FIELDS, stem
    )


def _payment_url(line: LineItem, payment: queries.Payment) -> str | None:
    if payment.object_type == "pot_applications":
        return url_for("vouchers.application", application_id=payment.object_id)
    if payment.object_type == "stemdag_projects" and line.round_id is not None:
        return url_for("voting.show", round_id=line.round_id)
    if payment.object_type == "campaigns":
        return url_for("campaigns.show", campaign_id=payment.object_id)
    return None


def line(municipality_slug: str, wijk_slug: str, year: int, line_id: int) -> str:
    budget = get_budget_or_404(municipality_slug, wijk_slug, year)
    found = get_line_or_404(budget, line_id)
    payments = queries.payments(found) if found.is_from_platform else []
    return render_template(
        "budgets/line.html",
        budget=budget,
        line=found,
        figures=queries.line_figures(found),
        payments=[(p, _payment_url(found, p)) for p in payments],
    )


def challenge(municipality_slug: str, wijk_slug: str, year: int, line_id: int) -> View:
    budget = get_budget_or_404(municipality_slug, wijk_slug, year)
    found = get_line_or_404(budget, line_id)
    require(
        can_challenge(current_user, found),
        _("Only a public task of a published buurtbegroting can be challenged."),
    )
    form = ChallengeForm()
    if form.validate_on_submit():
        with form_errors(form):
            submitted = services.submit_challenge(
                found,
                services.ChallengeData(form.proposal.data, form.amount.data, form.partners.data),
                actor=current_user,
            )
            flash(
                _("Thank you. Your offer is public now; the wijkmanager answers by {date}.").format(
                    date=submitted.answer_due_on.isoformat()
                ),
                "success",
            )
            return redirect(budget_url(budget, "budgets.line", line_id=found.id))
    return render_form(form, "budgets/challenge.html", budget=budget, line=found, form=form)


def municipality_index(municipality_slug: str) -> View:
    municipality = get_municipality_or_404(municipality_slug)
    years = queries.municipality_years(municipality)
    if years:
        return redirect(
            url_for("budgets.municipality", municipality_slug=municipality.slug, year=years[0])
        )
    return render_template("budgets/municipality_index.html", municipality=municipality)


def municipality(municipality_slug: str, year: int) -> str:
    found = get_municipality_or_404(municipality_slug)
    figures = queries.municipality_figures(found, year)
    require_visible(bool(figures.published))
    with_population = figures.counted
    chart_rows = (
        [
            (r.wijk.name, [r.planned_per_resident or 0, r.actual_per_resident or 0])
            for r in with_population
        ]
        if with_population
        else [(r.wijk.name, [r.planned_cents, r.actual_cents]) for r in figures.published]
    )
    return render_template(
        "budgets/municipality.html",
        municipality=found,
        figures=figures,
        years=queries.municipality_years(found),
        wijken_chart=bar_chart(chart_rows, _series()),
        is_per_resident=bool(with_population),
    )


def export_municipality(municipality_slug: str, year: int, fmt: str) -> Response:
    found = get_municipality_or_404(municipality_slug)
    figures = queries.municipality_figures(found, year)
    require_visible(bool(figures.published))
    stem = f"buurtbegroting-{found.cbs_code}-{year}"
    if fmt == "json":
        return export.json_download(export.municipality_record(figures), stem)
    return export.csv_download(export.wijk_records(figures), export.WIJK_FIELDS, stem)


def data_dictionary() -> str:
    return render_template(
        "budgets/data_dictionary.html",
        themes=list(Theme),
        sources=list(Source),
        columns=importing.COLUMNS,
    )


def import_template(fmt: str) -> Response:
    if fmt == "xlsx":
        body = importing.template_xlsx()
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        body = importing.template_csv()
        mimetype = "text/csv"
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f"attachment; filename=buurtbegroting-sjabloon.{fmt}"},
    )


# --- the wijkmanager ------------------------------------------------------------------------


def manage_wijk(municipality_slug: str, wijk_slug: str) -> View:
    wijk = get_wijk_or_404(municipality_slug, wijk_slug)
    require_manager(current_user, wijk)
    form = NewBudgetForm()
    if not form.is_submitted():
        form.year.data = local_today().year
    if form.validate_on_submit():
        with form_errors(form, "year"):
            budget = services.create_budget(wijk, form.year.data, actor=current_user)
            flash(
                _("The draft is ready. Import lines, look at the preview, then publish."), "success"
            )
            return redirect(budget_url(budget, "budgets.manage"))
    budgets = queries.budgets_of(wijk, published_only=False)
    return render_form(
        form,
        "budgets/manage_wijk.html",
        wijk=wijk,
        form=form,
        budgets=[queries.budget_figures(b) for b in budgets],
    )


def manage(municipality_slug: str, wijk_slug: str, year: int) -> View:
    budget = get_managed_budget_or_404(municipality_slug, wijk_slug, year)
    form = IntroForm(data={"intro": budget.intro} if request.method == "GET" else None)
    if form.validate_on_submit():
        with form_errors(form):
            services.update_intro(
                budget, form.intro.data or "", actor=current_user, reason=form.reason.data or ""
            )
            flash(_("Saved."), "success")
            return redirect(budget_url(budget, "budgets.manage"))
    candidates = services.platform_candidates(budget)
    return render_form(
        form,
        "budgets/manage.html",
        budget=budget,
        wijk=budget.wijk,
        form=form,
        reason_form=ReasonForm(formdata=None),
        figures=queries.budget_figures(budget),
        candidates=candidates.names,
        challenges=queries.open_challenges(budget),
    )


def add_platform_lines(municipality_slug: str, wijk_slug: str, year: int) -> BaseResponse:
    budget = get_managed_budget_or_404(municipality_slug, wijk_slug, year)
    form = ReasonForm()
    with flash_errors():
        added = services.add_platform_lines(
            budget, actor=current_user, reason=form.reason.data or ""
        )
        flash(
            ngettext("%(num)d line added.", "%(num)d lines added.", len(added)),
            "success",
        )
    return redirect(budget_url(budget, "budgets.manage"))


def publish(municipality_slug: str, wijk_slug: str, year: int) -> BaseResponse:
    budget = get_managed_budget_or_404(municipality_slug, wijk_slug, year)
    with flash_errors():
        services.publish_budget(budget, actor=current_user)
        flash(_("The buurtbegroting is published."), "success")
        return redirect(budget_url(budget))
    return redirect(budget_url(budget, "budgets.manage"))


def upload(municipality_slug: str, wijk_slug: str, year: int) -> View:
    budget = get_managed_budget_or_404(municipality_slug, wijk_slug, year)
    form = UploadForm()
    problems: list[importing.RowProblem] = []
    if form.validate_on_submit():
        sent = form.file.data
        with form_errors(form, "file"):
            staged = services.stage_import(
                budget,
                sent.filename or "",
                sent.read(importing.MAX_FILE_BYTES + 1),
                actor=current_user,
            )
            if staged.budget_import is not None:
                return redirect(
                    budget_url(budget, "budgets.review_import", import_id=staged.budget_import.id)
                )
            problems = staged.parsed.problems
            form.file.errors = [
                *form.file.errors,
                ngettext(
                    "The file has %(num)d error. Nothing was imported.",
                    "The file has %(num)d errors. Nothing was imported.",
                    len(problems),
                ),
            ]
    return render_form(form, "budgets/upload.html", budget=budget, form=form, problems=problems)


def review_import(municipality_slug: str, wijk_slug: str, year: int, import_id: int) -> View:
    budget = get_managed_budget_or_404(municipality_slug, wijk_slug, year)
    budget_import = get_import_or_404(budget, import_id)
    form = ReasonForm()
    if form.validate_on_submit():
        with form_errors(form, "reason"):
            done = services.apply_import(
                budget_import, actor=current_user, reason=form.reason.data or ""
            )
            flash(
                _("Imported: {new} new, {changed} changed and {unchanged} unchanged lines.").format(
                    new=done.count("new"),
                    changed=done.count("changed"),
                    unchanged=done.count("unchanged"),
                ),
                "success",
            )
            return redirect(budget_url(budget, "budgets.manage"))
    return render_form(
        form,
        "budgets/review_import.html",
        budget=budget,
        form=form,
        preview=services.preview_import(budget_import),
    )


def _goal_choices(budget: Budget) -> list[tuple[str, str]]:
    return [("", _("No goal"))] + [
        (str(g.id), f"{g.contract.year}: {g.title}")
        for g in contract_queries.goals_to_serve(budget.wijk)
    ]


def _line_form(found: LineItem) -> LineForm:
    choices = _goal_choices(found.budget)
    if request.method != "GET":
        form = LineForm()
        form.goal.choices = choices
        return form
    goal = contract_queries.served_goal(found)
    form = LineForm(
        data={
            "title": found.title,
            "description": found.description,
            "theme": found.theme.value,
            "source": found.source.value,
            "source_name": found.source_name,
            "planned": found.planned_cents,
            "actual": found.actual_cents,
            "initiative": found.initiative_id,
            "campaign": found.campaign_id,
            "goal": str(goal.id) if goal else "",
            "is_public_task": found.is_public_task,
        }
    )
    form.goal.choices = choices
    return form


def edit_line(municipality_slug: str, wijk_slug: str, year: int, line_id: int) -> View:
    budget = get_managed_budget_or_404(municipality_slug, wijk_slug, year)
    found = get_line_or_404(budget, line_id)
    form = _line_form(found)
    if form.validate_on_submit():
        data = services.LineData(
            theme=Theme(form.theme.data),
            source=Source(form.source.data),
            source_name=form.source_name.data,
            title=form.title.data,
            description=form.description.data or "",
            is_public_task=form.is_public_task.data,
            planned_cents=form.planned.data,
            actual_cents=form.actual.data,
            initiative_id=form.initiative.data,
            campaign_id=form.campaign.data,
            goal_id=int(form.goal.data) if form.goal.data else None,
        )
        with form_errors(form):
            changed = services.change_line(
                found, data, actor=current_user, reason=form.reason.data or ""
            )
            flash(_("Saved.") if changed else _("Nothing changed."), "success")
            return redirect(budget_url(budget, "budgets.manage"))
    return render_form(form, "budgets/edit_line.html", budget=budget, line=found, form=form)


def answer(municipality_slug: str, wijk_slug: str, year: int, challenge_id: int) -> View:
    budget = get_managed_budget_or_404(municipality_slug, wijk_slug, year)
    found = get_challenge_or_404(budget, challenge_id)
    form = AnswerForm()
    if form.validate_on_submit():
        with form_errors(form):
            services.answer_challenge(
                found, form.decision.data == "accept", form.answer.data, actor=current_user
            )
            flash(_("Your answer is public now."), "success")
            return redirect(budget_url(budget, "budgets.line", line_id=found.line_id))
    return render_form(form, "budgets/answer.html", budget=budget, challenge=found, form=form)
