"""Example outcome figures for the demo wijken, imported as a CSV file would be and marked as
example figures everywhere they show. They are made up: each wijk starts some way below its
city's average and moves with its own pace; Woensel-West catches up year by year. Called by
`samenhang.demo.seed_demo()`."""

from __future__ import annotations

import csv
import io
import random

from sqlalchemy import select

from samenhang.accounts.models import Role, User
from samenhang.db import utcnow
from samenhang.extensions import db
from samenhang.outcomes import services
from samenhang.outcomes.indicators import INDICATORS
from samenhang.places.models import Municipality

YEARS = 5
SOURCE = "Voorbeeldcijfers (geen echte statistiek)"
#: indicator -> (city average five years ago, change per year, decimals)
CITY = {
    "leefbaarometer": (4.05, 0.01, 2),
    "woz_waarde": (230, 12, 0),
    "misdrijven": (55, -1.5, 1),
    "onveilig": (18, -0.3, 1),
    "schoolverlaters": (2.2, -0.05, 1),
    "startkwalificatie": (82, 0.4, 1),
    "werkloosheid": (5.5, -0.2, 1),
    "arbeidsparticipatie": (68, 0.5, 1),
    "inkomen": (27.5, 0.8, 1),
    "laag_inkomen": (9.5, -0.2, 1),
    "goede_gezondheid": (76, 0.2, 1),
    "overgewicht": (48, 0.3, 1),
    "vrijwilligers": (28, 0.2, 1),
    "eenzaamheid": (45, 0.5, 1),
}
#: How far a wijk starts below its city (a share), and how much of that gap closes a year.
CATCHING_UP = {"woensel-west": (0.30, 0.10)}


def _rows(municipality: Municipality, first_year: int) -> list[list[str]]:
    rows = []
    for wijk in municipality.wijken:
        chance = random.Random(wijk.cbs_code)
        gap, pace = CATCHING_UP.get(
            wijk.slug, (chance.uniform(0.05, 0.3), chance.uniform(-0.03, 0.06))
        )
        for key, (start, step, decimals) in CITY.items():
            spread = chance.uniform(0.6, 1.4)
            better = INDICATORS[key].higher_is_better
            for i in range(YEARS):
                average = start + step * i
                distance = gap * spread * (1 - pace) ** i
                value = average * (1 - distance if better else 1 + distance)
                if key not in ("woz_waarde", "inkomen", "misdrijven", "leefbaarometer"):
                    value = min(value, 99.0)
                rows.append(
                    [
                        wijk.cbs_code,
                        key,
                        str(first_year + i),
                        f"{value:.{decimals}f}",
                        f"{average:.{decimals}f}",
                        SOURCE,
                    ]
                )
    return rows


def seed_outcomes_demo() -> int:
    """Import example figures for every demo municipality; the caller commits."""
    admin = db.session.scalar(select(User).where(User.role == Role.admin).order_by(User.id))
    if admin is None:
        return 0
    first_year = utcnow().year - YEARS
    imported = 0
    for municipality in db.session.scalars(select(Municipality).order_by(Municipality.name)):
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(services.COLUMNS)
        writer.writerows(_rows(municipality, first_year))
        report = services.import_csv(
            municipality,
            out.getvalue().encode(),
            "voorbeeldcijfers.csv",
            actor=admin,
            is_example=True,
        )
        assert report.imported is not None, report.errors
        imported += report.imported.row_count
    return imported
