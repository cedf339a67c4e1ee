"""Every route of the app, every method, every role: let through or refused as declared.

Walks `app.url_map`, so a new route without an entry in `table.ACCESS` fails here. For each
route one world is built, then each role in turn asks for it, each request inside a
savepoint rolled back afterwards, so what one role changes (closing a pot, removing a panel
member) never decides the answer to the next.
"""

from __future__ import annotations

from typing import Any

import pytest
from access.table import ACCESS, Access
from access.world import ROLES, World, build_world
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.routing import Rule

from samenhang.app import create_app
from samenhang.extensions import limiter

pytestmark = pytest.mark.slow


def _routes() -> list[tuple[str, str, str]]:
    """(endpoint, method, rule) of every route, from an app built only to read its map."""
    app = create_app({"SECRET_KEY": "url-map", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    routes = []
    for rule in app.url_map.iter_rules():
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            routes.append((rule.endpoint, method, rule.rule))
    return sorted(set(routes))


ROUTES = _routes()


def test_every_route_is_in_the_table() -> None:
    declared = set(ACCESS)
    present = {(endpoint, method) for endpoint, method, _ in ROUTES}
    missing = sorted(present - declared)
    assert not missing, f"add these routes to tests/access/table.py: {missing}"
    assert not sorted(declared - present), "the table names routes that no longer exist"


def _url(app: Flask, rule_text: str, endpoint: str, world: World, access: Access) -> str:
    rule = next(
        r for r in app.url_map.iter_rules() if r.endpoint == endpoint and r.rule == rule_text
    )
    values = {**world.values, **(access.values(world) if access.values else {})}
    wanted = {name: values[name] for name in rule.arguments}
    return _build(app, rule, wanted)


def _build(app: Flask, rule: Rule, values: dict[str, Any]) -> str:
    with app.test_request_context():
        adapter = app.url_map.bind("localhost")
        return adapter.build(rule.endpoint, values, method=None, force_external=False)


def _sign_in(client: FlaskClient, user: Any) -> None:
    with client.session_transaction() as session:
        session.clear()
        if user is not None:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True


def _refused(response: Any) -> bool:
    if response.status_code in (401, 403, 404):
        return True
    location = response.headers.get("Location", "")
    return response.status_code in (301, 302, 303) and "/signin" in location


@pytest.fixture(autouse=True)
def _no_limits(app: Flask) -> Any:
    limiter.enabled = False
    yield
    limiter.enabled = True


@pytest.mark.parametrize(
    ("endpoint", "method", "rule"), ROUTES, ids=[f"{m} {e}" for e, m, _ in ROUTES]
)
def test_route_answers_each_role_as_declared(
    app: Flask,
    client: FlaskClient,
    db_session: Any,
    outbox: list[Any],
    endpoint: str,
    method: str,
    rule: str,
) -> None:
    access = ACCESS[(endpoint, method)]
    world = build_world(outbox)
    db_session.commit()
    url = _url(app, rule, endpoint, world, access)
    connection = db_session.get_bind()
    wrong = []
    for role in ROLES:
        _sign_in(client, world.users[role])
        savepoint = connection.begin_nested()
        response = client.open(
            url, method=method, data=access.data or None, json=access.json, follow_redirects=False
        )
        savepoint.rollback()
        response.close()
        assert response.status_code != 500, f"{role}: 500 on {method} {url}"
        if _refused(response) == (role in access.allowed):
            expected = "let through" if role in access.allowed else "refused"
            wrong.append(f"{role}: {response.status_code} (expected {expected})")
    assert not wrong, f"{method} {url}: " + "; ".join(wrong)
