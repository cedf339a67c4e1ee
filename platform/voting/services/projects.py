"""Projects on the ballot: residents propose them, the wijkmanager reviews them with
public reasons."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import update

from samenhang.accounts.models import User
from samenhang.audit.services import log_event
from samenhang.errors import DomainError
from samenhang.extensions import db
from samenhang.initiatives.models import PUBLIC_STATES, Initiative
from samenhang.policies import can_edit_project, can_manage, require, require_manager
from samenhang.voting.models import Phase, Project, ProjectStatus, Round
from samenhang.voting.services.common import clean_reason, require_editable, rows_changed


@dataclass
class ProjectData:
    title: str
    summary: str
    cost_cents: int
    original_locale: str
    category_id: int | None = None
    initiative_id: int | None = None


def _apply_project(round_: Round, project: Project, data: ProjectData, actor: User) -> None:
    if not data.title.strip():
        raise DomainError(_l("A project needs a title."))
    if data.cost_cents <= 0:
        raise DomainError(_l("The cost must be more than zero."))
    if data.cost_cents > round_.budget_cents:
        raise DomainError(_l("A project cannot cost more than the whole budget."))
    category = None
    if data.category_id is not None:
        category = next((c for c in round_.categories if c.id == data.category_id), None)
        if category is None:
            raise DomainError(_l("Choose one of the categories of this round."))
    elif round_.categories:
        raise DomainError(_l("Choose a category."))
    initiative = None
    if data.initiative_id is not None:
        initiative = db.session.get(Initiative, data.initiative_id)
        own = initiative is not None and initiative.author_id == actor.id
        if (
            initiative is None
            or initiative.wijk_id != round_.wijk_id
            or not (initiative.state in PUBLIC_STATES or own)
        ):
            raise DomainError(_l("Link a published initiative from this wijk."))
    project.title = data.title.strip()[:120]
    project.summary = data.summary.strip()[:500]
    project.cost_cents = data.cost_cents
    project.original_locale = data.original_locale
    project.category = category
    project.initiative = initiative


def _project_summary(project: Project) -> dict[str, Any]:
    return {
        "title": project.title,
        "cost_cents": project.cost_cents,
        "status": project.status.value,
        "initiative_id": project.initiative_id,
    }


def propose_project(round_: Round, data: ProjectData, *, actor: User) -> Project:
    """Residents propose during the ideas phase; the wijkmanager adds until voting opens."""
    if round_.phase is not Phase.ideas and not can_manage(actor, round_.wijk):
        raise DomainError(_l("Ideas can be proposed only during the ideas phase."))
    require_editable(round_)
    project = Project(proposer=actor, position=len(round_.projects))
    with db.session.no_autoflush:
        _apply_project(round_, project, data, actor)
    db.session.add(project)
    project.round = round_
    db.session.flush()
    log_event(
        actor,
        "stemdag.project_proposed",
        project,
        wijk=round_.wijk,
        after=_project_summary(project),
        public=True,
    )
    return project


def update_project(project: Project, data: ProjectData, *, actor: User) -> None:
    round_ = project.round
    require(can_edit_project(actor, project), _l("You cannot change this project now."))
    require_editable(round_)
    before = _project_summary(project)
    _apply_project(round_, project, data, actor)
    log_event(
        actor,
        "stemdag.project_edited",
        project,
        wijk=round_.wijk,
        before=before,
        after=_project_summary(project),
        public=True,
    )


def review_project(project: Project, accept: bool, reason: str, *, actor: User) -> bool:
    """Feasibility and cost checked by the wijkmanager, with public reasons. Idempotent:
    the same decision again (a double click, an old page) changes nothing and logs
    nothing; returns whether the decision changed."""
    round_ = project.round
    require_manager(actor, round_.wijk)
    require_editable(round_)
    reason = clean_reason(reason, required=not accept)
    target = ProjectStatus.accepted if accept else ProjectStatus.rejected
    # Conditional UPDATE: of two clicks at once only one changes the row (and logs).
    result = db.session.execute(
        update(Project)
        .where(Project.id == project.id, Project.status != target)
        .values(status=target)
        .execution_options(synchronize_session=False)
    )
    if rows_changed(result) != 1:
        return False
    before = project.status
    project.status = target
    project.review_reason = reason or None
    log_event(
        actor,
        "stemdag.project_accepted" if accept else "stemdag.project_rejected",
        project,
        wijk=round_.wijk,
        before={"status": before.value},
        after={"status": project.status.value, "reason": reason or None},
        public=True,
    )
    return True
