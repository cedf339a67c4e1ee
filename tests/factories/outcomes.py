"""Outcome figures for tests, imported through the service as a CSV file would be."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from factories.accounts import AdminFactory
from samenhang.extensions import db
from samenhang.outcomes import services
from samenhang.outcomes.models import OutcomeImport
from samenhang.places.models import Municipality

HEADER = "wijk_code,indicator,year,value,city_average,source"

#: (wijk code, indicator, year, value, city average)
Row = tuple[str, str, int, str, str]


def csv_bytes(rows: Sequence[Row], source: str = "CBS") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER.split(","))
    writer.writerows([*row, source] for row in rows)
    return out.getvalue().encode()


def import_figures(
    municipality: Municipality, rows: Sequence[Row], *, is_example: bool = False
) -> OutcomeImport:
    report = services.import_csv(
        municipality, csv_bytes(rows), "test.csv", actor=AdminFactory(), is_example=is_example
    )
    assert report.imported is not None, report.errors
    # Only releases the test's savepoint: a request that answers 4xx keeps this data.
    db.session.commit()
    return report.imported
