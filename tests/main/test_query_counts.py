"""The number of SQL statements of a public page does not grow with what it lists (no N+1):
each page is read with a few rows and with many more, and must issue the same number."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from factories.accounts import UserFactory
from factories.initiatives import PublishedInitiativeFactory
from factories.places import WijkFactory
from flask.testing import FlaskClient
from sqlalchemy import event

from samenhang.extensions import db


@contextmanager
def counted() -> Iterator[list[str]]:
    statements: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def _statements(client: FlaskClient, path: str) -> int:
    client.get(path, headers=TURKISH)  # warm caches that are filled once per process
    with counted() as statements:
        assert client.get(path, headers=TURKISH).status_code == 200, path
    return len(statements)


#: A reader whose language is not the initiatives', so their translations are looked up.
TURKISH = {"Accept-Language": "tr"}


def _grow(wijk: Any, count: int) -> None:
    for _ in range(count):
        author = UserFactory(wijk=wijk)
        PublishedInitiativeFactory(wijk=wijk, author=author)


PAGES: list[Callable[[Any], str]] = [
    lambda wijk: "/",
    lambda wijk: f"/g/{wijk.municipality.slug}/{wijk.slug}",
    lambda wijk: f"/g/{wijk.municipality.slug}/{wijk.slug}/initiatives",
    lambda wijk: f"/g/{wijk.municipality.slug}",
    lambda wijk: "/api/v1/initiatives",
]


@pytest.mark.parametrize("page", range(len(PAGES)))
def test_public_pages_issue_a_bounded_number_of_statements(
    client: FlaskClient, db_session: Any, page: int
) -> None:
    wijk = WijkFactory()
    _grow(wijk, 2)
    db_session.flush()
    path = PAGES[page](wijk)
    few = _statements(client, path)
    _grow(wijk, 8)
    WijkFactory(municipality=wijk.municipality)
    db_session.flush()
    many = _statements(client, path)
    assert many == few, f"{path}: {few} statements with 2 initiatives, {many} with 10"
