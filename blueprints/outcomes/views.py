"""Outcomes in the browser: a wijk against its city, a municipality's wijken ranked per
theme, exports, and the import of new figures."""

from __future__ import annotations

import csv
import io
import json

from flask import Response, flash, redirect, render_template, url_for
from flask_babel import ngettext
from flask_login import current_user, login_required

from samenhang.blueprints.forms import FORM_ERROR_STATUS, render_form
from samenhang.blueprints.outcomes.forms import ImportForm
from samenhang.blueprints.places.views import get_municipality_or_404, get_wijk_or_404
from samenhang.outcomes import queries, services
from samenhang.outcomes.indicators import INDICATORS
from samenhang.outcomes.models import OutcomeValue
from samenhang.policies import can_import_outcomes, require

View = str | Response | tuple[str, int]


def wijk(municipality_slug: str, wijk_slug: str) -> str:
    found = get_wijk_or_404(municipality_slug, wijk_slug)
    values = queries.values_of(found)
    themes = queries.theme_views(values)
    return render_template(
        "outcomes/wijk.html",
        wijk=found,
        themes=themes,
        years=queries.years_of(themes),
        indicators=queries.indicator_views(found, values),
        has_examples=queries.has_examples(values),
    )


def municipality(municipality_slug: str) -> str:
    found = get_municipality_or_404(municipality_slug)
    values = queries.values_in(found)
    return render_template(
        "outcomes/municipality.html",
        municipality=found,
        rankings=queries.rankings(values),
        has_examples=queries.has_examples(values),
    )


def _export(values: list[OutcomeValue], name: str, fmt: str) -> Response:
    rows = queries.export_rows(values)
    if fmt == "json":
        body = json.dumps({"items": rows}, ensure_ascii=False, indent=1)
        response = Response(body, mimetype="application/json")
    else:
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=queries.EXPORT_FIELDS)
        writer.writeheader()
        writer.writerows(rows)
        response = Response(out.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="outcomes-{name}.{fmt}"'
    return response


def wijk_export(municipality_slug: str, wijk_slug: str, fmt: str) -> Response:
    found = get_wijk_or_404(municipality_slug, wijk_slug)
    return _export(queries.values_of(found), f"{municipality_slug}-{wijk_slug}", fmt)


def municipality_export(municipality_slug: str, fmt: str) -> Response:
    found = get_municipality_or_404(municipality_slug)
    return _export(queries.values_in(found), municipality_slug, fmt)


@login_required
def import_figures(municipality_slug: str) -> View:
    found = get_municipality_or_404(municipality_slug)
    require(can_import_outcomes(current_user, found))
    form = ImportForm()
    context = {"municipality": found, "form": form, "indicators": INDICATORS, "errors": []}
    if form.validate_on_submit():
        upload = form.file.data
        report = services.import_csv(
            found, upload.read(), upload.filename or "", actor=current_user
        )
        if report.imported is not None:
            flash(
                ngettext(
                    "%(num)d figure is imported.",
                    "%(num)d figures are imported.",
                    report.imported.row_count,
                ),
                "success",
            )
            return redirect(url_for("outcomes.municipality", municipality_slug=found.slug))
        context["errors"] = report.errors
        page = render_template("outcomes/import.html", **context)
        return page, FORM_ERROR_STATUS
    return render_form(form, "outcomes/import.html", **context)
