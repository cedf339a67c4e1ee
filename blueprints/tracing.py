"""What an operator needs of each request: a request id on every answer and log line, logs
as JSON lines, headers that let caches keep languages apart."""

from __future__ import annotations

import json
import logging
import re
import secrets
import time
from typing import Any

from flask import Flask, Response, g, has_request_context, request
from flask_babel import get_locale

REQUEST_ID_HEADER = "X-Request-ID"
#: A request id from the proxy is kept only when it looks like one (no log injection).
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

log = logging.getLogger("samenhang.requests")


def request_id() -> str | None:
    return g.get("request_id") if has_request_context() else None


class JSONFormatter(logging.Formatter):
    """One JSON object per line, with the request id when there is a request."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if rid := request_id():
            entry["request_id"] = rid
        entry.update(getattr(record, "fields", {}))
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def init_logging(app: Flask) -> None:
    """JSON lines on stderr when SAMENHANG_LOG_FORMAT=json (production's default)."""
    if app.config["LOG_FORMAT"] != "json":
        return
    handler = logging.StreamHandler()
    handler.setFormatter(JSONFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(app.config["LOG_LEVEL"])
    app.logger.handlers[:] = []
    app.logger.propagate = True


def _answer_language(response: Response) -> str | None:
    """The language to state on an answer, if any.

    Pages, feeds and JSON a cache may keep always say it. JSON that no cache keeps
    (`no-store`: a ballot's receipt, a refusal, the health checks) says it only when the
    request chose its locale anyway (a translated message): choosing it reads the user and
    parses Accept-Language, the largest cost of a stemcode ballot outside the vote itself.
    """
    if response.mimetype in ("text/html", "application/atom+xml") or (
        response.mimetype == "application/json" and not response.cache_control.no_store
    ):
        return str(get_locale() or "nl")
    if response.mimetype == "application/json":
        # flask-babel keeps the request's choice here once something asked for it.
        chosen = getattr(g.get("_flask_babel"), "babel_locale", None)
        return str(chosen) if chosen is not None else None
    return None


def init_request_tracing(app: Flask) -> None:
    @app.before_request
    def _start() -> None:
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        g.request_id = incoming if _REQUEST_ID.match(incoming) else secrets.token_hex(8)
        g.request_started = time.perf_counter()

    @app.after_request
    def _finish(response: Response) -> Response:
        response.headers[REQUEST_ID_HEADER] = g.get("request_id", "")
        # Pages depend on the language (cookie, account or Accept-Language): a shared cache
        # must keep them apart, and say which language it holds.
        if locale := _answer_language(response):
            response.headers["Content-Language"] = locale
            response.vary.update(("Accept-Language", "Cookie"))
        if app.config["LOG_REQUESTS"]:
            started = g.get("request_started", time.perf_counter())
            # The path, never the query string: it may hold a search or a token.
            log.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "fields": {
                        "method": request.method,
                        "path": request.path,
                        "status": response.status_code,
                        "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    }
                },
            )
        return response
