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
