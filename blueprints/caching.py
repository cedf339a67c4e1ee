"""Pages rendered once for every visitor who is not signed in, kept in the process and
answered with HTTP caching (ETag, Last-Modified, 304, gzip once).

A page is shared only when it is the same for everyone who gets it: rendered for a visitor
who is not signed in, with no flashed messages, without the session's CSRF token (the one
form of the layout, the language switcher, works without it for visitors; see
`main.set_language`) and without touching the session, so the answer sets no cookie. The
key holds whatever else the page depends on (the locale, the moment of the count).

Two kinds of page use it, with one `PageCache` (a small LRU per process, bounded in
entries and in age) and one way of answering (`_answer`):

- pages that cannot change, keyed by what would change them: the published results
  (`cached_page`, the moment of the count in the key);
- the public pages anonymous visitors read most (`shared_page`: home, municipality, wijk,
  lists, an initiative, the stemdag pages, the open-data list). Their key holds the
  *content generation*, a number that moves after every commit that wrote a row of public
  content (`_track_public_writes`), so a resident's or wijkmanager's change shows at once;
  writes a stemdag evening is made of (ballots, stemcodes, the register, idempotency keys,
  sign-ins, jobs) do not move it. With `REDIS_URL` the number lives in Redis, so several
  app servers agree; else in the process (`make run` is one process). What a page shows
  that no commit changes (a deadline "closes in 3 days", live turnout, a theme folder)
  is at most `SAMENHANG_PAGE_CACHE_TTL` seconds old. `SAMENHANG_PAGE_CACHE=0` turns
  these pages off (they render every time); see docs/deploy.md.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

from flask import Flask, current_app, g, has_app_context, request, session
from flask_login import current_user
from flask_sqlalchemy.session import Session as FlaskSession
from flask_wtf.csrf import generate_csrf
from redis.exceptions import RedisError
from sqlalchemy import event, inspect
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction, UOWTransaction
from werkzeug.datastructures import Headers
from werkzeug.wrappers import Response

#: A browser or proxy may keep a page that cannot change this long without asking again.
PUBLIC_MAX_AGE = 60

#: Headers of a view's own answer that belong to every copy of it (pagination links, a
#: download name); the rest (cookies, length, validators, Vary) is made per answer.
_PER_ANSWER_HEADERS = frozenset(
    {
        "set-cookie",
        "content-length",
        "content-type",
        "content-encoding",
        "etag",
        "last-modified",
        "cache-control",
        "vary",
        "date",
        "expires",
    }
)


@dataclass(frozen=True)
class CachedPage:
    body: bytes
    gzipped: bytes
    etag: str
    last_modified: datetime
    stored: float
    mimetype: str = "text/html"
    headers: tuple[tuple[str, str], ...] = field(default=())


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

    def put(
        self,
        key: Hashable,
        page: str | bytes,
        last_modified: datetime,
        mimetype: str = "text/html",
        headers: tuple[tuple[str, str], ...] = (),
    ) -> CachedPage:
        body = page.encode("utf-8") if isinstance(page, str) else page
        entry = CachedPage(
            body=body,
            gzipped=gzip.compress(body, compresslevel=6, mtime=0),
            etag=hashlib.sha256(body).hexdigest()[:32],
            last_modified=last_modified,
            stored=time.monotonic(),
            mimetype=mimetype,
            headers=headers,
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


def is_shareable_request(query: bool = False) -> bool:
    """The page would be the same as for anyone else: not signed in, nothing flashed, and
    no query string unless the key holds it (`query`; the language switcher repeats it)."""
    return (
        request.method in ("GET", "HEAD")
        and (query or not request.query_string)
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
    return _answer(entry, PUBLIC_MAX_AGE)


def _answer(entry: CachedPage, max_age: int) -> Response:
    """A stored page as this client wants it: gzipped or not, 304 when it has it already.
    `max_age` 0: a browser or proxy keeps it but asks again each time (a cheap 304)."""
    use_gzip = request.accept_encodings.quality("gzip") > 0
    response = Response(entry.gzipped if use_gzip else entry.body, mimetype=entry.mimetype)
    response.headers.extend(entry.headers)
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
        if max_age:
            response.cache_control.max_age = max_age
        else:
            response.cache_control.no_cache = True
    return response.make_conditional(request)


def private_page(html: str) -> Response:
    """A page for one reader (signed in, or with a message of their own)."""
    response = Response(html, mimetype="text/html")
    response.cache_control.private = True
    response.cache_control.no_cache = True
    return response


# --- the content generation --------------------------------------------------------------

#: Tables whose rows no shared page shows: what a stemdag evening writes (ballots, the
#: voter register, stemcodes and their requests, paper batches), idempotency keys, jobs
#: and their letters, address checks, mail waiting to go, follows (only the follower sees
#: them) and the audit trail (every audited change also writes the rows it is about). A
#: commit that writes only these leaves every shared page as it was.
PRIVATE_TABLES = frozenset(
    {
        "stemdag_ballots",
        "stemdag_voters",
        "stemdag_codes",
        "stemdag_code_requests",
        "stemdag_paper_batches",
        "stemdag_count_jobs",
        "stemdag_letter_batches",
        "idempotency_keys",
        "address_verifications",
        "pending_notifications",
        "initiative_follows",
        "translation_requests",
        "audit_entries",
    }
)

#: Columns of public tables that no page shows: signing in writes `last_login_at`, a
#: password change the hash and the session nonce.
PRIVATE_COLUMNS = {
    "users": frozenset(
        {
            "last_login_at",
            "session_nonce",
            "password_hash",
            "email",
            "email_verified_at",
            "locale",
            "notification_mode",
            "postcode",
            "house_number",
        }
    )
}

_PUBLIC_WRITE = "samenhang_public_write"
GENERATION_KEY = "samenhang:pages:generation"


class ContentGeneration:
    """A number that moves after each commit that changed public content; shared pages
    hold it in their key, so an entry of an older generation is never answered again.

    Without a Redis URL it lives in this process. With one it is a Redis counter: a commit
    adds one (INCR), and a request reads it at most once every `poll` seconds per process
    (one GET, not one per page): another app server's change shows within `poll` seconds,
    this process's own at once (the INCR answers the new number)."""

    def __init__(self, redis_url: str | None = None, poll: float = 1.0) -> None:
        self._redis: Any = None
        if redis_url:
            from redis import Redis

            self._redis = Redis.from_url(redis_url, socket_timeout=1)
        self.poll = poll
        self._value = 0
        self._read_at = float("-inf")
        self._lock = threading.Lock()

    def current(self) -> int | None:
        """None when Redis does not answer: then nothing is shared (pages are rendered)."""
        if self._redis is None:
            return self._value
        now = time.monotonic()
        if now - self._read_at >= self.poll:
            try:
                value = self._redis.get(GENERATION_KEY)
            except RedisError:
                # Asked again after `poll` seconds, not by every request meanwhile.
                current_app.logger.warning("page cache: Redis unreachable, not sharing pages")
                with self._lock:
                    self._read_at, self._value = now, -1
                return None
            with self._lock:
                self._value, self._read_at = int(value or 0), now
        return None if self._value < 0 else self._value

    def bump(self) -> None:
        if self._redis is None:
            with self._lock:
                self._value += 1
            return
        try:
            value = int(self._redis.incr(GENERATION_KEY))
        except RedisError:
            # The commit stands; other servers see the change within the TTL. Read Redis
            # again at the next request rather than trusting this process's number.
            current_app.logger.warning("page cache: Redis unreachable, generation not moved")
            with self._lock:
                self._read_at = float("-inf")
            return
        with self._lock:
            self._value, self._read_at = value, time.monotonic()


def _writes_public_row(obj: object) -> bool:
    table = getattr(obj, "__tablename__", None)
    if table is None or table in PRIVATE_TABLES:
        return False
    private = PRIVATE_COLUMNS.get(table)
    state = inspect(obj)
    if private is None or state.pending or state.deleted:
        return True
    return any(
        attr.history.has_changes()
        for attr in state.attrs
        if attr.key not in private and attr.key.lstrip("_") not in private
    )


def _after_flush(session: Session, flush_context: UOWTransaction) -> None:
    if session.info.get(_PUBLIC_WRITE):
        return
    if any(_writes_public_row(o) for o in (*session.new, *session.deleted)) or any(
        session.is_modified(o) and _writes_public_row(o) for o in session.dirty
    ):
        session.info[_PUBLIC_WRITE] = True


def _do_orm_execute(state: ORMExecuteState) -> None:
    """Statements run through the session (`update(Model)`, `Table.insert()`) flush
    nothing: seen here by their table."""
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    if getattr(table, "name", None) not in PRIVATE_TABLES:
        state.session.info[_PUBLIC_WRITE] = True


def _after_commit(session: Session) -> None:
    if not session.info.pop(_PUBLIC_WRITE, False) or not has_app_context():
        return
    pages = current_app.extensions.get("shared_pages")
    if pages is not None:
        pages.generation.bump()


def _after_soft_rollback(session: Session, previous: SessionTransaction) -> None:
    # Only the whole transaction: a savepoint rolled back leaves what was written before it.
    if previous.parent is None:
        session.info.pop(_PUBLIC_WRITE, None)


def _track_public_writes() -> None:
    """Once per process: every Flask-SQLAlchemy session (each `sessionmaker` makes a class
    of its own, so the base class is the target) marks a commit that wrote public rows,
    and the commit moves the generation of the app it ran in."""
    target = FlaskSession
    if event.contains(target, "after_commit", _after_commit):
        return
    event.listen(target, "after_flush", _after_flush)
    event.listen(target, "do_orm_execute", _do_orm_execute)
    event.listen(target, "after_commit", _after_commit)
    event.listen(target, "after_soft_rollback", _after_soft_rollback)


# --- shared public pages ------------------------------------------------------------------


T = TypeVar("T")


@dataclass
class SharedPages:
    cache: PageCache
    generation: ContentGeneration
    _rendering: dict[Hashable, threading.Event] = field(default_factory=dict)
    _guard: threading.Lock = field(default_factory=threading.Lock)
    _memo: dict[Hashable, Any] = field(default_factory=dict)
    _memo_generation: int | None = None

    def claim(self, key: Hashable) -> threading.Event | None:
        """None: this thread renders the missing page (then `done`). Else the sign that
        another thread of the process is rendering it (a new generation under load): wait
        for its copy rather than render the same page many times over."""
        with self._guard:
            rendering = self._rendering.get(key)
            if rendering is None:
                self._rendering[key] = threading.Event()
            return rendering

    def done(self, key: Hashable) -> None:
        with self._guard:
            rendering = self._rendering.pop(key, None)
        if rendering is not None:
            rendering.set()

    def remembered(self, key: Hashable, read: Callable[[], T]) -> T:
        """What `read` gave for `key` in the current content generation: a small fact a
        shared answer needs before its cache can answer (the moment of a published count)
        is read once per change of content, not once per visitor. Read every time when the
        generation is not known."""
        generation = self.generation.current()
        if generation is None:
            return read()
        with self._guard:
            if self._memo_generation != generation:
                self._memo.clear()
                self._memo_generation = generation
            if key in self._memo:
                return self._memo[key]  # type: ignore[no-any-return]
        value = read()
        with self._guard:
            if self._memo_generation == generation:
                self._memo[key] = value
        return value


#: How long a request waits for another thread's rendering of its page before rendering it
#: itself (as it does at once when that one turned out not shareable).
RENDER_WAIT = 5.0


V = TypeVar("V", bound=Callable[..., Any])


def _page_key(view_args: dict[str, Any], generation: int) -> Hashable:
    """Whatever the page depends on besides the content: the address (host, view and its
    arguments, the query in a fixed order, blank values kept: the API refuses them) and the
    locale the page was rendered in. The theme follows from the address."""
    from samenhang.i18n import current_locale

    return (
        generation,
        request.host,
        request.script_root,
        request.endpoint,
        tuple(sorted(view_args.items())),
        tuple(sorted(request.args.items(multi=True))),
        current_locale(),
    )


def _storable(response: Response) -> bool:
    """Nothing in the answer belongs to this visitor: the view set no cookie, flashed
    nothing, made no CSRF token (a form of its own) and signed no one in."""
    field_name = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    return (
        response.status_code == 200
        and not response.is_streamed
        and "Set-Cookie" not in response.headers
        and not session.modified
        and field_name not in g
        and not current_user.is_authenticated
    )


def _store(cache: PageCache, key: Hashable, response: Response) -> CachedPage:
    headers = tuple(
        (name, value)
        for name, value in Headers(response.headers).items()
        if name.lower() not in _PER_ANSWER_HEADERS
    )
    return cache.put(
        key,
        response.get_data(),
        datetime.now(UTC).replace(microsecond=0),
        mimetype=response.mimetype or "text/html",
        headers=headers,
    )


def remembered(key: Hashable, read: Callable[[], T]) -> T:
    """`SharedPages.remembered`, or `read()` when the page cache is off."""
    pages: SharedPages | None = current_app.extensions.get("shared_pages")
    return read() if pages is None else pages.remembered(key, read)


def shared_page(view: V) -> V:
    """A public page rendered once per key and generation for every visitor who is not
    signed in (see the module). Anyone else, or a render that turned out personal, gets
    the view's own answer."""

    @functools.wraps(view)
    def wrapper(**view_args: Any) -> Any:
        pages: SharedPages | None = current_app.extensions.get("shared_pages")
        if pages is None or not is_shareable_request(query=True):
            return view(**view_args)
        generation = pages.generation.current()
        if generation is None:
            return view(**view_args)
        key = _page_key(view_args, generation)
        entry = pages.cache.get(key)
        rendering: threading.Event | None = None
        if entry is None:
            rendering = pages.claim(key)
            if rendering is not None:
                rendering.wait(RENDER_WAIT)
                entry = pages.cache.get(key)
        if entry is None:
            try:
                with shared_render():
                    response = current_app.make_response(view(**view_args))
                if not _storable(response):
                    return response
                entry = _store(pages.cache, key, response)
            finally:
                if rendering is None:  # this thread claimed it
                    pages.done(key)
        return _answer(entry, max_age=0)

    return wrapper  # type: ignore[return-value]


def init_page_caching(app: Flask) -> None:
    """Call after CSRFProtect is set up: wraps its template global."""
    app.jinja_env.globals["csrf_token"] = _csrf_token
    if app.config.get("PAGE_CACHE", True):
        app.extensions["shared_pages"] = SharedPages(
            cache=PageCache(
                size=app.config.get("PAGE_CACHE_SIZE", 1024),
                ttl=app.config.get("PAGE_CACHE_TTL", 60),
            ),
            generation=ContentGeneration(
                app.config.get("REDIS_URL"), app.config.get("PAGE_CACHE_GENERATION_POLL", 1.0)
            ),
        )
        _track_public_writes()
