from __future__ import annotations

from typing import Any

from flask import current_app, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.wrappers import Response

from samenhang.accounts.services import set_locale
from samenhang.blueprints.main.forms import LanguageForm
from samenhang.blueprints.urls import safe_next_url
from samenhang.extensions import db
from samenhang.i18n import LOCALE_COOKIE
from samenhang.places.queries import municipalities_with_wijken


def home() -> str:
    return render_template("main/home.html", municipalities=municipalities_with_wijken())


def healthz() -> tuple[Response, int]:
    try:
        db.session.execute(text("SELECT 1"))
        database = "ok"
    except SQLAlchemyError:
        current_app.logger.exception("health check: database unreachable")
        database = "unavailable"
    status = 200 if database == "ok" else 503
    return jsonify(status="ok" if status == 200 else "degraded", database=database), status


def privacy() -> str:
    return render_template("main/privacy.html")


def contact() -> str:
    return render_template("main/contact.html", email=current_app.config["CONTACT_EMAIL"])


def set_language() -> Response:
    form = LanguageForm()
    target = safe_next_url(form.next.data) or url_for("main.home")
    if not form.validate_on_submit():
        return redirect(target)
    locale = form.locale.data
    if current_user.is_authenticated:
        set_locale(current_user, locale)
    response = redirect(target)
    response.set_cookie(
        LOCALE_COOKIE,
        locale,
        max_age=60 * 60 * 24 * 365,
        samesite="Lax",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
    )
    return response


_ERROR_TITLES = {
    400: lambda: _("The request was not valid"),
    403: lambda: _("You may not do this"),
    404: lambda: _("Page not found"),
    405: lambda: _("This action is not possible here"),
    413: lambda: _("The file is too large"),
    422: lambda: _("The form could not be processed"),
    429: lambda: _("Too many attempts"),
    500: lambda: _("Something went wrong on our side"),
}
_ERROR_TEXTS = {
    400: lambda: _("Go back and try again. If you sent a form, reload the page first."),
    403: lambda: _("Your account does not have the right for this. Sign in with another account."),
    404: lambda: _("The page does not exist or has moved. Check the address or start again."),
    405: lambda: _("Go back and use the buttons on the page."),
    413: lambda: _("Choose a smaller file and try again."),
    422: lambda: _("Go back, check the form and try again."),
    429: lambda: _("Wait a few minutes and try again."),
    500: lambda: _("We have been told about it. Please try again later."),
}


def error_page(error: Exception) -> tuple[str, int]:
    code = error.code if isinstance(error, HTTPException) and error.code else 500
    if code not in _ERROR_TITLES:
        code = 500
    if isinstance(error, InternalServerError) or code == 500:
        db.session.rollback()
    context: dict[str, Any] = {
        "code": code,
        "title": _ERROR_TITLES[code](),
        "explanation": _ERROR_TEXTS[code](),
        "path": request.path,
    }
    return render_template("errors/error.html", **context), code
