"""A JSON endpoint answers JSON whatever goes wrong: 404, 405, 413, 429 and 500.

Two kinds of JSON endpoint: everything under `/api/`, and views marked `json_endpoint`
elsewhere (the ballot box at `/stemdag/<id>/ballots`, the payment webhook).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from samenhang.extensions import limiter


def _is_json_error(response: Any, status: int, kind: str) -> None:
    assert response.status_code == status, response.data[:200]
    assert response.mimetype == "application/json", response.data[:200]
    assert response.json["error"] == kind
    assert response.json["message"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/nothing-here",
        "/api/v1/initiatives/2147483647",
        "/stemdag/2147483647/ballots",
        "/stemdag/99999999999999999999/ballots",
    ],
)
def test_not_found_is_json(client: FlaskClient, path: str) -> None:
    method = "POST" if path.endswith("/ballots") else "GET"
    response = client.open(path, method=method, json={"code": "x", "selection": []})
    _is_json_error(response, 404, "not_found")


@pytest.mark.parametrize(
    ("path", "method"),
    [("/api/v1/initiatives", "POST"), ("/stemdag/1/ballots", "GET"), ("/webhooks/stripe", "GET")],
)
def test_method_not_allowed_is_json(client: FlaskClient, path: str, method: str) -> None:
    _is_json_error(client.open(path, method=method), 405, "method_not_allowed")


@pytest.fixture
def small_requests(app: Flask) -> Iterator[None]:
    before = app.config["MAX_CONTENT_LENGTH"]
    app.config["MAX_CONTENT_LENGTH"] = 1024
    yield
    app.config["MAX_CONTENT_LENGTH"] = before


def test_too_large_is_json(client: FlaskClient, small_requests: None) -> None:
    body = '{"code": "' + "x" * 4096 + '"}'
    response = client.post("/stemdag/1/ballots", data=body, content_type="application/json")
    _is_json_error(response, 413, "too_large")


@pytest.fixture
def one_try(app: Flask) -> Iterator[None]:
    app.config["RATELIMIT_STEMCODE"] = "1 per minute"
    limiter.reset()
    yield
    del app.config["RATELIMIT_STEMCODE"]
    limiter.reset()


def test_too_many_is_json(client: FlaskClient, one_try: None) -> None:
    from factories.voting import RoundFactory

    from samenhang.voting.models import Phase

    voting = RoundFactory(phase=Phase.voting)
    url = f"/stemdag/{voting.id}/ballots"
    first = client.post(url, json={"code": "WRONG-CODE", "selection": []})
    assert first.status_code >= 400 and first.mimetype == "application/json"
    _is_json_error(client.post(url, json={"code": "WRONG-CODE", "selection": []}), 429, "too_many")


@pytest.fixture
def failing(app: Flask) -> Iterator[Flask]:
    """The ballot box and the API list fail as an unexpected bug would, answered as in
    production (no exception handed to the test)."""
    originals = {name: app.view_functions[name] for name in ("voting.ballots", "api.initiatives")}

    def broken(**kwargs: Any) -> Any:
        raise RuntimeError("a bug")

    for name, view in originals.items():
        broken_view = _like(view, broken)
        app.view_functions[name] = broken_view
    app.config["PROPAGATE_EXCEPTIONS"] = False
    yield app
    app.config["PROPAGATE_EXCEPTIONS"] = None
    app.view_functions.update(originals)


def _like(view: Any, replacement: Any) -> Any:
    """`replacement` with the marks of `view` (json_endpoint), as the app would see it."""

    def wrapped(**kwargs: Any) -> Any:
        return replacement(**kwargs)

    wrapped.__dict__.update(view.__dict__)
    return wrapped


@pytest.mark.parametrize(
    ("path", "method"), [("/stemdag/1/ballots", "POST"), ("/api/v1/initiatives", "GET")]
)
def test_server_error_is_json(client: FlaskClient, failing: Flask, path: str, method: str) -> None:
    response = client.open(path, method=method, json={"code": "x", "selection": []})
    _is_json_error(response, 500, "server_error")
    assert "a bug" not in response.text
