from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, current_app, request
from flask_limiter.util import get_remote_address
from flask_login import current_user
from werkzeug.wrappers import Response

from samenhang.accounts.services import normalise_email
from samenhang.blueprints.accounts import views
from samenhang.extensions import limiter

bp = Blueprint("accounts", __name__)


def _setting(name: str) -> Callable[[], str]:
    return lambda: current_app.config[name]


def _not_post() -> bool:
    return request.method != "POST"


def _failed(response: Response) -> bool:
    """A sign-in that worked costs nothing: only mistakes fill a bucket."""
    return response.status_code >= 400


def _account_and_address() -> str:
    """What a guesser attacks: one account, from one address. Someone else's failures, from
    elsewhere, never lock the owner of the account out."""
    return f"{normalise_email(request.form.get('email', ''))}|{get_remote_address()}"


def _account() -> str:
    return normalise_email(request.form.get("email", ""))


def _signed_in_account() -> str:
    """The account a resend is for: its mails go to one inbox, whatever address asks."""
    return f"user:{current_user.get_id()}"


def _limited(view: Callable[..., Any], *limits: tuple[str, Callable[[], str], bool]) -> Any:
    for setting, key, only_failures in limits:
        view = limiter.limit(
            _setting(setting),
            key_func=key,
            exempt_when=_not_post,
            deduct_when=_failed if only_failures else None,
        )(view)
    return view


signin = _limited(
    views.signin,
    ("RATELIMIT_SIGNIN", _account_and_address, True),
    ("RATELIMIT_SIGNIN_ADDRESS", get_remote_address, True),
)
signup = _limited(views.signup, ("RATELIMIT_SIGNUP", get_remote_address, False))
forgot = _limited(
    views.forgot_password,
    ("RATELIMIT_PASSWORD_RESET", get_remote_address, False),
    ("RATELIMIT_PASSWORD_RESET", _account, False),
)
#: Wrong letter codes are counted per letter too (`verification.MAX_CODE_ATTEMPTS`).
address_code = limiter.limit(
    _setting("RATELIMIT_ADDRESS_CODE"), key_func=get_remote_address, exempt_when=_not_post
)(views.confirm_address_code)
resend = _limited(
    views.resend_verification,
    ("RATELIMIT_PASSWORD_RESET", get_remote_address, False),
    ("RATELIMIT_PASSWORD_RESET", _signed_in_account, False),
)

bp.add_url_rule("/signup", view_func=signup, methods=["GET", "POST"])
bp.add_url_rule("/signin", view_func=signin, methods=["GET", "POST"])
bp.add_url_rule("/signout", view_func=views.signout, methods=["POST"])
bp.add_url_rule("/verify/<token>", view_func=views.verify)
bp.add_url_rule("/verify/resend", view_func=resend, methods=["POST"])
bp.add_url_rule("/password/forgot", view_func=forgot, methods=["GET", "POST"])
bp.add_url_rule("/password/reset/<token>", view_func=views.reset_password, methods=["GET", "POST"])
bp.add_url_rule("/profile", view_func=views.profile, methods=["GET", "POST"])
bp.add_url_rule("/profile/password", view_func=views.change_password, methods=["POST"])
bp.add_url_rule("/profile/export.json", view_func=views.export)
bp.add_url_rule("/profile/delete", view_func=views.delete, methods=["GET", "POST"])
bp.add_url_rule("/profile/address", view_func=views.request_address_check, methods=["POST"])
bp.add_url_rule("/profile/address/code", view_func=address_code, methods=["POST"])
bp.add_url_rule(
    "/profile/address/withdraw", view_func=views.withdraw_address_check, methods=["POST"]
)
_checks = "/g/<municipality_slug>/<wijk_slug>/addresses"
bp.add_url_rule(_checks, view_func=views.address_checks)
bp.add_url_rule(f"{_checks}/letters", view_func=views.address_letters, methods=["POST"])
bp.add_url_rule(
    f"{_checks}/<int:verification_id>/register",
    view_func=views.address_register_check,
    methods=["POST"],
)
bp.add_url_rule(
    f"{_checks}/<int:verification_id>/refuse", view_func=views.address_refuse, methods=["POST"]
)
