"""The generated city of the benchmark: what it promises, and its counts read either way."""

from __future__ import annotations

import pytest

from samenhang.voting.rules import read_pb, tally, write_pb
from samenhang.voting.rules.ballots import BallotTable
from samenhang.voting.rules.city import generate_city

pytestmark = pytest.mark.pure


def test_a_seed_names_one_city_as_described() -> None:
    city = generate_city(voters=3_000, seed=5)
    assert city == generate_city(voters=3_000, seed=5)
    assert city != generate_city(voters=3_000, seed=6)
    assert len(city.projects) == 200 and len(city.ballots) == 3_000
    approvals = [len(b.projects) for b in city.ballots]
    assert 5.5 < sum(approvals) / len(approvals) < 6.5 and max(approvals) <= 12
    assert city.budget == sum(p.cost for p in city.projects.values()) // 4
    # Voters are clustered: most of a ballot's projects are in one district.
    districts = [[city.projects[p].categories[0] for p in b.projects] for b in city.ballots]
    local = sum(max(map(d.count, d)) for d in districts if d) / sum(approvals)
    assert local > 0.6


@pytest.mark.parametrize("rule", ["greedy", "mes", "mes-add1", "mes-add1-comparison"])
def test_ballots_as_columns_count_as_ballots_in_a_list(rule: str) -> None:
    city = generate_city(voters=4_000, projects=40, districts=4, seed=11)
    read = read_pb(write_pb(city))
    assert isinstance(read.ballots, BallotTable) and isinstance(city.ballots, list)
    by_columns, by_list = tally(read, rule), tally(city, rule)
    assert by_columns.as_dict() == by_list.as_dict()
    assert by_columns.cost <= city.budget
