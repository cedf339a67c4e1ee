"""Security headers for every response; the CSP allows no inline script or style."""

from __future__ import annotations

from collections.abc import Mapping

from flask import Flask, Response
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer

DIRECTIVES: dict[str, str] = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    # blob: for the preview of a photo being chosen (static/js/photo-preview.js).
    "img-src": "'self' data: blob:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def content_security_policy(overrides: Mapping[str, str] | None = None) -> str:
    """The policy, with some directives replaced for one route (a view sets the header
    itself, e.g. `frame-ancestors *` for an embeddable widget)."""
    return "; ".join(f"{k} {v}" for k, v in {**DIRECTIVES, **(overrides or {})}.items())


CONTENT_SECURITY_POLICY = content_security_policy()


def init_security_headers(app: Flask) -> None:
    production = app.config["SAMENHANG_ENV"] == "production"
    defaults: list[tuple[str, str]] = [
        ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "strict-origin-when-cross-origin"),
        ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
    ]
    if production:
        defaults.append(("Strict-Transport-Security", "max-age=31536000; includeSubDomains"))
    keyed = [(name.lower(), name, value) for name, value in defaults]

    @app.after_request
    def set_security_headers(response: Response) -> Response:
        headers = response.headers
        # Every answer pays for this: one pass over its headers, not one per default.
        present = {name.lower() for name, _ in headers.items()}
        for key, name, value in keyed:
            if key not in present:
                headers.add(name, value)
        # Only where the CSP forbids framing too; a route that allows it says so in its CSP.
        if "x-frame-options" not in present and "frame-ancestors 'none'" in headers.get(
            "Content-Security-Policy", ""
        ):
            headers.add("X-Frame-Options", "DENY")
        return response


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, with the signing serializer built once per set of
    keys rather than for every request (it holds no per-request state)."""

    def __init__(self) -> None:
        self._serializer: tuple[tuple[object, ...], URLSafeTimedSerializer | None] = ((), None)

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        keys = (app.secret_key, *(app.config["SECRET_KEY_FALLBACKS"] or ()))
        cached_keys, serializer = self._serializer
        if keys != cached_keys:
            serializer = super().get_signing_serializer(app)
            self._serializer = (keys, serializer)
        return serializer
