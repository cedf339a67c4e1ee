"""Open data: read-only JSON of everything public. The OpenAPI description lives beside it.

Errors need nothing here: under /api/ the app's handler answers every error as JSON
(`{"error": kind, "message": ...}`, see `samenhang.blueprints.handling`).
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from flask import Response, abort, jsonify, request, url_for

from samenhang.blueprints.caching import shared_page
from samenhang.blueprints.guards import bounded_int, paging, place_slugs
from samenhang.extensions import db
from samenhang.initiatives import queries
from samenhang.initiatives.models import HelpKind, Initiative, State, Theme
from samenhang.outcomes import queries as outcomes_queries
from samenhang.outcomes.indicators import INDICATORS
from samenhang.places.queries import municipality_by_slug, wijk_by_slugs
from samenhang.text import normalise_newlines_in

OPENAPI = Path(__file__).with_name("openapi.json")
MAX_PER_PAGE = 100


@lru_cache(maxsize=1)
def _openapi_text() -> str:
    """The OpenAPI document ships with the code: read once per process."""
    return OPENAPI.read_text(encoding="utf-8")


def openapi() -> Response:
    spec = json.loads(_openapi_text())  # a fresh copy: the servers differ per host
    spec["servers"] = [{"url": url_for("api.openapi", _external=True).rsplit("/", 1)[0]}]
    return jsonify(spec)


#: The states the list may be filtered on: only public ones exist for the API.
PUBLIC_STATES = (State.published, State.funded, State.realised)


def _enum_list(name: str, enum: Any, allowed: Any = None) -> list[Any]:
    try:
        # An empty value is not one of the enum's: refused, as the document says.
        values = [enum(v) for v in request.args.getlist(name)]
    except ValueError:
        abort(400)
    if allowed is not None and any(v not in allowed for v in values):
        abort(400)
    return values


def _initiative_json(initiative: Initiative, supporters: int) -> dict[str, Any]:
    # Text stored before line endings were normalised on input may still hold CRLF.
    return normalise_newlines_in(
        {
            "id": initiative.id,
            "url": url_for("initiatives.show", initiative_id=initiative.id, _external=True),
            "title": initiative.title,
            "summary": initiative.summary,
            "description": initiative.description,
            "language": initiative.original_locale,
            "state": initiative.state.value,
            "state_reason": initiative.state_reason,
            # A deleted initiator: the stable "Former resident" plus a flag (see openapi.json).
            "public_name": initiative.public_name,
            "by_former_resident": initiative.by_former_resident,
            "wijk": {"name": initiative.wijk.name, "cbs_code": initiative.wijk.cbs_code},
            "municipality": initiative.wijk.municipality.name,
            "themes": [t.value for t in initiative.theme_values],
            "help_asked": [k.value for k in initiative.help_values],
            "budget": {
                "currency": "EUR",
                "total_cents": initiative.budget_total,
                "lines": [
                    {"description": line.description, "amount_cents": line.amount}
                    for line in initiative.budget_lines
                ],
            },
            "supporters": supporters,
            "published_at": initiative.published_at.isoformat()
            if initiative.published_at
            else None,
        }
    )


@shared_page
def initiatives() -> Response:
    scope: dict[str, Any] = {}
    municipality_slug, wijk_slug = request.args.get("municipality"), request.args.get("wijk")
    query = request.args.get("q", "")
    if (wijk_slug and not municipality_slug) or len(query) > 100:
        abort(400)
    if municipality_slug and wijk_slug:
        scope["wijk"] = wijk_by_slugs(municipality_slug, wijk_slug) or abort(404)
    elif municipality_slug:
        scope["municipality"] = municipality_by_slug(municipality_slug) or abort(404)
    criteria = queries.InitiativeFilter(
        themes=_enum_list("theme", Theme),
        states=_enum_list("state", State, PUBLIC_STATES),
        help_asked=_enum_list("help", HelpKind),
        query=query,
        **scope,
    )
    per_page = bounded_int(request.args.get("per_page"), 20)
    if per_page > MAX_PER_PAGE:
        abort(400)
    page = queries.public_initiatives(criteria, bounded_int(request.args.get("page"), 1), per_page)
    counts = queries.support_counts(page.items)
    return jsonify(
        {
            "items": [_initiative_json(i, counts.get(i.id, 0)) for i in page.items],
            "page": page.page,
            "per_page": page.per_page,
            "total": page.total,
        }
    )


def initiative(initiative_id: int) -> Response:
    found = queries.get_initiative(initiative_id)
    if found is None or not found.is_public:
        abort(404)
    return jsonify(_initiative_json(found, queries.support_counts([found]).get(found.id, 0)))


def budgets() -> Response:
    """Published buurtbegrotingen with every line; the same records as their JSON download."""
    from samenhang.blueprints.budgets.export import budget_record
    from samenhang.budgets import queries as budget_queries

    municipality_slug, wijk_slug = place_slugs()
    scope: dict[str, Any] = {}
    if municipality_slug and wijk_slug:
        scope["wijk"] = wijk_by_slugs(municipality_slug, wijk_slug) or abort(404)
    elif municipality_slug:
        scope["municipality"] = municipality_by_slug(municipality_slug) or abort(404)
    year = request.args.get("year")
    if year is not None and not year.isdigit():
        abort(Response(json.dumps({"error": "unknown year"}), 400, mimetype="application/json"))
    found = budget_queries.published_budgets(year=int(year) if year else None, **scope)
    page, per_page = paging(20, MAX_PER_PAGE)
    items = found[(page - 1) * per_page : page * per_page]
    return jsonify(
        {
            "items": [budget_record(budget_queries.budget_figures(b)) for b in items],
            "page": page,
            "per_page": per_page,
            "total": len(found),
        }
    )


# --- outcomes -----------------------------------------------------------------------------


def outcomes() -> Response:
    scope: dict[str, Any] = {}
    municipality_slug, wijk_slug = place_slugs()
    if municipality_slug and wijk_slug:
        scope["wijk"] = wijk_by_slugs(municipality_slug, wijk_slug) or abort(404)
    elif municipality_slug:
        scope["municipality"] = municipality_by_slug(municipality_slug) or abort(404)
    indicators = tuple(request.args.getlist("indicator"))
    if any(i not in INDICATORS for i in indicators):
        abort(
            Response(json.dumps({"error": "unknown indicator"}), 400, mimetype="application/json")
        )
    criteria = outcomes_queries.Filter(
        indicators=indicators,
        themes=tuple(_enum_list("theme", Theme)),
        year=bounded_int(request.args.get("year"), 0) or None,
        **scope,
    )
    page, per_page = paging(100, 1000)
    values, total = outcomes_queries.filtered(criteria, page, per_page)
    return jsonify(
        {
            "items": outcomes_queries.export_rows(values),
            "page": page,
            "per_page": per_page,
            "total": total,
        }
    )


# --- participation ------------------------------------------------------------------------


def participation() -> Response:
    """Who takes part, per wijk: rounds with turnout and votes by language (cells under 10
    are null, as on every page), year by year, and the languages spoken in the wijk."""
    from samenhang.participation import queries as participation_queries
    from samenhang.participation.suppression import SUPPRESS_BELOW
    from samenhang.places.models import Municipality, Wijk

    municipality_slug, wijk_slug = request.args.get("municipality"), request.args.get("wijk")
    if wijk_slug and not municipality_slug:
        abort(400)
    if municipality_slug and wijk_slug:
        wijken = [wijk_by_slugs(municipality_slug, wijk_slug) or abort(404)]
    elif municipality_slug:
        wijken = list((municipality_by_slug(municipality_slug) or abort(404)).wijken)
    else:
        wijken = list(
            db.session.scalars(
                db.select(Wijk).join(Wijk.municipality).order_by(Municipality.name, Wijk.name)
            )
        )
    per_page = bounded_int(request.args.get("per_page"), 20)
    if per_page > MAX_PER_PAGE:
        abort(400)
    page = bounded_int(request.args.get("page"), 1)
    items = wijken[(page - 1) * per_page : page * per_page]
    return jsonify(
        {
            "items": [
                participation_queries.wijk_json(participation_queries.wijk_participation(w))
                for w in items
            ],
            "suppressed_below": SUPPRESS_BELOW,
            "page": page,
            "per_page": per_page,
            "total": len(wijken),
        }
    )
