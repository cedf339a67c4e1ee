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


@pytest.fixture(autouse=True)
def _rendered_each_time(no_page_cache: None) -> None:
    """The statements of rendering a page are counted, not those of a shared copy."""


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


# -- pages that list the comments of one initiative, the rounds of a wijk, the projects of
# a result, and the API's one initiative --------------------------------------------------


def _comment(initiative: Any, parent: Any = None) -> Any:
    from samenhang.initiatives.models import Comment

    comment = Comment(initiative=initiative, author=UserFactory(), body="Goed idee!", parent=parent)
    db.session.add(comment)
    return comment


def _thread(initiative: Any, count: int) -> None:
    """`count` comments, each with a reply that has a reply of its own."""
    for _ in range(count):
        top = _comment(initiative)
        _comment(initiative, _comment(initiative, top))


@pytest.mark.parametrize("path", ["/initiatives/{id}", "/api/v1/initiatives/{id}"])
def test_an_initiative_with_many_comments_issues_a_bounded_number_of_statements(
    client: FlaskClient, db_session: Any, path: str
) -> None:
    initiative = PublishedInitiativeFactory()
    _thread(initiative, 1)
    db_session.flush()
    url = path.format(id=initiative.id)
    few = _statements(client, url)
    _thread(initiative, 6)
    db_session.flush()
    many = _statements(client, url)
    assert many == few, f"{url}: {few} statements with 3 comments, {many} with 21"
    if path.startswith("/initiatives"):
        page = client.get(url).text
        assert page.count('class="comment"') == 21  # replies of replies are shown too


def _round_with_projects(wijk: Any, count: int) -> Any:
    from factories.accounts import WijkmanagerFactory
    from factories.voting import ProjectFactory, RoundFactory

    from samenhang.voting import counting
    from samenhang.voting.models import Phase

    round_ = RoundFactory(wijk=wijk)
    for _ in range(count):
        ProjectFactory(round=round_, cost_cents=100_000)
    round_.phase = Phase.counting
    db.session.flush()
    counting.count_round(round_, actor=WijkmanagerFactory(wijken=[wijk]))
    round_.phase = Phase.results
    db.session.flush()
    return round_


def test_the_results_page_renders_many_projects_with_a_bounded_number_of_statements(
    client: FlaskClient, db_session: Any
) -> None:
    from samenhang.blueprints.voting.views.public import RESULTS_CACHE

    wijk = WijkFactory()
    counts = []
    for projects in (2, 30):
        round_ = _round_with_projects(wijk, projects)
        url = f"/stemdag/{round_.id}/results"
        client.get(url, headers=TURKISH)
        RESULTS_CACHE.clear()  # count the rendering, not the cached answer
        with counted() as statements:
            assert client.get(url, headers=TURKISH).status_code == 200
        counts.append(len(statements))
        with counted() as statements:  # and the cached answer reads one row
            assert client.get(url, headers=TURKISH).status_code == 200
        assert len([s for s in statements if s.startswith("SELECT")]) == 1, statements
    RESULTS_CACHE.clear()
    # The second round of the wijk also compares its turnout with the first: one more.
    assert counts[1] <= counts[0] + 1, counts


def test_the_rounds_of_a_wijk_issue_a_bounded_number_of_statements(
    client: FlaskClient, db_session: Any
) -> None:
    wijk = WijkFactory()
    _round_with_projects(wijk, 2)
    db_session.flush()
    url = f"/g/{wijk.municipality.slug}/{wijk.slug}/stemdag"
    few = _statements(client, url)
    for _ in range(4):
        _round_with_projects(wijk, 2)
    db_session.flush()
    many = _statements(client, url)
    assert many == few, f"{url}: {few} statements with 1 round, {many} with 5"


def _campaigns(wijk: Any, count: int) -> None:
    """`count` running campaigns with a photo each, and `count` closed ones."""
    from factories.campaigns import CampaignFactory

    from samenhang.campaigns.models import CampaignPhoto, CampaignStatus
    from samenhang.db import utcnow

    for _ in range(count):
        running = CampaignFactory(initiative=PublishedInitiativeFactory(wijk=wijk))
        db.session.add(
            CampaignPhoto(
                campaign=running, position=0, stored_name=f"c{running.id}", width=8, height=6
            )
        )
        closed = CampaignFactory(initiative=PublishedInitiativeFactory(wijk=wijk))
        closed.status, closed.closed_at = CampaignStatus.failed, utcnow()
    db.session.flush()


def test_the_wijk_page_shows_many_campaigns_with_a_bounded_number_of_statements(
    client: FlaskClient, db_session: Any
) -> None:
    wijk = WijkFactory()
    _campaigns(wijk, 1)
    url = f"/g/{wijk.municipality.slug}/{wijk.slug}"
    few = _statements(client, url)
    _campaigns(wijk, 4)
    many = _statements(client, url)
    assert many == few, f"{url}: {few} statements with 2 campaigns, {many} with 10"
    page = client.get(url, headers=TURKISH).text
    assert page.count('class="campaign-card"') == 5  # the running ones
    assert "10 " in page  # every listed campaign is counted


def test_the_wijk_page_reads_what_it_shows_in_few_statements(
    client: FlaskClient, db_session: Any
) -> None:
    """The wijk page is the busiest public page: each area it shows costs one or two
    queries, none per item and none twice."""
    wijk = WijkFactory()
    _grow(wijk, 4)
    _campaigns(wijk, 2)
    url = f"/g/{wijk.municipality.slug}/{wijk.slug}"
    # 20 reads (the initiatives, their count and collections, campaigns, rounds, pots,
    # decisions, campaign figures, translations) and the test's savepoint; it was 27.
    assert _statements(client, url) <= 21
