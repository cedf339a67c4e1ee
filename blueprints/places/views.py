from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from samenhang.blueprints.caching import shared_page
from samenhang.blueprints.forms import render_form_error
from samenhang.blueprints.places.forms import PostcodeSearchForm
from samenhang.blueprints.places.front import front_page
from samenhang.places.models import Municipality, Wijk
from samenhang.places.queries import municipality_by_slug, wijk_by_slugs, wijken_for_postcode


def get_municipality_or_404(slug: str) -> Municipality:
    municipality = municipality_by_slug(slug)
    if municipality is None:
        abort(404)
    return municipality


def get_wijk_or_404(municipality_slug: str, wijk_slug: str) -> Wijk:
    wijk = wijk_by_slugs(municipality_slug, wijk_slug)
    if wijk is None:
        abort(404)
    return wijk


def wijk_url(wijk: Wijk) -> str:
    return url_for("places.wijk", municipality_slug=wijk.municipality.slug, wijk_slug=wijk.slug)


def find_by_postcode() -> str | Response | tuple[str, int]:
    form = PostcodeSearchForm(request.args)
    if not form.validate():
        return render_form_error("places/find.html", form=form, wijken=[])
    wijken = wijken_for_postcode(form.postcode.data)
    if len(wijken) == 1:
        return redirect(wijk_url(wijken[0]))
    if not wijken:
        form.postcode.errors.append(_("We do not know this postcode yet. Choose your wijk below."))
        return render_form_error("places/find.html", form=form, wijken=[])
    return render_template("places/find.html", form=form, wijken=wijken)


@shared_page
def municipality(municipality_slug: str) -> str:
    return render_template(
        "places/municipality.html", municipality=get_municipality_or_404(municipality_slug)
    )


@shared_page
def wijk(municipality_slug: str, wijk_slug: str) -> str:
    found = get_wijk_or_404(municipality_slug, wijk_slug)
    return render_template("places/wijk.html", wijk=found, **front_page(found))
