"""Loading a round and its parts (each load asks the policies who may see it), the project
cards every page of a round shows, and what the browser holds of a ballot.

The selection a voter makes lives in their session until the ballot is cast, so it
survives being sent to sign in or to type a code; it is never stored on the server.
"""

from __future__ import annotations

from typing import Any

from flask import session, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from samenhang.content.queries import localize
from samenhang.extensions import db
from samenhang.i18n import current_locale
from samenhang.initiatives.models import PUBLIC_STATES
from samenhang.policies import can_view_round, require_visible
from samenhang.voting import queries
from samenhang.voting.models import PaperBatch, Project, ProjectStatus, Round

View = str | Response | tuple[str, int]


def get_round_or_404(round_id: int) -> Round:
    round_ = queries.get_round(round_id)
    require_visible(round_ is not None and can_view_round(current_user, round_))
    assert round_ is not None
    return round_


def get_project_or_404(round_: Round, project_id: int) -> Project:
    project = db.session.get(Project, project_id)
    require_visible(project is not None and project.round_id == round_.id)
    assert project is not None
    return project


def get_batch_or_404(round_: Round, batch_id: int) -> PaperBatch:
    batch = db.session.get(PaperBatch, batch_id)
    require_visible(batch is not None and batch.round_id == round_.id)
    assert batch is not None
    return batch


def round_url(round_: Round, endpoint: str = "voting.show", **values: Any) -> str:
    return url_for(endpoint, round_id=round_.id, **values)


def ballot_state(round_: Round) -> dict[str, Any]:
    """What this browser holds for the round: the unsent selection, a code, a receipt."""
    return dict(session.get(f"stemdag-{round_.id}", {}))


def save_ballot_state(round_: Round, state: dict[str, Any]) -> None:
    session[f"stemdag-{round_.id}"] = state


def cards(round_: Round, projects: list[Project] | None = None) -> list[dict[str, Any]]:
    """Project cards in the reader's language, in ballot order."""
    projects = projects if projects is not None else queries.projects_with_initiatives(round_)
    numbers = {p.id: p.number for p in queries.ballot_projects(round_).values()}
    locale = current_locale()
    found = []
    for project in projects:
        photo = None
        if project.initiative is not None and project.initiative.state in PUBLIC_STATES:
            photo = next((p for p in project.initiative.photos if not p.is_after), None)
        found.append(
            {
                "project": project,
                "number": numbers.get(project.id),
                "text": localize(project, locale),
                "photo": photo,
            }
        )
    return found


def ballot_cards(round_: Round) -> list[dict[str, Any]]:
    """The cards of the projects on the ballot."""
    return [c for c in cards(round_) if c["project"].status is ProjectStatus.accepted]
