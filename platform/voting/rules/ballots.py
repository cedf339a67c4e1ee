"""Ballots as columns: what lets the rules count 300,000 ballots with NumPy.

A city round has hundreds of thousands of ballots. As `Ballot` objects they take seconds to
build and seconds again every time a rule walks through them, so the `.pb` reader keeps
them as columns instead, in a `BallotTable`: the voter ids, and every ballot's projects as
one array of project numbers with an offset per ballot (the layout of a sparse matrix). It
is a sequence of `Ballot`s like any list, built one by one only when someone asks.

The rules ask `ballot_columns(election)` for the arrays: straight from a `BallotTable`, or
built once from a plain list (ballots made in code, or by the app from its database).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import overload

import numpy as np
import numpy.typing as npt

from samenhang.voting.rules.election import Ballot, Election, Number

Ints = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class BallotColumns:
    """The ballots of an election as arrays, projects numbered in the election's order."""

    #: Ballot i names entries offsets[i]:offsets[i + 1].
    offsets: Ints
    #: Per entry: the project's number (its place in `election.projects`).
    projects: Ints
    #: Per entry: the points given, for cumulative and scoring ballots; else None.
    points: Ints | None
    #: Per ballot: the voter weight; None when every weight is 1.
    weights: list[Number] | None

    @property
    def count(self) -> int:
        return len(self.offsets) - 1

    @property
    def lengths(self) -> Ints:
        return np.diff(self.offsets)

    def rows(self) -> Ints:
        """Per entry: the number of its ballot."""
        return np.repeat(np.arange(self.count, dtype=np.int64), self.lengths)


class BallotTable(Sequence[Ballot]):
    """Ballots stored as columns; indexing or iterating builds `Ballot` objects on demand."""

    def __init__(
        self,
        voter_ids: list[str],
        names: Sequence[str],
        columns: BallotColumns,
        extra: Sequence[tuple[str, list[str]]] = (),
    ) -> None:
        self.voter_ids = voter_ids
        #: Project ids by number, as the ballots' numbers refer to them.
        self.names = tuple(names)
        self.columns = columns
        #: Other columns of the votes, as text per ballot ("" when empty).
        self.extra = tuple(extra)
        self._lists: tuple[list[int], list[int], list[int] | None] | None = None

    def __len__(self) -> int:
        return len(self.voter_ids)

    @overload
    def __getitem__(self, index: int) -> Ballot: ...

    @overload
    def __getitem__(self, index: slice) -> list[Ballot]: ...

    def __getitem__(self, index: int | slice) -> Ballot | list[Ballot]:
        if isinstance(index, slice):
            return [self._ballot(i) for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        return self._ballot(index)

    def __iter__(self) -> Iterator[Ballot]:
        return (self._ballot(i) for i in range(len(self)))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, BallotTable | list | tuple):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"<BallotTable of {len(self)} ballots>"

    def _ballot(self, i: int) -> Ballot:
        if self._lists is None:
            points = self.columns.points
            self._lists = (
                self.columns.offsets.tolist(),
                self.columns.projects.tolist(),
                None if points is None else points.tolist(),
            )
        offsets, projects, points = self._lists
        start, end = offsets[i], offsets[i + 1]
        names = self.names
        weights = self.columns.weights
        return Ballot(
            voter_id=self.voter_ids[i],
            projects=tuple([names[p] for p in projects[start:end]]),
            points=() if points is None else tuple(points[start:end]),
            weight=1 if weights is None else weights[i],
            extra={key: values[i] for key, values in self.extra if values[i]},
        )


def ballot_columns(election: Election) -> BallotColumns:
    """The election's ballots as arrays, projects numbered in `election.projects` order."""
    ballots = election.ballots
    numbers = {project_id: i for i, project_id in enumerate(election.projects)}
    if isinstance(ballots, BallotTable):
        columns = ballots.columns
        if ballots.names == tuple(election.projects):
            return columns
        # The projects were replaced or reordered since reading: renumber.
        renumber = np.array([numbers[name] for name in ballots.names], dtype=np.int64)
        return BallotColumns(
            columns.offsets, renumber[columns.projects], columns.points, columns.weights
        )
    lengths = [len(b.projects) for b in ballots]
    offsets = np.zeros(len(ballots) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    projects = np.fromiter(
        (numbers[p] for b in ballots for p in b.projects), dtype=np.int64, count=int(offsets[-1])
    )
    points = None
    if election.vote_type.has_points:
        points = np.fromiter(
            (x for b in ballots for x in b.points), dtype=np.int64, count=int(offsets[-1])
        )
    weights: list[Number] | None = [b.weight for b in ballots]
    if all(w == 1 for w in weights):  # type: ignore[union-attr]
        weights = None
    return BallotColumns(offsets, projects, points, weights)


def unique_entries(
    rows: Ints, projects: Ints, num_projects: int, last: bool = False
) -> npt.NDArray[np.bool_] | None:
    """Which entries to keep so that no ballot names a project twice: the first (or with
    `last`, the last) of each; None when no ballot does (the usual case, found fast)."""
    if len(projects) < 2:
        return None
    same_row = rows[1:] == rows[:-1]
    if not (same_row & (projects[1:] <= projects[:-1])).any():
        return None  # projects rise within every ballot
    keys = rows * num_projects + projects
    order = np.argsort(keys, kind="stable")
    ordered = keys[order]
    repeated = ordered[1:] == ordered[:-1]
    if not repeated.any():
        return None
    keep = np.ones(len(keys), dtype=bool)
    # In a stable sort, a key's entries stay in ballot order.
    keep[order[:-1][repeated] if last else order[1:][repeated]] = False
    return keep
