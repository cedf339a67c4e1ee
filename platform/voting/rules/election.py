"""The election model the rules count: a budget, projects and ballots.

Money is in the instance's integer unit (cents in the app, whole currency units in most
pabulib files). Nothing here knows about Flask, the database or the pabulib text format.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction

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
    ballots: list[Ballot]
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
