"""Greedy and the Method of Equal Shares against pabutools, and their fine print."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pabutools.election import ApprovalBallot, ApprovalProfile, Cost_Sat, Instance
from pabutools.election import Project as ReferenceProject
from pabutools.rules import (
    exhaustion_by_budget_increase,
    greedy_utilitarian_welfare,
    method_of_equal_shares,
)

from samenhang.voting.rules import Ballot, Election, GreedyMode, Project, VoteType, mes_count, tally
from samenhang.voting.rules.mes_count import compile_profile, run_mes

pytestmark = pytest.mark.pure

#: Ids whose order as text differs from their order as numbers, as in real files.
IDS = ["1", "2", "9", "10", "11", "20"]


@st.composite
def elections(
    draw: st.DrawFn, max_budget: int = 60, weighted: bool = False, points: bool = False
) -> Election:
    ids = draw(st.lists(st.sampled_from(IDS), min_size=1, unique=True))
    projects = {p: Project(p, draw(st.integers(1, 30))) for p in ids}
    ballots = []
    for voter in range(draw(st.integers(1, 10))):
        chosen = tuple(draw(st.lists(st.sampled_from(ids), unique=True)))
        ballots.append(
            Ballot(
                voter_id=str(voter),
                projects=chosen,
                points=tuple(draw(st.integers(1, 4)) for _ in chosen) if points else (),
                weight=draw(st.sampled_from([1, 2, Fraction(1, 2)])) if weighted else 1,
            )
        )
    vote_type = VoteType.CUMULATIVE if points else VoteType.APPROVAL
    # Budgets between the cheapest project and all of them, so that counts have choices.
    costs = sorted(project.cost for project in projects.values())
    budget = draw(st.integers(costs[0], max(costs[0], min(sum(costs), max_budget))))
    return Election(budget=budget, projects=projects, ballots=ballots, vote_type=vote_type)


def _reference(election: Election) -> tuple[Instance, ApprovalProfile]:
    projects = {p: ReferenceProject(p, x.cost) for p, x in election.projects.items()}
    instance = Instance(projects.values(), budget_limit=election.budget)
    profile = ApprovalProfile(
        [ApprovalBallot([projects[p] for p in b.projects]) for b in election.ballots]
    )
    return instance, profile


def _names(allocation: object) -> list[str]:
    return sorted(project.name for project in allocation)  # type: ignore[attr-defined]


REFERENCE = settings(max_examples=200, deadline=None, database=None, derandomize=True)
#: MES counts with plain lists for small profiles and NumPy for large ones; run the
#: comparisons with each.
KERNELS = pytest.mark.parametrize("arrays_from", [10**9, 0], ids=["lists", "arrays"])


@contextmanager
def _kernel(arrays_from: int) -> Iterator[None]:
    saved, mes_count.ARRAYS_FROM = mes_count.ARRAYS_FROM, arrays_from
    try:
        yield
    finally:
        mes_count.ARRAYS_FROM = saved


@REFERENCE
@given(elections())
def test_greedy_is_pabutools_greedy_by_votes(election: Election) -> None:
    instance, profile = _reference(election)
    expected = _names(greedy_utilitarian_welfare(instance, profile, sat_class=Cost_Sat))
    # pabutools also funds projects nobody voted for when money is left; we never do.
    voted = {p for b in election.ballots for p in b.projects}
    assert tally(election, "greedy").selected == [p for p in expected if p in voted]


@KERNELS
@REFERENCE
@given(election=elections())
def test_mes_is_pabutools_mes_with_cost_utilities(arrays_from: int, election: Election) -> None:
    instance, profile = _reference(election)
    expected = _names(method_of_equal_shares(instance, profile, sat_class=Cost_Sat))
    with _kernel(arrays_from):
        assert tally(election, "mes").selected == expected


@KERNELS
@settings(max_examples=100, deadline=None, database=None, derandomize=True)
@given(election=elections(max_budget=40))
def test_mes_add1_is_pabutools_exhaustion_by_budget_increase(
    arrays_from: int, election: Election
) -> None:
    instance, profile = _reference(election)
    expected = exhaustion_by_budget_increase(
        instance,
        profile,
        method_of_equal_shares,
        {"sat_class": Cost_Sat},
        budget_step=profile.num_ballots(),
        exhaustive_stop=False,
    )
    with _kernel(arrays_from):
        assert tally(election, "mes-add1").selected == _names(expected)


def _step_by_step(election: Election) -> list[str]:
    """mes-add1 by its definition: every step counted, the last that fits wins."""
    profile = compile_profile(election)
    start = Fraction(election.budget) / Fraction(profile.total_mass)
    last = run_mes(profile, start)
    for step in range(1, election.budget + 1):
        run = run_mes(profile, start + step)
        if run.cost(profile) > election.budget:
            break
        last = run
    return sorted(profile.ids[p] for p in last.funded)


@KERNELS
@settings(max_examples=120, deadline=None, database=None, derandomize=True)
@given(election=st.one_of(elections(max_budget=120, weighted=True), elections(points=True)))
def test_mes_add1_skips_only_steps_with_the_same_outcome(
    arrays_from: int, election: Election
) -> None:
    with _kernel(arrays_from):
        assert tally(election, "mes-add1").selected == _step_by_step(election)


@settings(max_examples=60, deadline=None, database=None, derandomize=True)
@given(elections(weighted=True), st.sampled_from(["greedy", "mes", "mes-add1"]))
def test_a_weight_of_two_counts_as_two_voters(election: Election, rule: str) -> None:
    copies = [
        Ballot(f"{b.voter_id}.{i}", b.projects)
        for b in election.ballots
        for i in range(int(b.weight * 2))
    ]
    doubled = [Ballot(b.voter_id, b.projects, weight=b.weight * 2) for b in election.ballots]
    weighted = Election(election.budget, election.projects, doubled)
    unweighted = Election(election.budget, election.projects, copies)
    assert tally(weighted, rule).selected == tally(unweighted, rule).selected


def _election(budget: int, costs: dict[str, int], votes: list[str]) -> Election:
    projects = {p: Project(p, cost, name=f"Project {p}") for p, cost in costs.items()}
    ballots = [Ballot(str(i), tuple(vote.split())) for i, vote in enumerate(votes)]
    return Election(budget=budget, projects=projects, ballots=ballots)


def test_an_exact_tie_that_floating_point_would_break_the_wrong_way() -> None:
    # Shares of 13/3. After project 0 (1/3 each) every voter has exactly 4 left, but
    # 13/3 - 1/3 is 3.9999999999999996 in floating point. Then project 2 (8, two voters)
    # looks cheaper than project 1 (1, two voters), while both cost exactly half their price
    # per unit of utility: a tie that 1 wins as the smaller id. pabutools agrees.
    assert 13 / 3 - 1 / 3 < 4
    election = _election(13, {"0": 1, "1": 1, "2": 8, "3": 14}, ["3 2 1 0", "0 1 3 2", "0"])
    assert tally(election, "mes").selected == ["0", "1"]


def test_ties_go_to_the_smaller_id_as_text() -> None:
    election = _election(10, {"9": 10, "10": 10}, ["9 10", "9 10"])
    assert tally(election, "mes").selected == ["10"]
    assert tally(election, "greedy").selected == ["10"]


def test_greedy_modes_and_the_reasons_they_give() -> None:
    election = _election(10, {"a": 4, "b": 7, "c": 3, "d": 5}, ["a b c d", "a b c", "a b", "a"])
    skip = tally(election, "greedy")
    assert skip.funding_order == ("a", "c")
    assert skip.projects["b"].reason.code == "greedy.too_expensive"
    assert skip.projects["b"].reason.params == {"support": 3, "cost": 7, "left": 6}
    stop = tally(election, "greedy", GreedyMode.STOP)
    assert stop.funding_order == ("a",)
    assert stop.projects["c"].reason.code == "greedy.stopped"
    assert stop.projects["c"].reason.params["blocker"] == "Project b"


def test_category_caps_greedy_stop_within_each_category() -> None:
    election = _election(20, {"a": 6, "b": 6, "c": 2, "d": 5}, ["a b c d", "a b c", "a b", "a"])
    categories = {"a": "Groen", "b": "Groen", "c": "Groen", "d": "Jeugd"}
    election.projects = {
        p: Project(p, x.cost, x.name, (categories[p],)) for p, x in election.projects.items()
    }
    caps = {"Groen": 10, "Jeugd": 10}
    skip = tally(election, "greedy", category_budgets=caps)
    assert skip.selected == ["a", "c", "d"]
    assert skip.projects["b"].reason.code == "greedy.over_cap"
    assert skip.projects["b"].reason.params["category"] == "Groen"
    stop = tally(election, "greedy", GreedyMode.STOP, caps)
    assert stop.selected == ["a", "d"]
    assert stop.projects["c"].reason.code == "greedy.category_stopped"


def test_mes_explanations() -> None:
    # Shares of 6: a costs its three supporters 4 each; then c's supporters have 2 + 6 left
    # of its 9, and b's have 2 + 6 + 6 of its 20.
    election = _election(30, {"a": 12, "b": 20, "c": 9}, ["a b", "a c", "a", "b c", "b"])
    result = tally(election, "mes")
    assert result.selected == ["a"]
    assert result.projects["a"].reason.code == "mes.funded"
    assert result.projects["a"].reason.params == {"supporters": 3, "cost": 12, "max_share": 4}
    assert result.projects["c"].reason.code == "mes.not_affordable"
    assert result.projects["c"].reason.params == {"left": 8, "cost": 9}
    assert result.projects["b"].reason.params == {"left": 14, "cost": 20}
    voter = result.voter_explanations(election.ballots[0])
    assert [(e.code, dict(e.params)) for e in voter] == [
        ("voter.share", {"amount": 12, "spent": 12}),
        ("voter.funded_count", {"funded": 1, "chosen": 2}),
    ]


def test_comparison_keeps_greedy_when_more_voters_prefer_it() -> None:
    # Equal shares funds c; most votes funds a, which two of the three voters prefer.
    election = _election(10, {"a": 9, "b": 3, "c": 7}, ["a c", "b c", "a"])
    assert tally(election, "mes-add1").selected == ["c"]
    result = tally(election, "mes-add1-comparison")
    assert result.selected == ["a"]
    assert result.details["comparison"] == {
        "mes": 1,
        "greedy": 2,
        "no_preference": 0,
        "winner": "greedy",
    }
    assert [note.code for note in result.notes] == ["comparison.greedy_won"]


def test_points_rankings_and_free_projects() -> None:
    projects = {"a": Project("a", 6), "b": Project("b", 6), "free": Project("free", 0)}
    ballots = [
        Ballot("1", ("a", "b"), points=(1, 5)),
        Ballot("2", ("a", "free"), points=(3, 1)),
        Ballot("3", ("b",), points=(2,)),
    ]
    cumulative = Election(10, projects, ballots, vote_type=VoteType.CUMULATIVE)
    assert tally(cumulative, "greedy").funding_order == ("b", "free")
    assert tally(cumulative, "mes").selected == ["b", "free"]
    ranked = Election(10, projects, [Ballot("1", ("a", "b")), Ballot("2", ("b", "a"))])
    ranked.vote_type = VoteType.ORDINAL
    assert tally(ranked, "greedy").projects["a"].reason.params["support"] == 3
    assert tally(ranked, "greedy").projects["a"].reason.code == "greedy.funded.points"
