"""Live turnout while a round votes (issue 19): ballots by channel (the register) and by
the language of the ballot page (counters outside the database, increased only once the
ballot's transaction commits), suppressed under 10, never any part of the result; in Redis
and in the process."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from typing import Any

import pytest
from factories.accounts import WijkmanagerFactory
from factories.places import WijkFactory
from factories.voting import ProjectFactory, RoundFactory
from flask import Flask
from flask.testing import FlaskClient
from redis import Redis

from samenhang.extensions import db
from samenhang.participation.models import WijkLanguages
from samenhang.voting import live, queries, services
from samenhang.voting.models import BallotType, Eligibility, Phase
from samenhang.voting.turnout import BallotProfile

# A Redis database per xdist worker (6, 7): each worker's rounds have the same ids, and
# tests/main/test_jobs.py takes 9-14, test_two_servers.py 5, test_limits.py 15.
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
REDIS_TEST_URL = f"redis://127.0.0.1:6379/{6 + int(_WORKER or 0) % 2}"


@pytest.fixture(params=["memory", "redis"])
def store(request: pytest.FixtureRequest, app: Flask) -> Iterator[str]:
    """Fresh counters for each test: in the process, or in this worker's Redis database
    (flushed)."""
    saved = {
        key: app.config.get(key)
        for key in ("LIVE_TURNOUT_REDIS_URL", "LIVE_TURNOUT_REFRESH_SECONDS")
    }
    app.config["LIVE_TURNOUT_REFRESH_SECONDS"] = 0
    redis = None
    if request.param == "redis":
        redis = Redis.from_url(REDIS_TEST_URL)
        redis.flushdb()
        app.config["LIVE_TURNOUT_REDIS_URL"] = REDIS_TEST_URL
    app.extensions.pop(live._EXTENSION, None)
    try:
        yield request.param
    finally:
        app.extensions.pop(live._EXTENSION, None)
        app.config.update(saved)
        if redis is not None:
            redis.flushdb()


def _setup(projects: int = 3) -> dict[str, Any]:
    wijk = WijkFactory()
    manager = WijkmanagerFactory(wijken=[wijk])
    round_ = RoundFactory(
        wijk=wijk,
        phase=Phase.review,
        ballot_type=BallotType.approval,
        min_projects=1,
        max_projects=3,
        eligibility=Eligibility.codes,
        eligible_count=200,
    )
    made = [
        ProjectFactory(round=round_, title=f"Speeltuin nummer {n}", cost_cents=100_000)
        for n in range(projects)
    ]
    db.session.flush()
    services.change_phase(round_, Phase.voting, actor=manager)
    db.session.commit()
    return {"wijk": wijk, "round": round_, "manager": manager, "projects": made}


def _code(setup: dict[str, Any]) -> str:
    _, code = services.generate_codes(setup["round"], 1, actor=setup["manager"])[0]
    return code


def _cast(setup: dict[str, Any], language: str | None, project: int = 0) -> str:
    round_ = setup["round"]
    code = _code(setup)
    services.cast_ballot(
        round_,
        queries.ballot_projects(round_),
        services.Choice([setup["projects"][project].id]),
        services.Credential(code=services.find_code(round_, code)),
        age_confirmed=True,
        profile=BallotProfile(language=language),
    )
    return code


def test_a_ballot_counts_only_once_its_transaction_commits(db_session: Any, store: str) -> None:
    setup = _setup()
    round_id = setup["round"].id
    code = _cast(setup, "ar")
    assert live.counters().read(round_id) == {}  # not committed yet
    db.session.commit()
    assert live.counters().read(round_id) == {"ar": 1}

    _cast(setup, "tr")
    db.session.rollback()  # e.g. the request failed after the ballot: it never counted
    assert live.counters().read(round_id) == {"ar": 1}

    # A refused ballot (a spent code) is not counted.
    round_ = setup["round"]
    with pytest.raises(services.AlreadyVoted):
        services.cast_ballot(
            round_,
            queries.ballot_projects(round_),
            services.Choice([setup["projects"][0].id]),
            services.code_credential(round_, code),
            age_confirmed=True,
            profile=BallotProfile(language="nl"),
        )
    db.session.rollback()
    db.session.commit()
    assert live.counters().read(round_id) == {"ar": 1}
    if store == "redis":
        ttl = Redis.from_url(REDIS_TEST_URL).ttl(live.RedisCounters.key(round_id))
        assert 0 < ttl <= live.TTL_SECONDS


def test_the_stemcode_endpoint_counts_its_accept_language_or_unknown(
    db_session: Any, client: FlaskClient, store: str
) -> None:
    setup = _setup()
    round_ = setup["round"]
    url = f"/stemdag/{round_.id}/ballots"
    pick = [setup["projects"][0].id]
    code = _code(setup)
    db.session.commit()
    body = {"code": code, "choice": pick, "age_confirmed": True}
    first = client.post(url, json=body, headers={"Accept-Language": "tr-TR,tr;q=0.9"})
    assert first.status_code == 201, first.text
    other = _code(setup)
    db.session.commit()
    second = client.post(url, json={**body, "code": other}, headers={"Accept-Language": "ja"})
    assert second.status_code == 201, second.text
    # The same code again is refused: nothing more is counted.
    again = client.post(url, json=body, headers={"Accept-Language": "tr"})
    assert again.status_code == 409, again.text
    assert live.counters().read(round_.id) == {"tr": 1, "unknown": 1}


def _live_section(page: str) -> str:
    return page.split('id="live-heading"')[1].split("</section>")[0]


def test_the_manage_page_shows_live_cells_suppressed_and_no_result(
    db_session: Any, client: FlaskClient, login: Any, store: str
) -> None:
    setup = _setup()
    db.session.add(
        WijkLanguages(wijk=setup["wijk"], shares={"nl": "70", "ar": "12"}, source="Enquête")
    )
    # 12 in Dutch (7 for the first project, 5 for the second), 3 in Arabic, 11 in Turkish.
    for n in range(12):
        _cast(setup, "nl", project=0 if n < 7 else 1)
    for _ in range(3):
        _cast(setup, "ar", project=2)
    for _ in range(11):
        _cast(setup, "tr", project=2)
    db.session.commit()
    round_ = setup["round"]
    login(setup["manager"])
    page = client.get(f"/stemdag/{round_.id}/manage", headers={"Accept-Language": "en"})
    assert page.status_code == 200
    section = _live_section(page.text)
    assert "Live, updated every few minutes" in section and "the count replaces it" in section
    numbers = [int(n) for n in re.findall(r'<td class="num">(\d+)</td>', section)]
    # Turkish and Dutch; the channels hide both (no paper ballots yet, and beside the total
    # of 26 a lone hidden cell could be worked out).
    assert sorted(numbers) == [11, 12], numbers
    assert "<dd>26</dd>" in section
    arabic = re.search(r'lang="ar">[^<]*</th>(.*?)</tr>', section, re.S)
    assert arabic is not None
    assert "fewer than 10" in arabic.group(1) and "12.0%" in arabic.group(1)  # residents
    dutch = re.search(r'lang="nl">[^<]*</th>(.*?)</tr>', section, re.S)
    assert dutch is not None and "46.2%" in dutch.group(1) and "70.0%" in dutch.group(1)
    # Nothing of the result: no project, no vote per project (7, 5, 14), anywhere live.
    assert "Speeltuin" not in section
    assert not {7, 5, 14} & set(numbers)


def test_the_page_shows_a_snapshot_a_few_minutes_old(
    db_session: Any, app: Flask, store: str
) -> None:
    setup = _setup()
    for _ in range(10):
        _cast(setup, "nl")
    db.session.commit()
    app.config["LIVE_TURNOUT_REFRESH_SECONDS"] = 300
    first = live.live_turnout(setup["round"])
    assert first is not None
    _cast(setup, "nl")
    db.session.commit()
    assert live.counters().read(setup["round"].id) == {"nl": 11}
    later = live.live_turnout(setup["round"])
    assert later is not None and later.taken_at == first.taken_at
    assert [c.ballots for c in later.by_language if c.key == "nl"] == [10]


def test_the_counters_go_when_the_round_leaves_voting(
    db_session: Any, client: FlaskClient, login: Any, store: str
) -> None:
    setup = _setup()
    for _ in range(10):
        _cast(setup, "uk")
    db.session.commit()
    round_ = setup["round"]
    assert live.counters().read(round_.id) == {"uk": 10}
    services.change_phase(round_, Phase.counting, actor=setup["manager"])
    assert live.counters().read(round_.id) == {"uk": 10}  # not before the change commits
    db.session.commit()
    assert live.counters().read(round_.id) == {}
    assert live.live_turnout(round_) is None
    login(setup["manager"])
    page = client.get(f"/stemdag/{round_.id}/manage")
    assert page.status_code == 200 and 'id="live-heading"' not in page.text
    if store == "redis":
        assert Redis.from_url(REDIS_TEST_URL).keys("samenhang:live:*") == []
