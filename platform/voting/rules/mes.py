"""The Method of Equal Shares (MES) and its `add1` completion.

Every voter gets an equal share of the budget (in proportion to their weight). A project
is funded when its supporters can pay for it from their shares; each supporter pays in
proportion to their utility, capped by what they have left. Among the projects that can
be paid for, the one whose price per unit of utility (alpha) is lowest is funded first;
ties go to the smaller project id as text, as in pabutools. Utilities are the project's
cost for approval ballots (pabutools `Cost_Sat`), the points for cumulative and scoring
ballots, and Borda points for rankings. A project that costs nothing is funded if anyone
supports it (pabutools would leave it out).

How one count is done, exactly and fast, is in `mes_count.py`.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from fractions import Fraction

import numpy as np

from samenhang.voting.rules.ballots import ballot_columns, unique_entries
from samenhang.voting.rules.election import Election
from samenhang.voting.rules.explain import Explanation
from samenhang.voting.rules.greedy import RuleOutcome
from samenhang.voting.rules.mes_count import EPS, MesRun, Profile, compile_profile, run_mes

#: After a count whose horizon saved nothing, this many steps are counted without looking
#: for the horizon (which costs about as much as the count) before looking again.
BLIND_STEPS = 8


def mes(election: Election) -> RuleOutcome:
    profile = compile_profile(election)
    if not profile.total_mass:
        return _outcome(election, profile, None, ())
    run = run_mes(profile, Fraction(election.budget) / Fraction(profile.total_mass))
    return _outcome(election, profile, run, ())


def mes_add1(election: Election) -> RuleOutcome:
    """MES, then again with every voter's share raised by 1 unit at a time, for as long as
    the outcome still fits in the budget; the last outcome that fits wins.

    This is pabutools' `exhaustion_by_budget_increase(instance, profile,
    method_of_equal_shares, {"sat_class": Cost_Sat}, budget_step=n, exhaustive_stop=False)`
    for n voters: it keeps raising even when an outcome is already exhaustive, and stops
    raising once the share has grown by the whole budget (share = B/n + B).
    """
    profile = compile_profile(election)
    if not profile.total_mass:
        return _outcome(election, profile, None, ())
    budget = election.budget
    start = Fraction(budget) / Fraction(profile.total_mass)
    if sum(profile.costs) <= budget:
        # Every outcome fits, so the raising only ends at its bound: count that step alone.
        last_step = budget
    else:
        last_step = _last_fitting_step(profile, start, budget)
    last = run_mes(profile, start + last_step)
    note = Explanation("mes.add1", {"start": round(start), "end": round(last.share)})
    return _outcome(election, profile, last, (note,))


def _last_fitting_step(profile: Profile, start: Fraction, budget: int) -> int:
    """The last step (raise of the share) whose outcome fits in the budget. Steps within a
    count's horizon give the same outcome and are not counted."""
    step, fitting = 0, 0
    looking, blind = True, 0
    while step <= budget:
        run = run_mes(profile, start + step, horizon=looking)
        if run.cost(profile) > budget:
            break
        skip = max(1, math.ceil(min(run.horizon, budget + 1)))
        fitting, step = min(step + skip - 1, budget), step + skip
        if looking:
            looking, blind = skip > 1, 0
        else:
            blind += 1
            looking = blind >= BLIND_STEPS
    return fitting


def _outcome(
    election: Election, profile: Profile, run: MesRun | None, notes: tuple[Explanation, ...]
) -> RuleOutcome:
    funded = dict.fromkeys(profile.free, 0)
    reasons = {p: _funded_reason(profile, p, 0, 0.0) for p in profile.free}
    for index in [] if run is None else run.funded:
        assert run is not None
        project_id, cost = profile.ids[index], profile.costs[index]
        funded[project_id] = cost
        reasons[project_id] = _funded_reason(profile, project_id, cost, run.max_payment[index])
    for index, project_id in enumerate(profile.ids):
        if project_id not in funded:
            left = 0 if run is None else _left(profile, run, index)
            reasons[project_id] = Explanation(
                "mes.not_affordable", {"left": left, "cost": profile.costs[index]}
            )
    ordered = {p: reasons.get(p, Explanation("no_support")) for p in election.projects}
    details: dict[str, object] = {} if run is None else {"share": str(run.share)}
    return RuleOutcome(funded=funded, reasons=ordered, notes=notes, details=details)


def _funded_reason(profile: Profile, project_id: str, cost: int, most: float) -> Explanation:
    # "Each paying at most": the highest payment, rounded up to a whole unit.
    params = {
        "supporters": profile.ballot_counts[project_id],
        "cost": cost,
        "max_share": math.ceil(most - EPS * max(1.0, most)),
    }
    return Explanation("mes.funded", params)


def _left(profile: Profile, run: MesRun, index: int) -> int:
    supporters = profile.arrays[index]
    total = float(supporters.masses @ np.asarray(run.left)[supporters.groups])
    return math.floor(total + EPS * max(1.0, total))


def pairwise_preference(
    election: Election, first: dict[str, int], second: dict[str, int]
) -> Iterator[int]:
    """Per ballot: 1 if it prefers `first` (more money on projects it supports), -1 if it
    prefers `second`, 0 if both spend the same on them."""
    columns = ballot_columns(election)
    rows, projects = columns.rows(), columns.projects
    keep = unique_entries(rows, projects, len(election.projects))
    if keep is not None:
        rows, projects = rows[keep], projects[keep]
    amounts = [first.get(p, 0) - second.get(p, 0) for p in election.projects]
    if max(map(abs, amounts), default=0) * max(len(election.projects), 1) >= 2**62:
        yield from _exact_preference(election, first, second)
        return
    difference = np.zeros(columns.count, dtype=np.int64)
    np.add.at(difference, rows, np.array(amounts, dtype=np.int64)[projects])
    yield from np.sign(difference).tolist()


def _exact_preference(
    election: Election, first: dict[str, int], second: dict[str, int]
) -> Iterator[int]:
    for ballot in election.ballots:
        supported = set(ballot.projects)
        a = sum(first.get(p, 0) for p in supported)
        b = sum(second.get(p, 0) for p in supported)
        yield (a > b) - (a < b)
