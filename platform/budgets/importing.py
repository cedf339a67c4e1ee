"""Reading budget lines from a CSV or XLSX file in the documented template
(docs/buurtbegroting-import.md), and writing that template.

Pure: no database. `parse_file` checks every row and returns the rows it could read with
the problems of the others, each with its row number as a spreadsheet shows it (the header
is row 1). The services decide what to do with them.
"""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext

from samenhang.budgets.models import Source
from samenhang.errors import DomainError
from samenhang.initiatives.models import Theme
from samenhang.ledger.money import MAX_CENTS, InvalidAmount, parse_euros

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_ROWS = 2000
#: An .xlsx file is a zip: 2 MB of it can unpack to gigabytes of XML (a "zip bomb"). The
#: template with MAX_ROWS rows unpacks to well under 2 MB; this leaves room for styles.
MAX_UNPACKED_BYTES = 20 * 1024 * 1024
MAX_ZIP_MEMBERS = 200
#: The template has 12 columns; a workbook may carry a few of its own beside them.
MAX_COLUMNS = 50
MAX_KEY_LENGTH = 80
MAX_TEXT_LENGTH = 200


@dataclass(frozen=True)
class Column:
    #: The header in the template (Dutch, as the municipality's spreadsheets are).
    name: str
    #: The English header, accepted as well.
    alias: str
    required: bool


COLUMNS = [
    Column("kenmerk", "key", True),
    Column("thema", "theme", True),
    Column("bron", "source", True),
    Column("financier", "funder", True),
    Column("omschrijving", "title", True),
    Column("toelichting", "description", False),
    Column("begroot", "planned", True),
    Column("besteed", "actual", False),
    Column("maatschappelijke_taak", "public_task", False),
    Column("initiatief", "initiative", False),
    Column("campagne", "campaign", False),
    Column("doel", "goal", False),
]
_BY_HEADER = {h: c.name for c in COLUMNS for h in (c.name, c.alias)}
#: "overig" is the Dutch word the template uses for `Source.other`.
SOURCE_WORDS = {**{s.value: s for s in Source}, "overig": Source.other}
_YES = {"ja", "j", "yes", "y", "1", "x", "waar", "true"}
_NO = {"", "nee", "n", "no", "0", "onwaar", "false"}


class ImportFileError(DomainError):
    """The file as a whole cannot be read (format, columns, size)."""


@dataclass(frozen=True)
class ImportRow:
    row: int
    key: str
    theme: Theme
    source: Source
    source_name: str
    title: str
    description: str
    planned_cents: int
    actual_cents: int | None
    is_public_task: bool
    initiative_id: int | None
    campaign_id: int | None = None
    #: The buurtcontract goal the line serves (a goal link, not a column of the line).
    goal_id: int | None = None


@dataclass(frozen=True)
class RowProblem:
    row: int
    column: str
    message: str


@dataclass
class ParsedFile:
    rows: list[ImportRow] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.problems


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _header(value: Any) -> str:
    return str(value or "").strip().lower().replace(" ", "_").replace("-", "_")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _decode(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel on Windows saves "CSV" in its own code page.
        return content.decode("cp1252", errors="replace")


def _csv_rows(content: bytes) -> list[list[Any]]:
    text = _decode(content)
    first = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first.count)
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def _check_unpacked_size(content: bytes) -> None:
    """Refuse a workbook that would unpack to more than MAX_UNPACKED_BYTES, before openpyxl
    reads a byte of it. The sizes in the zip's directory can be trusted for this: Python's
    zipfile never hands out more than a member's stated size (and fails its CRC check if
    the data is different), and openpyxl reads through it."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise ImportFileError(_l("This file could not be read as an Excel workbook.")) from exc
    unpacked = sum(member.file_size for member in members)
    if len(members) > MAX_ZIP_MEMBERS or unpacked > MAX_UNPACKED_BYTES:
        raise ImportFileError(
            _l("This Excel file is too large when unpacked: at most {size} MB."),
            size=MAX_UNPACKED_BYTES // (1024 * 1024),
        )


def _xlsx_rows(content: bytes) -> list[list[Any]]:
    from openpyxl import load_workbook

    _check_unpacked_size(content)
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise ImportFileError(_l("This file could not be read as an Excel workbook.")) from exc
    try:
        sheet = workbook.worksheets[0]
        rows = []
        # One column more than allowed is read, to see whether anything is in it. Without
        # max_col openpyxl pads every row to the width the sheet declares
        # (<dimension ref="A1:XFD1048576"/>): 16,384 cells a row, whatever it holds.
        for row in sheet.iter_rows(max_col=MAX_COLUMNS + 1, values_only=True):
            if len(row) > MAX_COLUMNS and _text(row[MAX_COLUMNS]):
                raise ImportFileError(
                    lazy_ngettext(
                        "At most {count} column per file.",
                        "At most {count} columns per file.",
                        MAX_COLUMNS,
                    ),
                    count=MAX_COLUMNS,
                )
            rows.append(list(row[:MAX_COLUMNS]))
            if len(rows) > MAX_ROWS + 1:
                break
        return rows
    finally:
        workbook.close()


def read_table(file_name: str, content: bytes) -> list[list[Any]]:
    """The file's cells, row by row, header first."""
    if not content:
        raise ImportFileError(_l("The file is empty."))
    if len(content) > MAX_FILE_BYTES:
        raise ImportFileError(_l("The file is too large: at most 2 MB."))
    suffix = file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""
    if suffix == "csv":
        return _csv_rows(content)
    if suffix == "xlsx":
        return _xlsx_rows(content)
    raise ImportFileError(_l("Choose a CSV or an Excel (.xlsx) file."))


def _columns(header: list[Any]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, cell in enumerate(header):
        name = _header(cell)
        if not name:
            continue
        canonical = _BY_HEADER.get(name)
        if canonical is None:
            raise ImportFileError(
                _l("Unknown column “{column}”. The template lists the columns."), column=name
            )
        if canonical in found:
            raise ImportFileError(_l("The column “{column}” appears twice."), column=canonical)
        found[canonical] = index
    missing = [c.name for c in COLUMNS if c.required and c.name not in found]
    if missing:
        raise ImportFileError(
            _l("These columns are missing: {columns}."), columns=", ".join(missing)
        )
    return found


def _amount(value: Any) -> int:
    """Euros as a spreadsheet holds them (a number) or as people type them (text)."""
    if isinstance(value, bool):
        raise InvalidAmount(_l("This is not an amount. Write it like 12,50."))
    if isinstance(value, int | float):
        try:
            cents = Decimal(str(value)).scaleb(2)
        except InvalidOperation as exc:  # pragma: no cover - str() of a number parses
            raise InvalidAmount(_l("This is not an amount. Write it like 12,50.")) from exc
        if cents < 0:
            raise InvalidAmount(_l("The amount cannot be negative."))
        if cents != cents.to_integral_value():
            raise InvalidAmount(_l("An amount cannot have fractions of a cent."))
        if cents > MAX_CENTS:
            raise InvalidAmount(_l("This amount is too large."))
        return int(cents)
    return parse_euros(_text(value))


class _RowReader:
    """Reads one row's cells, collecting a problem per bad cell."""

    def __init__(self, number: int, cells: list[Any], columns: dict[str, int]) -> None:
        self.number = number
        self.cells = cells
        self.columns = columns
        self.problems: list[RowProblem] = []

    def cell(self, name: str) -> Any:
        index = self.columns.get(name)
        return self.cells[index] if index is not None and index < len(self.cells) else None

    def problem(self, name: str, message: Any, **params: Any) -> None:
        text = str(message).format(**params) if params else str(message)
        self.problems.append(RowProblem(self.number, name, text))

    def text(self, name: str, required: bool, limit: int | None = MAX_TEXT_LENGTH) -> str:
        value = _text(self.cell(name))
        if required and not value:
            self.problem(name, _l("This cell is empty."))
        elif limit is not None and len(value) > limit:
            self.problem(
                name,
                lazy_ngettext("At most {count} character.", "At most {count} characters.", limit),
                count=limit,
            )
        return value

    def choice(self, name: str, words: dict[str, Any]) -> Any:
        value = _text(self.cell(name)).lower()
        if value in words:
            return words[value]
        if not value:
            self.problem(name, _l("This cell is empty."))
        else:
            self.problem(
                name,
                _l("“{value}” is not one of: {allowed}."),
                value=value,
                allowed=", ".join(words),
            )
        return None

    def amount(self, name: str, required: bool) -> int | None:
        value = self.cell(name)
        if value is None or _text(value) == "":
            if required:
                self.problem(name, _l("This cell is empty."))
            return None
        try:
            return _amount(value)
        except InvalidAmount as exc:
            self.problem(name, str(exc))
            return None

    def flag(self, name: str) -> bool:
        value = _text(self.cell(name)).lower()
        if value in _YES:
            return True
        if value not in _NO:
            self.problem(name, _l("Write “ja” or “nee”."))
        return False

    def whole_number(self, name: str, message: Any) -> int | None:
        value = _text(self.cell(name))
        if not value:
            return None
        if not value.isdigit():
            self.problem(name, message)
            return None
        return int(value)


def _read_row(reader: _RowReader) -> ImportRow | None:
    key = reader.text("kenmerk", True, MAX_KEY_LENGTH)
    theme = reader.choice("thema", {t.value: t for t in Theme})
    source = reader.choice("bron", SOURCE_WORDS)
    source_name = reader.text("financier", True)
    title = reader.text("omschrijving", True)
    description = reader.text("toelichting", False, limit=None)
    planned = reader.amount("begroot", True)
    actual = reader.amount("besteed", False)
    is_public_task = reader.flag("maatschappelijke_taak")
    initiative_id = reader.whole_number(
        "initiatief", _l("Write the number of the initiative, like 12.")
    )
    campaign_id = reader.whole_number("campagne", _l("Write the number of the campaign, like 12."))
    goal_id = reader.whole_number(
        "doel", _l("Write the number of the buurtcontract goal, like 12.")
    )
    if reader.problems or theme is None or source is None or planned is None:
        return None
    return ImportRow(
        row=reader.number,
        key=key,
        theme=theme,
        source=source,
        source_name=source_name,
        title=title,
        description=description,
        planned_cents=planned,
        actual_cents=actual,
        is_public_task=is_public_task,
        initiative_id=initiative_id,
        campaign_id=campaign_id,
        goal_id=goal_id,
    )


def parse_file(file_name: str, content: bytes) -> ParsedFile:
    """Every row checked; raises `ImportFileError` when the file as a whole is unusable."""
    table = read_table(file_name, content)
    if not table or not any(_text(c) for c in table[0]):
        raise ImportFileError(_l("The first row must hold the column names."))
    columns = _columns(table[0])
    if len(table) - 1 > MAX_ROWS:
        raise ImportFileError(
            lazy_ngettext(
                "At most {count} row per file.", "At most {count} rows per file.", MAX_ROWS
            ),
            count=MAX_ROWS,
        )
    parsed = ParsedFile()
    first_row: dict[str, int] = {}
    for number, cells in enumerate(table[1:], start=2):
        if not any(_text(c) for c in cells):
            continue
        reader = _RowReader(number, list(cells), columns)
        row = _read_row(reader)
        parsed.problems += reader.problems
        if row is None:
            continue
        if row.key in first_row:
            parsed.problems.append(
                RowProblem(
                    number,
                    "kenmerk",
                    str(_l("The same kenmerk is already in row {row}.")).format(
                        row=first_row[row.key]
                    ),
                )
            )
            continue
        first_row[row.key] = number
        parsed.rows.append(row)
    if not parsed.rows and not parsed.problems:
        raise ImportFileError(_l("The file has no lines below the column names."))
    return parsed


# --- the template ---------------------------------------------------------------------------

TEMPLATE_EXAMPLES = [
    [
        "OOST-2026-001",
        "wonen",
        "gemeente",
        "Gemeente Amsterdam",
        "Groenonderhoud pleinen en plantsoenen",
        "Maaien, snoeien en vegen, het hele jaar.",
        "48000,00",
        "21500,00",
        "ja",
        "",
        "",
        "",
    ],
    [
        "OOST-2026-002",
        "veiligheid",
        "woningcorporatie",
        "Woningcorporatie Ymere",
        "Betere verlichting in portieken",
        "",
        "12500,00",
        "",
        "nee",
        "",
        "",
        "",
    ],
]


def rows_to_csv(rows: list[list[Any]]) -> bytes:
    """The template's header and `rows` as a CSV that Dutch spreadsheet programs open well:
    semicolons, and a byte-order mark so accents survive."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([c.name for c in COLUMNS])
    writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def template_csv() -> bytes:
    return rows_to_csv(TEMPLATE_EXAMPLES)


def template_xlsx() -> bytes:
    """The template as a workbook: the lines sheet first, the allowed values beside it."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "regels"
    sheet.append([c.name for c in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for example in TEMPLATE_EXAMPLES:
        sheet.append(example)
    values = workbook.create_sheet("waarden")
    values.append(["kolom", "verplicht", "toegestane waarden"])
    allowed = {
        "thema": ", ".join(t.value for t in Theme),
        "bron": ", ".join(SOURCE_WORDS),
        "begroot": "bedrag in euro, bijvoorbeeld 12500,00",
        "besteed": "bedrag in euro, leeg als het nog niet bekend is",
        "maatschappelijke_taak": "ja of nee",
        "initiatief": "nummer van een initiatief op Samenhang, of leeg",
        "campagne": "nummer van een campagne op Samenhang, of leeg",
        "doel": "nummer van een doel in het buurtcontract van de wijk, of leeg",
    }
    for column in COLUMNS:
        values.append([column.name, "ja" if column.required else "nee", allowed.get(column.name)])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
