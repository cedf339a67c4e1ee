"""Election integrity (issue 12): the result holds every valid ballot, no round can be made
uncountable, nothing of a vote stays in the browser, the register gives nothing away, and
the smaller faults (results order, idempotent review, letters)."""

from __future__ import annotations

from typing import Any

import pytest
from factories.accounts import UserFactory, WijkmanagerFactory
from factories.places import WijkFactory
from factories.voting import ProjectFactory, RoundFactory
from flask.testing import FlaskClient
from sqlalchemy import func, select

from samenhang.errors import DomainError
from samenhang.extensions import db
from samenhang.voting import counting, queries, services
from samenhang.voting.models import (
    Ballot,
    BallotType,
    BatchStatus,
    Channel,
    PaperBatch,
    Phase,
    Round,
)


@pytest.fixture
def setup(db_session: Any) -> dict[str, Any]:
    wijk = WijkFactory()
    manager = WijkmanagerFactory(wijken=[wijk])
    round_ = RoundFactory(
        wijk=wijk, ballot_type=BallotType.knapsack, min_projects=None, max_projects=None
    )
    projects = [ProjectFactory(round=round_, cost_cents=c) for c in (400_000, 300_000, 500_000)]
    round_.phase = Phase.voting
    first, second = UserFactory(), UserFactory()
    db.session.commit()
    services.add_volunteer(round_, first, actor=manager)
    services.add_volunteer(round_, second, actor=manager)
    return {
        "wijk": wijk,
        "manager": manager,
        "round": round_,
        "projects": projects,
        "first": first,
        "second": second,
    }


def _enter(setup: dict[str, Any], text: str, count: int | None = None) -> PaperBatch:
    round_ = setup["round"]
    lines = [line for line in text.splitlines() if line.strip()]
    return services.enter_paper_batch(
        round_,
        queries.ballot_projects(round_),
        label="Box 1",
        declared_count=count if count is not None else len(lines),
        text=text,
        actor=setup["first"],
    )


# --- paper: every valid ballot, invalid ones in the turnout -----------------------------


def test_invalid_paper_ballots_count_in_the_turnout_not_in_the_tally(
    setup: dict[str, Any],
) -> None:
    round_ = setup["round"]
    # "1 2 3" costs more than the budget, "x" is a spoilt ballot: both invalid, the stack
    # is saved all the same.
    batch = _enter(setup, "1\n1 2 3\nx\n2 3")
    assert (batch.entered_count, batch.invalid_count) == (4, 2)
    stored = db.session.scalar(
        select(func.count(Ballot.id)).where(Ballot.batch_id == batch.id)
    )
    assert stored == 2
    services.decide_paper_batch(batch, confirm=True, actor=setup["second"])
    assert queries.paper_counts(round_)["invalid"] == 2
    services.change_phase(round_, Phase.counting, actor=setup["manager"])
    result = counting.count_round(round_, actor=setup["manager"])
    turnout = result["turnout"]
    assert (turnout["total"], turnout["paper"], turnout["invalid"]) == (4, 4, 2)
    # The tally has the two valid ballots only.
    assert len(counting.build_election(round_).ballots) == 2
    assert sum(result["votes"].values()) == 3


def test_an_over_budget_paper_ballot_is_explained_to_the_volunteer(
    setup: dict[str, Any],
) -> None:
    round_ = setup["round"]
    reading = services.read_paper_lines(round_, queries.ballot_projects(round_), "1 2 3\nx\n2")
    assert len(reading.ballots) == 1 and not reading.problems
    (line, why), (marked, _) = reading.invalid
    assert (line, marked) == (1, 2)
    assert "cost more than the budget" in why
    # Addressed to the volunteer, not to a voter ("Remove a project" / "you").
    assert "Remove" not in why and "you" not in why.lower().split()


def test_a_typing_mistake_still_refuses_the_stack(setup: dict[str, Any]) -> None:
    with pytest.raises(services.BatchError) as refused:
        _enter(setup, "1\n9")
    assert refused.value.lines[0][0] == 2
    assert db.session.scalar(select(func.count(PaperBatch.id))) == 0


def test_paper_is_refused_once_counting_has_started(setup: dict[str, Any]) -> None:
    round_ = setup["round"]
    waiting = _enter(setup, "1\n2")
    # A stack still waiting for its check keeps the round from counting: it would never count.
    with pytest.raises(DomainError, match="waiting for a check"):
        services.change_phase(round_, Phase.counting, actor=setup["manager"])
    services.decide_paper_batch(waiting, confirm=True, actor=setup["second"])
    late = _enter(setup, "3")
    services.decide_paper_batch(late, confirm=False, reason="Dubbel", actor=setup["second"])
    services.change_phase(round_, Phase.counting, actor=setup["manager"])
    with pytest.raises(DomainError, match="Counting has started"):
        _enter(setup, "1")
    counting.count_round(round_, actor=setup["manager"])
    services.change_phase(round_, Phase.results, actor=setup["manager"])
    with pytest.raises(DomainError, match="Counting has started"):
        _enter(setup, "1")
    assert round_.result is not None
    assert round_.result["turnout"]["paper"] == 2


def test_confirming_after_the_vote_is_refused(setup: dict[str, Any]) -> None:
    round_ = setup["round"]
    batch = _enter(setup, "1\n2")
    # Forced past the guard (as an old database might be): the stack cannot be confirmed.
    round_.phase = Phase.counting
    db.session.flush()
    with pytest.raises(DomainError, match="Counting has started"):
        services.decide_paper_batch(batch, confirm=True, actor=setup["second"])
    assert db.session.get(PaperBatch, batch.id).status is BatchStatus.entered


def test_more_paper_than_the_register_handed_out_is_a_warning(
    client: FlaskClient, login: Any, setup: dict[str, Any]
) -> None:
    round_ = setup["round"]
    code = services.generate_codes(round_, 1, actor=setup["manager"])[0][1]
    services.mark_voted_on_paper(
        round_, services.register_credential(round_, code=code), actor=setup["first"]
    )
    db.session.commit()
    login(setup["first"])
    response = client.post(
        f"/stemdag/{round_.id}/paper",
        data={"label": "Box 1", "declared_count": "3", "lines": "1\nx\n2"},
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert "2 more paper ballots than the register handed out" in response.text
    assert "1 ballot of this stack is invalid" in response.text
    assert db.session.scalar(select(func.count(PaperBatch.id))) == 1
    assert queries.paper_counts(round_)["over_register"] == 2


def test_the_manage_page_and_results_show_invalid_ballots(
    client: FlaskClient, login: Any, setup: dict[str, Any]
) -> None:
    round_ = setup["round"]
    batch = _enter(setup, "1\nx\nx")
    services.decide_paper_batch(batch, confirm=True, actor=setup["second"])
    services.change_phase(round_, Phase.counting, actor=setup["manager"])
    counting.count_round(round_, actor=setup["manager"])
    db.session.commit()
    login(setup["manager"])
    manage = client.get(f"/stemdag/{round_.id}/manage")
    assert "of which invalid: 2" in manage.text
    results = client.get(f"/stemdag/{round_.id}/results")
    assert results.status_code == 200
    assert "Invalid" in results.text and "of which invalid: 2" in results.text


def test_online_ballots_are_not_touched_by_paper_rules(setup: dict[str, Any]) -> None:
    # Sanity: the channel of paper ballots is paper, online ones stay online.
    batch = _enter(setup, "1")
    rows = db.session.scalars(select(Ballot).where(Ballot.batch_id == batch.id)).all()
    assert [r.channel for r in rows] == [Channel.paper]
    assert db.session.get(Round, setup["round"].id).phase is Phase.voting
