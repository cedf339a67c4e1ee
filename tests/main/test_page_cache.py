"""Shared public pages (blueprints/caching.py): rendered once per key and content
generation for visitors who are not signed in, never for anyone else, and new at once after
a commit that changed public content."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import TEST_CONFIG
from factories.accounts import UserFactory, WijkmanagerFactory
from factories.initiatives import InitiativeFactory, PublishedInitiativeFactory
from factories.places import WijkFactory
from flask import Flask
from flask.testing import FlaskClient

from samenhang.app import create_app
from samenhang.blueprints.caching import SharedPages
from samenhang.extensions import db
from samenhang.idempotency import IdempotencyKey
from samenhang.initiatives.models import State


@pytest.fixture
def pages(app: Flask, db_session: Any) -> SharedPages:
    found: SharedPages = app.extensions["shared_pages"]
    found.cache.clear()
    return found


def _list_url(wijk: Any) -> str:
    return f"/g/{wijk.municipality.slug}/{wijk.slug}/initiatives"


def test_a_visitor_gets_one_shared_copy_without_a_cookie(
    client: FlaskClient, pages: SharedPages
) -> None:
    wijk = WijkFactory()
    first = client.get(f"/g/{wijk.municipality.slug}/{wijk.slug}")
    assert first.status_code == 200 and len(pages.cache) == 1
    assert "Set-Cookie" not in first.headers
    assert 'name="csrf_token" value=""' in first.text  # the language switcher, tokenless
    # Anyone may keep it, but asks again: a change shows at once, unchanged is a 304.
    assert "no-cache" in first.headers["Cache-Control"]
    assert "public" in first.headers["Cache-Control"]
    second = client.get(f"/g/{wijk.municipality.slug}/{wijk.slug}")
    assert second.data == first.data and second.headers["ETag"] == first.headers["ETag"]
    again = client.get(
        f"/g/{wijk.municipality.slug}/{wijk.slug}",
        headers={"If-None-Match": first.headers["ETag"]},
    )
    assert again.status_code == 304
    assert len(pages.cache) == 1


def test_moderation_shows_at_once_on_the_anonymous_list(
    app: Flask, client: FlaskClient, login: Any, pages: SharedPages
) -> None:
    initiative = InitiativeFactory(state=State.submitted)
    url = _list_url(initiative.wijk)
    visitor = app.test_client()
    assert initiative.title not in visitor.get(url).text
    assert initiative.title not in visitor.get(url).text  # now from the shared copy
    login(WijkmanagerFactory(wijken=[initiative.wijk]))
    response = client.post(f"/initiatives/{initiative.id}/decide", data={"decision": "publish"})
    assert response.status_code == 302
    assert initiative.title in visitor.get(url).text
    assert initiative.title in visitor.get(f"/initiatives/{initiative.id}").text


def test_a_signed_in_reader_never_gets_the_shared_copy(
    client: FlaskClient, login: Any, pages: SharedPages
) -> None:
    initiative = PublishedInitiativeFactory()
    url = f"/initiatives/{initiative.id}"
    shared = client.get(url)
    assert len(pages.cache) == 1
    login(UserFactory())
    page = client.get(url)
    assert page.status_code == 200 and page.data != shared.data
    assert "Sign out" in page.text and "Sign out" not in shared.text
    assert "ETag" not in page.headers
    assert len(pages.cache) == 1  # nothing of theirs stored


def test_a_page_with_a_flashed_message_is_not_shared(
    client: FlaskClient, pages: SharedPages
) -> None:
    with client.session_transaction() as session:
        session["_flashes"] = [("info", "Alleen voor jou")]
    page = client.get("/")
    assert "Alleen voor jou" in page.text
    assert len(pages.cache) == 0
    assert "Alleen voor jou" not in client.get("/").text  # shown once, then shared
    assert len(pages.cache) == 1


@pytest.mark.parametrize("locale", ["ar", "nl"])
def test_each_language_is_its_own_copy(
    client: FlaskClient, pages: SharedPages, locale: str
) -> None:
    wijk = WijkFactory()
    url = _list_url(wijk)
    other = "nl" if locale == "ar" else "ar"
    mine = client.get(url, headers={"Accept-Language": locale})
    theirs = client.get(url, headers={"Accept-Language": other})
    assert len(pages.cache) == 2 and mine.data != theirs.data
    again = client.get(url, headers={"Accept-Language": locale})
    assert again.data == mine.data
    assert again.headers["Content-Language"] == locale
    assert f'lang="{locale}"' in again.text
    assert {"Accept-Language", "Cookie", "Accept-Encoding"} <= set(again.vary)


def test_the_query_is_part_of_the_key_in_a_fixed_order(
    client: FlaskClient, pages: SharedPages
) -> None:
    initiative = PublishedInitiativeFactory()
    url = _list_url(initiative.wijk)
    everything = client.get(url)
    searched = client.get(f"{url}?q=nergens&page=1")
    assert initiative.title in everything.text and initiative.title not in searched.text
    assert len(pages.cache) == 2
    assert client.get(f"{url}?page=1&q=nergens").data == searched.data
    assert len(pages.cache) == 2


def test_the_open_data_list_is_shared_json(client: FlaskClient, pages: SharedPages) -> None:
    initiative = PublishedInitiativeFactory()
    first = client.get("/api/v1/initiatives")
    assert first.mimetype == "application/json"
    assert [i["id"] for i in first.json["items"]] == [initiative.id]
    assert len(pages.cache) == 1
    assert client.get("/api/v1/initiatives?theme=").status_code == 400  # blanks kept
    second = PublishedInitiativeFactory(wijk=initiative.wijk)
    ids = {i["id"] for i in client.get("/api/v1/initiatives").json["items"]}
    assert ids == {initiative.id, second.id}


def test_writes_of_a_stemdag_evening_leave_the_generation(
    client: FlaskClient, login: Any, pages: SharedPages
) -> None:
    user = UserFactory()
    before = pages.generation.current()
    login(user)  # the sign-in writes last_login_at
    db.session.add(IdempotencyKey(key="k" * 32, endpoint="test"))
    db.session.commit()
    assert pages.generation.current() == before
    WijkFactory()
    assert pages.generation.current() > before


def test_the_setting_turns_it_off(database_url: str) -> None:
    app = create_app({**TEST_CONFIG, "PAGE_CACHE": False, "SQLALCHEMY_DATABASE_URI": database_url})
    assert "shared_pages" not in app.extensions


def test_a_visitor_page_holds_no_form_of_its_own_with_csrf_on(
    database_url: str, db_session: Any
) -> None:
    """Made with CSRF on (the suite turns it off): a form made for a visitor would put the
    session's token in the page, and the page could not be shared."""
    initiative = PublishedInitiativeFactory()
    app = create_app(
        {**TEST_CONFIG, "WTF_CSRF_ENABLED": True, "SQLALCHEMY_DATABASE_URI": database_url}
    )
    visitor = app.test_client()
    wijk = initiative.wijk
    for url in (
        "/",
        f"/g/{wijk.municipality.slug}",
        f"/g/{wijk.municipality.slug}/{wijk.slug}",
        _list_url(wijk),
        f"{_list_url(wijk)}?q=speeltuin",
        f"/g/{wijk.municipality.slug}/{wijk.slug}/stemdag",
        f"/initiatives/{initiative.id}",
        "/api/v1/initiatives",
    ):
        response = visitor.get(url)
        assert response.status_code == 200, url
        assert "Set-Cookie" not in response.headers and response.headers.get("ETag"), url
    assert len(app.extensions["shared_pages"].cache) == 8


def test_without_redis_answering_pages_are_rendered(app: Flask) -> None:
    from samenhang.blueprints.caching import ContentGeneration

    nowhere = ContentGeneration("redis://127.0.0.1:1/0", poll=60)
    with app.app_context():
        assert nowhere.current() is None
        nowhere.bump()  # the commit it follows stands
        assert nowhere.current() is None
