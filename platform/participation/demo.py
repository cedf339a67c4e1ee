"""Example figures of the languages spoken in the demo wijken: made up, marked as example
figures wherever they show (with a source that says so). Called by
`samenhang.demo.seed_demo()`."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from samenhang.extensions import db
from samenhang.participation import services
from samenhang.participation.models import WijkLanguages
from samenhang.places.models import Wijk

SOURCE = "Voorbeeldcijfers, bedacht voor de demo (geen meting of telling)"
#: wijk slug -> percent of residents per language (made up; several may apply to one person).
EXAMPLE_SHARES: dict[str, dict[str, str]] = {
    "korrewegwijk": {"nl": "84", "en": "9", "tr": "4", "ar": "5", "pl": "3", "uk": "2"},
    "de-hoogte": {"nl": "78", "en": "6", "tr": "6", "ar": "9", "pl": "4", "uk": "2"},
    "oosterparkwijk": {"nl": "86", "en": "8", "tr": "3", "ar": "4", "pl": "3", "uk": "1"},
    "selwerd": {"nl": "74", "en": "15", "tr": "4", "ar": "7", "pl": "3", "uk": "3"},
    "woensel-west": {"nl": "72", "en": "7", "tr": "10", "ar": "8", "pl": "6", "uk": "2"},
    "doornakkers": {"nl": "75", "en": "5", "tr": "12", "ar": "7", "pl": "4", "uk": "1"},
    "indische-buurt": {"nl": "70", "en": "14", "tr": "9", "ar": "12", "pl": "2", "uk": "2"},
    "transvaalbuurt": {"nl": "71", "en": "12", "tr": "10", "ar": "11", "pl": "2", "uk": "2"},
    "dapperbuurt": {"nl": "73", "en": "16", "tr": "6", "ar": "9", "pl": "2", "uk": "1"},
    "overvecht": {"nl": "62", "en": "6", "tr": "14", "ar": "16", "pl": "4", "uk": "3"},
    "kanaleneiland": {"nl": "58", "en": "5", "tr": "16", "ar": "20", "pl": "3", "uk": "2"},
}


def seed_participation_demo() -> list[WijkLanguages]:
    """Set the example languages of every demo wijk that exists; the caller commits."""
    found = []
    for slug, shares in EXAMPLE_SHARES.items():
        wijk = db.session.scalar(select(Wijk).where(Wijk.slug == slug))
        if wijk is None:
            continue
        found.append(
            services.set_wijk_languages(
                wijk,
                {key: Decimal(value) for key, value in shares.items()},
                source=SOURCE,
                is_example=True,
                actor=None,
            )
        )
    return found
