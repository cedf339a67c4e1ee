"""Test data of who takes part: the languages spoken in a wijk, and a counted round with
only its turnout (what the participation pages read of it)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from factories.voting import RoundFactory
from samenhang.participation import services
from samenhang.participation.models import WijkLanguages
from samenhang.places.models import Wijk
from samenhang.voting.models import Phase, Round


def wijk_languages(
    wijk: Wijk, source: str = "Enquête", *, is_example: bool = False, **shares: Any
) -> WijkLanguages:
    """`wijk_languages(wijk, nl=80, tr=9)`: percent of residents per language."""
    return services.set_wijk_languages(
        wijk,
        {key: Decimal(value) for key, value in shares.items()},
        source=source,
        is_example=is_example,
        actor=None,
    )


def counted_round(
    wijk: Wijk,
    title: str,
    counted_at: datetime,
    *,
    total: int,
    eligible: int | None = None,
    by_language: dict[str, int] | None = None,
) -> Round:
    """A round in its results phase whose stored result holds only the turnout (its result
    page needs a full count; the participation pages read the turnout only)."""
    figures: dict[str, Any] = {"total": total, "eligible": eligible}
    if by_language is not None:
        figures["by_language"] = by_language
    return RoundFactory(
        wijk=wijk,
        title=title,
        phase=Phase.results,
        result={"turnout": figures},
        counted_at=counted_at,
    )
