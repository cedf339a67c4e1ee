"""Greedy by support: projects in order of votes (or points), funded while they fit.

Support is the number of approvals (weighted when voters have weights), the points of
cumulative and scoring ballots, and Borda points for rankings: a ranking of length k gives
k, k-1, ..., 1. Ties go to the smaller project id as text, as pabutools breaks them.
Projects nobody voted for are never funded (pabutools would fund them with money left at
the very end; a wijkstemdag does not).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from samenhang.voting.rules.ballots import ballot_columns, unique_entries
from samenhang.voting.rules.election import (
    CategoryCaps,
    Election,
    GreedyMode,
    Leftover,
    Number,
    Project,
    VoteType,
)
from samenhang.voting.rules.explain import Explanation, number_param


@dataclass(frozen=True, slots=True)
class RuleOutcome:
    """What one rule decided."""

    #: Funded projects in the order they were funded, with the money each gets (its cost,
    #: or less when it is partly funded from money left over).
    funded: dict[str, int]
    #: Why, for every project, in the order of the election's projects.
    reasons: dict[str, Explanation]
    #: Remarks about the whole count (a raised voter budget, a comparison vote).
    notes: tuple[Explanation, ...] = ()
    #: Facts for machines: the vote counts of a comparison, the final voter budget.
    details: dict[str, object] = field(default_factory=dict)


def project_support(election: Election) -> dict[str, Number]:
    columns = ballot_columns(election)
    if columns.weights is not None and not all(isinstance(w, int) for w in columns.weights):
        return _exact_support(election)
    rows, projects = columns.rows(), columns.projects
    if election.vote_type is VoteType.ORDINAL:
        lengths = columns.lengths
        values = lengths[rows] - (np.arange(len(rows)) - columns.offsets[rows])
    elif election.vote_type.has_points:
        assert columns.points is not None
        values = columns.points
    else:
        # An approval ballot that names a project twice approves it once.
        keep = unique_entries(rows, projects, len(election.projects))
        if keep is not None:
            rows, projects = rows[keep], projects[keep]
        values = np.ones(len(projects), dtype=np.int64)
    if columns.weights is not None:
        values = values * np.array(columns.weights, dtype=np.int64)[rows]
    totals = np.zeros(len(election.projects), dtype=np.int64)
    np.add.at(totals, projects, values)
    return dict(zip(election.projects, totals.tolist(), strict=True))


def project_votes(election: Election) -> dict[str, int]:
    """Per project: the number of ballots naming it (once per ballot)."""
    columns = ballot_columns(election)
    rows, projects = columns.rows(), columns.projects
    keep = unique_entries(rows, projects, len(election.projects))
    if keep is not None:
        projects = projects[keep]
    counts = np.bincount(projects, minlength=len(election.projects))
    return dict(zip(election.projects, counts.tolist(), strict=True))


def _exact_support(election: Election) -> dict[str, Number]:
    """Support with fractional voter weights, in exact fractions."""
    support: dict[str, Number] = dict.fromkeys(election.projects, 0)
    if election.vote_type is VoteType.ORDINAL:
        for ballot in election.ballots:
            length = len(ballot.projects)
            for rank, project_id in enumerate(ballot.projects):
                support[project_id] += (length - rank) * ballot.weight
    elif election.vote_type.has_points:
        for ballot in election.ballots:
            for project_id, points in zip(ballot.projects, ballot.points, strict=True):
                support[project_id] += points * ballot.weight
    else:
        for ballot in election.ballots:
            for project_id in set(ballot.projects):
                support[project_id] += ballot.weight
    return support


def support_order(election: Election, support: dict[str, Number]) -> list[Project]:
    """Projects with support, best first; ties to the smaller id."""
    ranked = sorted((-s, p) for p, s in support.items() if s > 0)
    return [election.projects[project_id] for _, project_id in ranked]


def greedy(
    election: Election,
    mode: GreedyMode = GreedyMode.SKIP,
    caps: CategoryCaps | None = None,
    leftover: Leftover = Leftover.NONE,
) -> RuleOutcome:
    support = project_support(election)
    count = _GreedyCount(election, support, mode, caps)
    order = support_order(election, support)
    for project in order:
        count.consider(project)
    if leftover is Leftover.FUND_FITTING:
        count.fund_fitting_leftover(order)
    elif leftover is Leftover.PARTIAL_ONE:
        count.fund_partial_leftover(order)
    reasons = {
        project_id: count.reasons.get(project_id, Explanation("no_support"))
        for project_id in election.projects
    }
    return RuleOutcome(funded=count.funded, reasons=reasons)


class _GreedyCount:
    def __init__(
        self,
        election: Election,
        support: dict[str, Number],
        mode: GreedyMode,
        caps: CategoryCaps | None,
    ) -> None:
        self.support = support
        self.mode = mode
        self.caps = caps
        self.left = election.budget
        self.cap_left = dict(caps.budgets) if caps else {}
        self.closed: set[str] = set()
        self.blocker: Project | None = None
        self.funded: dict[str, int] = {}
        self.reasons: dict[str, Explanation] = {}
        self.unit = (
            "" if election.vote_type in (VoteType.APPROVAL, VoteType.CHOOSE_ONE) else ".points"
        )

    def consider(self, project: Project) -> None:
        capped = self._capped(project)
        closed = [name for name in capped if name in self.closed]
        if self.blocker is not None:
            self._reason(project, "greedy.stopped", blocker=self.blocker.name or self.blocker.id)
        elif closed:
            self._reason(project, "greedy.category_stopped", category=closed[0])
        elif project.cost > self.left:
            self._reason(project, "greedy.too_expensive")
            if self.mode is GreedyMode.STOP:
                self.blocker = project
        elif over := [name for name in capped if project.cost > self.cap_left[name]]:
            cap_left = self.cap_left[over[0]]
            self._reason(project, "greedy.over_cap", category=over[0], cap_left=cap_left)
            if self.mode is GreedyMode.STOP:
                self.closed.update(over)
        else:
            self._fund(project, "greedy.funded" + self.unit)
            for name in capped:
                self.cap_left[name] -= project.cost

    def fund_fitting_leftover(self, order: Iterable[Project]) -> None:
        """Fund, by support, the projects that fit in what is left, ignoring category caps
        (the only reason left over money exists)."""
        for project in order:
            if project.id in self.funded:
                continue
            if project.cost <= self.left:
                self._fund(project, "greedy.funded_leftover" + self.unit)
            elif self.reasons[project.id].code == "greedy.over_cap":
                category = self.reasons[project.id].params["category"]
                self._reason(project, "greedy.over_cap_leftover", category=category)

    def fund_partial_leftover(self, order: Iterable[Project]) -> None:
        """Give what is left to the best-supported project that was not funded."""
        project = next((p for p in order if p.id not in self.funded), None)
        if project is None or self.left <= 0:
            return
        self.reasons[project.id] = Explanation(
            "greedy.partly_funded", {"amount": self.left, "cost": project.cost}
        )
        self.funded[project.id] = self.left
        self.left = 0

    def _capped(self, project: Project) -> list[str]:
        if self.caps is None:
            return []
        return [name for name in project.attribute(self.caps.column) if name in self.cap_left]

    def _fund(self, project: Project, code: str) -> None:
        self._reason(project, code)
        self.funded[project.id] = project.cost
        self.left -= project.cost

    def _reason(self, project: Project, code: str, **extra: str | int) -> None:
        params = {
            "support": number_param(self.support[project.id]),
            "cost": project.cost,
            "left": self.left,
            **extra,
        }
        self.reasons[project.id] = Explanation(code, params)
