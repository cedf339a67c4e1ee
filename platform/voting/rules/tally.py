"""Count an election with a rule: the one entry point the web layer and the CLI use."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from samenhang.voting.rules.ballots import ballot_columns
from samenhang.voting.rules.election import (
    Ballot,
    CategoryCaps,
    Election,
    GreedyMode,
    Leftover,
    Number,
)
from samenhang.voting.rules.explain import Explanation, number_param, render
from samenhang.voting.rules.greedy import RuleOutcome, greedy
from samenhang.voting.rules.mes import mes, mes_add1, pairwise_preference

RULES = ("greedy", "mes", "mes-add1", "mes-add1-comparison")
#: The pabulib META `rule` values we know, and the rule that counts them. Anything else
#: ("unknown" in Budapest and Zurich) is counted with greedy.
META_RULES = {
    "greedy": "greedy",
    "equalshares": "mes",
    "equalshares/add1": "mes-add1",
    "equalshares/add1-comparison": "mes-add1-comparison",
}


class RuleError(ValueError):
    """A count that cannot be done as asked (an unknown rule, a cap for no category)."""

    def __init__(self, explanation: Explanation) -> None:
        self.explanation = explanation
        super().__init__(render(explanation))


@dataclass(frozen=True, slots=True)
class ProjectResult:
    id: str
    funded: bool
    #: The money the project gets: its cost, less when partly funded, 0 when not funded.
    amount: int
    reason: Explanation


@dataclass(frozen=True, slots=True)
class TallyResult:
    rule: str
    budget: int
    #: Funded projects in the order the rule funded them.
    funding_order: tuple[str, ...]
    #: Every project, in the election's order.
    projects: dict[str, ProjectResult]
    notes: tuple[Explanation, ...] = ()
    details: dict[str, object] = field(default_factory=dict)

    @property
    def cost(self) -> int:
        return sum(result.amount for result in self.projects.values())

    @property
    def selected(self) -> list[str]:
        """The funded project ids, sorted as text (the way pabulib lists them)."""
        return sorted(self.funding_order)

    def voter_explanations(self, ballot: Ballot) -> list[Explanation]:
        """What this ballot achieved: the money spent on projects it supports."""
        supported = set(ballot.projects)
        funded = [p for p in supported if self.projects[p].funded]
        amount = sum(self.projects[p].amount for p in funded)
        return [
            Explanation("voter.share", {"amount": amount, "spent": self.cost}),
            Explanation("voter.funded_count", {"funded": len(funded), "chosen": len(supported)}),
        ]

    def as_dict(self, text: Callable[[Explanation], str] = render) -> dict[str, object]:
        """A JSON-ready summary; `text` turns an explanation into a sentence."""
        explanations = {
            project_id: {
                "funded": result.funded,
                "amount": result.amount,
                **result.reason.as_dict(),
                "text": text(result.reason),
            }
            for project_id, result in self.projects.items()
        }
        return {
            "rule": self.rule,
            "budget": self.budget,
            "cost": self.cost,
            "selected": self.selected,
            "funding_order": list(self.funding_order),
            "explanations": explanations,
            "notes": [{**note.as_dict(), "text": text(note)} for note in self.notes],
            "details": self.details,
        }


def default_rule(election: Election) -> str:
    return META_RULES.get(election.rule, "greedy")


def tally(
    election: Election,
    rule: str | None = None,
    greedy_mode: GreedyMode = GreedyMode.SKIP,
    category_budgets: Mapping[str, int] | None = None,
) -> TallyResult:
    """Count the election with `rule` (default: the election's own rule).

    Greedy uses the election's category caps and leftover rule (Amsterdam's META), unless
    `category_budgets` is given: then greedy runs within each project category with its
    own cap, and money a category does not spend is not moved (Budapest 2024).
    """
    rule = rule or default_rule(election)
    if rule not in RULES:
        raise RuleError(Explanation("rule.unknown", {"rule": rule, "choices": ", ".join(RULES)}))
    caps, leftover = election.caps, election.leftover
    if category_budgets is not None:
        if rule != "greedy":
            raise RuleError(Explanation("rule.caps_need_greedy"))
        caps, leftover = _explicit_caps(election, category_budgets), Leftover.NONE
    if rule == "greedy":
        outcome = greedy(election, greedy_mode, caps, leftover)
    elif rule == "mes":
        outcome = mes(election)
    elif rule == "mes-add1":
        outcome = mes_add1(election)
    else:
        outcome = _compare(
            election, mes_add1(election), greedy(election, greedy_mode, caps, leftover)
        )
    details = dict(outcome.details)
    if rule == "greedy":
        details["greedy_mode"] = greedy_mode.value
    return _result(election, rule, outcome, details)


def _explicit_caps(election: Election, budgets: Mapping[str, int]) -> CategoryCaps:
    known = {name for project in election.projects.values() for name in project.categories}
    for name in budgets:
        if name not in known:
            raise RuleError(Explanation("rule.unknown_category", {"category": name}))
    return CategoryCaps(budgets=dict(budgets))


def _compare(election: Election, equal_shares: RuleOutcome, most_votes: RuleOutcome) -> RuleOutcome:
    """Wieliczka's comparison step: every voter prefers the outcome that spends more on the
    projects they voted for; most votes replaces equal shares only if more voters prefer it."""
    votes: dict[int, Number] = {1: 0, -1: 0, 0: 0}
    preferences = pairwise_preference(election, equal_shares.funded, most_votes.funded)
    weights = ballot_columns(election).weights
    if weights is None:
        for preference, count in Counter(preferences).items():
            votes[preference] += count
    else:
        for weight, preference in zip(weights, preferences, strict=True):
            votes[preference] += weight
    greedy_won = votes[-1] > votes[1]
    winner = most_votes if greedy_won else equal_shares
    counts = {"mes": number_param(votes[1]), "greedy": number_param(votes[-1])}
    note = Explanation("comparison.greedy_won" if greedy_won else "comparison.mes_won", counts)
    comparison = {**counts, "no_preference": number_param(votes[0])}
    comparison["winner"] = "greedy" if greedy_won else "mes"
    details = {**winner.details, "comparison": comparison}
    return RuleOutcome(winner.funded, winner.reasons, (*winner.notes, note), details)


def _result(
    election: Election, rule: str, outcome: RuleOutcome, details: dict[str, object]
) -> TallyResult:
    projects = {
        project_id: ProjectResult(
            id=project_id,
            funded=project_id in outcome.funded,
            amount=outcome.funded.get(project_id, 0),
            reason=reason,
        )
        for project_id, reason in outcome.reasons.items()
    }
    return TallyResult(
        rule=rule,
        budget=election.budget,
        funding_order=tuple(outcome.funded),
        projects=projects,
        notes=outcome.notes,
        details=details,
    )
