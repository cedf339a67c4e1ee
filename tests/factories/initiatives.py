from __future__ import annotations

import factory

from factories.accounts import UserFactory
from factories.base import ModelFactory
from factories.places import WijkFactory
from samenhang.db import utcnow
from samenhang.initiatives.models import (
    Initiative,
    InitiativeBudgetLine,
    InitiativeTheme,
    State,
    Theme,
)
from samenhang.text import normalise_for_search


class InitiativeFactory(ModelFactory):
    class Meta:
        model = Initiative

    wijk = factory.SubFactory(WijkFactory)
    author = factory.SubFactory(UserFactory)
    public_name = factory.LazyAttribute(lambda o: o.author.display_name)
    title = factory.Sequence(lambda n: f"Speeltuin opknappen {n}")
    summary = "Nieuwe schommels en een bankje voor ouders."
    description = "We willen de speeltuin aan het **plein** opknappen."
    original_locale = "nl"
    state = State.draft
    search_text = factory.LazyAttribute(
        lambda o: normalise_for_search(o.title, o.summary, o.description, o.public_name)
    )

    @factory.post_generation
    def themes(self, create: bool, extracted: list[Theme] | None, **kwargs: object) -> None:
        self.themes = [InitiativeTheme(theme=t) for t in (extracted or [Theme.wonen])]

    @factory.post_generation
    def budget(self, create: bool, extracted: list[tuple[str, int]] | None, **kw: object) -> None:
        lines = extracted if extracted is not None else [("Schommel", 120000)]
        self.budget_lines = [
            InitiativeBudgetLine(position=i, description=d, amount=a)
            for i, (d, a) in enumerate(lines)
        ]


class PublishedInitiativeFactory(InitiativeFactory):
    state = State.published
    published_at = factory.LazyFunction(utcnow)
    submitted_at = factory.LazyFunction(utcnow)
