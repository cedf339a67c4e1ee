from __future__ import annotations

import factory

from factories.base import ModelFactory
from factories.places import WijkFactory
from samenhang.voting.codes import new_salt
from samenhang.voting.models import (
    BallotType,
    Eligibility,
    Phase,
    Project,
    ProjectStatus,
    Round,
    Rule,
)
from samenhang.voting.sealing import new_counting_key


class RoundFactory(ModelFactory):
    class Meta:
        model = Round

    wijk = factory.SubFactory(WijkFactory)
    title = factory.Sequence(lambda n: f"Wijkstemdag {n}")
    description = ""
    budget_cents = 1_000_000
    ballot_type = BallotType.approval
    min_projects = 0
    max_projects = 3
    rule = Rule.greedy
    eligibility = Eligibility.both
    phase = Phase.draft
    salt = factory.LazyFunction(new_salt)


class ProjectFactory(ModelFactory):
    class Meta:
        model = Project

    round = factory.SubFactory(RoundFactory)
    title = factory.Sequence(lambda n: f"Project {n}")
    summary = "Iets moois voor de wijk."
    original_locale = "nl"
    cost_cents = 300_000
    status = ProjectStatus.accepted
    position = factory.Sequence(lambda n: n)


def give_counting_key(round_: Round) -> list[str]:
    """What opening the vote does to a round (`change_phase` to voting): a counting key,
    its public half on the round; returns the three key shares' texts."""
    key = new_counting_key(round_.id)
    round_.counting_public_key = key.public_key.hex()
    round_.counting_key_fingerprint = key.fingerprint
    return [share.text for share in key.shares]
