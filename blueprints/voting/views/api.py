"""The stemcode endpoint.

POST /stemdag/<round>/ballots casts a ballot with a stemcode in one request: for a ballot
page's script, a kiosk at the stemdag, or a load test. It goes through the same service
as the ballot page (`services.cast_ballot`, or `change_ballot` with a receipt code), so
every rule holds the same; it just skips the pages, the session and the account.

It is exempt from CSRF on purpose. A cross-site request forgery makes a browser send
credentials it adds by itself (the session and remember-me cookies) to act as its user.
This endpoint never acts as anyone's session or account (a refusal only looks up the
language to answer in): its one credential is the stemcode in the request body, which a
forging site does not know. A forged request can only vote with a code its author
already holds, which they can do without a victim. Every form that acts on a session
(the ballot page included) keeps its CSRF token.
"""

from __future__ import annotations

from typing import Any

from flask import request
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from samenhang.blueprints.handling import json_answer
from samenhang.config import LOCALES
from samenhang.errors import DomainError
from samenhang.policies import require_visible
from samenhang.voting import queries, services, turnout

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


def _profile() -> turnout.BallotProfile:
    """The language the client asks for (`Accept-Language`), sealed with the ballot and
    counted live; none (unknown) when it names none of ours. No session, no cookie: this
    endpoint acts as nobody's account."""
    return turnout.BallotProfile(language=request.accept_languages.best_match(list(LOCALES)))


def cast_api(round_id: int) -> Response:
    """Cast a ballot with a stemcode: JSON `{"code": "K7QM-2XWD-HP4T", "choice": [12, 14],
    "age_confirmed": true}` (or the same as form fields; `points` for a points ballot,
    `blank`, and `receipt` to change an earlier ballot where the round allows it).

    201 `{"receipt": ...}`: the ballot is counted. A refusal answers `{"error": kind,
    "message": ...}` (the kind and status of the refusal, see `services.ballots`): 400
    bad_request, 404 not_found, 409 closed or already_voted, 422 code_refused,
    invalid_ballot or refused; 429 after too many refusals.
    """
    try:
        code, choice, age_confirmed, receipt = _api_request()
    except _Malformed:
        message = _("The form was changed. Please fill in the ballot again.")
        return json_answer({"error": "bad_request", "message": message}, 400)
    for attempt in (1, 2):
        rules = queries.ballot_rules(round_id)
        require_visible(rules is not None)
        assert rules is not None
        try:
            if receipt:
                credential = services.Credential(code=services.find_code(rules, code))
                new_receipt = services.change_ballot(
                    rules,
                    rules.projects,
                    choice,
                    credential,
                    receipt,
                    age_confirmed=age_confirmed,
                    profile=_profile(),
                )
            else:
                new_receipt = services.cast_ballot(
                    rules,
                    rules.projects,
                    choice,
                    services.code_credential(rules, code),
                    age_confirmed=age_confirmed,
                    profile=_profile(),
                )
        except DomainError:
            # A kept copy of the round may be out of date (its phase moved on): ask once,
            # then answer the refusal (the app's handler does, in JSON, and rolls back).
            if attempt == 1 and queries.rules_are_stale(rules):
                continue
            raise
        return json_answer({"receipt": new_receipt, "changed": bool(receipt)}, 201)
    raise AssertionError("unreachable")  # pragma: no cover
