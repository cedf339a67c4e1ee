"""Read and write the pabulib `.pb` format (https://pabulib.org/format).

A file has three `;`-separated tables in this order: META (key;value), PROJECTS and VOTES,
each starting with a line naming the section and a header line. Fields may be quoted with
`"`; lines end in LF or CRLF. Everything that is not counted (descriptions, coordinates,
the voters' age, ...) is kept as text, so writing an election that was read gives the same
election back, and for almost every file the very same bytes.

A file whose name ends in `.gz` is gzip-compressed (`Netherlands_Assen_2024.pb.gz`): the
file functions compress and decompress it on the way, so it reads like any other.

Problems are reported as `PabulibError`, naming the file, the line and what is wrong.
"""

from __future__ import annotations

import csv
import gzip
import io
import itertools
import os
import re
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import replace
from fractions import Fraction
from pathlib import Path
from typing import Any, NoReturn

import numpy as np

from samenhang.voting.rules.ballots import BallotColumns, BallotTable
from samenhang.voting.rules.election import (
    Ballot,
    BallotLimits,
    CategoryCaps,
    Election,
    Leftover,
    Number,
    Project,
    VoteType,
)
from samenhang.voting.rules.explain import Explanation, render

SECTIONS = ("META", "PROJECTS", "VOTES")
LEFTOVER_TEXT = {
    Leftover.FUND_FITTING: (
        "Fund additional projects that fit within leftover budget ordered by score"
    ),
    Leftover.PARTIAL_ONE: "Partially fund one additional project with highest score",
}
LIMIT_KEYS = (
    "min_length",
    "max_length",
    "min_sum_cost",
    "max_sum_cost",
    "min_sum_points",
    "max_sum_points",
    "min_points",
    "max_points",
)
GZIP_SUFFIX = ".gz"
CAP_PREFIX = "budget_per_"
#: The META list naming the groups of a `budget_per_<column>` entry is `<column>s`, except:
CAP_NAMES_KEY = {"category": "categories"}
#: Project columns that become `Project` fields; all others are kept as text in `extra`.
PROJECT_FIELDS = ("project_id", "cost", "name", "category", "categories", "target", "targets")
VOTE_FIELDS = ("voter_id", "vote", "points", "weight")

_AMOUNT = re.compile(r"[0-9]+(\.0*)?")
_WHOLE = re.compile(r"-?[0-9]+(\.0*)?")


class PabulibError(ValueError):
    """A `.pb` file that cannot be read: where, and what is wrong, as an `Explanation`."""

    def __init__(self, file: str, line: int | None, explanation: Explanation) -> None:
        self.file = file
        self.line = line
        self.explanation = explanation
        super().__init__(str(self))

    @property
    def problem(self) -> str:
        return render(self.explanation)

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}, line {self.line}"
        return f"{where}: {self.problem}"


def read_pb(source: str | bytes, filename: str = "<pb>") -> Election:
    """An election from the text (or UTF-8 bytes) of a `.pb` file."""
    if isinstance(source, bytes):
        try:
            source = source.decode("utf-8")
        except UnicodeDecodeError:
            raise PabulibError(filename, None, Explanation("pb.not_utf8")) from None
    return _Reader(filename).read(source.removeprefix("\ufeff"))


def read_pb_bytes(path: str | os.PathLike[str]) -> bytes:
    """The bytes of a `.pb` file, decompressed if its name ends in `.gz`."""
    path = Path(path)
    data = path.read_bytes()
    if path.suffix != GZIP_SUFFIX:
        return data
    try:
        return gzip.decompress(data)
    except (OSError, EOFError, zlib.error):
        raise PabulibError(path.name, None, Explanation("pb.not_gzip")) from None


def read_pb_file(path: str | os.PathLike[str]) -> Election:
    path = Path(path)
    return read_pb(read_pb_bytes(path), filename=path.name)


def write_pb(election: Election) -> str:
    """The election as the text of a `.pb` file (LF line ends, fields quoted only if needed)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(["META"])
    writer.writerow(["key", "value"])
    writer.writerows(_meta_for_writing(election).items())
    columns = _project_columns(election)
    writer.writerow(["PROJECTS"])
    writer.writerow(columns)
    writer.writerows([_project_field(p, c) for c in columns] for p in election.projects.values())
    columns = _vote_columns(election)
    points = election.vote_type.has_points
    writer.writerow(["VOTES"])
    writer.writerow(columns)
    writer.writerows([_vote_field(b, c, points) for c in columns] for b in election.ballots)
    return out.getvalue()


def write_pb_file(election: Election, path: str | os.PathLike[str]) -> None:
    path = Path(path)
    data = write_pb(election).encode("utf-8")
    # mtime=0: the same election gives the same bytes.
    path.write_bytes(gzip.compress(data, mtime=0) if path.suffix == GZIP_SUFFIX else data)


def with_counts(election: Election, selected: Iterable[str] | None = None) -> Election:
    """The election with the PROJECTS columns open-data users expect filled in from the
    ballots: `votes` (ballots naming the project), `score` (points, for ranked and points
    ballots) and, given the funded projects, `selected` (1 or 0)."""
    votes = dict.fromkeys(election.projects, 0)
    score: dict[str, Number] = dict.fromkeys(election.projects, 0)
    for ballot in election.ballots:
        for project_id in dict.fromkeys(ballot.projects):
            votes[project_id] += 1
        for project_id, points in _ballot_points(election.vote_type, ballot):
            score[project_id] += points
    chosen = None if selected is None else set(selected)
    projects = {}
    for project_id, project in election.projects.items():
        extra = dict(project.extra, votes=str(votes[project_id]))
        if election.vote_type is VoteType.ORDINAL or election.vote_type.has_points:
            extra["score"] = str(score[project_id])
        if chosen is not None:
            extra["selected"] = "1" if project_id in chosen else "0"
        projects[project_id] = replace(project, extra=extra)
    return replace(election, projects=projects)


def _ballot_points(vote_type: VoteType, ballot: Ballot) -> Iterator[tuple[str, int]]:
    if vote_type is VoteType.ORDINAL:
        length = len(ballot.projects)
        yield from ((p, length - rank) for rank, p in enumerate(ballot.projects))
    elif vote_type.has_points:
        yield from zip(ballot.projects, ballot.points, strict=True)


# Reading ---------------------------------------------------------------------------------


class _Reader:
    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.meta: dict[str, str] = {}
        self.meta_lines: dict[str, int] = {}
        self.meta_header_line = 0
        self.projects: dict[str, Project] = {}
        self.ballots: list[Ballot] | BallotTable = []
        self.voters: set[str] = set()
        self.project_columns: tuple[str, ...] = ()
        self.vote_columns: tuple[str, ...] = ()
        self.vote_type = VoteType.APPROVAL
        self.vote_reader: _VoteRowReader | None = None

    def fail(self, line: int | None, code: str, **params: str | int) -> NoReturn:
        raise PabulibError(self.filename, line, Explanation(code, params))

    def read(self, text: str) -> Election:
        section = -1
        header: list[str] | None = None
        handle: Callable[[int, list[str]], None] = self._meta_row
        last_line = 0
        stream = io.StringIO(text, newline="")
        reader = csv.reader(stream, delimiter=";")
        for line, row in self._rows(reader):
            last_line = line
            marker = _section_marker(row)
            if marker is not None:
                if SECTIONS.index(marker) != section + 1:
                    self.fail(line, "pb.section_order", section=marker)
                section += 1
                header = None
                if marker == "PROJECTS":
                    self._finish_meta()
                continue
            if section < 0:
                self.fail(line, "pb.no_meta")
            if header is None:
                header = [name.strip() for name in row]
                handle = self._start_section(SECTIONS[section], line, header)
                if self.vote_reader is not None:
                    # csv reads one line at a time, so the stream is at the first vote.
                    table = self.vote_reader.read_fast(text[stream.tell() :])
                    if table is not None:
                        self.ballots = table
                        break
                continue
            if len(row) != len(header):
                self.fail(line, "pb.field_count", expected=len(header), found=len(row))
            handle(line, row)
        if last_line == 0:
            self.fail(None, "pb.empty")
        if section < len(SECTIONS) - 1:
            self.fail(last_line, "pb.missing_section", section=SECTIONS[section + 1])
        if header is None:
            self.fail(last_line, "pb.missing_column", section="VOTES", column="voter_id")
        self._check_count("num_votes", len(self.ballots))
        return self._election()

    def _rows(self, reader: Any) -> Iterator[tuple[int, list[str]]]:
        try:
            for row in reader:
                if row and (len(row) > 1 or row[0].strip()):
                    yield reader.line_num, row
        except csv.Error as exc:
            self.fail(reader.line_num, "pb.unreadable", detail=str(exc))

    def _start_section(
        self, section: str, line: int, header: list[str]
    ) -> Callable[[int, list[str]], None]:
        required = {"META": ("key", "value"), "PROJECTS": ("project_id", "cost")}
        for column in required.get(section, ("voter_id", "vote")):
            if column not in header:
                self.fail(line, "pb.missing_column", section=section, column=column)
        if section == "META":
            self.meta_header_line = line
            return self._meta_row
        if section == "PROJECTS":
            self.project_columns = tuple(header)
            return _ProjectRowReader(self, header).read
        self._check_count("num_projects", len(self.projects))
        if self.vote_type.has_points and "points" not in header:
            self.fail(line, "pb.missing_column", section=section, column="points")
        self.vote_columns = tuple(header)
        self.vote_reader = _VoteRowReader(self, header)
        return self.vote_reader.read

    def _meta_row(self, line: int, row: list[str]) -> None:
        key = row[0].strip()
        self.meta[key] = row[1].strip()
        self.meta_lines[key] = line

    def _finish_meta(self) -> None:
        """Parse the META entries the rules need; they are checked before any project."""
        if "budget" not in self.meta:
            self.fail(self.meta_header_line, "pb.missing_meta", key="budget")
        self.budget = self._amount_meta("budget")
        if "vote_type" not in self.meta:
            self.fail(self.meta_header_line, "pb.missing_meta", key="vote_type")
        try:
            self.vote_type = VoteType(self.meta["vote_type"])
        except ValueError:
            self.fail(
                self.meta_lines["vote_type"], "pb.unknown_vote_type", value=self.meta["vote_type"]
            )
        self.limits = BallotLimits(
            **{key: self._whole_meta(key) for key in LIMIT_KEYS if key in self.meta}
        )
        self.caps = self._caps()
        self.leftover = Leftover.NONE
        if "leftover_budget" in self.meta:
            text = self.meta["leftover_budget"]
            by_text = {value: key for key, value in LEFTOVER_TEXT.items()}
            if text not in by_text:
                self.fail(self.meta_lines["leftover_budget"], "pb.unknown_leftover", value=text)
            self.leftover = by_text[text]

    def _caps(self) -> CategoryCaps | None:
        keys = [key for key in self.meta if key.startswith(CAP_PREFIX)]
        if not keys:
            return None
        if len(keys) > 1:
            self.fail(self.meta_lines[keys[1]], "pb.two_caps", first=keys[0], second=keys[1])
        column = keys[0].removeprefix(CAP_PREFIX)
        names_key = CAP_NAMES_KEY.get(column, column + "s")
        if names_key not in self.meta:
            self.fail(self.meta_header_line, "pb.missing_meta", key=names_key)
        names = [name.strip() for name in self.meta[names_key].split(",")]
        amounts = self.meta[keys[0]].split(",")
        line = self.meta_lines[keys[0]]
        if len(amounts) != len(names):
            self.fail(line, "pb.cap_count", key=keys[0], found=len(amounts), expected=len(names))
        budgets = {
            name: self.amount(line, keys[0], text)
            for name, text in zip(names, amounts, strict=True)
        }
        return CategoryCaps(budgets=budgets, column=column)

    def _amount_meta(self, key: str) -> int:
        return self.amount(self.meta_lines[key], key, self.meta[key])

    def _whole_meta(self, key: str) -> int:
        text = self.meta[key]
        if not _WHOLE.fullmatch(text):
            self.fail(self.meta_lines[key], "pb.not_whole_number", key=key, value=text)
        return _whole(text)

    def amount(self, line: int, key: str, text: str) -> int:
        text = text.strip()
        if not _AMOUNT.fullmatch(text):
            self.fail(line, "pb.not_amount", key=key, value=text)
        return _whole(text)

    def _check_count(self, key: str, found: int) -> None:
        if key in self.meta:
            expected = self._whole_meta(key)
            if expected != found:
                self.fail(
                    self.meta_lines[key],
                    "pb.count_mismatch",
                    key=key,
                    expected=expected,
                    found=found,
                )

    def _election(self) -> Election:
        return Election(
            budget=self.budget,
            projects=self.projects,
            ballots=self.ballots,
            vote_type=self.vote_type,
            limits=self.limits,
            rule=self.meta.get("rule", "greedy"),
            caps=self.caps,
            leftover=self.leftover,
            meta=self.meta,
            project_columns=self.project_columns,
            vote_columns=self.vote_columns,
        )


def _whole(text: str) -> int:
    """A number matched by `_WHOLE`; "8000000.0" is 8000000 (no float: costs can be huge)."""
    return int(text.split(".")[0])


def _section_marker(row: list[str]) -> str | None:
    name = row[0].strip().upper()
    if name in SECTIONS and not any(field.strip() for field in row[1:]):
        return name
    return None


def _split_list(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",")) if text.strip() else ()


class _ProjectRowReader:
    def __init__(self, reader: _Reader, header: list[str]) -> None:
        self.reader = reader
        self.index = {name: i for i, name in enumerate(header)}
        self.extra = [(name, i) for i, name in enumerate(header) if name not in PROJECT_FIELDS]
        self.category = self._first("category", "categories")
        self.target = self._first("target", "targets")

    def _first(self, *names: str) -> int | None:
        return next((self.index[name] for name in names if name in self.index), None)

    def read(self, line: int, row: list[str]) -> None:
        project_id = row[self.index["project_id"]].strip()
        if not project_id:
            self.reader.fail(line, "pb.empty_field", column="project_id")
        if project_id in self.reader.projects:
            self.reader.fail(line, "pb.duplicate_project", project=project_id)
        name = self.index.get("name")
        self.reader.projects[project_id] = Project(
            id=project_id,
            cost=self.reader.amount(line, "cost", row[self.index["cost"]]),
            name="" if name is None else row[name],
            categories=() if self.category is None else _split_list(row[self.category]),
            targets=() if self.target is None else _split_list(row[self.target]),
            extra={key: row[i] for key, i in self.extra if row[i]},
        )


class _VoteRowReader:
    def __init__(self, reader: _Reader, header: list[str]) -> None:
        self.reader = reader
        self.header = header
        self.voter = header.index("voter_id")
        self.vote = header.index("vote")
        self.points = header.index("points") if reader.vote_type.has_points else None
        self.weight = header.index("weight") if "weight" in header else None
        self.extra = [(name, i) for i, name in enumerate(header) if name not in VOTE_FIELDS]
        if self.points is None and "points" in header:
            self.extra.append(("points", header.index("points")))
        #: Ballots share the project's own id string instead of holding 65,000 copies.
        self.ids = {project_id: project_id for project_id in reader.projects}
        self.distinct = reader.vote_type in (
            VoteType.ORDINAL,
            VoteType.CUMULATIVE,
            VoteType.SCORING,
        )

    def read(self, line: int, row: list[str]) -> None:
        voter_id = row[self.voter].strip()
        if not voter_id:
            self.reader.fail(line, "pb.empty_field", column="voter_id")
        if voter_id in self.reader.voters:
            self.reader.fail(line, "pb.duplicate_voter", voter=voter_id)
        self.reader.voters.add(voter_id)
        projects = self._projects(line, row[self.vote])
        self.reader.ballots.append(
            Ballot(
                voter_id=voter_id,
                projects=projects,
                points=() if self.points is None else self._points(line, row, len(projects)),
                weight=1 if self.weight is None else self._weight(line, row[self.weight]),
                extra={key: row[i] for key, i in self.extra if row[i]},
            )
        )

    def read_fast(self, text: str) -> BallotTable | None:
        """All the vote rows at once, as columns; None when the rows are not plain (quotes,
        blank or short lines, odd spaces, anything wrong), which `read` then takes row by
        row, with the same result or a precise error."""
        if '"' in text:
            return None
        if "\r" in text:
            text = text.replace("\r\n", "\n")
            if "\r" in text:
                return None
        lines = text.split("\n")
        if lines[-1] == "":
            lines.pop()
        width = len(self.header)
        if not lines or set(map(str.count, lines, itertools.repeat(";"))) != {width - 1}:
            return None
        fields = ";".join(lines).split(";")
        voter_ids = [voter.strip() for voter in fields[self.voter :: width]]
        known = set(voter_ids)
        if (
            len(known) != len(voter_ids)
            or "" in known
            or any(len(v) in (4, 5, 8) and v.upper() in SECTIONS for v in known)
        ):
            return None
        votes = fields[self.vote :: width]
        lengths = [vote.count(",") + 1 if vote else 0 for vote in votes]
        offsets = np.zeros(len(votes) + 1, dtype=np.int64)
        np.cumsum(lengths, out=offsets[1:])
        names = ",".join(filter(None, votes)).split(",") if offsets[-1] else []
        numbers = {project_id: i for i, project_id in enumerate(self.ids)}
        try:
            try:
                projects = np.fromiter(map(numbers.__getitem__, names), np.int64, len(names))
            except KeyError:
                names = [name.strip() for name in names]
                projects = np.fromiter(map(numbers.__getitem__, names), np.int64, len(names))
        except KeyError:
            return None
        if self.distinct and len(projects):
            rows = np.repeat(np.arange(len(votes), dtype=np.int64), lengths)
            if len(np.unique(rows * len(numbers) + projects)) != len(projects):
                return None
        points = None
        if self.points is not None:
            points = self._fast_points(fields[self.points :: width], lengths)
            if points is None:
                return None
        weights: list[Number] | None = None
        if self.weight is not None:
            weights = [_positive(weight) for weight in fields[self.weight :: width]]
            if not all(weights):
                return None
        extra = [(key, fields[i::width]) for key, i in self.extra]
        columns = BallotColumns(offsets, projects, points, weights)  # type: ignore[arg-type]
        return BallotTable(voter_ids, tuple(self.ids), columns, extra)

    def _fast_points(self, texts: list[str], lengths: list[int]) -> Any:
        values: list[int] = []
        for text, length in zip(texts, lengths, strict=True):
            parts = [part.strip() for part in text.split(",")] if text else []
            if len(parts) != length or not all(_WHOLE.fullmatch(part) for part in parts):
                return None
            values.extend(_whole(part) for part in parts)
        return np.array(values, dtype=np.int64)

    def _projects(self, line: int, text: str) -> tuple[str, ...]:
        names = [name.strip() for name in text.split(",")] if text.strip() else []
        try:
            projects = tuple(self.ids[name] for name in names)
        except KeyError:
            unknown = next(name for name in names if name not in self.ids)
            self.reader.fail(line, "pb.unknown_project", project=unknown)
        # An approval ballot naming a project twice still approves it once; kept as written.
        if self.distinct and len(set(projects)) != len(projects):
            repeated = next(p for i, p in enumerate(projects) if p in projects[:i])
            self.reader.fail(line, "pb.repeated_in_vote", project=repeated)
        return projects

    def _points(self, line: int, row: list[str], count: int) -> tuple[int, ...]:
        assert self.points is not None
        texts = [text.strip() for text in row[self.points].split(",")] if row[self.points] else []
        if len(texts) != count:
            self.reader.fail(line, "pb.points_count", projects=count, points=len(texts))
        for text in texts:
            if not _WHOLE.fullmatch(text):
                self.reader.fail(line, "pb.not_whole_number", key="points", value=text)
        return tuple(_whole(text) for text in texts)

    def _weight(self, line: int, text: str) -> Number:
        try:
            weight = Fraction(text.strip())
        except (ValueError, ZeroDivisionError):
            weight = Fraction(0)
        if weight <= 0:
            self.reader.fail(line, "pb.not_positive", key="weight", value=text)
        return int(weight) if weight.denominator == 1 else weight


def _positive(text: str) -> Number | None:
    """A weight as `_VoteRowReader._weight` reads it; None when it is not positive."""
    text = text.strip()
    if text.isdigit():
        return int(text) or None
    try:
        weight = Fraction(text)
    except (ValueError, ZeroDivisionError):
        return None
    if weight <= 0:
        return None
    return int(weight) if weight.denominator == 1 else weight


# Writing ---------------------------------------------------------------------------------


def _meta_for_writing(election: Election) -> dict[str, str]:
    """The META table: the election's own text, with every entry the counting depends on
    brought in line with the typed fields (an entry that already says the same is kept
    exactly as it was written)."""
    meta = dict(election.meta)
    put = _MetaWriter(meta)
    put.number("num_projects", len(election.projects))
    put.number("num_votes", len(election.ballots))
    put.amount("budget", election.budget)
    put.text("vote_type", election.vote_type.value)
    put.text("rule", election.rule)
    for key in LIMIT_KEYS:
        put.number(key, getattr(election.limits, key))
    caps_key = None if election.caps is None else CAP_PREFIX + election.caps.column
    for key in [key for key in meta if key.startswith(CAP_PREFIX) and key != caps_key]:
        del meta[key]
    if election.caps is not None:
        column = election.caps.column
        put.names(CAP_NAMES_KEY.get(column, column + "s"), list(election.caps.budgets))
        put.text(CAP_PREFIX + column, ",".join(map(str, election.caps.budgets.values())))
    put.text("leftover_budget", LEFTOVER_TEXT.get(election.leftover))
    return meta


class _MetaWriter:
    def __init__(self, meta: dict[str, str]) -> None:
        self.meta = meta

    def text(self, key: str, value: str | None) -> None:
        if value is None:
            self.meta.pop(key, None)
        elif self.meta.get(key) != value:
            self.meta[key] = value

    def names(self, key: str, names: list[str]) -> None:
        if list(_split_list(self.meta.get(key, ""))) != names:
            self.meta[key] = ",".join(names)

    def number(self, key: str, value: int | None) -> None:
        self._put(key, value, _WHOLE)

    def amount(self, key: str, value: int) -> None:
        self._put(key, value, _AMOUNT)

    def _put(self, key: str, value: int | None, pattern: re.Pattern[str]) -> None:
        if value is None:
            self.meta.pop(key, None)
            return
        current = self.meta.get(key, "")
        if not (pattern.fullmatch(current) and _whole(current) == value):
            self.meta[key] = str(value)


def _project_columns(election: Election) -> list[str]:
    projects = election.projects.values()
    columns = list(election.project_columns) or ["project_id", "cost"]
    wanted = {
        "name": any(p.name for p in projects),
        "category": any(p.categories for p in projects),
        "target": any(p.targets for p in projects),
    }
    for column, needed in wanted.items():
        if needed and column not in columns and column + "s" not in columns:
            columns.append(column)
    _add_extra_columns(columns, (p.extra for p in projects))
    return columns


def _vote_columns(election: Election) -> list[str]:
    columns = list(election.vote_columns) or ["voter_id", "vote"]
    if election.vote_type.has_points and "points" not in columns:
        columns.append("points")
    if any(b.weight != 1 for b in election.ballots) and "weight" not in columns:
        columns.append("weight")
    _add_extra_columns(columns, (b.extra for b in election.ballots))
    return columns


def _add_extra_columns(columns: list[str], extras: Iterable[Mapping[str, str]]) -> None:
    known = set(columns)
    for extra in extras:
        for key in extra:
            if key not in known:
                known.add(key)
                columns.append(key)


def _project_field(project: Project, column: str) -> str:
    match column:
        case "project_id":
            return project.id
        case "cost":
            return str(project.cost)
        case "name":
            return project.name
        case "category" | "categories":
            return ",".join(project.categories)
        case "target" | "targets":
            return ",".join(project.targets)
    return project.extra.get(column, "")


def _vote_field(ballot: Ballot, column: str, has_points: bool) -> str:
    match column:
        case "voter_id":
            return ballot.voter_id
        case "vote":
            return ",".join(ballot.projects)
        case "points" if has_points:
            return ",".join(map(str, ballot.points))
        case "weight":
            return str(ballot.weight)
    return ballot.extra.get(column, "")
