"""The election model the rules count: a budget, projects and ballots.

Money is in the instance's integer unit (cents in the app, whole currency units in most
pabulib files). Nothing here knows about Flask, the database or the pabulib text format.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction

from samenhang.voting.rules.explain import Explanation

#: A voter weight or an amount of support: whole numbers stay ints, weights may be fractions.
Number = int | Fraction


class VoteType(StrEnum):
    """Ballot types, named as in the pabulib `vote_type` field.

    A knapsack ballot is an approval ballot whose `BallotLimits.max_sum_cost` is the budget.
    """

    APPROVAL = "approval"
    CHOOSE_ONE = "choose-1"
    ORDINAL = "ordinal"
    CUMULATIVE = "cumulative"
    SCORING = "scoring"

    @property
    def has_points(self) -> bool:
        return self in (VoteType.CUMULATIVE, VoteType.SCORING)


class GreedyMode(StrEnum):
    #: A project that does not fit is passed over; cheaper ones further down may still fit.
    SKIP = "skip"
    #: Counting stops at the first project that does not fit.
    STOP = "stop"


class Leftover(StrEnum):
    """What greedy does with money left after the category caps (Amsterdam's Buurtbudget)."""

    #: Unspent money is not used.
    NONE = "none"
    #: Fund more projects that fit in what is left, by support, ignoring the category caps.
    FUND_FITTING = "fund-fitting"
    #: Give what is left to the best-supported unfunded project, which is then partly funded.
    PARTIAL_ONE = "partial-one"


@dataclass(frozen=True, slots=True)
class Project:
    id: str
    cost: int
    name: str = ""
    categories: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()
    #: Other columns of the project (votes, score, selected, description, ...) as text.
    extra: Mapping[str, str] = field(default_factory=dict, hash=False)

    def attribute(self, column: str) -> tuple[str, ...]:
        """The values of a grouping column: `category`, `target` or any other column."""
        if column in ("category", "categories"):
            return self.categories
        if column in ("target", "targets"):
            return self.targets
        value = self.extra.get(column)
        return (value,) if value is not None else ()


@dataclass(frozen=True, slots=True)
class Ballot:
    voter_id: str
    #: Approved projects, or the ranking (best first) for ordinal ballots.
    projects: tuple[str, ...]
    #: Points per project, parallel to `projects`, for cumulative and scoring ballots.
    points: tuple[int, ...] = ()
    #: Voter weight; Amsterdam weighs paper and online votes so each group counts for half.
    weight: Number = 1
    #: Other columns of the vote (age, sex, neighborhood, ...) as text.
    extra: Mapping[str, str] = field(default_factory=dict, hash=False)


@dataclass(frozen=True, slots=True)
class BallotLimits:
    """What a valid ballot looks like (pabulib META `min_length`, `max_sum_cost`, ...)."""

    min_length: int | None = None
    max_length: int | None = None
    min_sum_cost: int | None = None
    max_sum_cost: int | None = None
    min_sum_points: int | None = None
    max_sum_points: int | None = None
    min_points: int | None = None
    max_points: int | None = None


@dataclass(frozen=True, slots=True)
class CategoryCaps:
    """Upper bounds on the money greedy may spend per group of projects.

    `column` is the project column that groups them: `category` (Amsterdam, Budapest) or
    another one such as `neighborhood` (Amsterdam 252).
    """

    budgets: Mapping[str, int]
    column: str = "category"


@dataclass(slots=True)
class Election:
    budget: int
    projects: dict[str, Project]
    #: A list, or a `BallotTable` (ballots as columns) when read from a `.pb` file.
    ballots: Sequence[Ballot]
    vote_type: VoteType = VoteType.APPROVAL
    limits: BallotLimits = field(default_factory=BallotLimits)
    #: The rule the organiser chose, as the pabulib `rule` field ("greedy", "equalshares/add1").
    rule: str = "greedy"
    caps: CategoryCaps | None = None
    leftover: Leftover = Leftover.NONE
    #: Every META entry as text, in file order; the fields above are parsed from it.
    meta: dict[str, str] = field(default_factory=dict)
    #: Column order of the PROJECTS and VOTES tables, kept so a written file reads like the
    #: one that was read. Empty means the default order.
    project_columns: tuple[str, ...] = ()
    vote_columns: tuple[str, ...] = ()


def ballot_problems(election: Election, ballot: Ballot) -> list[Explanation]:
    """Why a ballot breaks the election's rules (empty when it is valid)."""
    problems = []
    for project_id in ballot.projects:
        if project_id not in election.projects:
            problems.append(Explanation("ballot.unknown_project", {"project": project_id}))
    if len(set(ballot.projects)) != len(ballot.projects):
        problems.append(Explanation("ballot.repeated_project"))
    if problems:
        return problems
    count = len(ballot.projects)
    cost = sum(election.projects[p].cost for p in ballot.projects)
    # (limit, the ballot's value, message, name of the value); money is named `cost` and
    # its limit `budget`, so that both are shown as money.
    checks = [
        ("min_length", count, "ballot.too_few", "count"),
        ("max_length", count, "ballot.too_many", "count"),
        ("min_sum_cost", cost, "ballot.too_cheap", "cost"),
        ("max_sum_cost", cost, "ballot.too_expensive", "cost"),
    ]
    if election.vote_type.has_points and ballot.points:
        checks += [
            ("min_sum_points", sum(ballot.points), "ballot.too_few_points", "points"),
            ("max_sum_points", sum(ballot.points), "ballot.too_many_points", "points"),
            ("min_points", min(ballot.points), "ballot.points_too_low", "points"),
            ("max_points", max(ballot.points), "ballot.points_too_high", "points"),
        ]
    for field_name, value, code, name in checks:
        limit = getattr(election.limits, field_name)
        if limit is None:
            continue
        if value < limit if field_name.startswith("min") else value > limit:
            limit_name = "budget" if name == "cost" else "limit"
            problems.append(Explanation(code, {name: value, limit_name: limit}))
    return problems
