"""The stemdag pages as each person sees them: labelled enums, who may edit a project,
results before they are published, the register and the paper stacks of the volunteers,
and the kinds the stemcode endpoint answers refusals with."""

from __future__ import annotations

import re
from typing import Any

import pytest
from factories.accounts import UserFactory, WijkmanagerFactory
from factories.places import WijkFactory
from factories.voting import ProjectFactory, RoundFactory
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from samenhang.enums import LabelledEnum
from samenhang.errors import DomainError, PermissionDenied
from samenhang.extensions import db
from samenhang.policies import can_check_batch, can_edit_project, require_volunteer
from samenhang.voting import counting, models, queries, services
from samenhang.voting.models import (
    BallotType,
    CodeStatus,
    PaperBatch,
    Phase,
    ProjectStatus,
    VoterRecord,
)


@pytest.fixture
def setup(db_session: Any) -> dict[str, Any]:
    wijk = WijkFactory()
    manager = WijkmanagerFactory(wijken=[wijk])
    volunteer = UserFactory()
    round_ = RoundFactory(wijk=wijk, ballot_type=BallotType.approval, min_projects=1)
    projects = [ProjectFactory(round=round_, cost_cents=c) for c in (400_000, 300_000)]
    round_.phase = Phase.voting
    services.add_volunteer(round_, volunteer, actor=manager)
    db.session.commit()
    return {
        "wijk": wijk,
        "manager": manager,
        "volunteer": volunteer,
        "round": round_,
        "projects": projects,
    }


def test_every_stemdag_enum_has_a_title_for_each_member(app: Flask) -> None:
    enums = [
        value
        for value in vars(models).values()
        if isinstance(value, type) and issubclass(value, LabelledEnum) and value is not LabelledEnum
    ]
    assert len(enums) == 10  # with JobStatus, of the count jobs
    with app.test_request_context():
        for enum in enums:
            assert all(member.label for member in enum), enum


@pytest.mark.parametrize(
    ("path", "shows"),
    [
        ("", "Voting"),  # the phase, by its title
        ("/manage", "Move to: Counting"),
        ("/edit", 'id="ballot_type-0"'),  # the ballot type, as a radio group
        ("/codes", "Codes not used"),
        ("/volunteers", "Remove"),
        ("/register", "Polling station register"),
        ("/paper", "Paper ballots"),
    ],
)
def test_the_wijkmanager_sees_every_page_of_the_round(
    client: FlaskClient, login: Any, setup: dict[str, Any], path: str, shows: str
) -> None:
    login(setup["manager"])
    page = client.get(f"/stemdag/{setup['round'].id}{path}")
    assert page.status_code == 200 and shows in page.text
    if path == "/edit":  # the round's own ballot type is the one chosen
        assert re.search(r'<input checked[^>]*id="ballot_type-0"', page.text)


def test_results_are_seen_by_the_managers_before_they_are_published(
    client: FlaskClient, login: Any, setup: dict[str, Any]
) -> None:
    round_ = setup["round"]
    round_.phase = Phase.counting
    counting.count_round(round_, actor=setup["manager"])
    db.session.commit()
    url = f"/stemdag/{round_.id}/results"
    for path in (url, f"/stemdag/{round_.id}/ballots.csv"):
        assert client.get(path).status_code == 404
    login(setup["manager"])
    page = client.get(url)
    assert page.status_code == 200 and "not published yet" in page.text
    assert "Back to managing" in page.text


def test_a_proposer_edits_their_idea_only_while_it_waits_in_the_ideas_phase(
    client: FlaskClient, login: Any, setup: dict[str, Any]
) -> None:
    round_ = RoundFactory(wijk=setup["wijk"], phase=Phase.ideas)
    proposer, other = UserFactory(wijk=setup["wijk"]), UserFactory(wijk=setup["wijk"])
    project = ProjectFactory(round=round_, proposer=proposer, status=ProjectStatus.proposed)
    db.session.commit()
    edit = f"/stemdag/{round_.id}/projects/{project.id}/edit"
    assert can_edit_project(proposer, project) and not can_edit_project(other, project)
    login(other)
    assert client.get(edit).status_code == 403
    client.post("/signout")
    login(proposer)
    assert client.get(edit).status_code == 200
    assert f'href="{edit}"' in client.get(f"/stemdag/{round_.id}").text
    round_.phase = Phase.review
    db.session.commit()
    assert client.get(edit).status_code == 403
    with pytest.raises(PermissionDenied):
        services.update_project(
            project, services.ProjectData("Nieuw", "Iets", 100, "nl"), actor=proposer
        )
    client.post("/signout")
    login(setup["manager"])
    assert client.get(edit).status_code == 200


def test_the_register_asks_for_a_code_or_an_address(
    client: FlaskClient, login: Any, setup: dict[str, Any]
) -> None:
    login(setup["volunteer"])
    response = client.post(f"/stemdag/{setup['round'].id}/register", data={"action": "check"})
    assert response.status_code == 422
    assert "or the e-mail address." in response.text


def test_whoever_voted_online_is_not_marked_for_paper(
    app: Flask, client: FlaskClient, login: Any, setup: dict[str, Any]
) -> None:
    round_ = setup["round"]
    [(_, code)] = services.generate_codes(round_, 1, actor=setup["manager"])
    db.session.commit()
    voter = app.test_client()
    voted = voter.post(
        f"/stemdag/{round_.id}/ballots", json={"code": code, "choice": [setup["projects"][0].id]}
    )
    assert voted.status_code == 201
    login(setup["volunteer"])
    marked = client.post(f"/stemdag/{round_.id}/register", data={"code": code, "action": "mark"})
    assert marked.status_code == 200 and "Has voted already" in marked.text
    paper = select(func.count(VoterRecord.id)).where(VoterRecord.channel == "paper")
    assert db.session.scalar(paper) == 0


def test_a_refused_stack_says_which_lines_cannot_be_read(
    client: FlaskClient, login: Any, setup: dict[str, Any]
) -> None:
    login(setup["volunteer"])
    response = client.post(
        f"/stemdag/{setup['round'].id}/paper",
        data={"label": "Box 1", "declared_count": "2", "lines": "1\n9"},
    )
    assert response.status_code == 422
    assert "Some lines cannot be read" in response.text and "Line 2:" in response.text
    assert "Line 1:" not in response.text
    assert db.session.scalar(select(func.count(PaperBatch.id))) == 0


def test_only_volunteers_keep_the_register_and_another_one_checks_a_stack(
    setup: dict[str, Any],
) -> None:
    round_, volunteer = setup["round"], setup["volunteer"]
    with pytest.raises(PermissionDenied):
        require_volunteer(UserFactory(), round_)
    require_volunteer(setup["manager"], round_)  # managers keep the register too
    batch = services.enter_paper_batch(
        round_,
        queries.ballot_projects(round_),
        label="Box",
        declared_count=1,
        text="1",
        actor=volunteer,
    )
    assert not can_check_batch(volunteer, round_, batch)
    assert can_check_batch(setup["manager"], round_, batch)
    assert not can_check_batch(UserFactory(), round_, batch)


@pytest.mark.parametrize(
    ("error", "status", "kind"),
    [
        (services.VotingClosed, 409, "closed"),
        (services.AlreadyVoted, 409, "already_voted"),
        (services.CodeRefused, 422, "code_refused"),
        (services.BallotError, 422, "invalid_ballot"),
        (DomainError, 422, "refused"),
    ],
)
def test_refusals_say_their_kind_and_status(error: type, status: int, kind: str) -> None:
    assert (error.status, error.kind) == (status, kind)


def test_code_figures_are_counted_per_status(setup: dict[str, Any]) -> None:
    services.generate_codes(setup["round"], 2, actor=setup["manager"])
    assert queries.code_counts(setup["round"]) == {
        CodeStatus.issued: 2,
        CodeStatus.spent: 0,
        CodeStatus.revoked: 0,
    }


def test_the_round_and_manage_pages_show_the_phases_as_numbered_steps(
    client: FlaskClient, login: Any, setup: dict[str, Any]
) -> None:
    round_ = setup["round"]
    page = client.get(f"/stemdag/{round_.id}").text
    steps = page.split('<ol class="timeline"')[1].split("</ol>")[0]
    assert steps.count("<li") == 5  # a draft is no step residents see
    current = steps.split('aria-current="step">')[1].split("</li>")[0]
    assert "Voting" in current and "Now" in current  # in words, not only in colour
    assert steps.count(">Done<") == 2  # ideas and review
    login(setup["manager"])
    manage = client.get(f"/stemdag/{round_.id}/manage").text
    steps = manage.split('<ol class="timeline"')[1].split("</ol>")[0]
    assert steps.count("<li") == 6 and "Draft" in steps  # each phase its own step
    assert 'class="phase-list"' not in manage


def test_results_page_funded_first_chart_with_names_one_table_and_why_a_click_away(
    client: FlaskClient, setup: dict[str, Any]
) -> None:
    from datetime import date

    from samenhang.voting.models import Ballot, Channel

    round_, manager = setup["round"], setup["manager"]
    big, small = setup["projects"]
    big.title, small.title = "Speeltuin Noord", "Bankjes aan de vaart"
    round_.budget_cents, round_.eligible_count = 500_000, 40
    for selection in [[big.id]] * 3 + [[small.id]] * 2:
        db.session.add(
            Ballot(
                round_id=round_.id,
                channel=Channel.online,
                selection=selection,
                cast_on=date.today(),
            )
        )
    round_.phase = Phase.counting
    db.session.flush()
    counting.count_round(round_, actor=manager)
    round_.phase = Phase.results
    db.session.commit()
    page = client.get(f"/stemdag/{round_.id}/results").text

    in_short = page.split('id="in-short-heading"')[1].split("</section>")[0]
    assert "5 people voted." in in_short and "12.5%" in in_short and "40" in in_short
    assert "the project with the most votes is funded first" in in_short
    assert page.index('id="in-short-heading"') < page.index('id="funded-heading"')

    funded = page.split('id="funded-heading"')[1].split("</section>")[0]
    assert "Speeltuin Noord" in funded and "Gets: €4,000.00" in funded
    assert "Bankjes aan de vaart" not in funded  # 3,000 more does not fit in what is left

    chart = page.split('id="chart-heading"')[1].split("</section>")[0]
    rows = chart.split('<li class="bar-row')[1:]
    assert len(rows) == 2
    assert "Speeltuin Noord</span>" in rows[0] and 'rect width="100.0"' in rows[0]
    assert "3 votes · Funded" in rows[0]
    assert "Bankjes aan de vaart</span>" in rows[1] and 'rect width="66.7"' in rows[1]
    assert "2 votes · Not funded" in rows[1]
    assert "<text" not in chart  # the names are HTML: they wrap and mirror by themselves

    assert page.count("<table") - page.split('id="who-voted-heading"')[1].count("<table") == 1
    table = page.split('id="projects-heading"')[1].split("</table>")[0]
    assert table.count("<details>") == 2 and table.count("<summary>Why?</summary>") == 2
    assert table.index("Speeltuin Noord") < table.index("Bankjes aan de vaart")
    assert 'id="who-voted-heading"' in page  # the "Who voted" section stays


def test_the_budget_ballot_adds_up_as_you_tick_with_a_deferred_self_hosted_script(
    client: FlaskClient, setup: dict[str, Any]
) -> None:
    round_ = setup["round"]
    round_.ballot_type = BallotType.knapsack
    db.session.commit()
    big, small = setup["projects"]
    page = client.get(f"/stemdag/{round_.id}/vote")
    html = page.text
    assert re.search(r'<script src="/static/js/ballot-total\.js[^"]*" defer></script>', html)
    assert "<script>" not in html and "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert f'value="{big.id}" id="project-{big.id}" data-cost="400000"' in html
    box = html.split('id="running-total"')[1].split("</div>")[0]
    assert f'data-budget="{round_.budget_cents}" data-currency="EUR"' in box
    assert 'data-sentence="Your choice costs {total} of the budget of {budget}."' in box
    assert 'data-left="Left: {left}."' in box
    with client.get("/static/js/ballot-total.js") as script:
        assert script.status_code == 200 and "dataset.sentence" in script.text
    # Without JavaScript the button asks the server, which stays the authority.
    answer = client.post(
        f"/stemdag/{round_.id}/vote",
        data={"project": [str(big.id), str(small.id)], "action": "total"},
    )
    assert answer.status_code == 200 and "Your choice costs €7,000.00" in answer.text
    # Approval ballots have no total to add up: no script.
    round_.ballot_type = BallotType.approval
    db.session.commit()
    assert "ballot-total.js" not in client.get(f"/stemdag/{round_.id}/vote").text
