"""Election integrity (issue 12): the result holds every valid ballot, no round can be made
uncountable, nothing of a vote stays in the browser, the register gives nothing away, and
the smaller faults (results order, idempotent review, letters)."""

from __future__ import annotations

import io
import json
import re
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pypdf
import pytest
from factories.accounts import UserFactory, VerifiedResidentFactory, WijkmanagerFactory
from factories.places import WijkFactory
from factories.voting import ProjectFactory, RoundFactory
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from samenhang.app import create_app
from samenhang.audit.models import AuditEntry
from samenhang.config import ConfigError, build_config
from samenhang.errors import DomainError
from samenhang.extensions import db, limiter
from samenhang.voting import counting, letters, queries, services
from samenhang.voting.models import (
    Ballot,
    BallotType,
    BatchStatus,
    Channel,
    Eligibility,
    PaperBatch,
    Phase,
    ProjectStatus,
    Round,
    Rule,
)
from samenhang.voting.services import rounds


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
    db.session.commit()
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
    stored = db.session.scalar(select(func.count(Ballot.id)).where(Ballot.batch_id == batch.id))
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


# --- round settings: none can make a round uncountable ----------------------------------


def _data(**overrides: Any) -> services.RoundData:
    values: dict[str, Any] = {
        "title": "Stemdag",
        "budget_cents": 1_000_000,
        "ballot_type": BallotType.approval,
        "rule": Rule.greedy,
        "eligibility": Eligibility.codes,
        "max_projects": 3,
    }
    values.update(overrides)
    return services.RoundData(**values)


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"online_weight": Decimal("Infinity")}, "A weight must be a number above 0"),
        ({"online_weight": Decimal("NaN")}, "A weight must be a number above 0"),
        ({"paper_weight": Decimal("-Infinity")}, "A weight must be a number above 0"),
        ({"online_weight": Decimal("1e30")}, "A weight must be a number above 0"),
        ({"paper_weight": Decimal(-1)}, "A weight must be a number above 0"),
        ({"online_weight": Decimal(0)}, "A weight must be a number above 0"),
        ({"online_weight": Decimal(10_000)}, "at most 100"),
        ({"online_weight": Decimal("1.00001")}, "at most 4 decimals"),
        ({"budget_cents": 10**30}, "The budget is too large"),
        ({"budget_cents": -5}, "more than zero"),
        ({"eligible_count": 10**12}, "people who may vote"),
        ({"eligible_count": -1}, "people who may vote"),
        ({"max_projects": 10**9}, "at most (1 to 100)"),
        ({"min_projects": 4, "max_projects": 3}, "cannot be above the maximum"),
        ({"min_projects": -1}, "cannot be above the maximum"),
        ({"ballot_type": BallotType.points, "max_points": 10**9}, "(1 to 1000)"),
        ({"min_age": -1}, "between 0 and 120"),
        ({"min_age": 121}, "between 0 and 120"),
        ({"categories": [("Groen", 10**30)]}, "cap must be between zero and the budget"),
        (
            {"voting_on": date(2026, 5, 1), "counting_on": date(2026, 4, 1)},
            "follow each other in time",
        ),
        (
            {"voting_on": date(2026, 5, 1), "voting_closes_at": datetime(2026, 4, 1, 12, 0)},
            "Voting must close on or after",
        ),
    ],
)
def test_extreme_round_settings_are_refused_clearly(
    setup: dict[str, Any], settings: dict[str, Any], message: str
) -> None:
    with pytest.raises(DomainError, match=re.escape(message)):
        services.create_round(setup["wijk"], _data(**settings), actor=setup["manager"])
    round_ = setup["round"]
    round_.phase = Phase.review
    with pytest.raises(DomainError, match=re.escape(message)):
        services.update_round(round_, _data(**settings), actor=setup["manager"])


@pytest.mark.parametrize("weight", ["Infinity", "NaN", "-1", "10000", "1e30", "0.00001", "abc"])
def test_the_round_form_refuses_weights_that_are_not_usable(
    client: FlaskClient, login: Any, setup: dict[str, Any], weight: str
) -> None:
    login(setup["manager"])
    wijk = setup["wijk"]
    response = client.post(
        f"/g/{wijk.municipality.slug}/{wijk.slug}/stemdag/new",
        data={
            "title": "Stemdag",
            "budget": "10000",
            "ballot_type": "knapsack",
            "rule": "greedy",
            "eligibility": "codes",
            "online_weight": weight,
            "paper_weight": "1",
        },
    )
    assert response.status_code == 422, response.status_code
    assert db.session.scalar(select(func.count(Round.id))) == 1


def test_the_largest_allowed_settings_still_count(setup: dict[str, Any]) -> None:
    manager = setup["manager"]
    round_ = services.create_round(
        setup["wijk"],
        _data(
            budget_cents=rounds.MAX_BUDGET_CENTS,
            online_weight=Decimal(100),
            paper_weight=Decimal("0.0001"),
            eligible_count=rounds.MAX_ELIGIBLE,
            max_projects=100,
            eligibility=Eligibility.codes,
        ),
        actor=manager,
    )
    for cost in (rounds.MAX_BUDGET_CENTS, rounds.MAX_BUDGET_CENTS // 3 + 1):
        ProjectFactory(round=round_, cost_cents=cost)
    db.session.flush()
    for phase in (Phase.ideas, Phase.review):
        services.change_phase(round_, phase, actor=manager)
    key = services.change_phase(round_, Phase.voting, actor=manager)
    assert key is not None
    codes = [c for _, c in services.generate_codes(round_, 2, actor=manager)]
    projects = queries.ballot_projects(round_)
    ids = list(projects)
    for code, selection in zip(codes, ([ids[0]], [ids[1]]), strict=True):
        services.cast_ballot(
            round_,
            projects,
            services.Choice(selection=selection),
            services.code_credential(round_, code),
            age_confirmed=True,
        )
    services.change_phase(round_, Phase.counting, actor=manager)
    result = counting.count_round(
        round_, shares=[share.text for share in key.shares[:2]], actor=manager
    )
    assert result["turnout"]["total"] == 2
    assert len(result["tally"]["selected"]) == 1


def test_a_count_never_fails_with_a_server_error(
    client: FlaskClient, login: Any, setup: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    round_ = setup["round"]
    round_.phase = Phase.counting
    db.session.commit()
    # A round saved before its settings were checked: its weight cannot be counted with.
    with db.session.no_autoflush:
        round_.online_weight = Decimal("Infinity")
        with pytest.raises(DomainError, match="not a usable number"):
            counting.count_round(round_, actor=setup["manager"])
    db.session.rollback()

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise ZeroDivisionError("weights")

    monkeypatch.setattr(counting, "tally", broken)
    with pytest.raises(DomainError, match="The count is not possible"):
        counting.count_round(round_, actor=setup["manager"])
    db.session.rollback()
    login(setup["manager"])
    response = client.post(f"/stemdag/{round_.id}/count")
    assert response.status_code < 500
    assert db.session.get(Round, round_.id).result is None


# --- nothing of a vote stays behind -------------------------------------------------------


def _session_cookie(app: Flask, client: FlaskClient) -> tuple[str, dict[str, Any]]:
    cookie = client.get_cookie(app.config.get("SESSION_COOKIE_NAME", "session"))
    assert cookie is not None
    data = app.session_interface.get_signing_serializer(app).loads(cookie.value)  # type: ignore[attr-defined]
    return cookie.value, data


def _vote_with_code(client: FlaskClient, round_: Round, code: str, project_id: int) -> str:
    assert client.get(f"/stemdag/{round_.id}/vote?code={code}").status_code == 302
    cast = client.post(
        f"/stemdag/{round_.id}/vote/cast",
        data={"choice": str(project_id), "code": code, "age_confirmed": "y"},
    )
    assert cast.status_code == 303, cast.text
    page = client.get(f"/stemdag/{round_.id}/vote/receipt")
    assert page.status_code == 200
    return page.text.split('class="receipt-code" translate="no">')[1].split("<")[0].strip()


def test_the_session_cookie_holds_no_code_and_no_receipt(
    app: Flask, client: FlaskClient, setup: dict[str, Any]
) -> None:
    round_ = setup["round"]
    code = services.generate_codes(round_, 1, actor=setup["manager"])[0][1]
    db.session.commit()
    assert client.get(f"/stemdag/{round_.id}/vote?code={code}").status_code == 302
    raw, data = _session_cookie(app, client)
    plain = json.dumps(data)
    assert code not in plain and code.replace("-", "") not in plain and code not in raw
    receipt = _vote_with_code(client, round_, code, setup["projects"][0].id)
    raw, data = _session_cookie(app, client)
    plain = json.dumps(data)
    for secret in (code, receipt):
        assert secret not in plain and secret.replace("-", "") not in plain
        assert secret not in raw and secret.replace("-", "") not in raw
    # The state is there, encrypted: the receipt page still shows it to this browser.
    assert f"stemdag-{round_.id}" in data
    assert receipt in client.get(f"/stemdag/{round_.id}/vote/receipt").text


def test_signing_out_or_in_forgets_the_receipt(
    app: Flask, client: FlaskClient, login: Any, setup: dict[str, Any]
) -> None:
    round_ = setup["round"]
    first, second = (c for _, c in services.generate_codes(round_, 2, actor=setup["manager"]))
    resident = UserFactory(wijk=setup["wijk"])
    db.session.commit()
    receipt_url = f"/stemdag/{round_.id}/vote/receipt"

    # Someone votes with a code on a shared computer; the next person signs in.
    receipt = _vote_with_code(client, round_, first, setup["projects"][0].id)
    login(resident)
    page = client.get(receipt_url)
    assert page.status_code == 302 and receipt not in page.text
    assert f"stemdag-{round_.id}" not in _session_cookie(app, client)[1]

    # A signed-in voter signs out: the receipt is gone with them.
    receipt = _vote_with_code(client, round_, second, setup["projects"][1].id)
    assert receipt in client.get(receipt_url).text
    assert client.post("/signout").status_code == 302
    page = client.get(receipt_url)
    assert page.status_code == 302 and receipt not in page.text
    assert not any(k.startswith("stemdag-") for k in _session_cookie(app, client)[1])


def test_a_tampered_or_foreign_ballot_state_is_no_state(
    app: Flask, client: FlaskClient, setup: dict[str, Any]
) -> None:
    round_ = setup["round"]
    with client.session_transaction() as session:
        session[f"stemdag-{round_.id}"] = {"receipt": "ABCD-EFGH-JKMN"}  # the old format
    assert client.get(f"/stemdag/{round_.id}/vote/receipt").status_code == 302
    with client.session_transaction() as session:
        session[f"stemdag-{round_.id}"] = "gAAAAAnot-a-token"
    assert client.get(f"/stemdag/{round_.id}/vote/receipt").status_code == 302


# --- the register gives nothing away ------------------------------------------------------


def _look_up(client: FlaskClient, round_: Round, **data: str) -> Any:
    return client.post(f"/stemdag/{round_.id}/register", data={"action": "check", **data})


def test_the_register_says_nothing_about_accounts(
    client: FlaskClient, login: Any, setup: dict[str, Any]
) -> None:
    round_ = setup["round"]
    # Residents vote with their account only where the round has no letters.
    round_.eligibility = Eligibility.residents
    resident = VerifiedResidentFactory(wijk=setup["wijk"])
    elsewhere = UserFactory(wijk=WijkFactory())
    db.session.commit()
    login(setup["first"])
    assert "May vote." in _look_up(client, round_, email=resident.email).text
    answers = [
        _look_up(client, round_, email=elsewhere.email),
        _look_up(client, round_, email="nobody@example.org"),
    ]
    round_.eligibility = Eligibility.codes
    db.session.commit()
    answers.append(_look_up(client, round_, code="ABCD-EFGH-JKMN"))  # well-formed, unknown
    for answer in answers:
        assert answer.status_code == 200
        assert "Not on the register. No paper ballot." in answer.text
        for leak in ("account", "e-mail address is known", "Only residents", "revoked"):
            assert leak not in answer.text
    # The page reads the same whether the address has an account or not.
    first, second = (
        a.text.replace(elsewhere.email, "").replace("nobody@example.org", "") for a in answers[:2]
    )
    assert first == second


def test_every_look_up_is_logged_without_its_answer(
    client: FlaskClient, login: Any, setup: dict[str, Any]
) -> None:
    round_ = setup["round"]
    code = services.generate_codes(round_, 1, actor=setup["manager"])[0][1]
    resident = UserFactory(wijk=setup["wijk"])
    db.session.commit()
    login(setup["first"])
    _look_up(client, round_, email=resident.email)
    _look_up(client, round_, email="nobody@example.org")
    marked = client.post(f"/stemdag/{round_.id}/register", data={"code": code, "action": "mark"})
    assert marked.status_code == 302
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "stemdag.register_looked_up")
    ).all()
    assert len(entries) == 3
    assert {e.actor_id for e in entries} == {setup["first"].id}
    assert {e.object_id for e in entries} == {str(round_.id)}
    assert [e.after for e in entries] == [
        {"action": "check"},
        {"action": "check"},
        {"action": "mark"},
    ]
    assert not any(e.is_public for e in entries)
    text = json.dumps([e.after for e in entries])
    assert resident.email not in text and code not in text and "nobody" not in text


def test_register_look_ups_are_limited_per_volunteer(
    app: Flask,
    client: FlaskClient,
    login: Any,
    setup: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    round_ = setup["round"]
    monkeypatch.setitem(app.config, "RATELIMIT_REGISTER", "3 per minute")
    limiter.reset()
    try:
        login(setup["first"])
        for _ in range(3):
            assert _look_up(client, round_, email="nobody@example.org").status_code == 200
        assert _look_up(client, round_, email="nobody@example.org").status_code == 429
        # Reading the page is free, and another volunteer has their own allowance.
        assert client.get(f"/stemdag/{round_.id}/register").status_code == 200
        client.post("/signout")
        login(setup["second"])
        assert _look_up(client, round_, email="nobody@example.org").status_code == 200
    finally:
        limiter.reset()


# --- smaller faults -----------------------------------------------------------------------


def test_results_list_tied_projects_in_the_order_the_rule_took_them(
    client: FlaskClient, login: Any, setup: dict[str, Any]
) -> None:
    manager = setup["manager"]
    round_ = RoundFactory(
        wijk=setup["wijk"], ballot_type=BallotType.approval, min_projects=1, max_projects=3
    )
    first = ProjectFactory(round=round_, cost_cents=700_000, title="Plein", pb_id="p")
    # Created in this order (ids ascending), tied in support: the engine takes "a" first.
    later = ProjectFactory(round=round_, cost_cents=400_000, title="Bankjes", pb_id="b")
    earlier = ProjectFactory(round=round_, cost_cents=500_000, title="Aanplant", pb_id="a")
    assert later.id < earlier.id
    round_.phase = Phase.voting
    db.session.flush()
    projects = queries.ballot_projects(round_)
    codes = [c for _, c in services.generate_codes(round_, 2, actor=manager)]
    for code, other in zip(codes, (earlier, later), strict=True):
        services.cast_ballot(
            round_,
            projects,
            services.Choice(selection=[first.id, other.id]),
            services.code_credential(round_, code),
            age_confirmed=True,
        )
    services.change_phase(round_, Phase.counting, actor=manager)
    result = counting.count_round(round_, actor=manager)
    assert result["order"] == ["p", "a", "b"]
    db.session.commit()
    login(manager)
    page = client.get(f"/stemdag/{round_.id}/results").text
    listed = page.split('id="projects-heading"')[1]
    assert listed.index("Plein") < listed.index("Aanplant") < listed.index("Bankjes")


def test_reviewing_a_project_twice_changes_and_logs_nothing(
    client: FlaskClient, login: Any, setup: dict[str, Any]
) -> None:
    round_ = setup["round"]
    round_.phase = Phase.review
    project = ProjectFactory(round=round_, status=ProjectStatus.proposed, title="Moestuin")
    db.session.commit()
    manager = setup["manager"]
    assert services.review_project(project, True, "Haalbaar.", actor=manager) is True
    assert services.review_project(project, True, "Haalbaar.", actor=manager) is False
    login(manager)
    url = f"/stemdag/{round_.id}/projects/{project.id}/review"
    for _ in range(3):
        assert client.post(url, data={"decision": "accept", "reason": "Ja"}).status_code == 302
    accepted = select(func.count(AuditEntry.id)).where(
        AuditEntry.action == "stemdag.project_accepted",
        AuditEntry.object_id == str(project.id),
    )
    assert db.session.scalar(accepted) == 1
    # The page offers only the opposite decision for a project already on the ballot.
    manage = client.get(f"/stemdag/{round_.id}/manage").text
    card = manage.split(f"/projects/{project.id}/review")[1].split("</form>")[0]
    assert 'value="accept"' not in card and 'value="reject"' in card
    assert client.post(url, data={"decision": "reject", "reason": "Te duur"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(type(project), project.id).status is ProjectStatus.rejected


def _letter_text(app: Flask, context: letters.LetterContext, address: str = "") -> str:
    with app.test_request_context():
        data = letters.letters_pdf(context, [letters.Letter(3, "ABCD-EFGH-JKMN", address)])
    return pypdf.PdfReader(io.BytesIO(data)).pages[0].extract_text()


def test_letters_print_the_dates_and_whether_a_vote_can_change(app: Flask) -> None:
    base = {
        "round_title": "Stemdag",
        "wijk_name": "Korrewegwijk",
        "municipality_name": "Groningen",
        "vote_url": "https://stem.example.nl/stemdag/1/vote",
    }
    once = _letter_text(app, letters.LetterContext(**base))
    assert "change your vote" not in once
    changeable = _letter_text(
        app,
        letters.LetterContext(
            **base,
            allows_changes=True,
            opens_on=date(2026, 5, 4),
            closes_at=datetime(2026, 5, 16, 18, 0, tzinfo=UTC),
        ),
        address="Fam. de Vries|Bloemstraat 3 | 9715 CD Groningen",
    )
    flat = " ".join(changeable.split())
    assert "you can change your vote" in flat
    assert "You can vote from 4 May 2026" in flat
    assert "Voting closes on 16 May 2026" in flat
    lines = [line.strip() for line in changeable.splitlines()]
    assert "Fam. de Vries" in lines and "Bloemstraat 3" in lines and "9715 CD Groningen" in lines
    assert "|" not in changeable
    by_day = _letter_text(app, letters.LetterContext(**base, closes_on=date(2026, 5, 17)))
    assert "Voting closes on 17 May 2026" in " ".join(by_day.split())


def test_the_letters_page_prints_the_rounds_dates(
    app: Flask, client: FlaskClient, login: Any, setup: dict[str, Any]
) -> None:
    round_ = setup["round"]
    round_.allows_changes = True
    round_.voting_on = date(2026, 5, 4)
    round_.counting_on = date(2026, 5, 17)
    db.session.commit()
    login(setup["manager"])
    response = client.post(
        f"/stemdag/{round_.id}/codes", data={"addresses": "A. Bakker|Dorpsstraat 1|9999 AA Ons"}
    )
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    page = pypdf.PdfReader(io.BytesIO(response.data)).pages[0].extract_text()
    flat = " ".join(page.split())
    assert "4 May 2026" in flat and "17 May 2026" in flat and "change your vote" in flat
    assert "Dorpsstraat 1" in [line.strip() for line in page.splitlines()]


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:5000",
        "http://localhost:8000",
        "https://samenhang.localhost",
        "http://[::1]:5000",
        "",
        "stem.groningen.nl",
    ],
)
def test_production_refuses_a_local_base_url(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    monkeypatch.setenv("SAMENHANG_ENV", "production")
    monkeypatch.setenv("SAMENHANG_SECRET_KEY", "x" * 48)
    monkeypatch.setenv("SAMENHANG_BASE_URL", url)
    with pytest.raises(ConfigError, match="SAMENHANG_BASE_URL"):
        create_app()


def test_production_accepts_a_public_base_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SAMENHANG_SECRET_KEY", "x" * 48)
    config = build_config(
        Path("/tmp"),
        {"SAMENHANG_ENV": "production", "BASE_URL": "https://stem.groningen.nl"},
    )
    assert config["BASE_URL"] == "https://stem.groningen.nl"
    # Development and tests keep the local default.
    assert build_config(Path("/tmp"), {"BASE_URL": "http://127.0.0.1:5000"})
