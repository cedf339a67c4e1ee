from __future__ import annotations

from flask import Blueprint, current_app, request

from samenhang.blueprints.accounts import views
from samenhang.extensions import limiter

bp = Blueprint("accounts", __name__)


def _signin_limit() -> str:
    return current_app.config["RATELIMIT_SIGNIN"]


def _reset_limit() -> str:
    return current_app.config["RATELIMIT_PASSWORD_RESET"]


def _not_post() -> bool:
    return request.method != "POST"


signin = limiter.limit(_signin_limit, exempt_when=_not_post)(views.signin)
forgot = limiter.limit(_reset_limit, exempt_when=_not_post)(views.forgot_password)

bp.add_url_rule("/signup", view_func=views.signup, methods=["GET", "POST"])
bp.add_url_rule("/signin", view_func=signin, methods=["GET", "POST"])
bp.add_url_rule("/signout", view_func=views.signout, methods=["POST"])
bp.add_url_rule("/verify/<token>", view_func=views.verify)
bp.add_url_rule("/verify/resend", view_func=views.resend_verification, methods=["POST"])
bp.add_url_rule("/password/forgot", view_func=forgot, methods=["GET", "POST"])
bp.add_url_rule("/password/reset/<token>", view_func=views.reset_password, methods=["GET", "POST"])
bp.add_url_rule("/profile", view_func=views.profile, methods=["GET", "POST"])
bp.add_url_rule("/profile/password", view_func=views.change_password, methods=["POST"])
bp.add_url_rule("/profile/export.json", view_func=views.export)
bp.add_url_rule("/profile/delete", view_func=views.delete, methods=["GET", "POST"])
