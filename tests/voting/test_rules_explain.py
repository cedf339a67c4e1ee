"""Explanations: structured, translated before they are filled in, every code has words."""

from __future__ import annotations

import ast
import string
from pathlib import Path

import pytest
from conftest import pabulib_file

from samenhang.voting.rules import (
    N_,
    TEMPLATES,
    Ballot,
    BallotLimits,
    Election,
    Explanation,
    Project,
    ballot_problems,
    read_pb_file,
    render,
    tally,
)
from samenhang.voting.rules import explain as explain_module
from samenhang.voting.rules.explain import MONEY_PARAMS

pytestmark = pytest.mark.pure


def _placeholders(template: str) -> list[str | None]:
    return [field for _, field, _, _ in string.Formatter().parse(template) if field is not None]


@pytest.mark.parametrize("code", sorted(TEMPLATES))
def test_templates_have_named_placeholders_only(code: str) -> None:
    fields = _placeholders(TEMPLATES[code])
    assert all(field and field.isidentifier() for field in fields), fields
    params = {field: 1234 for field in fields if field}
    assert "{" not in render(Explanation(code, params))


def test_templates_are_string_literals_babel_can_extract() -> None:
    tree = ast.parse(Path(explain_module.__file__).read_text(encoding="utf-8"))
    calls = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "N_"
    ]
    assert len(calls) == len(TEMPLATES)
    assert all(
        len(call.args) == 1
        and isinstance(call.args[0], ast.Constant)
        and isinstance(call.args[0].value, str)
        for call in calls
    )
    assert N_("x") == "x"


def test_render_translates_the_template_first_and_formats_after() -> None:
    seen = []

    def gettext(message: str) -> str:
        seen.append(message)
        return {TEMPLATES["mes.funded"]: "Gefinancierd: {supporters} steunden, {cost}."}[message]

    explanation = Explanation("mes.funded", {"supporters": 1204, "cost": 40_000_00, "max_share": 9})
    text = render(explanation, gettext, format_money=lambda cents: f"€ {cents / 100:,.0f}")
    assert seen == [TEMPLATES["mes.funded"]]
    assert text == "Gefinancierd: 1,204 steunden, € 40,000."


def test_only_money_is_formatted_as_money() -> None:
    explanation = Explanation("greedy.funded", {"support": 12, "cost": 500, "left": 900})
    text = render(explanation, format_money=lambda amount: f"<{amount}>")
    assert text == "Funded: it had 12 votes, and its cost of <500> fit in the <900> that was left."
    assert {"cost", "left", "max_share"} <= MONEY_PARAMS
    assert "support" not in MONEY_PARAMS


@pytest.mark.parametrize(
    ("name", "rule"),
    [
        ("Netherlands_Assen_2024.pb", None),
        ("Netherlands_Amsterdam_166.pb", None),
        ("Netherlands_Amsterdam_324.pb", None),
        ("Netherlands_Amsterdam_489.pb", "mes-add1-comparison"),
        ("Switzerland_Zurich_D10.pb", "mes-add1"),
        ("US_Stanford_Dataset_PB_Chicago_47th_Ward_2021_vote_rankings.pb", "greedy"),
    ],
)
def test_every_reason_of_a_real_count_renders(name: str, rule: str | None) -> None:
    election = read_pb_file(pabulib_file(name))
    result = tally(election, rule)
    explanations = [r.reason for r in result.projects.values()] + list(result.notes)
    explanations += result.voter_explanations(election.ballots[0])
    for explanation in explanations:
        assert set(_placeholders(TEMPLATES[explanation.code])) <= set(explanation.params)
        assert render(explanation).endswith(".")


def test_the_issue_examples_read_as_intended() -> None:
    def euro(amount: object) -> str:
        return f"€{amount:,}"

    funded = Explanation("mes.funded", {"supporters": 1204, "cost": 40000, "max_share": 33})
    assert render(funded, format_money=euro) == (
        "Funded: 1,204 supporters shared its cost of €40,000, each paying at most €33."
    )
    lost = Explanation("mes.not_affordable", {"left": 2100, "cost": 40000})
    assert render(lost, format_money=euro) == (
        "Not funded: after the funded projects, its supporters had €2,100 left of the €40,000"
        " it costs."
    )
    capped = Explanation("greedy.over_cap", {"category": "Groen"})
    assert render(capped) == "Not funded: over the category cap for Groen."


def test_ballot_problems_explain_what_breaks_the_rules() -> None:
    election = read_pb_file(pabulib_file("Switzerland_Zurich_D10.pb"))  # 1-10 points, 1-10 projects
    ok = election.ballots[0]
    assert ballot_problems(election, ok) == []
    too_many = Ballot("x", tuple(list(election.projects)[:11]), points=(1,) * 11)
    codes = [problem.code for problem in ballot_problems(election, too_many)]
    assert codes == ["ballot.too_many", "ballot.too_many_points"]
    assert render(ballot_problems(election, too_many)[0]) == (
        "Choose fewer projects: you chose 11, the maximum is 10."
    )
    unknown = Ballot("y", ("1", "999"), points=(1, 1))
    assert [p.code for p in ballot_problems(election, unknown)] == ["ballot.unknown_project"]
    knapsack = Election(100, {"a": Project("a", 60), "b": Project("b", 50)}, [])
    knapsack.limits = BallotLimits(max_sum_cost=100)
    (problem,) = ballot_problems(knapsack, Ballot("z", ("a", "b")))
    assert render(problem, format_money=lambda amount: f"€{amount}") == (
        "Your projects cost €110 together; the maximum is €100."
    )
