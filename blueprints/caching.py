"""Whole pages that cannot change, kept rendered in the process and answered with HTTP
caching (ETag, Last-Modified, 304).

A page is shared only when it is the same for everyone who gets it: rendered for a visitor
who is not signed in, with no flashed messages, without the session's CSRF token (the one
form of the layout, the language switcher, works without it for visitors; see
`main.set_language`) and without touching the session, so the answer sets no cookie. The
key holds whatever else the page depends on (the locale, the moment of the count).

The cache is a small LRU per process, bounded in entries and in age: an entry is rebuilt
at most every `TTL` seconds, so a late edit of a name shown on the page is seen in time.
"""

from __future__ import annotations

import gzip
import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from flask import Flask, current_app, g, request, session
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from werkzeug.wrappers import Response

#: A browser or proxy may keep a shared page this long without asking again.
PUBLIC_MAX_AGE = 60


@dataclass(frozen=True)
class CachedPage:
    body: bytes
    gzipped: bytes
    etag: str
    last_modified: datetime
    stored: float


class PageCache:
    """A thread-safe LRU of rendered pages (gthread workers share it)."""

    def __init__(self, size: int = 256, ttl: float = 600.0) -> None:
        self.size = size
        self.ttl = ttl
        self._entries: OrderedDict[Hashable, CachedPage] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> CachedPage | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if time.monotonic() - entry.stored > self.ttl:
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return entry

    def put(self, key: Hashable, html: str, last_modified: datetime) -> CachedPage:
        body = html.encode("utf-8")
        entry = CachedPage(
            body=body,
            gzipped=gzip.compress(body, compresslevel=6, mtime=0),
            etag=hashlib.sha256(body).hexdigest()[:32],
            last_modified=last_modified,
            stored=time.monotonic(),
        )
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return entry

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


def is_shareable_request() -> bool:
    """The page would be the same as for anyone else: not signed in, nothing flashed, no
    query string (the language switcher repeats it)."""
    return (
        request.method in ("GET", "HEAD")
        and not request.query_string
        and not current_user.is_authenticated
        and "_flashes" not in session
    )


def _has_session_cookie() -> bool:
    return current_app.config["SESSION_COOKIE_NAME"] in request.cookies


@contextmanager
def shared_render() -> Iterator[None]:
    """Render for everyone: the layout's `csrf_token()` gives nothing (see the module)."""
    g.shared_render = True
    try:
        yield
    finally:
        g.shared_render = False


def _csrf_token(*args: object, **kwargs: object) -> str:
    if g.get("shared_render"):
        return ""
    return generate_csrf(*args, **kwargs)  # type: ignore[arg-type]


def cached_page(
    cache: PageCache,
    key: Hashable,
    last_modified: datetime,
    render: Callable[[], str],
) -> Response:
    """The shared answer for `key`, rendered once; 304 when the client has it already.
    Call only when `is_shareable_request()`."""
    entry = cache.get(key)
    if entry is None:
        with shared_render():
            html = render()
        entry = cache.put(key, html, last_modified)
    use_gzip = request.accept_encodings.quality("gzip") > 0
    response = Response(entry.gzipped if use_gzip else entry.body, mimetype="text/html")
    if use_gzip:
        response.headers["Content-Encoding"] = "gzip"
    response.vary.add("Accept-Encoding")
    response.set_etag(entry.etag + ("-gz" if use_gzip else ""))
    response.last_modified = entry.last_modified
    if _has_session_cookie():
        # A visitor with a session: their browser may keep it, a shared proxy may not.
        response.cache_control.private = True
        response.cache_control.no_cache = True
    else:
        response.cache_control.public = True
        response.cache_control.max_age = PUBLIC_MAX_AGE
    return response.make_conditional(request)


def private_page(html: str) -> Response:
    """A page for one reader (signed in, or with a message of their own)."""
    response = Response(html, mimetype="text/html")
    response.cache_control.private = True
    response.cache_control.no_cache = True
    return response


def init_page_caching(app: Flask) -> None:
    """Call after CSRFProtect is set up: wraps its template global."""
    app.jinja_env.globals["csrf_token"] = _csrf_token
