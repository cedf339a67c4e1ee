"""Wijkstemdag: rounds, the ballot, the polling station and the results."""

from __future__ import annotations

from flask import Blueprint, current_app, request
from flask.blueprints import BlueprintSetupState
from flask_limiter.util import get_remote_address
from flask_login import current_user, user_logged_in, user_logged_out
from werkzeug.wrappers import Response

from samenhang.blueprints.handling import json_endpoint
from samenhang.blueprints.voting import views
from samenhang.blueprints.voting.views.common import (
    forget_ballot_states,
    forget_voters_at_sign_in,
)
from samenhang.extensions import csrf, limiter

bp = Blueprint("voting", __name__)


@bp.record_once
def _forget_ballots_on_sign_in_and_out(state: BlueprintSetupState) -> None:
    """Nothing of a vote stays behind: signing out drops the browser's ballot state, and a
    new sign-in drops any code and receipt of whoever used the browser before."""
    user_logged_out.connect(forget_ballot_states, state.app, weak=False)
    user_logged_in.connect(forget_voters_at_sign_in, state.app, weak=False)


def _vote_limit() -> str:
    """Failed attempts per address (a mistyped or guessed code); good ballots are free."""
    return current_app.config.get("RATELIMIT_STEMCODE", "20 per minute;100 per hour")


def _failed(response: Response) -> bool:
    return response.status_code >= 400


def _not_post() -> bool:
    return request.method != "POST"


cast = limiter.limit(_vote_limit, deduct_when=_failed, exempt_when=_not_post)(views.cast)


def _register_limit() -> str:
    """Look-ups per volunteer: the pace of a polling station, not of someone going through
    the neighbourhood's list."""
    return current_app.config.get("RATELIMIT_REGISTER", "10 per minute;200 per hour")


def _volunteer() -> str:
    return f"register|{current_user.get_id() or get_remote_address()}"


register = limiter.limit(
    _register_limit, key_func=_volunteer, exempt_when=_not_post, override_defaults=False
)(limiter.limit(_vote_limit, deduct_when=_failed, exempt_when=_not_post)(views.register))
# The stemcode is its only credential; it acts on no session, so no CSRF (views.cast_api).
cast_api = json_endpoint(
    csrf.exempt(limiter.limit(_vote_limit, deduct_when=_failed)(views.cast_api))
)


_wijk = "/g/<municipality_slug>/<wijk_slug>"
_one = "/stemdag/<int:round_id>"
POST = ["POST"]
GET_POST = ["GET", "POST"]

bp.add_url_rule(f"{_wijk}/stemdag", view_func=views.wijk_rounds)
bp.add_url_rule(f"{_wijk}/stemdag/new", view_func=views.create, methods=GET_POST)
bp.add_url_rule(f"{_wijk}/stemdag/import", view_func=views.import_pb, methods=GET_POST)
bp.add_url_rule(_one, view_func=views.show)
bp.add_url_rule(f"{_one}/vote", view_func=views.ballot, methods=GET_POST)
bp.add_url_rule(f"{_one}/vote/review", view_func=views.review)
bp.add_url_rule(f"{_one}/vote/cast", view_func=cast, methods=POST)
bp.add_url_rule(f"{_one}/ballots", "ballots", view_func=cast_api, methods=POST)
bp.add_url_rule(f"{_one}/vote/receipt", view_func=views.receipt)
bp.add_url_rule(f"{_one}/vote/change", view_func=views.change)
bp.add_url_rule(f"{_one}/check", view_func=views.check, methods=GET_POST)
bp.add_url_rule(f"{_one}/results", view_func=views.results)
bp.add_url_rule(f"{_one}/ballots.pb", view_func=views.ballots_pb)
bp.add_url_rule(f"{_one}/ballots.csv", view_func=views.ballots_csv)
bp.add_url_rule(f"{_one}/turnout.csv", view_func=views.turnout_csv)
bp.add_url_rule(f"{_one}/turnout.json", view_func=views.turnout_json)
bp.add_url_rule(f"{_one}/manage", view_func=views.manage)
bp.add_url_rule(f"{_one}/edit", view_func=views.edit, methods=GET_POST)
bp.add_url_rule(f"{_one}/phase", view_func=views.change_phase, methods=POST)
bp.add_url_rule(f"{_one}/count", view_func=views.count, methods=POST)
bp.add_url_rule(
    f"{_one}/key-share.pdf", "key_share_pdf", view_func=views.key_share_pdf_view, methods=POST
)
bp.add_url_rule(f"{_one}/annul", view_func=views.annul, methods=POST)
bp.add_url_rule(f"{_one}/projects/new", view_func=views.propose, methods=GET_POST)
bp.add_url_rule(
    f"{_one}/projects/<int:project_id>/edit", view_func=views.edit_project, methods=GET_POST
)
bp.add_url_rule(
    f"{_one}/projects/<int:project_id>/review", view_func=views.review_project, methods=POST
)
bp.add_url_rule(f"{_one}/codes", view_func=views.codes_page, methods=GET_POST)
bp.add_url_rule(f"{_one}/codes/revoke", view_func=views.revoke_code, methods=POST)
bp.add_url_rule(
    f"{_one}/letters/<int:letters_id>.pdf", view_func=views.download_letters, methods=["GET"]
)
bp.add_url_rule(f"{_one}/letters/<int:letters_id>/void", view_func=views.void_letters, methods=POST)
bp.add_url_rule(f"{_one}/codes/reissue", view_func=views.reissue_code, methods=POST)
bp.add_url_rule(f"{_one}/code-request", view_func=views.request_code, methods=POST)
bp.add_url_rule(f"{_one}/code-requests", view_func=views.code_requests)
bp.add_url_rule(
    f"{_one}/code-requests/<int:request_id>/issue", view_func=views.issue_code, methods=POST
)
bp.add_url_rule(f"{_one}/volunteers", view_func=views.volunteers, methods=GET_POST)
bp.add_url_rule(f"{_one}/volunteers/remove", view_func=views.remove_volunteer, methods=POST)
bp.add_url_rule(f"{_one}/register", view_func=register, methods=GET_POST)
bp.add_url_rule(f"{_one}/paper", view_func=views.paper, methods=GET_POST)
bp.add_url_rule(f"{_one}/paper/<int:batch_id>/decide", view_func=views.decide_batch, methods=POST)
