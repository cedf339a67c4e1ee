"""Buurtcontract test data, made through the services so the rules and the audit log hold."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import factory

from factories.accounts import UserFactory, WijkmanagerFactory
from factories.places import WijkFactory
from samenhang.accounts.models import User
from samenhang.contracts import queries, services
from samenhang.contracts.models import Contract, Goal, Party, PartyKind, Unit
from samenhang.db import utcnow
from samenhang.extensions import db
from samenhang.initiatives.models import Theme
from samenhang.places.models import Wijk

STAGES = ("draft", "consultation", "signing", "signed")


def _commit() -> None:
    # Only releases the test's savepoint: a request that answers 4xx keeps this data.
    db.session.commit()


def bewonersraad_member(wijk: Wijk, user: User | None = None) -> User:
    """A resident of `wijk` on its bewonersraad, granted by a wijkmanager of the wijk."""
    user = user or UserFactory(wijk=wijk)
    manager = wijk.managers[0] if wijk.managers else WijkmanagerFactory(wijken=[wijk])
    db.session.refresh(wijk)
    services.grant_membership(wijk, user, actor=manager)
    _commit()
    return user


def writer_of(contract: Contract) -> User:
    return queries.members(contract.wijk)[0]


def manager_of(contract: Contract) -> User:
    return contract.wijk.managers[0]


def party(contract: Contract, kind: PartyKind) -> Party:
    return next(p for p in contract.parties if p.kind is kind)


def signer_for(found: Party) -> User:
    return queries.people_of(found)[0]


def goal_input(owner: Party, **changes: Any) -> services.GoalInput:
    values: dict[str, Any] = {
        "theme": Theme.veiligheid,
        "title": "Meer bewoners voelen zich veilig op straat",
        "indicator": "Bewoners die zich 's avonds veilig voelen",
        "unit": Unit.percent,
        "source": "Veiligheidsmonitor",
        "baseline": Decimal("58"),
        "target": Decimal("65"),
        "deadline": date(owner.contract.year, 12, 31),
        "owner": owner,
        "description": "Betere verlichting en een buurtpreventieteam.",
    }
    values.update(changes)
    return services.GoalInput(**values)


class ContractFactory(factory.Factory):
    """A buurtcontract of this year with the bewonersraad, the gemeente and a corporatie
    (with an authorised signer), one goal owned by the gemeente with a commitment of the
    corporatie. `stage`: one of STAGES (default "signed")."""

    class Meta:
        model = Contract

    stage = "signed"
    wijk = factory.SubFactory(WijkFactory)
    year = factory.LazyFunction(lambda: utcnow().year)

    @classmethod
    def _create(cls, model_class: type, **kw: Any) -> Contract:
        stage, wijk, year = kw["stage"], kw["wijk"], kw["year"]
        manager = WijkmanagerFactory(wijken=[wijk])
        db.session.refresh(wijk)
        writer = bewonersraad_member(wijk)
        started = utcnow() - timedelta(days=60)
        contract = services.start_draft(wijk, year, actor=writer, now=started)
        services.update_draft(contract, "Samen maken we de wijk veiliger.", actor=writer)
        corporatie = services.add_party(
            contract, PartyKind.corporatie, "Woonbedrijf", "Mevrouw De Vries", actor=writer
        )
        services.authorise_signatory(corporatie, UserFactory(), actor=manager)
        goal = services.add_goal(
            contract, goal_input(party(contract, PartyKind.gemeente)), actor=writer
        )
        services.add_commitment(
            goal, corporatie, "Lampen in de portieken vervangen", date(year, 6, 30), actor=writer
        )
        if stage != "draft":
            closes = (started + timedelta(days=20)).date()
            if stage == "consultation":
                closes, started = (utcnow() + timedelta(days=20)).date(), utcnow()
            services.publish_for_comments(contract, closes, actor=writer, now=started)
        if stage in ("signing", "signed"):
            services.open_signing(contract, actor=writer)
        if stage == "signed":
            for p in contract.parties:
                services.sign(p, actor=signer_for(p))
        _commit()
        return contract


def first_goal(contract: Contract) -> Goal:
    return contract.goals[0]
