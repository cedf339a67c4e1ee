"""Buurtbegroting test data, made through the services like the real thing."""

from __future__ import annotations

from typing import Any

import factory

from factories.accounts import WijkmanagerFactory
from factories.places import WijkFactory
from samenhang.accounts.models import User
from samenhang.budgets import importing, services
from samenhang.budgets.models import Budget, LineItem
from samenhang.extensions import db

#: Rows in the template's column order (importing.COLUMNS).
ROWS = [
    [
        "K-1",
        "wonen",
        "gemeente",
        "Gemeente Groningen",
        "Groenonderhoud",
        "",
        "48000,00",
        "21500,50",
        "ja",
        "",
    ],
    [
        "K-2",
        "veiligheid",
        "woningcorporatie",
        "Lefier",
        "Portiekverlichting",
        "",
        "12500",
        "",
        "nee",
        "",
    ],
    [
        "K-3",
        "meedoen",
        "fonds",
        "Oranje Fonds",
        "Buurthuis open",
        "Elke dag",
        "8000",
        "8000",
        "ja",
        "",
    ],
]


def manager_of(budget: Budget) -> User:
    assert budget.created_by is not None
    return budget.created_by


class BudgetFactory(factory.Factory):
    """A draft buurtbegroting made by a wijkmanager of its wijk; `rows` imported (the
    default three lines, [] for none), published when `published`."""

    class Meta:
        model = Budget

    wijk = factory.SubFactory(WijkFactory)
    manager = factory.LazyAttribute(lambda o: WijkmanagerFactory(wijken=[o.wijk]))
    year = 2026
    rows = factory.LazyFunction(lambda: [list(r) for r in ROWS])
    published = False

    @classmethod
    def _create(cls, model_class: type, **kw: Any) -> Budget:
        manager = kw["manager"]
        budget = services.create_budget(kw["wijk"], kw["year"], actor=manager)
        if kw["rows"]:
            import_rows(budget, kw["rows"])
        if kw["published"]:
            services.publish_budget(budget, actor=manager)
        db.session.commit()
        return budget


def import_rows(budget: Budget, rows: list[list[Any]], reason: str = "") -> services.ImportPreview:
    manager = manager_of(budget)
    staged = services.stage_import(budget, "regels.csv", importing.rows_to_csv(rows), actor=manager)
    assert staged.budget_import is not None, staged.parsed.problems
    return services.apply_import(staged.budget_import, actor=manager, reason=reason)


def line_with_key(budget: Budget, key: str) -> LineItem:
    return next(line for line in budget.lines if line.external_key == key)
