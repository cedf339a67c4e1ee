"""One count of the Method of Equal Shares, fast and exact.

The rules themselves (`mes`, `mes-add1`) are in `mes.py`; this module counts once for a
given share per voter.

Exactness. The count runs in floating point, and every decision floating point could get
wrong is taken again in exact fractions: a near-tie between the cheapest projects, and a
project whose supporters have (almost) exactly its cost left. Voters with the same ballot
always have the same money left, so they are counted as one group, which keeps the exact
re-check cheap.

Horizon. Within one count everything is a linear function of the share as long as the
same things happen (the same project wins each round, the same supporters run out of
money), and the price of a project that did not win is a convex function of the share, so
the line touching it now stays below it. A count can therefore also work out how far the
share may rise before anything could change, with safety margins far above
floating-point error. `mes-add1` uses that to skip the steps whose outcome is certainly
the same.

Two implementations of the per-project work share the rest: plain lists, fastest when
projects have few supporter groups, and NumPy arrays for many.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import numpy.typing as npt

from samenhang.voting.rules.ballots import ballot_columns, unique_entries
from samenhang.voting.rules.election import Election, Number, VoteType

#: Relative distance below which two floating-point results are re-checked exactly. Float
#: error here is below 1e-12 relative, so anything further apart is ordered correctly.
EPS = 1e-9
#: Largest error assumed in a slope, relative to the value it changes, per step.
SLOPE_EPS = 1e-12
#: Rounds of the fixed-point search for a price before sorting the supporters instead.
FIXED_POINT_ROUNDS = 8
#: Supporter groups per project (on average) from which NumPy beats plain lists.
ARRAYS_FROM = 32

#: A candidate's price as a line in the share: (alpha now, alpha per step, the exact alpha
#: when it is certainly its constant lowest value, else None).
Line = tuple[float, float, Fraction | None]
Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class Supporters:
    """A candidate's supporter groups as arrays, for the NumPy implementation."""

    groups: npt.NDArray[np.intp]
    utilities: Floats
    masses: Floats
    #: Mass times utility, per group.
    weights: Floats


class _Lists(Sequence[list[int]]):
    """Per candidate, one column of the supporter arrays as a plain list, made on demand
    (the exact re-checks and the plain-list kernel need them, rarely all)."""

    def __init__(self, values: npt.NDArray[np.int64], starts: list[int]) -> None:
        self.values = values
        self.starts = starts
        self.cache: dict[int, list[int]] = {}

    def __len__(self) -> int:
        return len(self.starts) - 1

    def __getitem__(self, p: int) -> list[int]:  # type: ignore[override]
        if p not in self.cache:
            self.cache[p] = self.values[self.starts[p] : self.starts[p + 1]].tolist()
        return self.cache[p]


@dataclass(slots=True)
class Profile:
    """The ballots as MES sees them: projects that can be bought, and groups of voters
    with the same ballot."""

    #: Candidate projects (supported, cost above 0), by index.
    ids: list[str]
    costs: list[int]
    #: Per candidate: the groups supporting it, and their utility for it.
    supporters: Sequence[list[int]]
    utilities: Sequence[list[int]]
    #: Per group: the summed weight of its voters.
    masses: list[Number]
    total_mass: Number
    #: Supported projects that cost nothing: funded for free.
    free: list[str]
    #: Per project: the number of ballots supporting it (for the explanations).
    ballot_counts: dict[str, int]
    #: Per candidate: its price when no supporter runs out of money, the lowest it can be.
    rich_lines: list[Line]
    #: Per candidate: the summed mass times utility of its supporters.
    weights: list[float]
    #: Per candidate, its supporters as arrays (used by the NumPy kernel, and for sums).
    arrays: list[Supporters]
    #: Whether the NumPy kernel counts (many supporter groups per project).
    use_arrays: bool
    #: Every (group, candidate) pair, ordered by group: to find overlapping candidates.
    pair_groups: npt.NDArray[np.int64]
    pair_candidates: npt.NDArray[np.int64]
    #: Per group g: its pairs are pair_candidates[group_starts[g]:group_starts[g + 1]].
    group_starts: npt.NDArray[np.int64]
    #: Per candidate, the candidates sharing a supporter group with it, found when asked.
    overlaps: dict[int, set[int]]

    @property
    def overlap(self) -> _Overlap:
        return _Overlap(self)


class _Overlap:
    def __init__(self, profile: Profile) -> None:
        self.profile = profile

    def __getitem__(self, p: int) -> set[int]:
        profile = self.profile
        if p not in profile.overlaps:
            # The pairs of p's groups: a range of the group-ordered pairs per group.
            groups = profile.arrays[p].groups
            starts, ends = profile.group_starts[groups], profile.group_starts[groups + 1]
            lengths = ends - starts
            offsets = np.repeat(starts - np.cumsum(lengths) + lengths, lengths)
            pairs = offsets + np.arange(int(lengths.sum()))
            found = np.bincount(profile.pair_candidates[pairs], minlength=len(profile.ids))
            profile.overlaps[p] = set(np.flatnonzero(found).tolist())
        return profile.overlaps[p]


def compile_profile(election: Election) -> Profile:
    columns = ballot_columns(election)
    project_ids = list(election.projects)
    all_costs = [election.projects[p].cost for p in project_ids]
    count = columns.count
    rows, projects = columns.rows(), columns.projects
    # Utility per entry; an entry naming a project again replaces the earlier one (as a
    # dict of project to utility would), which only ballots built in code can do.
    approval = not (election.vote_type is VoteType.ORDINAL or election.vote_type.has_points)
    if election.vote_type is VoteType.ORDINAL:
        lengths = columns.lengths
        utilities = lengths[rows] - (np.arange(len(rows)) - columns.offsets[rows])
    elif election.vote_type.has_points:
        assert columns.points is not None
        positive = columns.points > 0
        rows, projects, utilities = rows[positive], projects[positive], columns.points[positive]
    else:
        utilities = np.array(all_costs, dtype=np.int64)[projects]
    keep = unique_entries(rows, projects, len(project_ids), last=not approval)
    if keep is not None:
        rows, projects, utilities = rows[keep], projects[keep], utilities[keep]
    # Groups of ballots with the same (project, utility) pairs, numbered by first ballot.
    same_row = rows[1:] == rows[:-1]
    if (same_row & (projects[1:] < projects[:-1])).any():
        order = np.lexsort((projects, rows))
        rows, projects, utilities = rows[order], projects[order], utilities[order]
    group_of, first = _group_ballots(count, rows, projects, None if approval else utilities)
    groups = len(first)
    ballots_per_group = np.bincount(group_of, minlength=groups)
    masses: list[Number]
    if columns.weights is None:
        masses = ballots_per_group.tolist()
    elif all(isinstance(w, int) for w in columns.weights):
        weights = np.array(columns.weights, dtype=np.int64)
        mass_array = np.zeros(groups, dtype=np.int64)
        np.add.at(mass_array, group_of, weights)
        masses = mass_array.tolist()
    else:
        masses = [0] * groups
        for g, weight in zip(group_of.tolist(), columns.weights, strict=True):
            masses[g] += weight
    # The pairs of each group's first ballot, by project then group.
    entry_group = group_of[rows]
    mine = first[entry_group] == rows
    pair_groups, pair_projects, pair_utilities = (
        entry_group[mine],
        projects[mine],
        utilities[mine],
    )
    by_project = np.lexsort((pair_groups, pair_projects))
    pair_groups = pair_groups[by_project]
    pair_projects = pair_projects[by_project]
    pair_utilities = pair_utilities[by_project]
    per_project = np.bincount(pair_projects, minlength=len(project_ids))
    counts = np.bincount(
        pair_projects, weights=ballots_per_group[pair_groups], minlength=len(project_ids)
    )
    ballot_counts = dict(zip(project_ids, counts.astype(np.int64).tolist(), strict=True))
    if columns.weights is None:
        float_mass = ballots_per_group.astype(np.float64)
    else:
        float_mass = np.array([float(m) for m in masses])
    # Candidates: supported projects that cost something.
    candidate = (per_project > 0) & (np.array(all_costs, dtype=object) != 0)
    is_candidate = candidate[pair_projects]
    starts_all = np.zeros(len(project_ids) + 1, dtype=np.int64)
    np.cumsum(per_project, out=starts_all[1:])
    ids, costs, arrays, rich_lines, weight_list = [], [], [], [], []
    free = [p for i, p in enumerate(project_ids) if per_project[i] and all_costs[i] == 0]
    starts = [0]
    exact_sums = _exact_weights(masses, pair_groups, pair_utilities, starts_all)
    for i, project_id in enumerate(project_ids):
        if not candidate[i]:
            continue
        segment = slice(int(starts_all[i]), int(starts_all[i + 1]))
        group_array = pair_groups[segment]
        utility = pair_utilities[segment].astype(np.float64)
        mass = float_mass[group_array]
        arrays.append(Supporters(group_array, utility, mass, mass * utility))
        ids.append(project_id)
        costs.append(all_costs[i])
        weight = exact_sums[i]
        alpha = Fraction(all_costs[i]) / Fraction(weight)
        rich_lines.append((float(alpha), 0.0, alpha))
        weight_list.append(float(weight))
        starts.append(starts[-1] + segment.stop - segment.start)
    kept_groups = pair_groups[is_candidate]
    kept_utilities = pair_utilities[is_candidate]
    candidate_number = np.cumsum(candidate) - 1
    kept_candidates = candidate_number[pair_projects[is_candidate]]
    by_group = np.argsort(kept_groups, kind="stable")
    profile = Profile(
        ids=ids,
        costs=costs,
        supporters=_Lists(kept_groups, starts),
        utilities=_Lists(kept_utilities, starts),
        masses=masses,
        total_mass=sum(masses),
        free=free,
        ballot_counts=ballot_counts,
        rich_lines=rich_lines,
        weights=weight_list,
        arrays=arrays,
        use_arrays=bool(ids) and len(kept_groups) >= ARRAYS_FROM * len(ids),
        pair_groups=kept_groups[by_group],
        pair_candidates=kept_candidates[by_group],
        group_starts=np.searchsorted(kept_groups[by_group], np.arange(groups + 1)),
        overlaps={},
    )
    return profile


def _group_ballots(
    count: int, rows: Ints, projects: Ints, utilities: Ints | None
) -> tuple[Ints, Ints]:
    """Per ballot its group, and per group its first ballot: ballots with the same pairs
    (rows sorted by project) are one group, groups numbered in order of first ballot.
    Approval ballots (`utilities` None) are the same when their projects are."""
    lengths = np.bincount(rows, minlength=count)
    width = int(lengths.max()) if count and len(rows) else 0
    columns = width if utilities is None else 2 * width
    table = np.full((count, columns), -1, dtype=np.int64)
    if len(rows):
        starts = np.zeros(count, dtype=np.int64)
        np.cumsum(lengths[:-1], out=starts[1:])
        column = np.arange(len(rows)) - starts[rows]
        table[rows, column] = projects
        if utilities is not None:
            table[rows, width + column] = utilities
    # A hash per ballot sorts them; equal hashes are checked to be equal ballots.
    multipliers = np.random.default_rng(12345).integers(1, 2**62, size=columns, dtype=np.int64) | 1
    with np.errstate(over="ignore"):
        hashes = (table * multipliers).sum(axis=1) if width else np.zeros(count, np.int64)
    order = np.argsort(hashes, kind="stable")
    ordered = table[order]
    same_hash = hashes[order][1:] == hashes[order][:-1]
    same = same_hash & (ordered[1:] == ordered[:-1]).all(axis=1)
    if (same != same_hash).any():
        # Two different ballots with one hash: sort them properly.
        order = np.lexsort(table.T[::-1])
        ordered = table[order]
        same = (ordered[1:] == ordered[:-1]).all(axis=1)
    new_group = np.concatenate(([True], ~same)) if count else np.zeros(0, dtype=bool)
    sorted_group = np.cumsum(new_group) - 1
    # Stable sorts keep a group's ballots in file order: its first is its first ballot.
    first = order[new_group]
    renumber = np.empty(len(first), dtype=np.int64)
    renumber[np.argsort(first, kind="stable")] = np.arange(len(first))
    group_of = np.empty(count, dtype=np.int64)
    group_of[order] = renumber[sorted_group]
    return group_of, np.sort(first)


def _exact_weights(
    masses: list[Number], groups: Ints, utilities: Ints, starts: Ints
) -> list[Number]:
    """Per project: the summed mass times utility of its supporters, exactly."""
    total = sum(masses)
    largest = int(np.abs(utilities).max()) if len(utilities) else 0
    if all(isinstance(m, int) for m in masses) and total * (largest + 1) < 2**62:
        mass = np.array(masses, dtype=np.int64)
        running = np.concatenate(([0], np.cumsum(mass[groups] * utilities)))
        return (running[starts[1:]] - running[starts[:-1]]).tolist()
    group_list, utility_list = groups.tolist(), utilities.tolist()
    return [
        sum(masses[g] * u for g, u in zip(group_list[a:b], utility_list[a:b], strict=True))
        for a, b in itertools.pairwise(starts.tolist())
    ]


@dataclass(frozen=True, slots=True)
class MesRun:
    """One count of MES with a given starting share per unit of voter weight."""

    share: Fraction
    #: Funded candidate indices, in the order they were funded.
    funded: list[int]
    #: Money each group has left at the end, per unit of weight.
    left: list[float] | Floats
    #: Per funded candidate: the most one voter paid for it, per unit of weight.
    max_payment: dict[int, float]
    #: How much the share may rise with certainly the same funded projects; 0 when the
    #: count was not asked to look.
    horizon: float

    def cost(self, profile: Profile) -> int:
        return sum(profile.costs[p] for p in self.funded)


def run_mes(profile: Profile, share: Fraction, horizon: bool = False) -> MesRun:
    """Count once with `share` per unit of voter weight; with `horizon`, also find how far
    the share may rise with the same outcome (which costs about as much again)."""
    count = _ArrayCount if profile.use_arrays else _ListCount
    return count(profile, share, horizon).run()


class _Count:
    """The count: rounds of funding the cheapest project, with exact close calls and the
    horizon. Subclasses do the per-project arithmetic."""

    def __init__(self, profile: Profile, share: Fraction, horizon: bool) -> None:
        self.profile = profile
        self.share = share
        self.funded: list[int] = []
        self.max_payment: dict[int, float] = {}
        self.horizon = math.inf if horizon else 0.0
        # Money only ever goes down during a count, so alpha only goes up: a line computed
        # earlier is a lower bound, now and at every share up to the horizon.
        self.lines = list(profile.rich_lines)
        self.near: dict[int, bool] = {}
        #: Exact money left per group, brought up to date only when a close call needs it.
        self.exact: list[Fraction] | None = None
        self.exact_rounds = 0

    def run(self) -> MesRun:
        profile = self.profile
        alive = set(range(len(profile.ids)))
        dirty = set(alive)
        while alive:
            best = math.inf
            scanned: list[int] = []
            for p in sorted(alive, key=lambda q: (self.lines[q][0], profile.ids[q])):
                if self.lines[p][0] > best * (1 + EPS):
                    break
                if p in dirty:
                    dirty.discard(p)
                    if not self._evaluate(p):
                        alive.discard(p)
                        continue
                scanned.append(p)
                best = min(best, self.lines[p][0])
            close = [p for p in scanned if self.lines[p][0] <= best * (1 + EPS)]
            if not close:
                break
            if len(close) > 1 or self.near[close[0]]:
                exact = self._exact_alphas(close)
                prices = {p: alpha for p, alpha in exact.items() if alpha is not None}
                if len(prices) < len(close):
                    # Paid for in floating point but not exactly: a change at this very share.
                    alive -= set(close) - set(prices)
                    self.horizon = 0.0
                    continue
                close.sort(key=lambda p: (prices[p], profile.ids[p]))
                _, slope, constant = self.lines[close[0]]
                self.lines[close[0]] = (float(prices[close[0]]), slope, constant)
            choice = close[0]
            alive.discard(choice)
            if self.watching:
                self._bound_rivals(choice, alive)
            self._pay(choice)
            self.funded.append(choice)
            dirty.update(profile.overlap[choice] & alive)
        return MesRun(self.share, self.funded, self._left(), self.max_payment, self.horizon)

    @property
    def watching(self) -> bool:
        """Whether the horizon still matters: below one step, the next count is the next
        step anyway."""
        return self.horizon > 1.0

    def _evaluate(self, p: int) -> bool:
        """Compute p's price line now; False when its supporters cannot pay for it."""
        raise NotImplementedError

    def _pay(self, p: int) -> None:
        """Supporters pay alpha times their utility, or all they have if that is less; the
        share may rise until one of them would switch between the two."""
        raise NotImplementedError

    def _left(self) -> list[float]:
        raise NotImplementedError

    def _settle(self, p: int, total: float, lowest: float) -> bool | None:
        """The first look at p, from its supporters' money (`total`) and the least money
        left per utility among them (`lowest`): None when they cannot pay for it; True when
        none of them runs out, so its price is its constant lowest one; False when the
        price still has to be worked out."""
        cost = self.profile.costs[p]
        if total < cost * (1 - EPS):
            return None
        self.near[p] = total <= cost * (1 + EPS)
        rich = self.profile.rich_lines[p]
        if rich[0] > lowest:
            return False
        certain = rich[0] < lowest * (1 - EPS)
        self.lines[p] = rich if certain else (rich[0], 0.0, None)
        return True

    def _bound_unaffordable(self, p: int, total: float, rise: float) -> None:
        """A project out of the count would come back where its supporters' money reaches
        its cost."""
        cost = self.profile.costs[p]
        self._limit(cost - total, -rise, cost, abs(rise))

    def _bound_rivals(self, p: int, alive: set[int]) -> None:
        """The share may rise until a rival's price line could drop below the winner's."""
        alpha, slope, constant = self.lines[p]
        ids = self.profile.ids
        for q in alive:
            alpha_q, slope_q, constant_q = self.lines[q]
            if constant is not None and constant_q is not None:
                # Both constant: their order, ties to the smaller id, never changes.
                close = alpha_q <= alpha * (1 + EPS)
                if close and (constant_q, ids[q]) < (constant, ids[p]):
                    self.horizon = 0.0
                continue
            self._limit(
                alpha_q - alpha, slope_q - slope, alpha_q + alpha, abs(slope_q) + abs(slope)
            )

    def _limit(self, margin: float, rate: float, scale: float, rate_scale: float) -> None:
        """Something that holds now with room `margin` (changing by `rate` per step) must go
        on holding: lower the horizon to where it could stop, with generous safety margins."""
        margin -= EPS * scale
        if margin <= 0:
            self.horizon = 0.0
            return
        rate -= EPS * rate_scale + SLOPE_EPS * scale
        if rate < 0:
            self.horizon = min(self.horizon, margin / -rate)

    def _exact_alphas(self, close: list[int]) -> dict[int, Fraction | None]:
        """A close call, in exact fractions: alpha per project, None if it cannot be paid.
        A price certainly at its constant lowest needs no replay of the count."""
        alphas: dict[int, Fraction | None] = {}
        for p in close:
            constant = self.lines[p][2]
            if constant is not None and not self.near[p]:
                alphas[p] = constant
            else:
                alphas[p] = _exact_alpha(self.profile, self._exact_budgets(), p)
        return alphas

    def _exact_budgets(self) -> list[Fraction]:
        """Exact money left per group after the rounds so far, replaying only the rounds
        not replayed before."""
        if self.exact is None:
            self.exact = [self.share] * len(self.profile.masses)
        for p in self.funded[self.exact_rounds :]:
            alpha = _exact_alpha(self.profile, self.exact, p)
            assert alpha is not None, "a funded project was paid for"
            for g, u in zip(self.profile.supporters[p], self.profile.utilities[p], strict=True):
                self.exact[g] = max(self.exact[g] - alpha * u, Fraction(0))
        self.exact_rounds = len(self.funded)
        return self.exact


class _ListCount(_Count):
    """Per-project arithmetic on plain lists."""

    def __init__(self, profile: Profile, share: Fraction, horizon: bool) -> None:
        super().__init__(profile, share, horizon)
        self.budget = [float(share)] * len(profile.masses)
        #: How a group's money changes per step: raising the share raises it by 1.
        self.slope = [1.0] * len(profile.masses)
        self.mass = [float(m) for m in profile.masses]

    def _left(self) -> list[float]:
        return self.budget

    def _evaluate(self, p: int) -> bool:
        budget, mass, slope = self.budget, self.mass, self.slope
        groups, utilities = self.profile.supporters[p], self.profile.utilities[p]
        total = sum([mass[g] * budget[g] for g in groups])
        ratios = [budget[g] / u for g, u in zip(groups, utilities, strict=True)]
        settled = self._settle(p, total, min(ratios))
        if settled is None and self.watching:
            self._bound_unaffordable(p, total, sum([mass[g] * slope[g] for g in groups]))
        if settled is not False:
            return settled is True
        # By money left per utility: the first supporters pay all they have and the others
        # share the rest at one price; the price is the first such alpha they can pay.
        remaining, weight, poor_rise = float(self.profile.costs[p]), self.profile.weights[p], 0.0
        entries = sorted(zip(ratios, groups, utilities, strict=True))
        for ratio, g, u in entries:
            alpha = remaining / weight
            if alpha <= ratio:
                self.lines[p] = (alpha, -poor_rise / weight, None)
                return True
            remaining -= mass[g] * budget[g]
            weight -= mass[g] * u
            poor_rise += mass[g] * slope[g]
        # Every supporter pays all they have: paid for with nothing to spare.
        self.lines[p] = (entries[-1][0], 0.0, None)
        self.horizon = 0.0
        return True

    def _pay(self, p: int) -> None:
        alpha, slope, _ = self.lines[p]
        budget, rise, horizon = self.budget, self.slope, self.horizon
        most = 0.0
        for g, u in zip(self.profile.supporters[p], self.profile.utilities[p], strict=True):
            have, have_rise = budget[g], rise[g]
            price, price_rise = alpha * u, slope * u
            left, left_rise = have - price, have_rise - price_rise
            if horizon > 1.0 and (have != 0.0 or have_rise != 0.0):
                # Room before what is left crosses 0, and how fast it shrinks.
                scale = price + have
                margin = (left if left >= 0 else -left) - EPS * scale
                rate = (left_rise if left >= 0 else -left_rise) - SLOPE_EPS * scale
                rate -= EPS * (abs(price_rise) + abs(have_rise))
                if margin <= 0:
                    horizon = 0.0
                elif rate < 0 and margin < -rate * horizon:
                    horizon = margin / -rate
            if left < 0:
                budget[g], rise[g] = 0.0, 0.0
                most = max(most, have)
            else:
                budget[g], rise[g] = left, left_rise
                most = max(most, price)
        self.horizon = min(self.horizon, horizon)
        self.max_payment[p] = most


class _ArrayCount(_Count):
    """Per-project arithmetic on NumPy arrays."""

    def __init__(self, profile: Profile, share: Fraction, horizon: bool) -> None:
        super().__init__(profile, share, horizon)
        self.arrays = profile.arrays
        self.budget = np.full(len(profile.masses), float(share))
        #: How a group's money changes per step: raising the share raises it by 1.
        self.slope = np.ones(len(profile.masses))

    def _left(self) -> Floats:
        return self.budget

    def _evaluate(self, p: int) -> bool:
        group = self.arrays[p]
        have = self.budget[group.groups]
        money = group.masses * have
        ratios = have / group.utilities
        total = float(money.sum())
        settled = self._settle(p, total, float(ratios.min()))
        if settled is None and self.watching:
            rise = float(group.masses @ self.slope[group.groups])
            self._bound_unaffordable(p, total, rise)
        if settled is not False:
            return settled is True
        # The supporters with less money left per utility than the price pay all they have,
        # the others share the rest at one price: the price solves that. Start from the
        # price if nobody ran out, and let those below it pay all: the price only rises,
        # and stops when nobody else falls below it (usually after a few rounds).
        cost, weight = self.profile.costs[p], self.profile.weights[p]
        alpha = cost / weight
        poor = np.zeros(len(ratios), dtype=bool)
        for _ in range(FIXED_POINT_ROUNDS):
            below = ratios < alpha
            if not (below & ~poor).any():
                break
            poor |= below
            rest = weight - float(group.weights[poor].sum())
            if rest <= 0.0:
                break
            alpha = (cost - float(money[poor].sum())) / rest
        else:
            return self._evaluate_sorted(p, group, money, ratios)
        if poor.all() or weight - float(group.weights[poor].sum()) <= 0.0:
            # Every supporter pays all they have: paid for with nothing to spare.
            self.lines[p] = (float(ratios.max()), 0.0, None)
            self.horizon = 0.0
            return True
        poor_rise = float(group.masses[poor] @ self.slope[group.groups[poor]])
        rest = weight - float(group.weights[poor].sum())
        self.lines[p] = (alpha, -poor_rise / rest, None)
        return True

    def _evaluate_sorted(self, p: int, group: Supporters, money: Floats, ratios: Floats) -> bool:
        """The price by sorting: the first k supporters by money left per utility pay all
        they have and the others share the rest at one price, alpha_k; the price is the
        first alpha_k they can pay."""
        order = np.argsort(ratios, kind="stable")
        money, weights = money[order], group.weights[order]
        alphas = (self.profile.costs[p] - (np.cumsum(money) - money)) / (
            self.profile.weights[p] - (np.cumsum(weights) - weights)
        )
        fits = alphas <= ratios[order]
        if not fits.any():
            # Every supporter pays all they have: paid for with nothing to spare.
            self.lines[p] = (float(ratios.max()), 0.0, None)
            self.horizon = 0.0
            return True
        k = int(fits.argmax())
        poor_rise = float(group.masses[order[:k]] @ self.slope[group.groups[order[:k]]])
        self.lines[p] = (float(alphas[k]), -poor_rise / float(weights[k:].sum()), None)
        return True

    def _pay(self, p: int) -> None:
        alpha, slope, _ = self.lines[p]
        group = self.arrays[p]
        have, have_rise = self.budget[group.groups], self.slope[group.groups]
        price, price_rise = alpha * group.utilities, slope * group.utilities
        left, left_rise = have - price, have_rise - price_rise
        poor = left < 0
        if self.watching:
            self._bound_payers(have, have_rise, price, price_rise, left, left_rise)
        self.max_payment[p] = float(np.where(poor, have, price).max())
        self.budget[group.groups] = np.where(poor, 0.0, left)
        self.slope[group.groups] = np.where(poor, 0.0, left_rise)

    def _bound_payers(
        self,
        have: Floats,
        have_rise: Floats,
        price: Floats,
        price_rise: Floats,
        left: Floats,
        left_rise: Floats,
    ) -> None:
        """Room before what each supporter has left crosses 0, and how fast it shrinks."""
        # A supporter that ran out before stays out at every share up to the horizon.
        live = (have != 0.0) | (have_rise != 0.0)
        scale = price + have
        margin = np.abs(left) - EPS * scale
        if (margin[live] <= 0).any():
            self.horizon = 0.0
            return
        rate = np.copysign(left_rise, left) - EPS * (np.abs(price_rise) + np.abs(have_rise))
        rate -= SLOPE_EPS * scale
        falling = live & (rate < 0)
        if falling.any():
            self.horizon = min(self.horizon, float((margin[falling] / -rate[falling]).min()))


def _exact_alpha(profile: Profile, budget: list[Fraction], p: int) -> Fraction | None:
    cost = profile.costs[p]
    mass = profile.masses
    entries = sorted(
        (budget[g] / u, g, u)
        for g, u in zip(profile.supporters[p], profile.utilities[p], strict=True)
    )
    if sum(mass[g] * budget[g] for _, g, _ in entries) < cost:
        return None
    remaining = Fraction(cost)
    weight = sum(mass[g] * u for _, g, u in entries)
    for ratio, g, u in entries:
        alpha = remaining / weight
        if alpha <= ratio:
            return alpha
        remaining -= mass[g] * budget[g]
        weight -= mass[g] * u
    return entries[-1][0]
