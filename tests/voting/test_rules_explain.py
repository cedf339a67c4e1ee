"""Explanations: structured, translated before they are filled in, every code has words."""

from __future__ import annotations

import ast
import io
import string
from collections.abc import Callable
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
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
from samenhang.voting.rules.explain import (
    JOIN,
    MONEY_PARAMS,
    Plural,
    Sentences,
    Template,
    template_messages,
)

pytestmark = pytest.mark.pure


def _placeholders(template: Template) -> list[str | None]:
    return [
        field
        for message in template_messages(template)
        for _, field, _, _ in string.Formatter().parse(message)
        if field is not None
    ]


def _plurals(template: Template) -> list[Plural]:
    if isinstance(template, Plural):
        return [template]
    if isinstance(template, Sentences):
        return [template.first, template.second]
    return []


@pytest.mark.parametrize("code", sorted(TEMPLATES))
def test_templates_have_named_placeholders_only(code: str) -> None:
    fields = _placeholders(TEMPLATES[code])
    assert all(field and field.isidentifier() for field in fields), fields
    for plural in _plurals(TEMPLATES[code]):
        # Both forms name the same values, and the count is one of them.
        assert set(_placeholders(plural.singular)) == set(_placeholders(plural.plural))
        assert plural.count in _placeholders(plural.singular)
    params = {field: 1234 for field in fields if field}
    assert "{" not in render(Explanation(code, params))


def test_templates_are_string_literals_babel_can_extract() -> None:
    tree = ast.parse(Path(explain_module.__file__).read_text(encoding="utf-8"))

    def calls(name: str) -> list[ast.Call]:
        return [
            node
            for node in ast.walk(tree)
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == name
        ]

    def literal(node: ast.expr) -> bool:
        return isinstance(node, ast.Constant) and isinstance(node.value, str)

    singles = [t for t in TEMPLATES.values() if isinstance(t, str)]
    plurals = [p for t in TEMPLATES.values() for p in _plurals(t)]
    assert len(calls("N_")) == len(singles) + 1  # and JOIN
    assert len(calls("Nn_")) == len(plurals)
    assert all(len(c.args) == 1 and literal(c.args[0]) for c in calls("N_"))
    assert all(len(c.args) == 3 and all(map(literal, c.args)) for c in calls("Nn_"))
    assert N_("x") == "x"


def test_render_translates_the_template_first_and_formats_after() -> None:
    seen = []
    funded = TEMPLATES["mes.funded"]
    assert isinstance(funded, Plural)

    def ngettext(singular: str, plural: str, n: int) -> str:
        seen.append((singular, plural, n))
        return "Gefinancierd: {supporters} steunden, {cost}."

    explanation = Explanation("mes.funded", {"supporters": 1204, "cost": 40_000_00, "max_share": 9})
    text = render(
        explanation, format_money=lambda cents: f"€ {cents / 100:,.0f}", ngettext=ngettext
    )
    assert seen == [(funded.singular, funded.plural, 1204)]
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


def _catalog(locale: str) -> Translations:
    """A language's catalog, compiled in memory from its .po file."""
    root = Path(__file__).resolve().parents[2] / "translations"
    with (root / locale / "LC_MESSAGES" / "messages.po").open("rb") as po:
        catalog = read_po(po, locale=locale)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer)


def _in(locale: str, explanation: Explanation) -> str:
    translations = _catalog(locale)
    return render(explanation, translations.gettext, ngettext=translations.ngettext)


def _greedy(support: int | float) -> Explanation:
    return Explanation("greedy.funded", {"support": support, "cost": 500, "left": 900})


def _too_few_points(points: int) -> Explanation:
    return Explanation("ballot.too_few_points", {"points": points, "limit": 20})


@pytest.mark.parametrize(
    ("locale", "explain", "words"),
    [
        ("en", _greedy, {1: "1 vote,", 2: "2 votes,", 5: "5 votes,", 11: "11 votes,"}),
        ("nl", _greedy, {1: "1 stem,", 2: "2 stemmen,", 5: "5 stemmen,", 11: "11 stemmen,"}),
        ("pl", _greedy, {1: "1 głos,", 2: "2 głosy,", 5: "5 głosów,", 11: "11 głosów,"}),
        ("ar", _greedy, {1: "صوت واحد (1)", 2: "صوتين (2)", 5: "5 أصوات", 11: "11 صوتًا"}),
        ("en", _too_few_points, {1: "1 point;", 2: "2 points;", 5: "5 points;", 11: "11 points;"}),
        ("nl", _too_few_points, {1: "1 punt ", 2: "2 punten ", 5: "5 punten ", 11: "11 punten "}),
        (
            "pl",
            _too_few_points,
            {1: "1 punkt.", 2: "2 punkty.", 5: "5 punktów.", 11: "11 punktów."},
        ),
        ("ar", _too_few_points, {1: "نقطة واحدة (1)", 2: "نقطتين (2)", 5: "5 نقاط", 11: "11 نقطةً"}),
    ],
)
def test_a_counted_noun_takes_the_form_its_number_needs(
    locale: str, explain: Callable[[int], Explanation], words: dict[int, str]
) -> None:
    for count, word in words.items():
        assert word in _in(locale, explain(count)), (locale, count)


def test_a_weighted_count_takes_the_form_for_fractions() -> None:
    """12.5 votes: the plural in English, "głosów" in Polish, the Arabic "other" form."""
    assert "12.5 votes," in render(_greedy(12.5))
    assert "12.5 głosów," in _in("pl", _greedy(12.5))
    assert "12.5 صوت،" in _in("ar", _greedy(12.5))


def test_two_counts_make_two_sentences_each_with_its_own_form() -> None:
    def points_count(projects: int, points: int) -> Explanation:
        return Explanation("pb.points_count", {"projects": projects, "points": points})

    assert render(points_count(1, 2)) == "The vote names 1 project. But it has 2 points."
    assert render(points_count(5, 1)) == "The vote names 5 projects. But it has 1 point."
    assert _in("nl", points_count(2, 1)) == "De stem noemt 2 projecten. Maar er staat 1 punt in."
    assert _in("pl", points_count(2, 5)) == (
        "Głos wymienia 2 projekty. Ale ma 5 wartości punktowych."
    )
    assert _in("pl", points_count(11, 1)) == (
        "Głos wymienia 11 projektów. Ale ma 1 wartość punktową."
    )
    assert _in("ar", points_count(2, 11)) == "يذكر الصوت مشروعين (2). لكن فيه 11 نقطةً."
    caps = Explanation("pb.cap_count", {"key": "budget_per_category", "found": 2, "expected": 5})
    assert render(caps) == (
        "budget_per_category has 2 amounts. It needs one for each of its 5 names."
    )
    assert _in("pl", caps) == (
        "budget_per_category ma 2 kwoty. Każda nazwa potrzebuje jednej kwoty, a jest 5 nazw."
    )


def test_comparison_note_counts_each_side_on_its_own() -> None:
    note = Explanation("comparison.mes_won", {"mes": 1, "greedy": 5})
    assert render(note) == (
        "Equal shares was compared with most votes: 1 voter preferred equal shares."
        " 5 voters preferred most votes, so equal shares is used."
    )
    polish = _in("pl", Explanation("comparison.greedy_won", {"mes": 2, "greedy": 11}))
    assert "2 osoby wolą" in polish and "11 osób woli" in polish


def test_explanations_stored_before_plurals_still_render() -> None:
    """A count keeps its explanations as code and parameters (in the round's result and in
    failed jobs); the codes and parameter names did not change, so old ones read as new."""
    stored = {"code": "mes.funded", "params": {"supporters": 1, "cost": 40, "max_share": 40}}
    assert render(Explanation(stored["code"], stored["params"])) == (
        "Funded: 1 supporter paid its cost of 40, paying at most 40."
    )
    assert Explanation(stored["code"], stored["params"]).as_dict() == stored
    assert _in("ar", Explanation(stored["code"], stored["params"])).startswith(
        "تم تمويله: دفع داعم واحد (1)"
    )


def test_without_ngettext_the_english_forms_are_used() -> None:
    """A caller that passes only `gettext` still gets a correct English sentence."""
    assert render(_greedy(1), lambda s: s) == (
        "Funded: it had 1 vote, and its cost of 500 fit in the 900 that was left."
    )
    assert JOIN == "{first} {second}"
