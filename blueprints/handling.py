"""The one contract between services and the web: how an error becomes an answer.

Services raise `samenhang.errors.DomainError` (or `PermissionDenied`, `NotFound`); views do
not catch them themselves. Three ways out, and no others:

- uncaught, anywhere: `PermissionDenied` answers 403 (or sends a signed-out visitor to sign
  in), `NotFound` 404, any other `DomainError` 422 — a page in the reader's language, or
  `{"error": kind, "message": ...}` on a JSON endpoint (`/api/...` and views marked with
  `json_endpoint`);
- `with form_errors(form):` around the service call of a form view: the message lands on the
  form, and the view shows the form again (422 through `render_form`);
- `with flash_errors():` around the service call of a button: the message is flashed, and the
  view redirects as it would have.

Every way rolls the transaction back: the request boundary commits only answers below 400,
and the two context managers roll back themselves because their answer is not an error.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from flask import Flask, current_app, flash, g, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException, MethodNotAllowed
from werkzeug.exceptions import NotFound as RoutingNotFound
from werkzeug.wrappers import Response

from samenhang.errors import DomainError, NotFound, PermissionDenied
from samenhang.extensions import db, login_manager

F = TypeVar("F", bound=Callable[..., Any])

#: The `error` of a JSON answer, per status.
_JSON_KINDS = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    422: "refused",
    429: "too_many",
    500: "server_error",
    503: "unavailable",
}


def json_endpoint(view: F) -> F:
    """Mark a view outside `/api/` whose answers, errors included, are JSON."""
    view.is_json_endpoint = True  # type: ignore[attr-defined]
    return view


def wants_json() -> bool:
    if request.path.startswith("/api/"):
        return True
    view = current_app.view_functions.get(request.endpoint or _endpoint_of_other_method())
    return bool(getattr(view, "is_json_endpoint", False))


def _endpoint_of_other_method() -> str:
    """On a 405 routing found no endpoint; the one the URL has for an allowed method tells
    whether the answer should be JSON. On a 404 for an id beyond what the database holds
    (`/stemdag/99999999999/ballots`), the rule it would have matched, numbers unbounded."""
    error = request.routing_exception
    if isinstance(error, RoutingNotFound):
        return _json_rule_by_shape(request.path)
    if not isinstance(error, MethodNotAllowed) or not error.valid_methods:
        return ""
    adapter = current_app.url_map.bind_to_environ(request.environ)
    try:
        endpoint, _values = adapter.match(method=error.valid_methods[0])
    except HTTPException:
        return ""
    return str(endpoint)


def _json_rule_by_shape(path: str) -> str:
    """The JSON endpoint whose rule `path` has the shape of (built once per app)."""
    shapes = current_app.extensions.get("json_rule_shapes")
    if shapes is None:
        shapes = []
        for rule in current_app.url_map.iter_rules():
            if getattr(current_app.view_functions.get(rule.endpoint), "is_json_endpoint", False):
                pattern = re.sub(r"<int:[^>]+>", r"\\d+", re.escape(rule.rule))
                pattern = re.sub(r"<[^>]+>", r"[^/]+", pattern)
                shapes.append((re.compile(pattern), rule.endpoint))
        current_app.extensions["json_rule_shapes"] = shapes
    return next((endpoint for shape, endpoint in shapes if shape.fullmatch(path)), "")


def json_answer(body: dict[str, Any], status: int) -> Response:
    response = jsonify(body)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


@contextmanager
def form_errors(form: Any, field: str | None = None) -> Iterator[None]:
    """A refused service call shows its message on the form (on `field`, if given)."""
    try:
        yield
    except (PermissionDenied, NotFound):
        raise
    except DomainError as exc:
        db.session.rollback()
        target = getattr(form, field) if field else None
        if target is not None:
            target.errors = [*target.errors, str(exc)]
        else:
            form.form_errors.append(str(exc))


@contextmanager
def flash_errors() -> Iterator[None]:
    """A refused service call becomes an error message on the page the view goes to."""
    try:
        yield
    except (PermissionDenied, NotFound):
        raise
    except DomainError as exc:
        db.session.rollback()
        flash(str(exc), "error")


# --- the error pages ----------------------------------------------------------------------


def _titles() -> dict[int, tuple[str, str]]:
    return {
        400: (
            _("The request was not valid"),
            _("Go back and try again. If you sent a form, reload the page first."),
        ),
        401: (_("Sign in"), _("Sign in")),
        403: (
            _("You may not do this"),
            _("Your account does not have the right for this. Sign in with another account."),
        ),
        404: (
            _("Page not found"),
            _("The page does not exist or has moved. Check the address or start again."),
        ),
        405: (
            _("This action is not possible here"),
            _("Go back and use the buttons on the page."),
        ),
        413: (_("The file is too large"), _("Choose a smaller file and try again.")),
        422: (
            _("The form could not be processed"),
            _("Go back, check the form and try again."),
        ),
        429: (_("Too many attempts"), _("Wait a few minutes and try again.")),
        503: (
            _("Something went wrong on our side"),
            _("We have been told about it. Please try again later."),
        ),
        500: (
            _("Something went wrong on our side"),
            _("We have been told about it. Please try again later."),
        ),
    }


def error_answer(
    code: int, message: str | None = None, kind: str | None = None
) -> Response | tuple[str, int]:
    """The answer for an error status: JSON on JSON endpoints, else the translated page."""
    titles = _titles()
    if code not in titles and code not in _JSON_KINDS:
        code = 500
    if code == 500:
        db.session.rollback()
    if wants_json():
        title = titles.get(code, titles[500])[0]
        return json_answer({"error": _JSON_KINDS[code], "message": message or title}, code)
    title, explanation = titles.get(code, titles[500])
    context = {
        "code": code,
        "title": title,
        "explanation": message or explanation,
        "path": request.path,
        # A resident's right refused for want of a checked address: say where to get one.
        "kind": kind,
    }
    return render_template("errors/error.html", **context), code


def _to_signin() -> Response:
    return redirect(url_for("accounts.signin", next=request.full_path.rstrip("?")))


def _http_error(error: HTTPException) -> Any:
    if error.code == 401 and not wants_json():
        return _to_signin()
    return error_answer(error.code or 500)


def _domain_error(error: DomainError) -> Any:
    db.session.rollback()
    signed_out = isinstance(error, PermissionDenied) and not current_user.is_authenticated
    if wants_json():
        status, kind = (401, "unauthorized") if signed_out else (error.status, error.kind)
        return json_answer({"error": kind, "message": str(error)}, status)
    if signed_out:
        return _to_signin()
    return error_answer(error.status if error.status in _titles() else 422, str(error), error.kind)


def _database_unavailable(error: OperationalError) -> Any:
    """The database is down or unreachable: a passing fault, so say when to come back."""
    current_app.logger.error("database unavailable: %s", error)
    db.session.rollback()
    # The page must not ask the database who is signed in.
    g._login_user = login_manager.anonymous_user()
    answer = error_answer(503)
    response = current_app.make_response(answer)
    response.headers["Retry-After"] = "30"
    return response


def register_error_handlers(app: Flask) -> None:
    for code in (400, 401, 403, 404, 405, 413, 422, 429, 500):
        app.register_error_handler(code, _http_error)
    app.register_error_handler(DomainError, _domain_error)
    app.register_error_handler(OperationalError, _database_unavailable)
