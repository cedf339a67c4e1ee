"""The look of a page: the theme of the municipality it belongs to, and the header's menus.

Views of the areas need not say which municipality a page is about: `page_municipality()`
finds it from the URL (`municipality_slug`) or from what the view gave the template (a
`municipality`, a `wijk`, or anything with a `.wijk`, such as an initiative, a round or a
pot). Pages of no municipality get the default theme.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, abort, current_app, g, request, send_from_directory, url_for
from flask_babel import gettext as _
from flask_login import current_user
from jinja2 import pass_context
from jinja2.runtime import Context
from werkzeug.wrappers import Response

from samenhang.accounts.models import User
from samenhang.places.models import Municipality, Wijk
from samenhang.places.queries import municipality_by_slug
from samenhang.policies import can_administer, can_manage
from samenhang.themes import Theme, find_theme, theme_layers
from samenhang.voting.models import Phase
from samenhang.voting.queries import current_round

bp = Blueprint("themes", __name__)

#: What a theme folder may serve: its tokens, a logo, fonts it licenses.
SERVED_SUFFIXES = {".css", ".svg", ".png", ".woff2"}


def themes_dir() -> str:
    return str(current_app.config["THEMES_DIR"])


def theme_file(name: str, filename: str) -> Response:
    theme = find_theme(name, themes_dir())
    if theme is None or not any(filename.endswith(s) for s in SERVED_SUFFIXES):
        abort(404)
    return send_from_directory(theme.folder, filename)


bp.add_url_rule("/themes/<name>/<path:filename>", view_func=theme_file)


def _municipality_in(context: Context) -> Municipality | None:
    slug = (request.view_args or {}).get("municipality_slug")
    values = context.get_all()
    if slug:
        # The view has usually loaded it already (the wijk's, or the page's own).
        known = values.get("municipality")
        wijk = values.get("wijk")
        if not isinstance(known, Municipality) and isinstance(wijk, Wijk):
            known = wijk.municipality
        if isinstance(known, Municipality) and known.slug == slug:
            return known
        return municipality_by_slug(slug)
    ordered = [values.get("municipality"), values.get("wijk"), *values.values()]
    for value in ordered:
        if isinstance(value, Municipality):
            return value
        if isinstance(value, User):  # the signed-in user's own wijk says nothing
            continue
        wijk = value if isinstance(value, Wijk) else getattr(value, "wijk", None)
        if isinstance(wijk, Wijk):
            return wijk.municipality
    return None


@pass_context
def page_municipality(context: Context) -> Municipality | None:
    if "page_municipality" not in g:
        g.page_municipality = _municipality_in(context)
    return g.page_municipality


@dataclass(frozen=True)
class PageTheme:
    name: str
    stylesheets: list[str]
    logo: str | None


#: How long a page's theme (its layers, their URLs) is reused before the folders are read
#: again: a theme dropped into THEMES_DIR shows within this many seconds.
THEME_TTL = 10.0
_theme_cache: dict[tuple[str | None, str, str], tuple[float, PageTheme]] = {}


@pass_context
def page_theme(context: Context) -> PageTheme:
    municipality = page_municipality(context)
    name = municipality.theme if municipality else None
    # Reading theme folders and hashing files for their URLs is the same for every page of
    # a municipality: once per process and THEME_TTL, not per request.
    key = (name, themes_dir(), request.script_root)
    cached = _theme_cache.get(key)
    now = time.monotonic()
    if cached is not None and now - cached[0] < THEME_TTL:
        return cached[1]
    layers = theme_layers(name, themes_dir())
    logos = [t for t in layers if t.has_logo]
    theme = PageTheme(
        name=layers[-1].name if layers else "",
        stylesheets=[_url(t, "theme.css") for t in layers],
        logo=_url(logos[-1], "logo.svg") if logos else None,
    )
    _theme_cache[key] = (now, theme)
    return theme


def _url(theme: Theme, filename: str) -> str:
    return url_for("themes.theme_file", name=theme.name, filename=filename)


@dataclass(frozen=True)
class MenuGroup:
    heading: str | None
    links: list[tuple[str, str]]


def _wijk_links(wijk: Wijk) -> list[tuple[str, str]]:
    slugs = {"municipality_slug": wijk.municipality.slug, "wijk_slug": wijk.slug}
    links = [
        (_("Moderation queue"), url_for("initiatives.moderation", **slugs)),
        (_("Wijkstemdag"), url_for("voting.wijk_rounds", **slugs)),
        (_("Residents' budgets"), url_for("vouchers.wijk_pots", **slugs)),
    ]
    round_ = current_round(wijk)
    if round_ is not None and round_.eligibility.uses_codes and round_.phase is not Phase.results:
        links.append((_("Stemcodes"), url_for("voting.codes_page", round_id=round_.id)))
    links.append((_("Address checks"), url_for("accounts.address_checks", **slugs)))
    return links


def management_menu() -> list[MenuGroup]:
    """The "Beheer" navigation under the header: per wijk the user manages its moderation
    queue, rounds, pots, the current round's stemcodes and the address checks, then the
    reports (the budgets dashboard); for the administrator, the administrator's pages."""
    if not current_user.is_authenticated:
        return []
    groups = []
    if can_administer(current_user):
        groups.append(
            MenuGroup(
                None,
                [
                    (_("Users and roles"), url_for("admin.users")),
                    (_("Municipalities"), url_for("admin.municipalities")),
                    (_("Budgets dashboard"), url_for("vouchers.dashboard")),
                    (_("Failed jobs"), url_for("admin.failed_jobs")),
                ],
            )
        )
    else:
        wijken = [w for w in current_user.managed_wijken if can_manage(current_user, w)]
        groups.extend(MenuGroup(wijk.name, _wijk_links(wijk)) for wijk in wijken)
        if wijken:
            groups.append(
                MenuGroup(None, [(_("Budgets dashboard"), url_for("vouchers.dashboard"))])
            )
    return groups


@bp.app_context_processor
def _template_helpers() -> dict[str, Any]:
    return {
        "page_municipality": page_municipality,
        "page_theme": page_theme,
        "management_menu": management_menu,
    }
