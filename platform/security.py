"""Security headers for every response; the CSP allows no inline script or style."""

from __future__ import annotations

from collections.abc import Mapping

from flask import Flask, Response

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

    @app.after_request
    def set_security_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        # Only where the CSP forbids framing too; a route that allows it says so in its CSP.
        if "frame-ancestors 'none'" in headers["Content-Security-Policy"]:
            headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if production:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response
