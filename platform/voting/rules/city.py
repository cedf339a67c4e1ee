"""A generated city-wide round, for the benchmark and the tests of counting at scale.

Real rounds in pabulib stop at about 65,000 ballots; Warsaw, Paris and Madrid count
100,000-300,000. `generate_city` builds one of that size, the same every time for a seed:

- `projects` projects (default 200) spread round-robin over `districts` districts (20), each
  with a cost of 20,000-600,000 (whole euros, in steps of 1,000) and a popularity drawn
  from a log-normal distribution (a few favourites, a long tail);
- `voters` approval ballots (default 300,000), each voter living in a district (districts
  differ in size, up to three to one); a ballot approves `approvals` projects on average
  (6; between 1 and 12), each chosen by popularity, three in four from the voter's own
  district and the others from the whole city, so most ballots are different from each
  other, as in a real city;
- a budget of a quarter of the total cost, and the rule `equalshares/add1`.

Written as a `.pb` file (`voter_id;vote` per ballot) the default city is 8 MB.

It uses Python's own `random.Random(seed)`, whose sequences do not change between
versions, so a seed names one election everywhere.
"""

from __future__ import annotations

import itertools
import random

from samenhang.voting.rules.election import Ballot, BallotLimits, Election, Project, VoteType

#: The seed of the benchmark's city.
CITY_SEED = 2024
#: Most approvals on one ballot.
MAX_APPROVALS = 12


def generate_city(
    voters: int = 300_000,
    projects: int = 200,
    districts: int = 20,
    approvals: int = 6,
    seed: int = CITY_SEED,
) -> Election:
    rng = random.Random(seed)
    district_names = [f"District {d + 1}" for d in range(districts)]
    ids = [str(p + 1) for p in range(projects)]
    home = [p % districts for p in range(projects)]
    costs = [rng.randrange(20, 601) * 1_000 for _ in ids]
    popularity = [rng.lognormvariate(0.0, 0.8) for _ in ids]
    table = {
        p: Project(p, cost, name=f"Project {p}", categories=(district_names[d],))
        for p, cost, d in zip(ids, costs, home, strict=True)
    }
    # Cumulative weights, for `choices`: the whole city, and per district.
    city = list(itertools.accumulate(popularity))
    local_ids = [[p for p, d in zip(ids, home, strict=True) if d == h] for h in range(districts)]
    local = [
        list(itertools.accumulate(popularity[int(p) - 1] for p in members)) for members in local_ids
    ]
    sizes = list(itertools.accumulate(rng.uniform(1.0, 3.0) for _ in range(districts)))
    ballots = []
    for voter in range(voters):
        d = rng.choices(range(districts), cum_weights=sizes)[0]
        wanted = min(MAX_APPROVALS, max(1, round(rng.gauss(approvals, 2.0))))
        wanted = min(wanted, len(local_ids[d]) + projects // 2)
        chosen: dict[str, None] = {}
        while len(chosen) < wanted:
            if rng.random() < 0.75 and len(chosen) < len(local_ids[d]):
                p = rng.choices(local_ids[d], cum_weights=local[d])[0]
            else:
                p = rng.choices(ids, cum_weights=city)[0]
            chosen[p] = None
        ballots.append(Ballot(str(voter + 1), tuple(sorted(chosen, key=int))))
    budget = sum(costs) // 4
    meta = {
        "description": f"Generated city, seed {seed}",
        "country": "Netherlands",
        "unit": "Generated city",
        "instance": str(seed),
        "num_projects": str(projects),
        "num_votes": str(voters),
        "budget": str(budget),
        "vote_type": "approval",
        "rule": "equalshares/add1",
        "min_length": "1",
        "max_length": str(MAX_APPROVALS),
        "currency": "EUR",
    }
    return Election(
        budget=budget,
        projects=table,
        ballots=ballots,
        vote_type=VoteType.APPROVAL,
        limits=BallotLimits(min_length=1, max_length=MAX_APPROVALS),
        rule="equalshares/add1",
        meta=meta,
        project_columns=("project_id", "cost", "name", "category"),
        vote_columns=("voter_id", "vote"),
    )
