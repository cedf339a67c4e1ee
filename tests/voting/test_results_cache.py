"""The published results page is rendered once per round, locale and count, and answered
with HTTP caching: ETag, Last-Modified, 304, no cookie on the shared answer."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from typing import Any

import pytest
from factories.accounts import WijkmanagerFactory
from factories.places import WijkFactory
from factories.voting import ProjectFactory, RoundFactory
from flask.testing import FlaskClient
from sqlalchemy import event

from samenhang.blueprints.voting.views.public import RESULTS_CACHE
from samenhang.extensions import db
from samenhang.voting import counting
from samenhang.voting.models import BallotType, Phase, Round


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    RESULTS_CACHE.clear()
    yield
    RESULTS_CACHE.clear()


@pytest.fixture
def published(db_session: Any) -> dict[str, Any]:
    wijk = WijkFactory()
    manager = WijkmanagerFactory(wijken=[wijk])
    round_ = RoundFactory(wijk=wijk, ballot_type=BallotType.approval, min_projects=1)
    for cost in (400_000, 300_000):
        ProjectFactory(round=round_, cost_cents=cost)
    round_.phase = Phase.counting
    counting.count_round(round_, actor=manager)
    round_.phase = Phase.results
    db.session.commit()
    return {"round": round_, "manager": manager, "url": f"/stemdag/{round_.id}/results"}


def test_an_anonymous_reader_gets_a_shared_answer_without_a_cookie(
    client: FlaskClient, published: dict[str, Any]
) -> None:
    first = client.get(published["url"])
    assert first.status_code == 200
    assert "Set-Cookie" not in first.headers
    assert first.headers["Cache-Control"] in ("public, max-age=60", "max-age=60, public")
    assert first.headers["ETag"] and first.headers["Last-Modified"]
    assert 'name="csrf_token" value=""' in first.text  # no session's token in a shared page
    assert len(RESULTS_CACHE) == 1
    second = client.get(published["url"])
    assert second.data == first.data and second.headers["ETag"] == first.headers["ETag"]
    assert "Set-Cookie" not in second.headers


def test_conditional_requests_get_304(client: FlaskClient, published: dict[str, Any]) -> None:
    first = client.get(published["url"])
    etag = first.headers["ETag"]
    again = client.get(published["url"], headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    since = client.get(
        published["url"], headers={"If-Modified-Since": first.headers["Last-Modified"]}
    )
    assert since.status_code == 304
    other = client.get(published["url"], headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200


def test_gzip_is_served_from_the_cache(client: FlaskClient, published: dict[str, Any]) -> None:
    plain = client.get(published["url"])
    packed = client.get(published["url"], headers={"Accept-Encoding": "gzip"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.data) == plain.data
    assert packed.headers["ETag"] != plain.headers["ETag"]
    assert (
        client.get(
            published["url"],
            headers={"Accept-Encoding": "gzip", "If-None-Match": packed.headers["ETag"]},
        ).status_code
        == 304
    )


def test_each_locale_has_its_own_entry(client: FlaskClient, published: dict[str, Any]) -> None:
    dutch = client.get(published["url"], headers={"Accept-Language": "nl"})
    english = client.get(published["url"], headers={"Accept-Language": "en"})
    assert 'lang="nl"' in dutch.text and 'lang="en"' in english.text
    assert dutch.headers["ETag"] != english.headers["ETag"]
    assert len(RESULTS_CACHE) == 2


def test_a_recount_is_a_new_entry(client: FlaskClient, published: dict[str, Any]) -> None:
    round_: Round = published["round"]
    first = client.get(published["url"])
    project = round_.projects[0]
    old_title = project.title
    assert old_title in first.text
    project.title = "A new name for the project"
    db.session.commit()
    cached = client.get(published["url"])
    assert old_title in cached.text and "A new name" not in cached.text  # served from the cache
    round_.phase = Phase.counting
    counting.count_round(round_, actor=published["manager"])
    round_.phase = Phase.results
    db.session.commit()
    again = client.get(published["url"], headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 200  # rendered again for the new count
    assert "A new name for the project" in again.text
    assert again.headers["ETag"] != first.headers["ETag"]
    assert len(RESULTS_CACHE) == 2


def test_a_hit_reads_nothing_until_the_content_changes(
    client: FlaskClient, published: dict[str, Any]
) -> None:
    """The moment of the count is remembered per content generation: a crowd of readers
    costs the database nothing, and a publication or recount (a write) is seen at once."""
    statements: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    assert client.get(published["url"]).status_code == 200
    engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        assert client.get(published["url"]).status_code == 200
        assert statements == []
        round_: Round = published["round"]
        round_.phase = Phase.counting
        counting.count_round(round_, actor=published["manager"])
        round_.phase = Phase.results
        db.session.commit()
        statements.clear()
        assert client.get(published["url"]).status_code == 200
        assert statements  # the new count was looked up
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert len(RESULTS_CACHE) == 2


def test_signed_in_readers_get_their_own_page(
    client: FlaskClient, login: Any, published: dict[str, Any]
) -> None:
    client.get(published["url"])  # a shared entry exists
    login(published["manager"])
    page = client.get(published["url"])
    assert page.status_code == 200
    assert "Sign out" in page.text and "Sign in" not in page.text
    assert "public" not in page.headers.get("Cache-Control", "")
    assert 'name="csrf_token" value=""' not in page.text


def test_the_manager_preview_is_never_cached(
    client: FlaskClient, login: Any, published: dict[str, Any]
) -> None:
    round_ = published["round"]
    round_.phase = Phase.counting
    db.session.commit()
    login(published["manager"])
    page = client.get(published["url"])
    assert "not published yet" in page.text
    assert len(RESULTS_CACHE) == 0


def test_the_language_switcher_works_from_a_shared_page(
    client: FlaskClient, published: dict[str, Any]
) -> None:
    client.get(published["url"])
    switched = client.post(
        "/language", data={"locale": "en", "next": published["url"], "csrf_token": ""}
    )
    assert switched.status_code == 302
    assert "locale=en" in switched.headers["Set-Cookie"]


def test_a_signed_in_user_still_needs_the_csrf_token_to_switch(
    app: Any, client: FlaskClient, login: Any, published: dict[str, Any]
) -> None:
    login(published["manager"])
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        refused = client.post("/language", data={"locale": "en", "next": "/"})
        assert refused.status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
