"""Bad input is the client's mistake: a clear 4xx, never a 500, nothing stored."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from samenhang.app import create_app


@pytest.mark.parametrize(
    "path",
    [
        "/initiatives/99999999999999999999",
        "/initiatives/2147483648",
        "/stemdag/2147483648",
        "/bewonersbudgetten/pots/99999999999999999999",
        "/api/v1/initiatives/2147483648",
    ],
)
def test_ids_beyond_the_database_are_not_found(client: Any, path: str) -> None:
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("page", ["0", "-1", "abc", "99999999999999999999"])
def test_a_page_number_out_of_range_is_a_bad_request(client: Any, page: str) -> None:
    from factories.places import WijkFactory

    wijk = WijkFactory()
    url = f"/g/{wijk.municipality.slug}/{wijk.slug}/initiatives?page={page}"
    assert client.get(url).status_code == 400


def test_nul_bytes_are_refused_before_the_database(client: Any) -> None:
    from factories.places import WijkFactory

    wijk = WijkFactory()
    url = f"/g/{wijk.municipality.slug}/{wijk.slug}/initiatives?q=a%00"
    assert client.get(url).status_code == 400
    assert client.post("/signin", data={"email": "a\x00@b.nl", "password": "x"}).status_code == 400


def test_deeply_nested_json_is_refused_as_json(client: Any) -> None:
    response = client.post(
        "/stemdag/1/ballots", data="[" * 100_000, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json["error"] == "bad_request"


def test_json_endpoints_answer_json_for_every_error(client: Any) -> None:
    assert client.get("/api/v1/nothing-here").json["error"] == "not_found"
    assert client.post("/api/v1/initiatives").json["error"] == "method_not_allowed"


@pytest.fixture
def unreachable(tmp_path: Any) -> Flask:
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x",
            "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://nobody@127.0.0.1:9/none",
            "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"connect_timeout": 1}},
        }
    )
    return app


def test_a_database_that_is_down_answers_503_with_retry_after(unreachable: Flask) -> None:
    client = unreachable.test_client()
    page = client.get("/", headers={"Accept-Language": "en"})
    assert page.status_code == 503
    assert page.headers["Retry-After"] == "30"
    assert "try again later" in page.text
    api = client.get("/api/v1/initiatives")
    assert api.status_code == 503 and api.json["error"] == "unavailable"
    assert client.get("/healthz").status_code == 503
