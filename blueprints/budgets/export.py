"""Open data of the buurtbegroting: the records behind the CSV and JSON downloads and the
API (`/api/v1/budgets`). Every amount is integer cents; docs/buurtbegroting-data.md and
the data-dictionary page describe each field (`LINE_FIELDS`, `WIJK_FIELDS`)."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from flask import Response, url_for

from samenhang.budgets.models import Budget, LineItem
from samenhang.budgets.queries import BudgetFigures, LineFigures, MunicipalityFigures, Share

#: (field, explanation) of each line record, in the CSV's column order.
LINE_FIELDS = [
    "municipality",
    "municipality_cbs_code",
    "wijk",
    "wijk_cbs_code",
    "year",
    "status",
    "line_id",
    "key",
    "origin",
    "theme",
    "source",
    "funder",
    "title",
    "planned_cents",
    "actual_cents",
    "actual_from",
    "is_public_task",
    "initiative_id",
    "pot_id",
    "round_id",
    "campaign_id",
    "corrections",
    "url",
]
WIJK_FIELDS = [
    "municipality",
    "municipality_cbs_code",
    "wijk",
    "wijk_cbs_code",
    "year",
    "population",
    "population_is_example",
    "planned_cents",
    "actual_cents",
    "planned_per_resident_cents",
    "actual_per_resident_cents",
    "url",
]


def budget_url(budget: Budget, endpoint: str = "budgets.show", **values: Any) -> str:
    """The address of a page (or download) of `budget`, a wijk's buurtbegroting of a year."""
    wijk = budget.wijk
    return url_for(
        endpoint,
        municipality_slug=wijk.municipality.slug,
        wijk_slug=wijk.slug,
        year=budget.year,
        **values,
    )


def _actual_from(line: LineItem, actual: int | None) -> str:
    if line.is_from_platform:
        return "ledger"
    return "import" if actual is not None else ""


def line_record(figures: LineFigures) -> dict[str, Any]:
    line = figures.line
    budget = line.budget
    wijk = budget.wijk
    return {
        "municipality": wijk.municipality.name,
        "municipality_cbs_code": wijk.municipality.cbs_code,
        "wijk": wijk.name,
        "wijk_cbs_code": wijk.cbs_code,
        "year": budget.year,
        "status": budget.status.value,
        "line_id": line.id,
        "key": line.external_key,
        "origin": line.origin.value,
        "theme": line.theme.value,
        "source": line.source.value,
        "funder": line.source_name,
        "title": line.title,
        "planned_cents": figures.planned_cents,
        "actual_cents": figures.actual_cents,
        "actual_from": _actual_from(line, figures.actual_cents),
        "is_public_task": line.is_public_task,
        "initiative_id": line.initiative_id,
        "pot_id": line.pot_id,
        "round_id": line.round_id,
        "campaign_id": line.campaign_id,
        "corrections": len(line.corrections),
        "url": budget_url(budget, "budgets.line", line_id=line.id, _external=True),
    }


def _shares(shares: list[Share]) -> list[dict[str, Any]]:
    return [
        {
            "key": getattr(s.key, "value", s.key),
            "planned_cents": s.planned_cents,
            "actual_cents": s.actual_cents,
        }
        for s in shares
    ]


def budget_record(figures: BudgetFigures) -> dict[str, Any]:
    budget = figures.budget
    wijk = budget.wijk
    return {
        "municipality": {"name": wijk.municipality.name, "cbs_code": wijk.municipality.cbs_code},
        "wijk": {
            "name": wijk.name,
            "cbs_code": wijk.cbs_code,
            "population": wijk.population,
            "population_is_example": wijk.population_is_example,
        },
        "year": budget.year,
        "status": budget.status.value,
        "published_at": budget.published_at.isoformat() if budget.published_at else None,
        "currency": budget.currency,
        "url": budget_url(budget, _external=True),
        "downloads": {
            "csv": budget_url(budget, "budgets.export_budget", fmt="csv", _external=True)
        },
        "totals": {
            "planned_cents": figures.planned_cents,
            "actual_cents": figures.actual_cents,
            "actual_from_ledger_cents": figures.platform_actual_cents,
            "lines_without_actual": figures.unknown_actuals,
        },
        "by_theme": _shares(figures.by_theme),
        "by_source": _shares(figures.by_source),
        "corrections": [
            {
                "date": c.created_at.isoformat(),
                "line_id": c.line_id,
                "reason": c.reason,
                "changes": c.changes,
            }
            for c in budget.corrections
        ],
        "lines": [line_record(f) for f in figures.lines],
    }


def wijk_records(figures: MunicipalityFigures) -> list[dict[str, Any]]:
    records = []
    for row in figures.published:
        wijk = row.wijk
        assert row.figures is not None
        records.append(
            {
                "municipality": figures.municipality.name,
                "municipality_cbs_code": figures.municipality.cbs_code,
                "wijk": wijk.name,
                "wijk_cbs_code": wijk.cbs_code,
                "year": figures.year,
                "population": wijk.population,
                "population_is_example": wijk.population_is_example,
                "planned_cents": row.planned_cents,
                "actual_cents": row.actual_cents,
                "planned_per_resident_cents": row.planned_per_resident,
                "actual_per_resident_cents": row.actual_per_resident,
                "url": budget_url(row.figures.budget, _external=True),
            }
        )
    return records


def municipality_record(figures: MunicipalityFigures) -> dict[str, Any]:
    return {
        "municipality": {
            "name": figures.municipality.name,
            "cbs_code": figures.municipality.cbs_code,
        },
        "year": figures.year,
        "currency": "EUR",
        "totals": {
            "planned_cents": figures.planned_cents,
            "actual_cents": figures.actual_cents,
            "population_counted": figures.population,
            "planned_per_resident_cents": figures.planned_per_resident,
            "actual_per_resident_cents": figures.actual_per_resident,
        },
        "wijken": wijk_records(figures),
    }


def _attachment(text: str, mimetype: str, filename: str) -> Response:
    return Response(
        text, mimetype=mimetype, headers={"Content-Disposition": f"attachment; filename={filename}"}
    )


def _cell(value: Any) -> Any:
    """As the JSON writes it: empty for null, true and false for booleans."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def json_download(body: dict[str, Any], stem: str) -> Response:
    return _attachment(
        json.dumps(body, ensure_ascii=False, indent=2), "application/json", f"{stem}.json"
    )


def csv_download(records: list[dict[str, Any]], fields: list[str], stem: str) -> Response:
    out = io.StringIO()
    # A byte-order mark, so spreadsheet programs read the accents right.
    out.write("\ufeff")
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\r\n")
    writer.writeheader()
    for record in records:
        writer.writerow({k: _cell(v) for k, v in record.items()})
    return _attachment(out.getvalue(), "text/csv", f"{stem}.csv")
