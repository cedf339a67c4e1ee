"""The ballot in three steps: choose, check and send, the receipt."""

from __future__ import annotations

from typing import Any

from flask import redirect, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from werkzeug.wrappers import Response

from samenhang.blueprints.caching import PageCache, is_shareable_request
from samenhang.blueprints.forms import render_form_error
from samenhang.blueprints.handling import flash_errors, form_errors
from samenhang.blueprints.voting import forms
from samenhang.blueprints.voting.views.common import (
    View,
    ballot_cards,
    ballot_state,
    cards,
    get_round_or_404,
    round_url,
    save_ballot_state,
)
from samenhang.db import utcnow
from samenhang.errors import DomainError
from samenhang.extensions import db
from samenhang.i18n import current_locale
from samenhang.policies import can_vote_as_resident
from samenhang.voting import queries, services, turnout
from samenhang.voting.codes import group, normalise
from samenhang.voting.models import BallotType, Round


def _numbers(values: list[str]) -> list[int]:
    """The numbers a form sent; anything else means the form was changed by hand, and is
    refused like a wrong ballot."""
    try:
        return [int(v) for v in values if v.strip()]
    except ValueError as exc:
        raise services.BallotError(
            _("The form was changed. Please fill in the ballot again.")
        ) from exc


def _choice_from_ballot_form(round_: Round) -> services.Choice:
    """Read the ballot page: ticks, ranks or points per project, or blank."""
    if request.form.get("blank") == "1":
        return services.Choice(is_blank=True)
    projects = queries.ballot_projects(round_)
    if round_.ballot_type in (BallotType.approval, BallotType.knapsack):
        return services.Choice(selection=_numbers(request.form.getlist("project")))
    if round_.ballot_type is BallotType.ranking:
        ranked = []
        for project_id in projects:
            rank = request.form.get(f"rank-{project_id}", "").strip()
            if rank:
                ranked.append((_numbers([rank])[0], project_id))
        ranks = [r for r, _ in ranked]
        if len(set(ranks)) != len(ranks):
            raise services.BallotError(_("Give each place in your ranking to one project only."))
        return services.Choice(selection=[p for _, p in sorted(ranked)])
    selection, points = [], []
    for project_id in projects:
        given = _numbers([request.form.get(f"points-{project_id}", "")])
        if given and given[0] > 0:
            selection.append(project_id)
            points.append(given[0])
        elif given and given[0] < 0:
            raise services.BallotError(_("Points cannot be negative."))
    return services.Choice(selection=selection, points=points or None)


def _choice_from_cast_form() -> services.Choice:
    """The choice the review page sends back with the vote."""
    if request.form.get("blank") == "1":
        return services.Choice(is_blank=True)
    selection = _numbers(request.form.get("choice", "").split(","))
    points = _numbers(request.form.get("points", "").split(",")) or None
    return services.Choice(selection=selection, points=points)


def _choice_from_state(state: dict[str, Any]) -> services.Choice | None:
    saved = state.get("choice")
    if not saved:
        return None
    return services.Choice(
        selection=list(saved.get("selection", [])),
        points=saved.get("points"),
        is_blank=bool(saved.get("blank")),
    )


def _store_choice(round_: services.VotingRound, choice: services.Choice) -> None:
    state = ballot_state(round_)
    state["choice"] = {
        "selection": choice.selection,
        "points": choice.points,
        "blank": choice.is_blank,
    }
    save_ballot_state(round_, state)


def _total(round_: Round, choice: services.Choice | None) -> int:
    if choice is None:
        return 0
    projects = queries.ballot_projects(round_)
    return sum(projects[p].cost_cents for p in choice.selection if p in projects)


def _shown_numbers(round_: Round, choice: services.Choice | None) -> dict[int, str]:
    """The rank or points per project as the ballot shows them: as typed when the ballot
    was just sent (a refused ranking keeps what the resident typed, not the last kept
    choice), else from the kept choice."""
    if round_.ballot_type not in (BallotType.ranking, BallotType.points):
        return {}
    prefix = "rank" if round_.ballot_type is BallotType.ranking else "points"
    if request.method == "POST":
        return {
            p: request.form.get(f"{prefix}-{p}", "").strip()[:6]
            for p in queries.ballot_projects(round_)
        }
    if choice is None:
        return {}
    if round_.ballot_type is BallotType.ranking:
        return {p: str(place) for place, p in enumerate(choice.selection, start=1)}
    return {p: str(n) for p, n in zip(choice.selection, choice.points or [], strict=False)}


def _closed(round_: Round) -> tuple[str, int]:
    return render_template("voting/closed.html", round=round_), 409


def ballot(round_id: int) -> View:
    round_ = get_round_or_404(round_id, with_categories=True)
    code = request.args.get("code")
    if code:
        # From the QR code: keep the code for the review step and drop it from the address.
        state = ballot_state(round_)
        state["code"] = group(normalise(code))[:30]
        save_ballot_state(round_, state)
        return redirect(round_url(round_, "voting.ballot"))
    if not services.is_voting_open(round_):
        return _closed(round_)
    form = forms.EmptyForm()
    choice = _choice_from_state(ballot_state(round_))
    if form.validate_on_submit():
        with form_errors(form):
            choice = _choice_from_ballot_form(round_)
            _store_choice(round_, choice)
            if request.form.get("action") != "total":
                services.validate_choice(round_, queries.ballot_projects(round_), choice)
                return redirect(round_url(round_, "voting.review"))
    context = {
        "round": round_,
        "form": form,
        "cards": ballot_cards(round_),
        "choice": choice,
        "numbers": _shown_numbers(round_, choice),
        "total": _total(round_, choice),
    }
    # Updating the running total is no error: only a refused ballot answers 422.
    if form.errors:
        return render_form_error("voting/ballot.html", **context)
    if choice is None and request.method == "GET" and is_shareable_request():
        return _fresh_ballot(round_, context)
    return render_template("voting/ballot.html", **context)


#: The ballot page as a visitor with a stemcode first sees it (nothing chosen), rendered
#: once per round and locale for a minute while the round votes, like its cards.
FRESH_BALLOTS = PageCache(size=64, ttl=60.0)
#: Where the visitor's own CSRF token goes in a kept page: the only part that is theirs.
_TOKEN_HOLE = "\x00csrf-token\x00"


def _fresh_ballot(round_: Round, context: dict[str, Any]) -> str:
    """A stemdag evening is many visitors opening the same empty ballot: the page is the
    same for all of them (not signed in, nothing flashed, nothing chosen) except for the
    form's CSRF token, which is put in for each visitor."""
    token = generate_csrf()
    key = (round_.id, round_.salt, current_locale())
    kept = FRESH_BALLOTS.get(key)
    if kept is None:
        html = render_template("voting/ballot.html", **context)
        # The token is a signed random value: it stands in the page only where a form
        # carries it.
        kept = FRESH_BALLOTS.put(key, html.replace(token, _TOKEN_HOLE), utcnow())
    return kept.body.decode("utf-8").replace(_TOKEN_HOLE, token)


def cast_form(round_: services.VotingRound, **data: Any) -> forms.CastForm:
    """The form that sends the vote, with the age bands of the round where it asks them."""
    form = forms.CastForm(**data)
    form.age_band.choices = [("", _("I would rather not say"))] + [
        (band.value, band.label) for band in turnout.AgeBand.for_min_age(round_.min_age)
    ]
    return form


def _profile(round_: services.VotingRound, form: forms.CastForm) -> turnout.BallotProfile:
    """Who casts this ballot, as far as the page knows: the language the page is shown in,
    phone or computer from the width hint, the age band if given. Sealed with the vote."""
    return turnout.make_profile(
        language=current_locale(),
        width_hint=form.width_hint.data,
        age_band=form.age_band.data,
        asks_age_band=round_.asks_age_band,
    )


def _review_context(round_: Round, choice: services.Choice, form: forms.CastForm) -> dict[str, Any]:
    by_id = {c["project"].id: c for c in cards(round_)}
    return {
        "round": round_,
        "form": form,
        "choice": choice,
        "chosen": [
            (by_id[p], (choice.points or [])[i] if choice.points else None)
            for i, p in enumerate(choice.selection)
            if p in by_id
        ],
        "total": _total(round_, choice),
        "state": ballot_state(round_),
        "resident_ok": can_vote_as_resident(current_user, round_),
        "choice_text": ",".join(map(str, choice.selection)),
        "points_text": ",".join(map(str, choice.points or [])),
    }


def review(round_id: int) -> View:
    round_ = get_round_or_404(round_id)
    if not services.is_voting_open(round_):
        return _closed(round_)
    state = ballot_state(round_)
    choice = _choice_from_state(state)
    if choice is None:
        return redirect(round_url(round_, "voting.ballot"))
    form = cast_form(round_, code=state.get("code", ""), receipt=state.get("receipt", ""))
    return render_template("voting/review.html", **_review_context(round_, choice, form))


def cast(round_id: int) -> View:
    """Cast (or change) the ballot. Reads the choice from the form, not the session, and
    checks it all again: a tampered form is refused like a wrong one."""
    rules = queries.ballot_rules(round_id)
    if rules is not None:
        new_receipt = _cast_with_code(rules)
        if new_receipt is not None:
            save_ballot_state(rules, {"receipt": new_receipt, "changed": False})
            return redirect(round_url(rules, "voting.receipt"), code=303)
    return _cast(round_id)


def _cast_with_code(rules: services.BallotRules) -> str | None:
    """The usual ballot, a stemcode typed and no receipt, cast with the round's kept rules
    (`queries.ballot_rules`): without loading the round, nor looking the code up before
    spending it. The same service and the same checks as `_cast`; the kept copy's phase
    and salt are checked in the statement that spends the code.

    None when this is not the usual ballot, or when it is refused: `_cast` then does it
    all again with the round (nothing was written), and says why at the right field."""
    if not services.is_voting_open(rules) or not rules.eligibility.uses_codes:
        return None
    if request.form.get("receipt", "").strip() or not request.form.get("code", "").strip():
        return None
    form = cast_form(rules)
    if not form.validate_on_submit():
        return None
    try:
        choice = _choice_from_cast_form()
        return services.cast_ballot(
            rules,
            rules.projects,
            choice,
            services.code_credential(rules, form.code.data or ""),
            age_confirmed=form.age_confirmed.data,
            profile=_profile(rules, form),
        )
    except DomainError:
        db.session.rollback()
        # A kept copy whose round moved on (closed, or another round by that id) is dropped.
        queries.rules_are_stale(rules)
        return None


def _cast(round_id: int) -> View:
    round_ = get_round_or_404(round_id)
    if not services.is_voting_open(round_):
        return _closed(round_)
    choice = None
    with flash_errors():
        choice = _choice_from_cast_form()
    if choice is None:
        return redirect(round_url(round_, "voting.ballot"))
    _store_choice(round_, choice)
    form = cast_form(round_)
    receipt = (form.receipt.data or "").strip()
    if form.validate_on_submit():
        credential = None
        # Who votes first, so that a refused stemcode is shown at the field it was typed in.
        with form_errors(form, "code" if round_.eligibility.uses_codes else None):
            credential = services.voter_credential(
                round_, code=form.code.data or "", user=current_user
            )
        if credential is not None:
            with form_errors(form):
                projects = queries.ballot_projects(round_)
                age_confirmed = form.age_confirmed.data
                profile = _profile(round_, form)
                if receipt:
                    new_receipt = services.change_ballot(
                        round_,
                        projects,
                        choice,
                        credential,
                        receipt,
                        age_confirmed=age_confirmed,
                        profile=profile,
                    )
                else:
                    new_receipt = services.cast_ballot(
                        round_,
                        projects,
                        choice,
                        credential,
                        age_confirmed=age_confirmed,
                        profile=profile,
                    )
                save_ballot_state(round_, {"receipt": new_receipt, "changed": bool(receipt)})
                return redirect(round_url(round_, "voting.receipt"), code=303)
    return render_form_error("voting/review.html", **_review_context(round_, choice, form))


def receipt(round_id: int) -> View:
    round_ = get_round_or_404(round_id)
    state = ballot_state(round_)
    if not state.get("receipt"):
        return redirect(round_url(round_))
    return render_template(
        "voting/receipt.html",
        round=round_,
        receipt=state["receipt"],
        changed=state.get("changed", False),
        voting_open=services.is_voting_open(round_),
    )


def change(round_id: int) -> Response:
    """Start again from the ballot, keeping the receipt for the review step."""
    round_ = get_round_or_404(round_id)
    state = ballot_state(round_)
    state.pop("choice", None)
    save_ballot_state(round_, state)
    return redirect(round_url(round_, "voting.ballot"))
