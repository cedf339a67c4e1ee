"""The one rule for every figure that counts people (turnout, applicants, initiators):
a cell under `SUPPRESS_BELOW` is shown as "fewer than 10", and a second cell is hidden
where the first could be worked out by subtraction from a published total.

No Flask, no database: `samenhang.voting.turnout` and `samenhang.participation.queries`
both use it, and so does every page and download they feed."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

#: A cell with fewer people (or ballots) than this is not shown.
SUPPRESS_BELOW = 10


def suppress(
    counts: Mapping[str, int], *, hidden_already: Iterable[str] = ()
) -> dict[str, int | None]:
    """The cells with every count under `SUPPRESS_BELOW` hidden (None); while exactly one
    cell is hidden and others are shown, the smallest shown one is hidden as well: the
    cells add up to the published total, so a single hidden cell could be worked out by
    subtraction. `hidden_already`: cells hidden for another reason (see `suppress_table`)."""
    forced = set(hidden_already)
    shown: dict[str, int | None] = {
        key: (value if value >= SUPPRESS_BELOW and key not in forced else None)
        for key, value in counts.items()
    }
    hidden = [key for key, value in shown.items() if value is None]
    visible = [key for key, value in shown.items() if value is not None]
    if len(hidden) == 1 and visible:
        smallest = min(visible, key=lambda key: (counts[key], key))
        shown[smallest] = None
    return shown


def csv_cell(value: int | None) -> str | int:
    """How a suppressed cell reads in a CSV download."""
    return f"<{SUPPRESS_BELOW}" if value is None else value


def suppress_table(
    rows: Mapping[str, Mapping[str, int]],
    *,
    hidden_rows: Iterable[str] = (),
) -> dict[str, dict[str, int | None]]:
    """A table whose rows and columns both add up to published totals (e.g. applications
    by language, split into granted, refused and waiting): `suppress` along every row and
    every column, again until nothing more is hidden, so no hidden cell can be worked out
    from its row or its column. `hidden_rows`: rows whose total is itself hidden."""
    hidden: set[tuple[str, str]] = {
        (row, column) for row in hidden_rows for column in rows.get(row, {})
    }
    columns = sorted({column for cells in rows.values() for column in cells})
    while True:
        before = len(hidden)
        for row, cells in rows.items():
            shown = suppress(cells, hidden_already=[c for r, c in hidden if r == row])
            hidden |= {(row, column) for column, value in shown.items() if value is None}
        for column in columns:
            cells = {row: rows[row][column] for row in rows if column in rows[row]}
            shown = suppress(cells, hidden_already=[r for r, c in hidden if c == column])
            hidden |= {(row, column) for row, value in shown.items() if value is None}
        if len(hidden) == before:
            break
    return {
        row: {
            column: (None if (row, column) in hidden else value) for column, value in cells.items()
        }
        for row, cells in rows.items()
    }
