"""The public moderation log says, for every kind of public entry, a sentence and a link."""

from __future__ import annotations

import ast
import html
from pathlib import Path
from typing import Any

import pytest
from factories.budgets import BudgetFactory
from factories.campaigns import CampaignFactory
from factories.initiatives import PublishedInitiativeFactory
from factories.voting import ProjectFactory, RoundFactory
from factories.vouchers import ApplicationFactory, PotFactory
from flask.testing import FlaskClient

from samenhang.audit.models import AuditEntry
from samenhang.audit.public_log import PUBLIC_EVENTS
from samenhang.extensions import db
from samenhang.initiatives.services import TRANSITIONS

PLATFORM = Path(__file__).parents[2] / "platform"

#: The actions written from an expression rather than a literal, by that expression's
#: source: a new dynamic action fails `test_every_public_action_has_a_sentence` until it
#: is listed here with every value it can take.
DYNAMIC_ACTIONS: dict[str, list[str]] = {
    'f"initiative.{transition.target.value}"': [
        f"initiative.{t.target.value}" for t in TRANSITIONS.values() if t.public
    ],
    'f"campaign.{campaign.status.value}"': [
        "campaign.running",
        "campaign.rejected",
        "campaign.succeeded",
        "campaign.failed",
    ],
    '"stemdag.paper_batch_" + target.value': [
        "stemdag.paper_batch_confirmed",
        "stemdag.paper_batch_rejected",
    ],
    '"content.machine_translated" if machine else "content.translated"': [
        "content.machine_translated",
        "content.translated",
    ],
    '"stemdag.project_accepted" if accept else "stemdag.project_rejected"': [
        "stemdag.project_accepted",
        "stemdag.project_rejected",
    ],
}


def _public_actions() -> set[str]:
    """Every action some `log_event(..., public=<not False>)` call in the code can write."""
    actions: set[str] = set()
    for path in PLATFORM.rglob("*.py"):
        source = path.read_text()
        for node in ast.walk(ast.parse(source)):
            if not (isinstance(node, ast.Call) and getattr(node.func, "id", "") == "log_event"):
                continue
            public = next((k.value for k in node.keywords if k.arg == "public"), None)
            if public is None or (isinstance(public, ast.Constant) and not public.value):
                continue
            action = node.args[1]
            if isinstance(action, ast.Constant):
                actions.add(action.value)
            else:
                segment = ast.get_source_segment(source, action) or ""
                assert segment in DYNAMIC_ACTIONS, f"{path}:{node.lineno}: list {segment}"
                actions.update(DYNAMIC_ACTIONS[segment])
    return actions


@pytest.mark.pure
def test_every_public_action_has_a_sentence() -> None:
    actions = _public_actions()
    assert {"supplier.created", "pot.criteria_published", "stemdag.phase_changed"} <= actions
    missing = actions - PUBLIC_EVENTS.keys()
    assert not missing, f"no sentence in samenhang.audit.public_log for {sorted(missing)}"


def test_the_log_shows_sentences_and_links_for_every_kind(
    db_session: Any, client: FlaskClient
) -> None:
    initiative = PublishedInitiativeFactory()
    wijk = initiative.wijk
    round_ = RoundFactory(wijk=wijk, title="Stemdag Noord")
    project = ProjectFactory(round=round_, title="Speeltuin aan het water")
    pot = PotFactory(wijk=wijk, name="Budget voor de buurt")
    application = ApplicationFactory(pot=pot, title="Moestuinbakken")
    budget = BudgetFactory(wijk=wijk)
    campaign = CampaignFactory(initiative=initiative, title="Buurtkamer verven")
    about = {
        "initiative": initiative,
        "comment": initiative,
        "content": initiative,
        "budget": budget,
        "challenge": budget,
        "campaign": campaign,
        "stemdag": round_,
        "pot": pot,
        "application": application,
        "supplier": pot,
        "voucher": pot,
    }
    for action in PUBLIC_EVENTS:
        obj = project if action.startswith("stemdag.project_") else about[action.split(".")[0]]
        after = {"phase": "voting"} if action == "stemdag.phase_changed" else None
        db.session.add(
            AuditEntry(
                action=action,
                object_type=obj.__tablename__,
                object_id=str(obj.id),
                wijk_id=wijk.id,
                after=after,
                is_public=True,
            )
        )
    db.session.commit()

    page = client.get(f"/g/{wijk.municipality.slug}/{wijk.slug}/moderation-log")
    assert page.status_code == 200
    text = html.unescape(page.text)
    for action in PUBLIC_EVENTS:
        assert f">{action}<" not in text, f"raw key {action} shown"
    for expected in (
        "Supplier added",
        "Criteria published for comments",
        "moved to a new phase: Voting",
        "Project proposed",
    ):
        assert expected in text
    assert f'<a href="/stemdag/{round_.id}">Speeltuin aan het water</a>' in text
    assert f'<a href="/stemdag/{round_.id}">Stemdag Noord</a>' in text
    assert f'<a href="/bewonersbudgetten/pots/{pot.id}">Budget voor de buurt</a>' in text
    assert f'<a href="/bewonersbudgetten/applications/{application.id}">Moestuinbakken</a>' in text
    assert f'<a href="/campaigns/{campaign.id}">Buurtkamer verven</a>' in text
    assert "Buurtbegroting 2026</a>" in text
    # A proposed stemdag project is no comment on an initiative.
    row = text.split("Project proposed", 1)[1].split("</tr>", 1)[0]
    assert "Comment" not in row and "/initiatives/" not in row
