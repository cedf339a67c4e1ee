"""Importing outcome figures from CSV: every row is checked first, and the file is stored
whole or not at all, with a report of every row that is wrong (see docs/outcomes-import.md)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from sqlalchemy import select

from samenhang.accounts.models import User
from samenhang.audit.services import log_event
from samenhang.extensions import db
from samenhang.localtime import local_today
from samenhang.outcomes.indicators import INDICATORS
from samenhang.outcomes.models import OutcomeImport, OutcomeValue
from samenhang.places.models import Municipality, Wijk
from samenhang.policies import can_import_outcomes, can_manage, require

COLUMNS = ("wijk_code", "indicator", "year", "value", "city_average", "source")
FIRST_YEAR = 2000
MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 20_000
#: What the columns hold: 14 digits, three of them after the point.
LIMIT = Decimal("1e11")


@dataclass(frozen=True)
class RowError:
    #: The line in the file (the header is line 1).
    line: int
    message: str


@dataclass
class ImportReport:
    """Either the stored import, or the errors (and then nothing was stored)."""

    errors: list[RowError] = field(default_factory=list)
    imported: OutcomeImport | None = None


@dataclass(frozen=True)
class _Row:
    line: int
    wijk: Wijk
    indicator: str
    year: int
    value: Decimal
    city_average: Decimal
    source: str


class _RowProblem(Exception):
    def __init__(self, message: Any, **params: Any) -> None:
        self.text = str(message).format(**params)


def _number(text: str) -> Decimal:
    cleaned = text.strip().replace(" ", "").replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise _RowProblem(_l("“{text}” is not a number."), text=text.strip()) from None
    if not value.is_finite() or abs(value) >= LIMIT:
        raise _RowProblem(_l("“{text}” is not a number."), text=text.strip())
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -3:
        raise _RowProblem(_l("“{text}” has more than 3 decimal places."), text=text.strip())
    return value


def _read(data: bytes) -> Iterator[tuple[int, dict[str, str]]] | RowError:
    """The rows of the file with their line numbers, or what is wrong with the file."""
    if len(data) > MAX_BYTES:
        return RowError(0, str(_l("The file is too large: at most 2 MB.")))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return RowError(0, str(_l("The file is not UTF-8 text. Save it as “CSV UTF-8”.")))
    first = text.split("\n", 1)[0]
    # Spreadsheets in Dutch save with semicolons, because the comma is the decimal sign.
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = [(name or "").strip().lower() for name in (reader.fieldnames or [])]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        return RowError(
            1, str(_l("Columns missing: {columns}.")).format(columns=", ".join(missing))
        )
    reader.fieldnames = header
    return ((reader.line_num, row) for row in reader)


def _check(
    line: int,
    row: dict[str, Any],
    wijken: dict[str, Wijk],
    actor: User,
    municipality: Municipality,
    last_year: int,
) -> _Row:
    if None in row or any(row.get(c) is None for c in COLUMNS):
        raise _RowProblem(
            lazy_ngettext(
                "This row does not have {count} column.",
                "This row does not have {count} columns.",
                len(COLUMNS),
            ),
            count=len(COLUMNS),
        )
    code = row["wijk_code"].strip().upper()
    wijk = wijken.get(code)
    if wijk is None:
        raise _RowProblem(
            _l("The CBS wijk code “{code}” is not a wijk of {municipality}."),
            code=code,
            municipality=municipality.name,
        )
    if not can_manage(actor, wijk):
        raise _RowProblem(_l("You may import figures only for your own wijken."))
    indicator = row["indicator"].strip().lower()
    if indicator not in INDICATORS:
        raise _RowProblem(
            _l("Unknown indicator “{indicator}”. Known are: {known}."),
            indicator=indicator,
            known=", ".join(INDICATORS),
        )
    year_text = row["year"].strip()
    if not year_text.isdigit() or not FIRST_YEAR <= int(year_text) <= last_year:
        raise _RowProblem(
            _l("The year “{year}” is out of range: {first} to {last}."),
            year=year_text,
            first=FIRST_YEAR,
            last=last_year,
        )
    city_average = _number(row["city_average"])
    if city_average == 0:
        raise _RowProblem(_l("The city average cannot be 0."))
    source = row["source"].strip()
    if not source:
        raise _RowProblem(_l("Say where the figure comes from (the source column)."))
    if len(source) > 200:
        raise _RowProblem(_l("The source is too long: at most 200 characters."))
    return _Row(line, wijk, indicator, int(year_text), _number(row["value"]), city_average, source)


def import_csv(
    municipality: Municipality,
    data: bytes,
    filename: str,
    *,
    actor: User,
    is_example: bool = False,
    now: datetime | None = None,
) -> ImportReport:
    """Check every row, then store all of them (a figure already there is replaced) or,
    if any row is wrong, none."""
    require(
        can_import_outcomes(actor, municipality),
        _l("Only a wijkmanager or administrator of {municipality} can import figures."),
        municipality=municipality.name,
    )
    rows = _read(data)
    if isinstance(rows, RowError):
        return ImportReport(errors=[rows])
    wijken = {w.cbs_code.upper(): w for w in municipality.wijken}
    last_year = local_today(now).year
    checked: list[_Row] = []
    errors: list[RowError] = []
    seen: dict[tuple[int, str, int], int] = {}
    for line, row in rows:
        if len(checked) + len(errors) >= MAX_ROWS:
            errors.append(
                RowError(
                    line,
                    str(
                        lazy_ngettext("At most {count} row.", "At most {count} rows.", MAX_ROWS)
                    ).format(count=MAX_ROWS),
                )
            )
            break
        try:
            found = _check(line, row, wijken, actor, municipality, last_year)
        except _RowProblem as problem:
            errors.append(RowError(line, problem.text))
            continue
        key = (found.wijk.id, found.indicator, found.year)
        if key in seen:
            errors.append(
                RowError(
                    line,
                    str(_l("The same wijk, indicator and year are on line {line}.")).format(
                        line=seen[key]
                    ),
                )
            )
            continue
        seen[key] = line
        checked.append(found)
    if not checked and not errors:
        errors.append(RowError(1, str(_l("The file has no rows."))))
    if errors:
        return ImportReport(errors=errors)
    return ImportReport(imported=_store(municipality, checked, filename, actor, is_example))


def _store(
    municipality: Municipality, rows: list[_Row], filename: str, actor: User, is_example: bool
) -> OutcomeImport:
    imported = OutcomeImport(
        municipality=municipality,
        filename=filename[:200] or "import.csv",
        row_count=len(rows),
        is_example=is_example,
        imported_by_id=actor.id,
    )
    db.session.add(imported)
    existing = {
        (v.wijk_id, v.indicator, v.year): v
        for v in db.session.scalars(
            select(OutcomeValue).where(OutcomeValue.wijk_id.in_({r.wijk.id for r in rows}))
        )
    }
    replaced = 0
    for row in rows:
        value = existing.get((row.wijk.id, row.indicator, row.year))
        replaced += value is not None
        if value is None:
            value = OutcomeValue(wijk=row.wijk, indicator=row.indicator, year=row.year)
            db.session.add(value)
        value.value, value.city_average, value.source = row.value, row.city_average, row.source
        value.is_example, value.import_ = is_example, imported
    db.session.flush()
    log_event(
        actor,
        "outcomes.imported",
        imported,
        after={"rows": len(rows), "replaced": replaced, "example": is_example},
    )
    return imported
