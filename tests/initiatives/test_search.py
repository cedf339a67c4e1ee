"""Search finds initiatives by the start of their words, whatever the accents, on SQLite
(LIKE) and PostgreSQL (full-text with a GIN index)."""

from __future__ import annotations

from typing import Any

import pytest
from factories.initiatives import PublishedInitiativeFactory
from factories.places import WijkFactory

from samenhang.initiatives.queries import InitiativeFilter, public_initiatives
from samenhang.text import normalise_for_search


def _titles(wijk: Any, query: str) -> set[str]:
    page = public_initiatives(InitiativeFilter(wijk=wijk, query=query))
    return {i.title for i in page.items}


@pytest.fixture
def wijk(db_session: Any) -> Any:
    wijk = WijkFactory()
    for title in ("Speeltuïn opknappen", "Moestuin bij de school", "Bankjes op het plein"):
        PublishedInitiativeFactory(
            wijk=wijk, title=title, search_text=normalise_for_search(title, "Voor de buurt.")
        )
    db_session.flush()
    return wijk


def test_words_are_found_by_their_start_without_accents(wijk: Any) -> None:
    assert _titles(wijk, "speeltuin") == {"Speeltuïn opknappen"}
    assert _titles(wijk, "SPEEL") == {"Speeltuïn opknappen"}
    assert _titles(wijk, "moestuin school") == {"Moestuin bij de school"}
    assert _titles(wijk, "moestuin plein") == set()  # every word must occur
    assert len(_titles(wijk, "buurt")) == 3


@pytest.mark.parametrize("query", ["a & b | !c:*", "'); drop table initiatives; --", "!!!", "()"])
def test_search_operators_are_plain_text(wijk: Any, query: str) -> None:
    assert _titles(wijk, query) == set()
