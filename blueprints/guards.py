"""What every request must satisfy before a view sees it.

These are the client's mistakes (or probes), answered with a 4xx before they can reach the
database as a 500: ids beyond what the database stores, NUL bytes (PostgreSQL refuses them
in text), JSON nested deeper than any real ballot.
"""

from __future__ import annotations

from itertools import chain
from typing import Any

from flask import Flask, abort, request
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

#: The largest id an INTEGER column holds on PostgreSQL (and a sane bound on SQLite).
MAX_ID = 2**31 - 1
#: Deeper JSON is refused before it is parsed (a ballot is two levels deep).
MAX_JSON_DEPTH = 32


class BoundedIntConverter(IntegerConverter):
    """`<int:...>` in every route: a number the database cannot hold is simply not found."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def bounded_int(value: str | None, default: int, *, lowest: int = 1) -> int:
    """A number from the query string (`?page=`), refused with 400 when out of range."""
    if value is None or value == "":
        return default
    if not value.isdigit() or len(value) > 9 or int(value) < lowest:
        abort(400)
    return int(value)


def paging(default_size: int, maximum: int) -> tuple[int, int]:
    """`?page=` and `?per_page=` of a list answer; out of range is a 400, never adjusted."""
    per_page = bounded_int(request.args.get("per_page"), default_size)
    if per_page > maximum:
        abort(400)
    return bounded_int(request.args.get("page"), 1), per_page


def place_slugs() -> tuple[str | None, str | None]:
    """`?municipality=` and `?wijk=`; a wijk is only known within its municipality."""
    municipality_slug, wijk_slug = request.args.get("municipality"), request.args.get("wijk")
    if wijk_slug and not municipality_slug:
        abort(400)
    return municipality_slug, wijk_slug


def _has_nul(values: Any) -> bool:
    return any("\x00" in v for v in chain.from_iterable(values.listvalues()))


def _json_too_deep(body: bytes) -> bool:
    depth = 0
    in_string = escaped = False
    for byte in body:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            if depth > MAX_JSON_DEPTH:
                return True
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return False


def _check_request() -> None:
    if _has_nul(request.args) or _has_nul(request.form):
        abort(400)
    if request.is_json:
        body = request.get_data(cache=True)
        if b"\\u0000" in body or b"\x00" in body or _json_too_deep(body):
            abort(400)


def init_request_guards(app: Flask) -> None:
    """Call before registering blueprints: the converter is read when rules are added."""
    app.url_map.converters["int"] = BoundedIntConverter
    app.before_request(_check_request)
    proxies = int(app.config.get("TRUSTED_PROXIES", 0))
    if proxies:
        # Only as many X-Forwarded-* hops as there are proxies we run: a visitor cannot
        # pick their own address (and so their own rate-limit bucket).
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies
        )
