from __future__ import annotations

from flask import current_app, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.wrappers import Response

from samenhang.accounts.services import set_locale
from samenhang.blueprints.caching import shared_page
from samenhang.blueprints.handling import json_answer
from samenhang.blueprints.main.forms import LanguageForm
from samenhang.blueprints.urls import safe_next_url
from samenhang.extensions import csrf, db
from samenhang.i18n import LOCALE_COOKIE
from samenhang.operations import readiness
from samenhang.places.queries import municipalities_with_wijken


@shared_page
def home() -> str:
    return render_template("main/home.html", municipalities=municipalities_with_wijken())


def healthz() -> Response:
    """Liveness; like readiness never stored by a cache (`no-store`), so the answer needs no
    user, locale or session."""
    try:
        db.session.execute(text("SELECT 1"))
        database = "ok"
    except SQLAlchemyError:
        current_app.logger.exception("health check: database unreachable")
        database = "unavailable"
    status = 200 if database == "ok" else 503
    return json_answer(
        {"status": "ok" if status == 200 else "degraded", "database": database}, status
    )


def readyz() -> Response:
    """Readiness: the database answers, its migrations are at head, Redis (if used) answers.
    A load balancer sends traffic only to a process that answers 200 here."""
    checks = readiness()
    ready = all(value == "ok" for value in checks.values())
    return json_answer({"status": "ok" if ready else "not ready", **checks}, 200 if ready else 503)


def privacy() -> str:
    return render_template("main/privacy.html")


def contact() -> str:
    return render_template("main/contact.html", email=current_app.config["CONTACT_EMAIL"])


@csrf.exempt
def set_language() -> Response:
    """A visitor's language is only a cookie of their own browser, so their switcher needs
    no CSRF token: shared, cached pages (blueprints/caching.py) carry none and set no
    session. A signed-in user's choice is stored on the account: that keeps the check."""
    if current_user.is_authenticated and current_app.config["WTF_CSRF_ENABLED"]:
        csrf.protect()
    form = LanguageForm(meta={"csrf": False})
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
