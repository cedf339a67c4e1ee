"""Wijkstemdag pages: public round and results, the ballot (review, cast, receipt), the
wijkmanager's pages and the volunteers' polling station.

The selection a voter makes lives in their session until the ballot is cast, so it
survives being sent to sign in or to type a code; it is never stored on the server.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from flask import (
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.wrappers import Response

from samenhang.accounts.models import User
from samenhang.blueprints.forms import render_form, render_form_error
from samenhang.blueprints.places.views import get_wijk_or_404
from samenhang.blueprints.voting import forms
from samenhang.content.queries import localize
from samenhang.errors import DomainError
from samenhang.extensions import db
from samenhang.i18n import current_locale, format_money
from samenhang.initiatives.models import PUBLIC_STATES, Initiative
from samenhang.policies import can_manage
from samenhang.voting import counting, letters, queries, services
from samenhang.voting.codes import group, normalise
from samenhang.voting.models import (
    BallotType,
    BatchStatus,
    PaperBatch,
    Phase,
    Project,
    ProjectStatus,
    Round,
)
from samenhang.voting.rules.explain import render

View = str | Response | tuple[str, int]
LOCAL_TIME = ZoneInfo("Europe/Amsterdam")


# --- loading and access -----------------------------------------------------------------


def get_round_or_404(round_id: int) -> Round:
    round_ = queries.get_round(round_id)
    if round_ is None or (
        round_.phase is Phase.draft and not can_manage(current_user, round_.wijk)
    ):
        abort(404)
    return round_


def _require_manager(round_: Round) -> None:
    if not current_user.is_authenticated:
        abort(401)
    if not can_manage(current_user, round_.wijk):
        abort(403)


def _require_volunteer(round_: Round) -> None:
    if not current_user.is_authenticated:
        abort(401)
    if not services.is_volunteer(current_user, round_):
        abort(403)


def _round_url(round_: Round, endpoint: str = "voting.show", **values: Any) -> str:
    return url_for(endpoint, round_id=round_.id, **values)


def _state(round_: Round) -> dict[str, Any]:
    """What this browser holds for the round: the unsent selection, a code, a receipt."""
    return dict(session.get(f"stemdag-{round_.id}", {}))


def _save_state(round_: Round, state: dict[str, Any]) -> None:
    session[f"stemdag-{round_.id}"] = state


def _run(action: Any, success: str, target: str) -> Response:
    try:
        action()
    except DomainError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        flash(success, "success")
    return redirect(target)


# --- public pages -----------------------------------------------------------------------


def wijk_rounds(municipality_slug: str, wijk_slug: str) -> str:
    wijk = get_wijk_or_404(municipality_slug, wijk_slug)
    rounds = [
        r
        for r in queries.rounds_of(wijk)
        if r.phase is not Phase.draft or can_manage(current_user, wijk)
    ]
    return render_template(
        "voting/wijk.html",
        wijk=wijk,
        rounds=rounds,
        phase_labels=forms.PHASE_LABELS,
        import_form=forms.ImportForm(),
    )


def _cards(round_: Round, projects: list[Project] | None = None) -> list[dict[str, Any]]:
    """Project cards in the reader's language, in ballot order."""
    projects = projects if projects is not None else queries.projects_with_initiatives(round_)
    numbers = {p.id: p.number for p in queries.ballot_projects(round_).values()}
    locale = current_locale()
    cards = []
    for project in projects:
        photo = None
        if project.initiative is not None and project.initiative.state in PUBLIC_STATES:
            photo = next((p for p in project.initiative.photos if not p.is_after), None)
        cards.append(
            {
                "project": project,
                "number": numbers.get(project.id),
                "text": localize(project, locale),
                "photo": photo,
            }
        )
    return cards


def show(round_id: int) -> str:
    round_ = get_round_or_404(round_id)
    projects = queries.projects_with_initiatives(round_)
    cards = _cards(round_, projects)
    return render_template(
        "voting/round.html",
        round=round_,
        accepted=[c for c in cards if c["project"].status is ProjectStatus.accepted],
        proposed=[c for c in cards if c["project"].status is ProjectStatus.proposed],
        rejected=[c for c in cards if c["project"].status is ProjectStatus.rejected],
        is_manager=can_manage(current_user, round_.wijk),
        is_volunteer=services.is_volunteer(current_user, round_),
        voting_open=services.is_voting_open(round_),
        phase_labels=forms.PHASE_LABELS,
        ballot_labels=forms.BALLOT_TYPE_LABELS,
        rule_labels=forms.RULE_LABELS,
        eligibility_labels=forms.ELIGIBILITY_LABELS,
        state=_state(round_),
    )


# --- the ballot -------------------------------------------------------------------------


def _ints(values: list[str]) -> list[int]:
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
        return services.Choice(selection=_ints(request.form.getlist("project")))
    if round_.ballot_type is BallotType.ranking:
        ranked = []
        for project_id in projects:
            rank = request.form.get(f"rank-{project_id}", "").strip()
            if rank:
                ranked.append((_ints([rank])[0], project_id))
        ranks = [r for r, _ in ranked]
        if len(set(ranks)) != len(ranks):
            raise services.BallotError(_("Give each place in your ranking to one project only."))
        return services.Choice(selection=[p for _, p in sorted(ranked)])
    selection, points = [], []
    for project_id in projects:
        given = _ints([request.form.get(f"points-{project_id}", "")])
        if given and given[0] > 0:
            selection.append(project_id)
            points.append(given[0])
        elif given and given[0] < 0:
            raise services.BallotError(_("Points cannot be negative."))
    return services.Choice(selection=selection, points=points or None)


def _choice_from_state(state: dict[str, Any]) -> services.Choice | None:
    saved = state.get("choice")
    if not saved:
        return None
    return services.Choice(
        selection=list(saved.get("selection", [])),
        points=saved.get("points"),
        is_blank=bool(saved.get("blank")),
    )


def _store_choice(round_: Round, choice: services.Choice) -> None:
    state = _state(round_)
    state["choice"] = {
        "selection": choice.selection,
        "points": choice.points,
        "blank": choice.is_blank,
    }
    _save_state(round_, state)


def _total(round_: Round, choice: services.Choice | None) -> int:
    if choice is None:
        return 0
    projects = queries.ballot_projects(round_)
    return sum(projects[p].cost_cents for p in choice.selection if p in projects)


def _closed(round_: Round) -> tuple[str, int]:
    return render_template("voting/closed.html", round=round_, phase_labels=forms.PHASE_LABELS), 409


def ballot(round_id: int) -> View:
    round_ = get_round_or_404(round_id)
    code = request.args.get("code")
    if code:
        # From the QR code: keep the code for the review step and drop it from the address.
        state = _state(round_)
        state["code"] = group(normalise(code))[:30]
        _save_state(round_, state)
        return redirect(_round_url(round_, "voting.ballot"))
    if not services.is_voting_open(round_):
        return _closed(round_)
    form = forms.EmptyForm()
    state = _state(round_)
    choice = _choice_from_state(state)
    error = None
    status = 200
    if request.method == "POST":
        if not form.validate_on_submit():
            error, status = _("The form had expired. Please send it again."), 400
        else:
            try:
                choice = _choice_from_ballot_form(round_)
                _store_choice(round_, choice)
                if request.form.get("action") != "total":
                    services.validate_choice(round_, queries.ballot_projects(round_), choice)
                    return redirect(_round_url(round_, "voting.review"))
            except DomainError as exc:
                error, status = str(exc), 422
    context = {
        "round": round_,
        "form": form,
        "cards": [c for c in _cards(round_) if c["project"].status is ProjectStatus.accepted],
        "choice": choice,
        "points": dict(zip(choice.selection, choice.points, strict=False))
        if choice and choice.points
        else {},
        "total": _total(round_, choice),
        "error": error,
        "state": state,
    }
    return render_template("voting/ballot.html", **context), status


def _review_context(round_: Round, choice: services.Choice, form: forms.CastForm) -> dict[str, Any]:
    cards = {c["project"].id: c for c in _cards(round_)}
    state = _state(round_)
    user = current_user if current_user.is_authenticated else None
    return {
        "round": round_,
        "form": form,
        "choice": choice,
        "chosen": [
            (cards[p], (choice.points or [])[i] if choice.points else None)
            for i, p in enumerate(choice.selection)
            if p in cards
        ],
        "total": _total(round_, choice),
        "state": state,
        "resident_ok": user is not None
        and round_.uses_residents
        and user.wijk_id == round_.wijk_id,
        "choice_text": ",".join(map(str, choice.selection)),
        "points_text": ",".join(map(str, choice.points or [])),
    }


def review(round_id: int) -> View:
    round_ = get_round_or_404(round_id)
    if not services.is_voting_open(round_):
        return _closed(round_)
    choice = _choice_from_state(_state(round_))
    if choice is None:
        return redirect(_round_url(round_, "voting.ballot"))
    state = _state(round_)
    form = forms.CastForm(code=state.get("code", ""), receipt=state.get("receipt", ""))
    return render_template("voting/review.html", **_review_context(round_, choice, form))


def _choice_from_cast_form() -> services.Choice:
    if request.form.get("blank") == "1":
        return services.Choice(is_blank=True)
    selection = _ints(request.form.get("choice", "").split(","))
    points = _ints(request.form.get("points", "").split(",")) or None
    return services.Choice(selection=selection, points=points)


def _credential(round_: Round, code_text: str) -> services.Credential:
    if code_text.strip():
        return services.Credential(code=services.find_code(round_, code_text))
    if current_user.is_authenticated and round_.uses_residents:
        return services.resident_credential(round_, current_user)
    if round_.uses_codes and not round_.uses_residents:
        raise services.CodeRefused(_("Type the stemcode from your letter."))
    raise DomainError(_("Sign in or type your stemcode to vote."))


def cast(round_id: int) -> View:
    """Cast (or change) the ballot. Reads the choice from the form, not the session, and
    checks it all again: a tampered form is refused like a wrong one."""
    round_ = get_round_or_404(round_id)
    form = forms.CastForm()
    try:
        choice = _choice_from_cast_form()
    except DomainError as exc:
        flash(str(exc), "error")
        return redirect(_round_url(round_, "voting.ballot"))
    if not services.is_voting_open(round_):
        return _closed(round_)
    if not form.validate_on_submit():
        form.code.errors.append(_("The form had expired. Please send it again."))
        return render_form_error("voting/review.html", **_review_context(round_, choice, form))
    projects = queries.ballot_projects(round_)
    receipt_text = (form.receipt.data or "").strip()
    try:
        credential = _credential(round_, form.code.data or "")
        if receipt_text:
            receipt = services.change_ballot(
                round_,
                projects,
                choice,
                credential,
                receipt_text,
                age_confirmed=form.age_confirmed.data,
            )
        else:
            if credential.code is not None and credential.code.status.value == "spent":
                raise services.AlreadyVoted(_("This code has already been used to vote."))
            receipt = services.cast_ballot(
                round_, projects, choice, credential, age_confirmed=form.age_confirmed.data
            )
    except services.AlreadyVoted as exc:
        message = str(exc)
        if round_.allows_changes:
            message += " " + _("To change your vote, fill in the receipt code you got.")
        form.receipt.errors.append(message)
        return render_form_error("voting/review.html", **_review_context(round_, choice, form))
    except services.CodeRefused as exc:
        form.code.errors.append(str(exc))
        return render_form_error("voting/review.html", **_review_context(round_, choice, form))
    except DomainError as exc:
        _store_choice(round_, choice)
        context = _review_context(round_, choice, form)
        context["error"] = str(exc)
        return render_form_error("voting/review.html", **context)
    state = {"receipt": receipt, "changed": bool(receipt_text)}
    _save_state(round_, state)
    return redirect(_round_url(round_, "voting.receipt"), code=303)


def receipt(round_id: int) -> View:
    round_ = get_round_or_404(round_id)
    state = _state(round_)
    if not state.get("receipt"):
        return redirect(_round_url(round_))
    return render_template(
        "voting/receipt.html",
        round=round_,
        receipt=state["receipt"],
        changed=state.get("changed", False),
        voting_open=services.is_voting_open(round_),
    )


def change(round_id: int) -> View:
    """Start again from the ballot, keeping the receipt for the review step."""
    round_ = get_round_or_404(round_id)
    state = _state(round_)
    state.pop("choice", None)
    _save_state(round_, state)
    return redirect(_round_url(round_, "voting.ballot"))


def check(round_id: int) -> View:
    round_ = get_round_or_404(round_id)
    form = forms.ReceiptCheckForm(request.args)
    status = None
    achieved: list[str] = []
    if form.receipt.data:
        status = queries.receipt_status(round_, form.receipt.data)
        achieved = [
            render(line, _, lambda cents: format_money(cents, round_.currency))
            for line in counting.voter_explanations(round_, form.receipt.data)
        ]
    return render_template(
        "voting/check.html", round=round_, form=form, status=status, achieved=achieved
    )


# --- the stemcode endpoint --------------------------------------------------------------
#
# POST /stemdag/<round>/ballots casts a ballot with a stemcode in one request: for a ballot
# page's script, a kiosk at the stemdag, or a load test. It goes through the same service
# as the ballot page (`services.cast_ballot`, or `change_ballot` with a receipt code), so
# every rule holds the same; it just skips the pages, the session and the account.
#
# It is exempt from CSRF on purpose. A cross-site request forgery makes a browser send
# credentials it adds by itself (the session and remember-me cookies) to act as its user.
# This endpoint never acts as anyone's session or account (a refusal only looks up the
# language to answer in): its one credential is the stemcode in the request body, which a
# forging site does not know. A forged request can only vote with a code its author
# already holds, which they can do without a victim. Every form that acts on a session
# (the ballot page included) keeps its CSRF token.

_TRUE = frozenset({"1", "y", "yes", "true", "on"})


class _Malformed(Exception):
    """The request is not a ballot at all (not JSON or form fields of the right kind)."""


def _flag(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() in _TRUE)


def _api_ints(value: Any) -> list[int]:
    """Project ids or points: a JSON list of numbers, or text like "12,14" (a form field
    may also repeat)."""
    if value is None or value == "":
        return []
    if isinstance(value, list) and all(type(v) is int for v in value):
        return value
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _Malformed
    try:
        return [int(part) for v in value for part in v.split(",") if part.strip()]
    except ValueError as exc:
        raise _Malformed from exc


def _api_request() -> tuple[str, services.Choice, bool, str]:
    """(code, choice, age confirmed, receipt code) from a JSON body or form fields."""
    if request.is_json:
        data = request.get_json(silent=True)
        if not isinstance(data, dict):
            raise _Malformed
    else:
        form = request.form
        data = {
            "code": form.get("code"),
            "choice": form.getlist("choice"),
            "points": form.getlist("points"),
            "blank": form.get("blank"),
            "age_confirmed": form.get("age_confirmed"),
            "receipt": form.get("receipt"),
        }
    code, receipt = data.get("code") or "", data.get("receipt") or ""
    if not isinstance(code, str) or not isinstance(receipt, str):
        raise _Malformed
    choice = services.Choice(
        selection=_api_ints(data.get("choice")),
        points=_api_ints(data.get("points")) or None,
        is_blank=_flag(data.get("blank")),
    )
    return code, choice, _flag(data.get("age_confirmed")), receipt.strip()


def _api_answer(body: dict[str, Any], status: int) -> Response:
    response = jsonify(body)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


def _api_refusal(exc: DomainError, rules: services.BallotRules) -> Response:
    """A refusal with its reason, in the voter's language; the status tells its kind."""
    message = str(exc)
    if isinstance(exc, services.VotingClosed):
        kind, status = "closed", 409
    elif isinstance(exc, services.AlreadyVoted):
        kind, status = "already_voted", 409
        if rules.allows_changes:
            message += " " + _("To change your vote, fill in the receipt code you got.")
    elif isinstance(exc, services.CodeRefused):
        kind, status = "code_refused", 422
    elif isinstance(exc, services.BallotError):
        kind, status = "invalid_ballot", 422
    else:
        kind, status = "refused", 422
    return _api_answer({"error": kind, "message": message}, status)


def cast_api(round_id: int) -> Response:
    """Cast a ballot with a stemcode: JSON `{"code": "K7QM-2XWD-HP4T", "choice": [12, 14],
    "age_confirmed": true}` (or the same as form fields; `points` for a points ballot,
    `blank`, and `receipt` to change an earlier ballot where the round allows it).

    201 `{"receipt": ...}`: the ballot is counted. A refusal answers `{"error": kind,
    "message": ...}`: 400 bad_request, 404 not_found, 409 closed or already_voted, 422
    code_refused, invalid_ballot or refused; 429 after too many refusals.
    """
    try:
        code, choice, age_confirmed, receipt = _api_request()
    except _Malformed:
        message = _("The form was changed. Please fill in the ballot again.")
        return _api_answer({"error": "bad_request", "message": message}, 400)
    for attempt in (1, 2):
        rules = queries.ballot_rules(round_id)
        if rules is None:
            return _api_answer({"error": "not_found", "message": _("Page not found")}, 404)
        try:
            if not code.strip():
                raise services.CodeRefused(_("Type the stemcode from your letter."))
            if receipt:
                credential = services.Credential(code=services.find_code(rules, code))
                new_receipt = services.change_ballot(
                    rules, rules.projects, choice, credential, receipt, age_confirmed=age_confirmed
                )
            else:
                new_receipt = services.cast_ballot(
                    rules,
                    rules.projects,
                    choice,
                    services.code_credential(rules, code),
                    age_confirmed=age_confirmed,
                )
        except DomainError as exc:
            db.session.rollback()
            # A kept copy of the round may be out of date (its phase moved on): ask once.
            if attempt == 1 and queries.rules_are_stale(rules):
                continue
            return _api_refusal(exc, rules)
        return _api_answer({"receipt": new_receipt, "changed": bool(receipt)}, 201)
    raise AssertionError("unreachable")  # pragma: no cover


# --- results and open data ----------------------------------------------------------------


def _results_visible(round_: Round) -> bool:
    return round_.result is not None and (
        round_.phase is Phase.results or can_manage(current_user, round_.wijk)
    )


def results(round_id: int) -> View:
    round_ = get_round_or_404(round_id)
    if not _results_visible(round_):
        abort(404)
    result = round_.result
    assert result is not None
    unit = int(result["unit_cents"])
    explanations = result["tally"]["explanations"]
    cards = {c["project"].engine_id: c for c in _cards(round_)}
    rows = []
    for engine_id, found in explanations.items():
        card = cards.get(engine_id)
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
                "why": counting.explain(round_, found, _, format_money),
            }
        )
    rows.sort(key=lambda r: (not r["funded"], -float(r["support"]), r["card"]["project"].id))
    most = max([float(r["support"]) for r in rows] or [1]) or 1
    turnout = result["turnout"]
    eligible = turnout.get("eligible")
    return render_template(
        "voting/results.html",
        round=round_,
        rows=rows,
        most=most,
        funded_total=sum(r["amount"] for r in rows if r["funded"]),
        notes=[counting.explain(round_, n, _, format_money) for n in result["tally"]["notes"]],
        turnout=turnout,
        turnout_percent=(100 * turnout["total"] / eligible) if eligible else None,
        rule_name=result["tally"]["rule"],
        is_points=round_.ballot_type in (BallotType.ranking, BallotType.points),
        counted_at=datetime.fromisoformat(result["counted_at"]),
        is_manager=can_manage(current_user, round_.wijk),
        paper=services.paper_counts(round_) if not round_.is_imported else None,
    )


def _download(round_: Round, body: str, mimetype: str, extension: str) -> Response:
    response = Response(body, mimetype=mimetype)
    name = f"stemdag-{round_.wijk.slug}-{round_.id}.{extension}"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def ballots_pb(round_id: int) -> Response:
    round_ = get_round_or_404(round_id)
    if not _results_visible(round_):
        abort(404)
    return _download(round_, counting.export_pb(round_), "text/plain", "pb")


def ballots_csv(round_id: int) -> Response:
    round_ = get_round_or_404(round_id)
    if not _results_visible(round_):
        abort(404)
    return _download(round_, counting.export_csv(round_), "text/csv", "csv")


# --- the wijkmanager ----------------------------------------------------------------------


def _local(value: datetime | None) -> datetime | None:
    return value.astimezone(LOCAL_TIME).replace(tzinfo=None) if value else None


def _round_data(form: forms.RoundForm) -> services.RoundData:
    closes = form.voting_closes_at.data
    return services.RoundData(
        title=form.title.data or "",
        description=form.description.data or "",
        budget_cents=form.budget.data or 0,
        ballot_type=BallotType(form.ballot_type.data),
        rule=services.Rule(form.rule.data),
        eligibility=services.Eligibility(form.eligibility.data),
        min_projects=form.min_projects.data,
        max_projects=form.max_projects.data,
        max_points=form.max_points.data,
        min_age=form.min_age.data,
        allows_changes=form.allows_changes.data,
        allows_blank=form.allows_blank.data,
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
    if not can_manage(current_user, wijk):
        abort(403)
    form = forms.RoundForm()
    if form.validate_on_submit():
        try:
            round_ = services.create_round(current_user, wijk, _round_data(form))
        except DomainError as exc:
            flash(str(exc), "error")
        else:
            flash(_("The round is created as a draft."), "success")
            return redirect(_round_url(round_, "voting.manage"))
    context = {"form": form, "wijk": wijk, "round": None}
    return render_form(form, "voting/edit.html", **context)


@login_required
def edit(round_id: int) -> View:
    round_ = get_round_or_404(round_id)
    _require_manager(round_)
    form = forms.RoundForm(obj=round_)
    if not form.is_submitted():
        form.budget.data = round_.budget_cents
        form.ballot_type.data = round_.ballot_type.value
        form.rule.data = round_.rule.value
        form.eligibility.data = round_.eligibility.value
        form.voting_closes_at.data = _local(round_.voting_closes_at)
        for entry, category in zip(form.categories, round_.categories, strict=False):
            entry.form.name.data = category.name
            cap = category.cap_cents
            entry.form.cap.data = cap
    if form.validate_on_submit():
        try:
            services.update_round(current_user, round_, _round_data(form))
        except DomainError as exc:
            flash(str(exc), "error")
        else:
            flash(_("Your changes are saved."), "success")
            return redirect(_round_url(round_, "voting.manage"))
    context = {"form": form, "wijk": round_.wijk, "round": round_}
    return render_form(form, "voting/edit.html", **context)


@login_required
def manage(round_id: int) -> str:
    round_ = get_round_or_404(round_id)
    _require_manager(round_)
    return render_template(
        "voting/manage.html",
        round=round_,
        cards=_cards(round_),
        phases=services.allowed_phases(round_),
        phase_labels=forms.PHASE_LABELS,
        codes=queries.code_counts(round_) if round_.uses_codes else None,
        voters=queries.voter_count(round_),
        paper=services.paper_counts(round_),
        review_form=forms.ReviewForm(),
        phase_form=forms.PhaseForm(),
        count_form=forms.EmptyForm(),
    )


@login_required
def change_phase(round_id: int) -> Response:
    round_ = get_round_or_404(round_id)
    _require_manager(round_)
    form = forms.PhaseForm()
    if not form.validate_on_submit() or form.target.data not in Phase.__members__:
        abort(400)
    target = Phase(form.target.data)
    return _run(
        lambda: services.change_phase(current_user, round_, target),
        _("The round is now in the phase: {phase}.").format(phase=forms.PHASE_LABELS[target]),
        _round_url(round_, "voting.manage"),
    )


@login_required
def count(round_id: int) -> Response:
    round_ = get_round_or_404(round_id)
    _require_manager(round_)
    if not forms.EmptyForm().validate_on_submit():
        abort(400)
    return _run(
        lambda: counting.count_round(current_user, round_),
        _("The votes are counted. Check the results, then publish them."),
        _round_url(round_, "voting.results"),
    )


def _initiative_choices(round_: Round) -> list[tuple[str, str]]:
    stmt = (
        select(Initiative)
        .where(Initiative.wijk_id == round_.wijk_id, Initiative.state.in_(PUBLIC_STATES))
        .order_by(Initiative.title)
    )
    choices = [("", _("None"))]
    choices += [(str(i.id), i.title) for i in db.session.scalars(stmt)]
    return choices


def _project_form(round_: Round, project: Project | None) -> forms.ProjectForm:
    form = forms.ProjectForm(obj=project)
    form.category_id.choices = [("", _("No category"))] + [
        (str(c.id), c.name) for c in round_.categories
    ]
    form.initiative_id.choices = _initiative_choices(round_)
    if project is not None and not form.is_submitted():
        form.cost.data = project.cost_cents
        form.category_id.data = str(project.category_id or "")
        form.initiative_id.data = str(project.initiative_id or "")
    elif project is None and not form.is_submitted():
        form.original_locale.data = current_locale()
    return form


def _project_data(form: forms.ProjectForm) -> services.ProjectData:
    return services.ProjectData(
        title=form.title.data or "",
        summary=form.summary.data or "",
        cost_cents=form.cost.data or 0,
        original_locale=form.original_locale.data,
        category_id=int(form.category_id.data) if form.category_id.data else None,
        initiative_id=int(form.initiative_id.data) if form.initiative_id.data else None,
    )


@login_required
def propose(round_id: int) -> View:
    round_ = get_round_or_404(round_id)
    form = _project_form(round_, None)
    if request.method == "GET" and "initiative" in request.args:
        form.initiative_id.data = request.args.get("initiative", "")
    if form.validate_on_submit():
        try:
            services.propose_project(current_user, round_, _project_data(form))
        except DomainError as exc:
            flash(str(exc), "error")
        else:
            flash(_("Thank you. The wijkmanager will check your idea."), "success")
            return redirect(_round_url(round_))
    context = {"form": form, "round": round_, "project": None}
    return render_form(form, "voting/project.html", **context)


def _get_project_or_404(round_: Round, project_id: int) -> Project:
    project = db.session.get(Project, project_id)
    if project is None or project.round_id != round_.id:
        abort(404)
    return project


@login_required
def edit_project(round_id: int, project_id: int) -> View:
    round_ = get_round_or_404(round_id)
    project = _get_project_or_404(round_, project_id)
    if not (can_manage(current_user, round_.wijk) or current_user.id == project.proposer_id):
        abort(403)
    form = _project_form(round_, project)
    if form.validate_on_submit():
        try:
            services.update_project(current_user, project, _project_data(form))
        except DomainError as exc:
            flash(str(exc), "error")
        else:
            flash(_("Your changes are saved."), "success")
            return redirect(_round_url(round_))
    context = {"form": form, "round": round_, "project": project}
    return render_form(form, "voting/project.html", **context)


@login_required
def review_project(round_id: int, project_id: int) -> Response:
    round_ = get_round_or_404(round_id)
    _require_manager(round_)
    project = _get_project_or_404(round_, project_id)
    form = forms.ReviewForm()
    if not form.validate_on_submit() or form.decision.data not in ("accept", "reject"):
        flash(_("Please write the reasons. Residents see them."), "error")
        return redirect(_round_url(round_, "voting.manage") + "#projects")
    accept = form.decision.data == "accept"
    return _run(
        lambda: services.review_project(current_user, project, accept, form.reason.data or ""),
        _("The project is accepted.") if accept else _("The project is rejected."),
        _round_url(round_, "voting.manage") + "#projects",
    )


def _letters_response(
    round_: Round, issued: list[tuple[int, str]], addresses: list[str]
) -> Response:
    context = letters.LetterContext(
        round_title=round_.title,
        wijk_name=round_.wijk.name,
        municipality_name=round_.wijk.municipality.name,
        vote_url=current_app.config["BASE_URL"].rstrip("/") + _round_url(round_, "voting.ballot"),
        closes_at=round_.voting_closes_at,
        min_age=round_.min_age,
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
    _require_manager(round_)
    form = forms.CodesForm()
    if form.validate_on_submit():
        addresses = [a.strip() for a in (form.addresses.data or "").splitlines() if a.strip()]
        count = len(addresses) or form.count.data or 0
        try:
            issued = services.generate_codes(current_user, round_, count)
        except DomainError as exc:
            form.count.errors.append(str(exc))
        else:
            # The codes exist only in this response: stored hashed, printed here.
            return _letters_response(round_, issued, addresses)
    context = {
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
    _require_manager(round_)
    form = forms.RevokeForm(prefix="revoke")
    target = _round_url(round_, "voting.codes_page")
    if not form.validate_on_submit() or not (form.serial.data or form.code.data):
        flash(_("Fill in the letter number or the code."), "error")
        return redirect(target)
    try:
        serial = services.revoke_code(
            current_user, round_, serial=form.serial.data, code=form.code.data or ""
        )
    except DomainError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        flash(
            _("Letter {number} is revoked: its code no longer works.").format(number=serial),
            "success",
        )
    return redirect(target)


@login_required
def reissue_code(round_id: int) -> View:
    round_ = get_round_or_404(round_id)
    _require_manager(round_)
    form = forms.ReissueForm(prefix="reissue")
    target = _round_url(round_, "voting.codes_page")
    if not form.validate_on_submit():
        flash(_("Fill in the number of the lost letter."), "error")
        return redirect(target)
    try:
        issued = services.reissue_code(current_user, round_, form.serial.data)
    except DomainError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(target)
    return _letters_response(round_, [issued], [])


@login_required
def volunteers(round_id: int) -> View:
    round_ = get_round_or_404(round_id)
    _require_manager(round_)
    form = forms.VolunteerForm()
    if form.validate_on_submit():
        email = (form.email.data or "").strip().lower()
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            form.email.errors.append(_("Nobody has an account with this e-mail address."))
        else:
            try:
                services.add_volunteer(current_user, round_, user)
            except DomainError as exc:
                form.email.errors.append(str(exc))
            else:
                flash(_("{name} is now a volunteer.").format(name=user.display_name), "success")
                return redirect(_round_url(round_, "voting.volunteers"))
    context = {
        "round": round_,
        "form": form,
        "remove_form": forms.RemoveVolunteerForm(),
        "volunteers": queries.volunteers(round_),
    }
    return render_form(form, "voting/volunteers.html", **context)


@login_required
def remove_volunteer(round_id: int) -> Response:
    round_ = get_round_or_404(round_id)
    _require_manager(round_)
    form = forms.RemoveVolunteerForm()
    user = (
        db.session.get(User, int(form.user_id.data))
        if (form.user_id.data or "").isdigit()
        else None
    )
    if not form.validate_on_submit() or user is None:
        abort(400)
    return _run(
        lambda: services.remove_volunteer(current_user, round_, user),
        _("The volunteer is removed."),
        _round_url(round_, "voting.volunteers"),
    )


@login_required
def import_pb(municipality_slug: str, wijk_slug: str) -> View:
    wijk = get_wijk_or_404(municipality_slug, wijk_slug)
    if not can_manage(current_user, wijk):
        abort(403)
    form = forms.ImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            round_ = counting.import_pb(
                current_user,
                wijk,
                upload.read(counting.MAX_IMPORT_BYTES + 1),
                upload.filename or "import.pb",
            )
        except DomainError as exc:
            form.file.errors.append(str(exc))
        else:
            flash(_("The file is imported and counted."), "success")
            return redirect(_round_url(round_, "voting.results"))
    context = {"form": form, "wijk": wijk}
    return render_form(form, "voting/import.html", **context)


# --- the polling station ------------------------------------------------------------------


@login_required
def register(round_id: int) -> View:
    """The register at the stemdag: a volunteer sees only "may vote" or "has voted", and
    marks a voter as having voted on paper."""
    round_ = get_round_or_404(round_id)
    _require_volunteer(round_)
    form = forms.RegisterForm()
    answer = None
    if form.validate_on_submit():
        if not (form.code.data or form.email.data):
            form.code.errors.append(_("Fill in the stemcode or the e-mail address."))
        else:
            try:
                credential = services.register_credential(
                    round_, code=form.code.data or "", email=form.email.data or ""
                )
                voted = queries.has_voted(round_, credential)
                if form.action.data == "mark" and not voted:
                    services.mark_voted_on_paper(current_user, round_, credential)
                    answer = "marked"
                else:
                    answer = "voted" if voted else "may_vote"
            except services.AlreadyVoted:
                db.session.rollback()
                answer = "voted"
            except DomainError as exc:
                db.session.rollback()
                form.code.errors.append(str(exc))
    context = {
        "round": round_,
        "form": form,
        "answer": answer,
        "voting_open": services.is_voting_open(round_),
        "code_value": form.code.data or "",
        "email_value": form.email.data or "",
    }
    if form.errors:
        return render_form_error("voting/register.html", **context)
    if answer == "marked":
        # A fresh form for the next voter, after the mark was saved.
        flash(_("Marked: give this voter a paper ballot."), "success")
        return redirect(_round_url(round_, "voting.register"))
    return render_template("voting/register.html", **context)


@login_required
def paper(round_id: int) -> View:
    round_ = get_round_or_404(round_id)
    _require_volunteer(round_)
    form = forms.BatchForm()
    problems: list[tuple[int, str]] = []
    if form.validate_on_submit():
        try:
            services.enter_paper_batch(
                current_user,
                round_,
                queries.ballot_projects(round_),
                label=form.label.data or "",
                declared_count=form.declared_count.data or 0,
                text=form.lines.data or "",
            )
        except services.BatchError as exc:
            form.lines.errors.append(str(exc))
            problems = exc.lines
        except DomainError as exc:
            form.lines.errors.append(str(exc))
        else:
            flash(_("The stack is saved. Another volunteer must now check it."), "success")
            return redirect(_round_url(round_, "voting.paper"))
    context = {
        "round": round_,
        "form": form,
        "problems": problems,
        "cards": [c for c in _cards(round_) if c["project"].status is ProjectStatus.accepted],
        "batches": queries.paper_batches(round_),
        "counts": services.paper_counts(round_),
        "decision_form": forms.BatchDecisionForm(),
        "status_labels": {
            BatchStatus.entered.value: _("Waiting for a check"),
            BatchStatus.confirmed.value: _("Confirmed"),
            BatchStatus.rejected.value: _("Rejected"),
        },
    }
    return render_form(form, "voting/paper.html", **context)


@login_required
def decide_batch(round_id: int, batch_id: int) -> Response:
    round_ = get_round_or_404(round_id)
    _require_volunteer(round_)
    batch = db.session.get(PaperBatch, batch_id)
    if batch is None or batch.round_id != round_.id:
        abort(404)
    form = forms.BatchDecisionForm()
    if not form.validate_on_submit() or form.decision.data not in ("confirm", "reject"):
        abort(400)
    confirm = form.decision.data == "confirm"
    return _run(
        lambda: services.decide_paper_batch(
            current_user, batch, confirm=confirm, reason=form.reason.data or ""
        ),
        _("The stack is confirmed: its ballots count.") if confirm else _("The stack is rejected."),
        _round_url(round_, "voting.paper") + f"#batch-{batch.id}",
    )
