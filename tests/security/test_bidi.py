"""Bidi overrides cannot disguise names, titles and summaries; Arabic stays as written."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from factories.accounts import UserFactory
from factories.initiatives import PublishedInitiativeFactory
from flask.testing import FlaskClient

from samenhang.extensions import db
from samenhang.initiatives.models import Comment
from samenhang.text import strip_bidi_controls

ARABIC = "حديقة الحي الجديدة"  # "the new neighbourhood garden"


@pytest.mark.pure
@pytest.mark.parametrize(
    "control", [chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]]
)
def test_every_override_embedding_and_isolate_goes(control: str) -> None:
    assert strip_bidi_controls(f"invoice{control}fdp.exe") == "invoicefdp.exe"


@pytest.mark.pure
def test_arabic_and_its_marks_stay() -> None:
    # RLM, LRM and ALM mark direction without reordering anything: they stay.
    text = f"{ARABIC} \u200f2026\u200e \u061c"
    assert strip_bidi_controls(text) == text


def test_names_titles_and_summaries_are_stored_without_overrides(db_session: Any) -> None:
    user = UserFactory(display_name="Fatma\u202e nimda")
    initiative = PublishedInitiativeFactory(
        title="Speeltuin \u2067مرحبا\u2069", summary=f"\u202b{ARABIC}\u202c", author=user
    )
    db.session.flush()
    db.session.expire_all()
    assert user.display_name == "Fatma nimda"
    assert initiative.title == "Speeltuin مرحبا"
    assert initiative.summary == ARABIC


def test_text_sent_through_a_form_loses_its_overrides(
    db_session: Any, client: FlaskClient, login: Any
) -> None:
    initiative = PublishedInitiativeFactory()
    db.session.commit()
    login(UserFactory())
    sent = client.post(
        f"/initiatives/{initiative.id}/comments", data={"body": f"Mooi \u202egnp.exe {ARABIC}"}
    )
    assert sent.status_code == 302
    body = db.session.scalar(sa.select(Comment.body).where(Comment.initiative_id == initiative.id))
    assert body == f"Mooi gnp.exe {ARABIC}"
