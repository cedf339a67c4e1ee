"""Reading municipalities and wijken."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import contains_eager, selectinload

from samenhang.extensions import db
from samenhang.places.models import Municipality, Wijk, WijkPostcode

_POSTCODE = re.compile(r"^([1-9][0-9]{3})\s?([A-Za-z]{2})?$")


def normalise_postcode(raw: str) -> str | None:
    """'9741 ab' -> '9741AB'; a bare PC4 '9741' stays as it is; anything else -> None."""
    match = _POSTCODE.match(raw.strip())
    if not match:
        return None
    return match.group(1) + (match.group(2) or "").upper()


def municipalities_with_wijken() -> list[Municipality]:
    stmt = (
        select(Municipality).options(selectinload(Municipality.wijken)).order_by(Municipality.name)
    )
    return list(db.session.scalars(stmt))


def municipality_by_slug(slug: str) -> Municipality | None:
    return db.session.scalar(select(Municipality).where(Municipality.slug == slug))


def wijk_by_slugs(municipality_slug: str, wijk_slug: str) -> Wijk | None:
    stmt = (
        select(Wijk)
        .join(Wijk.municipality)
        .where(Municipality.slug == municipality_slug, Wijk.slug == wijk_slug)
        # Every wijk page links through its municipality: loaded by the same query.
        .options(contains_eager(Wijk.municipality))
    )
    return db.session.scalar(stmt)


def wijken_for_postcode(postcode: str) -> list[Wijk]:
    normalised = normalise_postcode(postcode)
    if normalised is None:
        return []
    stmt = (
        select(Wijk)
        .join(WijkPostcode)
        .where(WijkPostcode.postcode4 == normalised[:4])
        .order_by(Wijk.name)
    )
    return list(db.session.scalars(stmt))


def all_wijken() -> list[Wijk]:
    stmt = select(Wijk).join(Wijk.municipality).order_by(Municipality.name, Wijk.name)
    return list(db.session.scalars(stmt))
