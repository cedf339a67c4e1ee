"""Junk to every form and JSON endpoint: never a 500, and nothing stored on a refusal.

Walks `app.url_map` (every route that takes a POST, PUT, PATCH or DELETE), builds the access
world once, and for each route signs in as the roles the access table lets through (at most
two, so that the walk stays fast) and sends what hypothesis generates: the form's own field
names and made-up ones, with huge strings, bidi overrides, numbers like 1e400 and 10^30, or
a JSON body of any shape. Each request runs in a savepoint rolled back afterwards; a refusal
(4xx) must leave the row count of every table as it was.

Each route has its own fixed seed: the same examples every run, so CI is stable and a new
failure comes from a change in the code, never from luck; yet every route gets other junk.
"""

from __future__ import annotations

import json
import re
import zlib
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from access.table import ACCESS
from access.test_url_map import ROUTES, _sign_in, _url
from access.world import (
    ADMIN,
    ANONYMOUS,
    ELSEWHERE,
    MANAGER,
    OTHER_MANAGER,
    PANEL,
    RESIDENT,
    VOLUNTEER,
    build_world,
)
from flask import Flask
from flask.testing import FlaskClient
from flask_wtf import FlaskForm
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

from samenhang.extensions import db, limiter

pytestmark = pytest.mark.slow

#: Who is tried first among those let through: the owner and the wijkmanager reach furthest.
PREFERENCE = (RESIDENT, MANAGER, VOLUNTEER, PANEL, ADMIN, ANONYMOUS, ELSEWHERE, OTHER_MANAGER)
ROLES_PER_ROUTE = 2
EXAMPLES = 5

JUNK_TEXT = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "",
            " ",
            "0",
            "-1",
            "-5",
            "1e400",
            "-1e400",
            "NaN",
            "inf",
            "10" + "0" * 30,
            "99999999999999999999",
            "2147483648",
            "1,5",
            "€ 1.000.000.000.000,00",
            "2026-02-30",
            "9999-12-31",
            "0000-00-00",
            "\u202eevil\u202c",
            "\u2066x\u2069",
            "مرحبا",
            "<script>alert(1)</script>",
            "javascript:alert(1)",
            "//evil.example",
            "' OR 1=1 --",
            "x" * 10_000,
            "\ud7ff" * 300,
            "true",
            "on",
            "[]",
            "{}",
        ]
    ),
)


def _json_values() -> st.SearchStrategy[Any]:
    leaves = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(10**30), max_value=10**30),
        st.floats(allow_nan=False, allow_infinity=False),
        JUNK_TEXT,
    )
    return st.recursive(
        leaves,
        lambda children: (
            st.lists(children, max_size=4)
            | st.dictionaries(st.text(max_size=10), children, max_size=4)
        ),
        max_leaves=12,
    )


#: Raw bodies json.dumps cannot write: numbers beyond a double, bare words, broken text.
RAW_JSON = st.sampled_from(
    [
        '{"selection": [1e400]}',
        '{"selection": [1e400, -1e400], "code": 1e400}',
        "[1e400]",
        "NaN",
        '{"a": Infinity}',
        "{",
        '"\\ud800"',
        '{"selection": "\\u202e1"}',
        "null",
        "",
        "[" * 30 + "]" * 30,
    ]
)


def _form_field_names() -> list[str]:
    """Every field name of every form in the app, so junk lands on fields that are read."""
    names: set[str] = set()
    pending = list(FlaskForm.__subclasses__())
    while pending:
        form = pending.pop()
        pending.extend(form.__subclasses__())
        for name in dir(form):
            if not name.startswith("_") and hasattr(getattr(form, name, None), "field_class"):
                names.add(name)
    return sorted(names)


def _table_counts() -> Any:
    """One query: the row count of every table."""
    tables = sorted(db.metadata.tables.values(), key=lambda t: t.name)
    counts = [sa.select(sa.func.count()).select_from(t).scalar_subquery() for t in tables]
    return sa.select(*counts)


_NAME = re.compile(r'name="([^"]+)"')


def _fields_on_page(client: FlaskClient, user: Any, url: str) -> set[str]:
    """The field names of the form the page at `url` shows (a route's GET), if any."""
    _sign_in(client, user)
    response = client.get(url)
    response.close()
    if response.status_code != 200 or "html" not in response.content_type:
        return set()
    return set(_NAME.findall(response.text)) - {"csrf_token"}


def _roles(allowed: frozenset[str]) -> list[str]:
    tried = [role for role in PREFERENCE if role in allowed]
    return tried[:ROLES_PER_ROUTE] or [ANONYMOUS]


WRITE_ROUTES = [
    (endpoint, method, rule)
    for endpoint, method, rule in ROUTES
    if method in {"POST", "PUT", "PATCH", "DELETE"}
]


@pytest.fixture
def _no_limits(app: Flask) -> Iterator[None]:
    limiter.enabled = False
    yield
    limiter.enabled = True


def _is_json_route(app: Flask, endpoint: str, rule: str) -> bool:
    view = app.view_functions[endpoint]
    return rule.startswith("/api/") or bool(getattr(view, "is_json_endpoint", False))


def _probe(
    client: FlaskClient,
    connection: Any,
    counts_query: Any,
    bodies: st.SearchStrategy[Any],
    as_json: bool,
    method: str,
    url: str,
) -> Any:
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        # No shrinking: the first failing body is reported as it came.
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(body=bodies)
    @seed(zlib.crc32(f"{method} {url}".encode()))
    def probe(user: Any, role: str, body: Any) -> None:
        _sign_in(client, user)
        savepoint = connection.begin_nested()
        try:
            before = connection.execute(counts_query).one()
            if as_json:
                response = client.open(
                    url, method=method, data=body, content_type="application/json"
                )
            else:
                response = client.open(url, method=method, data=body)
            response.close()
            status = response.status_code
            after = connection.execute(counts_query).one()
        finally:
            savepoint.rollback()
        short = repr(body)[:300]
        assert status < 500, f"{role}: {status} on {method} {url} with {short}"
        if 400 <= status < 500:
            assert before == after, f"{role}: {status} on {method} {url} stored {short}"

    return probe


def test_junk_to_every_write_route_is_refused_cleanly(
    app: Flask, client: FlaskClient, db_session: Any, outbox: list[Any], _no_limits: None
) -> None:
    world = build_world(outbox)
    db_session.commit()
    connection = db_session.get_bind()
    counts_query = _table_counts()
    known = _form_field_names()
    form_keys = st.one_of(st.sampled_from(known), st.text(min_size=1, max_size=12))
    failures: list[str] = []

    for endpoint, method, rule in WRITE_ROUTES:
        access = ACCESS[(endpoint, method)]
        url = _url(app, rule, endpoint, world, access)
        as_json = _is_json_route(app, endpoint, rule)
        # The declared, valid form underneath: junk replaces some of it and adds to it.
        base = {k: v for k, v in (access.data or {}).items() if not hasattr(v, "read")}
        for role in _roles(access.allowed):
            if as_json:
                bodies = st.one_of(_json_values().map(json.dumps), RAW_JSON)
            else:
                names = sorted({*base, *_fields_on_page(client, world.users[role], url)})
                keys = st.sampled_from(names) | form_keys if names else form_keys
                junk = st.dictionaries(keys, st.one_of(JUNK_TEXT, st.lists(JUNK_TEXT, max_size=3)))
                bodies = junk.map(lambda junk, base=base: {**base, **junk})
            probe = _probe(client, connection, counts_query, bodies, as_json, method, url)
            user = world.users[role]
            try:
                probe(user, role)
            except AssertionError as exc:
                failures.append(str(exc).splitlines()[0])
            except Exception as exc:  # a 500 raises under TESTING: name it and go on
                failures.append(f"{role}: {type(exc).__name__}: {exc} on {method} {url}"[:400])
    assert not failures, "\n".join(failures)


READ_ROUTES = [(e, m, r) for e, m, r in ROUTES if m == "GET" and not e.endswith("static")]
QUERY_KEYS = st.sampled_from(
    ["q", "page", "per_page", "next", "state", "theme", "help", "year", "wijk", "municipality",
     "status", "sort", "indicator", "locale", "format", "round", "kind"]
)  # fmt: skip


def _read_probe(
    client: FlaskClient, connection: Any, queries: st.SearchStrategy[Any], url: str, user: Any
) -> Any:
    @settings(
        max_examples=3,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(query=queries)
    @seed(zlib.crc32(f"GET {url}".encode()))
    def probe(query: dict[str, str]) -> None:
        _sign_in(client, user)
        savepoint = connection.begin_nested()
        try:
            response = client.get(url, query_string=query)
            response.close()
        finally:
            savepoint.rollback()
        assert response.status_code < 500, f"{response.status_code} on GET {url} {query!r}"

    return probe


def test_junk_query_strings_never_give_a_500(
    app: Flask, client: FlaskClient, db_session: Any, outbox: list[Any], _no_limits: None
) -> None:
    """Every page and list, as its first allowed role, with junk in its query string."""
    world = build_world(outbox)
    db_session.commit()
    connection = db_session.get_bind()
    queries = st.dictionaries(QUERY_KEYS | st.text(min_size=1, max_size=8), JUNK_TEXT, max_size=4)
    failures: list[str] = []
    for endpoint, method, rule in READ_ROUTES:
        access = ACCESS[(endpoint, method)]
        url = _url(app, rule, endpoint, world, access)
        user = world.users[_roles(access.allowed)[0]]

        probe = _read_probe(client, connection, queries, url, user)
        try:
            probe()
        except AssertionError as exc:
            failures.append(str(exc).splitlines()[0])
        except Exception as exc:  # a 500 raises under TESTING: name it and go on
            failures.append(f"{type(exc).__name__}: {exc} on GET {url}"[:400])
    assert not failures, "\n".join(failures)


def test_the_probe_catches_a_500_and_a_refusal_that_stores(
    app: Flask, client: FlaskClient, db_session: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The walk above can fail: a view that breaks, or one that stores and then refuses."""
    from factories.accounts import UserFactory
    from factories.initiatives import PublishedInitiativeFactory

    from samenhang.initiatives.models import Comment

    initiative = PublishedInitiativeFactory()
    user = UserFactory()
    db_session.commit()
    url = f"/initiatives/{initiative.id}/comments"
    connection = db_session.get_bind()
    bodies = st.just({"body": "x"})

    def broken(**kwargs: Any) -> Any:
        raise ValueError("a bug")

    def stores_then_refuses(**kwargs: Any) -> Any:
        db.session.add(Comment(initiative_id=initiative.id, author_id=user.id, body="x"))
        db.session.commit()
        return "no", 422

    for view, expected in ((broken, ValueError), (stores_then_refuses, AssertionError)):
        monkeypatch.setitem(app.view_functions, "initiatives.comment", view)
        probe = _probe(client, connection, _table_counts(), bodies, False, "POST", url)
        with pytest.raises(expected):
            probe(user, RESIDENT)
