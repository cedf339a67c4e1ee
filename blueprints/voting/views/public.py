"""The public pages of a wijkstemdag: the rounds of a wijk, a round, the receipt check, and
the results with their open data."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import jsonify, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from werkzeug.wrappers import Response

from samenhang.blueprints.caching import (
    PageCache,
    cached_page,
    is_shareable_request,
    private_page,
    remembered,
    shared_page,
)
from samenhang.blueprints.places.views import get_wijk_or_404
from samenhang.blueprints.voting import forms
from samenhang.blueprints.voting.views.common import (
    View,
    ballot_state,
    cards,
    get_round_or_404,
)
from samenhang.i18n import current_locale, format_money
from samenhang.policies import can_see_results, can_view_round, is_member, require_visible
from samenhang.voting import counting, queries, services, turnout
from samenhang.voting.models import BallotType, ProjectStatus, Round


@shared_page
def wijk_rounds(municipality_slug: str, wijk_slug: str) -> str:
    wijk = get_wijk_or_404(municipality_slug, wijk_slug)
    rounds = [r for r in queries.rounds_of(wijk) if can_view_round(current_user, r)]
    return render_template("voting/wijk.html", wijk=wijk, rounds=rounds)


@shared_page
def show(round_id: int) -> str:
    round_ = get_round_or_404(round_id)
    found = cards(round_, queries.projects_with_initiatives(round_))
    return render_template(
        "voting/round.html",
        round=round_,
        accepted=[c for c in found if c["project"].status is ProjectStatus.accepted],
        proposed=[c for c in found if c["project"].status is ProjectStatus.proposed],
        rejected=[c for c in found if c["project"].status is ProjectStatus.rejected],
        voting_open=services.is_voting_open(round_),
        state=ballot_state(round_),
        code_request=services.code_request_of(round_, current_user)
        if is_member(current_user)
        else None,
    )


def check(round_id: int) -> View:
    """Counted, replaced by a later ballot, or not known: all a receipt tells, and only
    in answer to a POST, so that receipts stay out of addresses and access logs."""
    round_ = get_round_or_404(round_id)
    if request.method == "GET" and request.args:
        # An old link with the receipt in its address: answer nothing, drop the address.
        return redirect(url_for("voting.check", round_id=round_.id), code=303)
    form = forms.ReceiptCheckForm()
    status = None
    if form.validate_on_submit() and form.receipt.data:
        status = queries.receipt_status(round_, form.receipt.data)
    response = make_response(
        render_template("voting/check.html", round=round_, form=form, status=status)
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def _get_results_or_404(round_id: int) -> Round:
    round_ = get_round_or_404(round_id)
    require_visible(can_see_results(current_user, round_))
    return round_


#: Published results, rendered once per (round, locale, count) in each process.
RESULTS_CACHE = PageCache(size=256)


def results(round_id: int) -> View:
    """A published result cannot change: its page is rendered once per locale and count
    (a recount has a new `counted_at`) and answered with ETag/Last-Modified. A hit needs
    one value, the moment of the count, read once per content generation (a publication
    or recount moves it); the rules of access are checked when rendering (a round in the
    results phase is public)."""
    if is_shareable_request():
        counted_at = remembered(
            ("published_counted_at", round_id),
            lambda: queries.published_counted_at(round_id),
        )
        if counted_at is not None:
            key = (round_id, current_locale(), counted_at.isoformat())
            return cached_page(
                RESULTS_CACHE,
                key,
                counted_at,
                lambda: _render_results(_get_results_or_404(round_id)),
            )
    # The manager's preview, or a page with the reader's own menu and messages.
    return private_page(_render_results(_get_results_or_404(round_id)))


def _render_results(round_: Round) -> str:
    result = round_.result
    assert result is not None
    unit = int(result["unit_cents"])
    explanations = result["tally"]["explanations"]
    by_engine_id = {c["project"].engine_id: c for c in cards(round_)}
    rows = []
    for engine_id, found in explanations.items():
        card = by_engine_id.get(engine_id)
        if card is None:
            continue
        rows.append(
            {
                "card": card,
                "funded": found["funded"],
                "amount": int(found["amount"]) * unit,
                "cost": card["project"].cost_cents,
                "votes": int(result["votes"].get(engine_id, 0)),
                "support": result["support"].get(engine_id, 0),
                "why": queries.explain(round_, found, _, format_money, ngettext),
            }
        )
    order = result.get("order")
    if order:
        # The rule's own order, so that the explanations agree with each other.
        place = {engine_id: i for i, engine_id in enumerate(order)}
        rows.sort(
            key=lambda r: (not r["funded"], place.get(r["card"]["project"].engine_id, len(place)))
        )
    else:  # a count stored before the order was kept
        rows.sort(key=lambda r: (not r["funded"], -float(r["support"]), r["card"]["project"].id))
    most = max([float(r["support"]) for r in rows] or [1]) or 1
    for r in rows:
        # The bar's length in the chart, 0-100 (an SVG attribute: no inline style).
        r["bar"] = round(100 * float(r["support"]) / most, 1)
    return render_template(
        "voting/results.html",
        round=round_,
        rows=rows,
        most=most,
        funded_total=sum(r["amount"] for r in rows if r["funded"]),
        notes=[
            queries.explain(round_, n, _, format_money, ngettext) for n in result["tally"]["notes"]
        ],
        who_voted=who_voted(round_),
        rule_name=result["tally"]["rule"],
        is_points=round_.ballot_type in (BallotType.ranking, BallotType.points),
        counted_at=datetime.fromisoformat(result["counted_at"]),
        paper=queries.paper_counts(round_) if not round_.is_imported else None,
    )


def who_voted(round_: Round) -> dict[str, Any] | None:
    """The "Who voted" section of a counted round: its figures, the suppressed tables and
    the wijk's earlier rounds to compare with."""
    if not round_.result:
        return None
    figures = round_.result["turnout"]
    return {
        "summary": turnout.summary(figures),
        "blank": int(figures.get("blank") or 0),
        "invalid": int(figures.get("invalid") or 0),
        "tables": turnout.tables(figures),
        "previous": queries.previous_turnout(round_),
        "has_profile": figures.get("by_language") is not None,
        "suppress_below": turnout.SUPPRESS_BELOW,
    }


def _download(round_: Round, body: str, mimetype: str, extension: str) -> Response:
    response = Response(body, mimetype=mimetype)
    name = f"stemdag-{round_.wijk.slug}-{round_.id}.{extension}"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def ballots_pb(round_id: int) -> Response:
    round_ = _get_results_or_404(round_id)
    return _download(round_, counting.export_pb(round_), "text/plain", "pb")


def ballots_csv(round_id: int) -> Response:
    round_ = _get_results_or_404(round_id)
    return _download(round_, counting.export_csv(round_), "text/csv", "csv")


def turnout_csv(round_id: int) -> Response:
    """Who voted, one line per cell, small cells as `<10`."""
    round_ = _get_results_or_404(round_id)
    assert round_.result is not None
    body = turnout.as_csv(round_.result["turnout"])
    response = _download(round_, body, "text/csv", "csv")
    response.headers["Content-Disposition"] = response.headers["Content-Disposition"].replace(
        "stemdag-", "turnout-"
    )
    return response


def turnout_json(round_id: int) -> Response:
    """Who voted as JSON; small cells are null with `"suppressed": true`."""
    round_ = _get_results_or_404(round_id)
    assert round_.result is not None
    data = turnout.as_json(round_.result["turnout"], queries.previous_turnout(round_))
    return jsonify({"round": round_.id, **data})
