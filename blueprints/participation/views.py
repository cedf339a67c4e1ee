"""Who takes part: the public participation pages of a wijk and a municipality with their
open data, the wijkmanager's view of applicants and initiators, and the form for the
languages spoken in a wijk."""

from __future__ import annotations

import json

from flask import Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from samenhang.blueprints.forms import render_form
from samenhang.blueprints.handling import form_errors
from samenhang.blueprints.participation.forms import LanguagesForm
from samenhang.blueprints.places.views import get_municipality_or_404, get_wijk_or_404
from samenhang.participation import queries, services
from samenhang.participation.suppression import SUPPRESS_BELOW
from samenhang.policies import require_manager

View = str | Response | tuple[str, int]


def wijk(municipality_slug: str, wijk_slug: str) -> str:
    found = get_wijk_or_404(municipality_slug, wijk_slug)
    return render_template(
        "participation/wijk.html",
        wijk=found,
        p=queries.wijk_participation(found),
        suppress_below=SUPPRESS_BELOW,
    )


def municipality(municipality_slug: str) -> str:
    found = get_municipality_or_404(municipality_slug)
    return render_template(
        "participation/municipality.html",
        municipality=found,
        p=queries.municipality_participation(found),
        suppress_below=SUPPRESS_BELOW,
    )


def _download(body: str, name: str, fmt: str) -> Response:
    mimetype = "application/json" if fmt == "json" else "text/csv"
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="participation-{name}.{fmt}"'
    return response


def wijk_export(municipality_slug: str, wijk_slug: str, fmt: str) -> Response:
    found = queries.wijk_participation(get_wijk_or_404(municipality_slug, wijk_slug))
    if fmt == "json":
        body = json.dumps(queries.wijk_json(found), ensure_ascii=False, indent=1)
    else:
        body = queries.as_csv([found])
    return _download(body, f"{municipality_slug}-{wijk_slug}", fmt)


def municipality_export(municipality_slug: str, fmt: str) -> Response:
    found = queries.municipality_participation(get_municipality_or_404(municipality_slug))
    if fmt == "json":
        body = json.dumps(queries.municipality_json(found), ensure_ascii=False, indent=1)
    else:
        body = queries.as_csv(found.wijken)
    return _download(body, municipality_slug, fmt)


@login_required
def people(municipality_slug: str, wijk_slug: str) -> str:
    found = get_wijk_or_404(municipality_slug, wijk_slug)
    require_manager(current_user, found)
    return render_template(
        "participation/people.html",
        wijk=found,
        initiatives=queries.initiative_people(found),
        pots=[queries.pot_people(pot) for pot in queries.pots_of(found)],
        suppress_below=SUPPRESS_BELOW,
    )


@login_required
def languages(municipality_slug: str, wijk_slug: str) -> View:
    found = get_wijk_or_404(municipality_slug, wijk_slug)
    require_manager(current_user, found)
    form = LanguagesForm.build(queries.languages_of(found))
    if form.validate_on_submit():
        with form_errors(form):
            services.set_wijk_languages(
                found,
                form.shares(),
                source=form.source.data or "",
                year=form.year.data,
                actor=current_user,
            )
            flash(_("The languages spoken in {wijk} are saved.").format(wijk=found.name), "success")
            return redirect(
                url_for(
                    "participation.wijk", municipality_slug=municipality_slug, wijk_slug=wijk_slug
                )
            )
    return render_form(form, "participation/languages.html", wijk=found, form=form)
