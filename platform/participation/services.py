"""The write side of participation: the languages spoken in a wijk, entered by its
wijkmanager with their source (audit-logged)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext

from samenhang.accounts.models import User
from samenhang.audit.services import log_event
from samenhang.db import utcnow
from samenhang.errors import DomainError
from samenhang.extensions import db
from samenhang.participation.models import LANGUAGE_KEYS, WijkLanguages
from samenhang.participation.queries import languages_of
from samenhang.places.models import Wijk
from samenhang.policies import require_manager

MAX_SOURCE = 300


def set_wijk_languages(
    wijk: Wijk,
    shares: Mapping[str, Decimal | None],
    *,
    source: str,
    year: int | None = None,
    is_example: bool = False,
    actor: User | None,
) -> WijkLanguages:
    """Record the percent of the wijk's residents per language, with where it comes from.
    `actor` None: the demo data, which has no wijkmanager at the keyboard."""
    if actor is not None:
        require_manager(actor, wijk)
    source = source.strip()
    if not source:
        raise DomainError(_l("Say where the figures come from."))
    if len(source) > MAX_SOURCE:
        raise DomainError(
            lazy_ngettext(
                "The source can be at most {n} character.",
                "The source can be at most {n} characters.",
                MAX_SOURCE,
            ),
            n=MAX_SOURCE,
        )
    cleaned: dict[str, str] = {}
    for key, value in shares.items():
        if key not in LANGUAGE_KEYS:
            raise DomainError(_l("Unknown language: {language}."), language=key)
        if value is None:
            continue
        if not Decimal(0) <= value <= Decimal(100):
            raise DomainError(_l("A share is a percentage between 0 and 100."))
        cleaned[key] = str(value.quantize(Decimal("0.1")))
    if not cleaned:
        raise DomainError(_l("Enter a figure for at least one language."))
    found = languages_of(wijk)
    before = None
    if found is None:
        found = WijkLanguages(wijk_id=wijk.id)
        db.session.add(found)
    else:
        before = {"shares": found.shares, "source": found.source, "year": found.year}
    found.shares = cleaned
    found.source = source
    found.year = year
    found.is_example = is_example
    found.updated_at = utcnow()
    found.updated_by_id = actor.id if actor is not None else None
    log_event(
        actor,
        "participation.languages_set",
        found,
        wijk=wijk,
        before=before,
        after={"shares": cleaned, "source": source, "year": year},
    )
    return found
