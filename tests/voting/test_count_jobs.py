"""Counting a round from the manage page as a job: progress, failure reasons, city scale."""

from __future__ import annotations

from typing import Any

import pytest
from factories.accounts import WijkmanagerFactory
from factories.places import WijkFactory
from flask.testing import FlaskClient
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from samenhang.errors import DomainError
from samenhang.extensions import db
from samenhang.jobs import JobStatus
from samenhang.voting import counting
from samenhang.voting.models import CountJob, Phase, Round
from samenhang.voting.rules import read_pb, tally, write_pb
from samenhang.voting.rules.city import generate_city
from samenhang.voting.rules.explain import Explanation

VOTERS = 20_000


@pytest.fixture
def city(db_session: Any) -> dict[str, Any]:
    """A generated city of 20,000 ballots, imported, then back in the counting phase."""
    wijk = WijkFactory()
    manager = WijkmanagerFactory(wijken=[wijk])
    text = write_pb(generate_city(voters=VOTERS, projects=60, districts=6, seed=7))
    round_ = counting.import_pb(wijk, text.encode(), "city.pb", actor=manager)
    round_.phase = Phase.counting
    round_.result = None
    db.session.commit()
    return {"round": round_, "manager": manager, "text": text}


def _jobs(round_id: int) -> list[CountJob]:
    db.session.expire_all()
    return list(db.session.scalars(select(CountJob).where(CountJob.round_id == round_id)))


def test_a_20000_ballot_round_is_counted_through_the_manage_page(
    client: FlaskClient, login: Any, city: dict[str, Any]
) -> None:
    round_id = city["round"].id
    login(city["manager"])
    answer = client.post(f"/stemdag/{round_id}/count")
    assert answer.status_code == 302 and answer.location.endswith(f"/stemdag/{round_id}/results")
    [job] = _jobs(round_id)
    assert (job.status, job.stage, job.percent) == (JobStatus.done, "saving", 100)
    assert job.started_at and job.finished_at and job.error_msgid is None
    round_ = db.session.get(Round, round_id)
    expected = tally(read_pb(city["text"]), "mes-add1")
    assert round_.result["tally"]["selected"] == expected.selected
    assert round_.result["turnout"]["total"] == VOTERS
    page = client.get(f"/stemdag/{round_id}/manage", headers={"Accept-Language": "en"})
    assert "Last count:</strong> Done" in page.text
    assert '<progress max="100" value="100">' in page.text


def _refuse(round_: Round, report: Any) -> None:
    report("counting", 30)
    problem = counting._Rendered(Explanation("rule.unknown", {"rule": "x", "choices": "mes"}))
    raise DomainError(_l("The count is not possible: {problem}"), problem=problem)


@pytest.mark.parametrize(
    ("language", "says"),
    [
        ("en", "The count is not possible: Unknown rule “x”. Choose one of: mes."),
        ("nl", "Tellen is niet mogelijk"),
    ],
)
def test_a_count_that_fails_says_why_in_the_readers_language(
    client: FlaskClient,
    login: Any,
    city: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
    language: str,
    says: str,
) -> None:
    round_id = city["round"].id
    monkeypatch.setattr(counting, "_result", _refuse)
    login(city["manager"])
    answer = client.post(f"/stemdag/{round_id}/count", headers={"Accept-Language": language})
    assert answer.status_code == 302 and answer.location.endswith(
        f"/stemdag/{round_id}/manage#count-heading"
    )
    [job] = _jobs(round_id)
    assert (job.status, job.stage, job.percent) == (JobStatus.failed, "counting", 30)
    # Stored untranslated, as a message id and its parameters.
    assert job.error_msgid == "The count is not possible: {problem}"
    assert job.error_params == {
        "problem": {
            "explanation": {"code": "rule.unknown", "params": {"rule": "x", "choices": "mes"}}
        }
    }
    assert db.session.get(Round, round_id).result is None
    page = client.get(answer.location, headers={"Accept-Language": language})
    assert says in page.text
    assert page.text.count(says) == 2  # the message after the post, and the job's status


def test_an_unforeseen_error_fails_the_job_too(
    client: FlaskClient, login: Any, city: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(round_: Round, report: Any) -> None:
        raise ZeroDivisionError

    monkeypatch.setattr(counting, "_result", crash)
    login(city["manager"])
    client.post(f"/stemdag/{city['round'].id}/count")
    [job] = _jobs(city["round"].id)
    assert job.status is JobStatus.failed
    assert job.error_params == {"problem": "ZeroDivisionError"}


def test_a_round_that_is_not_closed_is_refused_before_any_job(
    client: FlaskClient, login: Any, city: dict[str, Any]
) -> None:
    city["round"].phase = Phase.voting
    db.session.commit()
    login(city["manager"])
    answer = client.post(f"/stemdag/{city['round'].id}/count", headers={"Accept-Language": "en"})
    assert answer.status_code == 302
    assert _jobs(city["round"].id) == []
