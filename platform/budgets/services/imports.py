"""Importing lines from a file: check every row, show a preview, then apply all or nothing.

A file is kept (as the provenance of the figures) from the moment it passes the checks.
Lines are matched on their kenmerk, so importing a corrected file updates lines instead of
adding them twice; the very same file (by its SHA-256) is applied once per budget, which
the database enforces.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from samenhang.accounts.models import User
from samenhang.audit.services import log_event
from samenhang.budgets import queries
from samenhang.budgets.importing import ImportRow, ParsedFile, RowProblem, parse_file, sha256
from samenhang.budgets.models import Budget, BudgetImport, ImportStatus, LineItem, LineOrigin
from samenhang.budgets.services.budgets import (
    added,
    apply_row_values,
    check_campaign,
    check_goal,
    check_initiative,
    clean_reason,
    diff,
    goal_change,
    record_change,
)
from samenhang.contracts import services as contracts
from samenhang.contracts.models import Goal
from samenhang.db import utcnow
from samenhang.errors import DomainError
from samenhang.extensions import db
from samenhang.policies import require_manager


class AlreadyImported(DomainError):
    status = 409
    kind = "conflict"


@dataclass
class StagedImport:
    """The result of an upload: the stored import when every row is right, else the rows'
    problems (and nothing stored)."""

    parsed: ParsedFile
    budget_import: BudgetImport | None = None


@dataclass(frozen=True)
class PreviewRow:
    row: ImportRow
    #: "new", "changed" or "unchanged".
    status: str
    changes: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class ImportPreview:
    budget_import: BudgetImport
    rows: list[PreviewRow]

    def count(self, status: str) -> int:
        return sum(1 for r in self.rows if r.status == status)


def _values(row: ImportRow) -> dict[str, Any]:
    return {
        "theme": row.theme,
        "source": row.source,
        "source_name": row.source_name,
        "title": row.title,
        "description": row.description,
        "planned_cents": row.planned_cents,
        "actual_cents": row.actual_cents,
        "is_public_task": row.is_public_task,
        "initiative_id": row.initiative_id,
        "campaign_id": row.campaign_id,
    }


def _goal(row: ImportRow) -> Goal | None:
    return db.session.get(Goal, row.goal_id) if row.goal_id is not None else None


def _refuse_if_applied(budget: Budget, digest: str) -> None:
    earlier = db.session.scalar(
        select(BudgetImport).where(
            BudgetImport.budget_id == budget.id, BudgetImport.applied_sha256 == digest
        )
    )
    if earlier is not None and earlier.applied_at is not None:
        raise AlreadyImported(
            _l("This file was already imported on {date}. Nothing changed."),
            date=earlier.applied_at.date().isoformat(),
        )


def _check_rows(budget: Budget, parsed: ParsedFile) -> None:
    """Problems only the database can see: the initiatives, campaigns and goals the rows
    link to."""
    checks = (
        ("initiatief", check_initiative, "initiative_id"),
        ("campagne", check_campaign, "campaign_id"),
        ("doel", check_goal, "goal_id"),
    )
    for row in parsed.rows:
        for column, check, attribute in checks:
            try:
                check(budget.wijk, getattr(row, attribute))
            except DomainError as exc:
                parsed.problems.append(RowProblem(row.row, column, str(exc)))
    parsed.problems.sort(key=lambda p: p.row)


def stage_import(budget: Budget, file_name: str, content: bytes, *, actor: User) -> StagedImport:
    """Check an uploaded file; keep it for the preview when every row is right."""
    require_manager(actor, budget.wijk)
    file_name = (file_name or "").strip()[:200] or "import"
    parsed = parse_file(file_name, content)
    digest = sha256(content)
    _refuse_if_applied(budget, digest)
    _check_rows(budget, parsed)
    if not parsed.is_valid:
        return StagedImport(parsed)
    # An earlier upload nobody applied is replaced by this one.
    db.session.execute(
        delete(BudgetImport).where(
            BudgetImport.budget_id == budget.id, BudgetImport.status == ImportStatus.pending
        )
    )
    budget_import = BudgetImport(
        budget=budget,
        file_name=file_name,
        file_sha256=digest,
        content=content,
        row_count=len(parsed.rows),
        created_by=actor,
    )
    db.session.add(budget_import)
    db.session.flush()
    return StagedImport(parsed, budget_import)


def preview_import(budget_import: BudgetImport) -> ImportPreview:
    """What applying the import would do to each line."""
    parsed = parse_file(budget_import.file_name, budget_import.content)
    existing = queries.imported_keys(budget_import.budget)
    rows = []
    for row in parsed.rows:
        line = existing.get(row.key)
        if line is None:
            rows.append(PreviewRow(row, "new"))
            continue
        changes = diff(line, _values(row)) + goal_change(line, _goal(row))
        rows.append(PreviewRow(row, "changed" if changes else "unchanged", changes))
    return ImportPreview(budget_import, rows)


def apply_import(budget_import: BudgetImport, *, actor: User, reason: str = "") -> ImportPreview:
    """Add and update the lines of a staged import, all of them or none."""
    budget = budget_import.budget
    require_manager(actor, budget.wijk)
    if budget_import.is_applied:
        raise AlreadyImported(_l("This file is already imported."))
    reason = clean_reason(budget, reason)
    preview = preview_import(budget_import)
    parsed = ParsedFile(rows=[r.row for r in preview.rows])
    _check_rows(budget, parsed)
    if not parsed.is_valid:
        raise DomainError(_l("The file has errors now; upload it again to see them."))
    try:
        with db.session.begin_nested():
            claimed = db.session.execute(
                update(BudgetImport)
                .where(
                    BudgetImport.id == budget_import.id,
                    BudgetImport.status == ImportStatus.pending,
                )
                .values(
                    status=ImportStatus.applied,
                    applied_sha256=budget_import.file_sha256,
                    applied_at=utcnow(),
                )
                .execution_options(synchronize_session=False)
            )
            if claimed.rowcount != 1:
                raise AlreadyImported(_l("This file is already imported."))
            _apply_rows(budget, budget_import, preview, actor=actor, reason=reason)
    except IntegrityError as exc:
        raise AlreadyImported(_l("This file is already imported.")) from exc
    db.session.expire(budget_import)
    log_event(
        actor,
        "budget.imported",
        budget,
        wijk=budget.wijk,
        after={
            "file_name": budget_import.file_name,
            "sha256": budget_import.file_sha256,
            "new": preview.count("new"),
            "changed": preview.count("changed"),
            "unchanged": preview.count("unchanged"),
        },
        public=budget.is_published,
    )
    return preview


def _apply_rows(
    budget: Budget,
    budget_import: BudgetImport,
    preview: ImportPreview,
    *,
    actor: User,
    reason: str,
) -> None:
    existing = queries.imported_keys(budget)
    position = queries.next_position(budget)
    for item in preview.rows:
        values = _values(item.row)
        line = existing.get(item.row.key)
        if line is not None:
            goal = _goal(item.row)
            changes = apply_row_values(line, values, budget_import) + goal_change(line, goal)
            if changes:
                line.budget_import = budget_import
                db.session.flush()
                contracts.serve_goal(line, goal, actor=actor)
                record_change(budget, line, changes, actor=actor, reason=reason)
            continue
        line = LineItem(
            budget=budget,
            origin=LineOrigin.imported,
            external_key=item.row.key,
            position=position,
            budget_import=budget_import,
            **values,
        )
        position += 1
        db.session.add(line)
        db.session.flush()
        contracts.serve_goal(line, _goal(item.row), actor=actor)
        record_change(budget, line, added(line), actor=actor, reason=reason)
