"""What a resident filled in on the ballot stays filled in: the selection on the way to the
review step and back, after a refused ballot, and the age answers when the vote comes back
with an error (issue 13's rough edges). And a wijkmanager who adds a project is told what
fits a manager, not a resident's "thank you, the wijkmanager will check your idea"."""

from __future__ import annotations

import re
from typing import Any

import pytest
from factories.accounts import WijkmanagerFactory
from factories.places import WijkFactory
from factories.voting import ProjectFactory, RoundFactory
from flask.testing import FlaskClient

from samenhang.extensions import db
from samenhang.voting.models import BallotType, Eligibility, Phase


@pytest.fixture
def round_(db_session: Any) -> Any:
    round_ = RoundFactory(
        wijk=WijkFactory(),
        ballot_type=BallotType.knapsack,
        budget_cents=1_000_000,
        eligibility=Eligibility.codes,
        phase=Phase.voting,
        min_age=16,
        asks_age_band=True,
    )
    for cost in (400_000, 500_000, 300_000):
        ProjectFactory(round=round_, cost_cents=cost)
    db.session.commit()
    return round_


def _ids(round_: Any) -> list[int]:
    return [p.id for p in sorted(round_.projects, key=lambda p: p.position)]


def _checked(page: str, project_id: int) -> bool:
    tag = re.search(rf'<input[^>]*id="project-{project_id}"[^>]*>', page)
    assert tag is not None
    return " checked" in tag.group(0)


def test_the_selection_is_kept_on_the_way_to_review_and_back(
    client: FlaskClient, round_: Any
) -> None:
    first, second, third = _ids(round_)
    url = f"/stemdag/{round_.id}/vote"
    sent = client.post(url, data={"project": [str(first), str(third)], "action": "review"})
    assert sent.status_code == 302 and sent.location.endswith("/vote/review")
    review = client.get(f"{url}/review")
    assert f'name="choice" value="{first},{third}"' in review.text
    # "Change my choice" (or the browser's back button) shows the same ticks again.
    back = client.get(url)
    assert _checked(back.text, first) and _checked(back.text, third)
    assert not _checked(back.text, second)


def test_a_refused_ballot_keeps_its_ticks(client: FlaskClient, round_: Any) -> None:
    first, second, third = _ids(round_)
    over = client.post(
        f"/stemdag/{round_.id}/vote",
        data={"project": [str(first), str(second), str(third)], "action": "review"},
    )
    assert over.status_code == 422
    assert all(_checked(over.text, p) for p in (first, second, third))


def test_the_age_answers_stay_when_the_vote_comes_back_with_an_error(
    client: FlaskClient, round_: Any
) -> None:
    first = _ids(round_)[0]
    client.post(f"/stemdag/{round_.id}/vote", data={"project": [str(first)], "action": "review"})
    refused = client.post(
        f"/stemdag/{round_.id}/vote/cast",
        data={
            "choice": str(first),
            "code": "AAAA-BBBB-CCCC",
            "age_confirmed": "y",
            "age_band": "30-49",
        },
    )
    assert refused.status_code == 422
    box = re.search(r'<input[^>]*id="age_confirmed"[^>]*>', refused.text)
    assert box is not None and " checked" in box.group(0)
    band = re.search(r'<input[^>]*value="30-49"[^>]*>', refused.text)
    assert band is not None and "checked" in band.group(0)
    # Not ticked stays not ticked.
    unticked = client.post(
        f"/stemdag/{round_.id}/vote/cast", data={"choice": str(first), "code": "AAAA-BBBB-CCCC"}
    )
    box = re.search(r'<input[^>]*id="age_confirmed"[^>]*>', unticked.text)
    assert box is not None and " checked" not in box.group(0)


def test_a_wijkmanager_adding_a_project_is_told_it_is_added(
    client: FlaskClient, login: Any, round_: Any
) -> None:
    round_.phase = Phase.draft
    manager = WijkmanagerFactory(wijken=[round_.wijk])
    db.session.commit()
    login(manager)
    added = client.post(
        f"/stemdag/{round_.id}/projects/new",
        data={
            "title": "Bankjes",
            "summary": "Bij de bushalte.",
            "cost": "1500",
            "original_locale": "nl",
        },
        follow_redirects=True,
    )
    assert added.status_code == 200
    assert "The project is added." in added.text
    assert "will check your idea" not in added.text
    assert "Put on the ballot" in added.text  # on the manage page, by the new project


def _shown(page: str, prefix: str, project: int) -> str:
    """The rank chosen in a project's list, or the points in its box, as the page shows it."""
    if prefix == "rank":
        select = page.split(f'id="rank-{project}"')[1].split("</select>")[0]
        return "".join(re.findall(r'<option value="(\d*)" selected', select))
    box = re.search(rf'id="points-{project}" value="([^"]*)"', page)
    assert box is not None
    return box.group(1)


@pytest.mark.parametrize("ballot_type", [BallotType.ranking, BallotType.points])
def test_a_refused_ranking_or_points_ballot_keeps_what_was_typed(
    client: FlaskClient, round_: Any, ballot_type: BallotType
) -> None:
    round_.ballot_type, round_.max_points = ballot_type, 10
    db.session.commit()
    first, second, third = _ids(round_)
    prefix = "rank" if ballot_type is BallotType.ranking else "points"
    url = f"/stemdag/{round_.id}/vote"
    # Two projects in the same place, or negative points: refused, and shown as typed.
    typed = {first: "2", second: "2" if prefix == "rank" else "-1", third: ""}
    # A good ballot is kept as the resident put it, on the way to review and back.
    good = {first: "2", second: "1", third: ""}
    for values, status in ((typed, 422), (good, 302)):
        data = {f"{prefix}-{p}": v for p, v in values.items()} | {"action": "review"}
        answer = client.post(url, data=data)
        assert answer.status_code == status
        page = answer.text if status == 422 else client.get(url).text
        assert {p: _shown(page, prefix, p) for p in values} == values


# --- the empty ballot, kept per round and locale ------------------------------------------


def _token(page: str) -> str:
    found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', page
    )
    assert found is not None, "the ballot form carries a CSRF token"
    return found.group(1)


def test_the_empty_ballot_is_kept_but_each_visitor_gets_their_own_token(
    app: Any, round_: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Many visitors with a stemcode open the same empty ballot: it is rendered once per
    round and locale, and only the form's CSRF token is each visitor's own (and works)."""
    from samenhang.blueprints.voting.views.vote import FRESH_BALLOTS

    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    FRESH_BALLOTS.clear()
    first, second = app.test_client(), app.test_client()
    url = f"/stemdag/{round_.id}/vote"
    page_one = first.get(url).get_data(as_text=True)
    page_two = second.get(url).get_data(as_text=True)
    assert len(FRESH_BALLOTS) == 1
    token_one, token_two = _token(page_one), _token(page_two)
    assert token_one != token_two
    assert page_one.replace(token_one, "") == page_two.replace(token_two, "")
    assert "\x00" not in page_one
    # Each token belongs to its own visitor's session: swapped, the form is refused.
    chosen = {"project": str(_ids(round_)[0]), "action": "review"}
    refused = first.post(url, data={**chosen, "csrf_token": token_two})
    assert refused.status_code == 400
    sent = second.post(url, data={**chosen, "csrf_token": token_two})
    assert sent.status_code == 302 and sent.headers["Location"].endswith("/vote/review")
    FRESH_BALLOTS.clear()


def test_a_kept_choice_or_a_signed_in_voter_gets_their_own_page(
    app: Any, client: FlaskClient, round_: Any, login: Any
) -> None:
    from samenhang.blueprints.voting.views.vote import FRESH_BALLOTS

    FRESH_BALLOTS.clear()
    url = f"/stemdag/{round_.id}/vote"
    project = _ids(round_)[1]
    client.post(url, data={"project": str(project), "action": "review"})
    assert _checked(client.get(url).get_data(as_text=True), project)
    assert len(FRESH_BALLOTS) == 0  # a page with a choice is not kept
    signed_in = login(WijkmanagerFactory())
    signed_in.get(url)
    assert len(FRESH_BALLOTS) == 0
    FRESH_BALLOTS.clear()
