"""Loading a round and its parts (each load asks the policies who may see it), the project
cards every page of a round shows, and what the browser holds of a ballot.

The selection a voter makes lives in their session until the ballot is cast, so it
survives being sent to sign in or to type a code; it is never stored on the server. The
session cookie is signed, not encrypted: the ballot state in it is encrypted (Fernet), and
dropped when the voter signs out or someone else signs in.
"""

from __future__ import annotations

import base64
import json
import time
from dataclasses import dataclass
from functools import cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app, session, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from samenhang.blueprints.loading import get_or_404
from samenhang.content.queries import localize_many
from samenhang.i18n import current_locale, format_money
from samenhang.initiatives.models import PUBLIC_STATES
from samenhang.policies import can_view_round, require_visible
from samenhang.voting import queries
from samenhang.voting.models import PaperBatch, Phase, Project, ProjectStatus, Round
from samenhang.voting.services import VotingRound

View = str | Response | tuple[str, int]


def get_round_or_404(round_id: int, *, with_categories: bool = False) -> Round:
    round_ = queries.get_round(round_id, with_categories=with_categories)
    require_visible(round_ is not None and can_view_round(current_user, round_))
    assert round_ is not None
    return round_


def get_project_or_404(round_: Round, project_id: int) -> Project:
    return get_or_404(Project, project_id, lambda project: project.round_id == round_.id)


def get_batch_or_404(round_: Round, batch_id: int) -> PaperBatch:
    return get_or_404(PaperBatch, batch_id, lambda batch: batch.round_id == round_.id)


def round_url(round_: VotingRound, endpoint: str = "voting.show", **values: Any) -> str:
    return url_for(endpoint, round_id=round_.id, **values)


#: Session keys of ballot state start with this, one per round.
STATE_PREFIX = "stemdag-"
#: A ballot state older than this is dropped: nothing of a vote lingers in a browser.
STATE_MAX_AGE_SECONDS = 12 * 60 * 60
#: What a new sign-in keeps of the state: the unsent selection (it survives being sent to
#: sign in), never someone's code or receipt.
_KEPT_AT_SIGN_IN = ("choice",)


@cache
def _fernet(secret_key: str) -> Fernet:
    """Fernet (AES-128-CBC with HMAC-SHA256) with a key derived from SECRET_KEY by HKDF,
    for this purpose only: the session cookie is signed, not encrypted, so its ballot part
    is encrypted on top."""
    key = HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=None,
        info=b"samenhang voting ballot state v1",
    ).derive(secret_key.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def _cipher() -> Fernet:
    return _fernet(str(current_app.config["SECRET_KEY"]))


def ballot_state(round_: VotingRound) -> dict[str, Any]:
    """What this browser holds for the round: the unsent selection, a code, a receipt.

    Kept in the session cookie encrypted, so a code or receipt can be read neither from
    the cookie nor from a copy of it; a state that cannot be decrypted (another key, too
    old, tampered with) is no state."""
    return _read_state(STATE_PREFIX + str(round_.id))


def _read_state(key: str) -> dict[str, Any]:
    token = session.get(key)
    if not isinstance(token, str):
        return {}
    try:
        data = _cipher().decrypt(token.encode(), ttl=STATE_MAX_AGE_SECONDS)
        state = json.loads(data)
    except (InvalidToken, ValueError):
        return {}
    return state if isinstance(state, dict) else {}


def save_ballot_state(round_: VotingRound, state: dict[str, Any]) -> None:
    _write_state(STATE_PREFIX + str(round_.id), state)


def _write_state(key: str, state: dict[str, Any]) -> None:
    if not state:
        session.pop(key, None)
        return
    data = json.dumps(state, separators=(",", ":")).encode()
    session[key] = _cipher().encrypt(data).decode()


def _state_keys() -> list[str]:
    return [k for k in session if k.startswith(STATE_PREFIX)]


def forget_ballot_states(*_: Any, **__: Any) -> None:
    """Signing out: nothing of a vote stays in this browser (flask_login's signal)."""
    for key in _state_keys():
        session.pop(key, None)


def forget_voters_at_sign_in(*_: Any, **__: Any) -> None:
    """Someone signs in: they never see the code or receipt of whoever used this browser
    before; their own unsent selection stays."""
    for key in _state_keys():
        kept = {k: v for k, v in _read_state(key).items() if k in _KEPT_AT_SIGN_IN}
        _write_state(key, kept)


def cards(round_: Round, projects: list[Project] | None = None) -> list[dict[str, Any]]:
    """Project cards in the reader's language, in ballot order."""
    projects = projects if projects is not None else queries.projects_with_initiatives(round_)
    numbers = {p.id: p.number for p in queries.ballot_projects(round_).values()}
    # The texts of every project in one query, not one per project (a result lists dozens).
    texts = localize_many(projects, current_locale())
    found = []
    for project in projects:
        photo = None
        if project.initiative is not None and project.initiative.state in PUBLIC_STATES:
            photo = next((p for p in project.initiative.photos if not p.is_after), None)
        found.append(
            {
                "project": project,
                "number": numbers.get(project.id),
                "text": texts[project.id],
                "photo": photo,
            }
        )
    return found


@dataclass(frozen=True)
class CardCategory:
    name: str


@dataclass(frozen=True)
class CardPhoto:
    stored_name: str
    width: int
    height: int
    alt_text: str


@dataclass(frozen=True)
class CardProject:
    """What the ballot shows of a project, copied out of the ORM so that a process can
    keep it between requests (its own session's objects expire at every commit)."""

    id: int
    cost_cents: int
    status: ProjectStatus
    category: CardCategory | None


#: The ballot's cards per (round, salt, language), kept while the round is voting: its
#: projects cannot change then (`services.require_editable`); a reviewed translation or a
#: new photo of an initiative shows within this many seconds.
_CARDS_TTL = 60.0
_kept_cards: dict[tuple[int, str, str], tuple[float, list[dict[str, Any]]]] = {}
_MAX_KEPT_CARDS = 512


def _card_copy(card: dict[str, Any], currency: str) -> dict[str, Any]:
    project, photo = card["project"], card["photo"]
    category = project.category
    return {
        **card,
        "project": CardProject(
            id=project.id,
            cost_cents=project.cost_cents,
            status=project.status,
            category=CardCategory(category.name) if category is not None else None,
        ),
        "photo": CardPhoto(photo.stored_name, photo.width, photo.height, photo.alt_text)
        if photo is not None
        else None,
        "cost": format_money(project.cost_cents, currency),
    }


def ballot_cards(round_: Round) -> list[dict[str, Any]]:
    """The cards of the projects on the ballot (a copy of each project, its photo and
    text, with its cost written out). While the round is voting, every ballot page shows
    the same cards: they are kept per process for a minute rather than read and
    formatted again for each voter."""
    key = (round_.id, round_.salt, current_locale())
    now = time.monotonic()
    kept = _kept_cards.get(key)
    if kept is not None and now - kept[0] < _CARDS_TTL and round_.phase is Phase.voting:
        return kept[1]
    found = [
        _card_copy(c, round_.currency)
        for c in cards(round_)
        if c["project"].status is ProjectStatus.accepted
    ]
    if round_.phase is Phase.voting:
        if len(_kept_cards) >= _MAX_KEPT_CARDS:
            _kept_cards.clear()
        _kept_cards[key] = (now, found)
    return found
