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


#: Nothing visible: only an override, an isolate pair and a pop (and a space).
INVISIBLE = "\u202e\u2067 \u2069\u202c"


def test_a_title_of_only_bidi_controls_is_refused_as_empty(
    db_session: Any, client: FlaskClient, login: Any
) -> None:
    from factories.places import WijkFactory

    from samenhang.initiatives.models import Initiative

    wijk = WijkFactory(slug="korrewegwijk", municipality__slug="groningen")
    db.session.commit()
    login(UserFactory())
    url = f"/g/{wijk.municipality.slug}/{wijk.slug}/initiatives/new"
    data = {
        "title": "Moestuin",
        "summary": "Samen groente kweken.",
        "description": "We maken bakken.",
        "public_name": "Fatma",
        "original_locale": "nl",
        "themes": ["wonen"],
    }
    for name in ("title", "summary", "public_name"):
        sent = client.post(url, data={**data, name: INVISIBLE})
        assert sent.status_code == 422, name
        assert "Please fill this in." in sent.text, name
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Initiative)) == 0
    # With a visible title the same form goes through: the refusal was the invisible one.
    sent = client.post(url, data={**data, "title": f"Moestuin{INVISIBLE}"})
    assert sent.status_code == 302
    assert db.session.scalar(sa.select(Initiative.title)) == "Moestuin"


def test_a_comment_of_only_bidi_controls_is_refused(
    db_session: Any, client: FlaskClient, login: Any
) -> None:
    initiative = PublishedInitiativeFactory()
    db.session.commit()
    login(UserFactory())
    sent = client.post(f"/initiatives/{initiative.id}/comments", data={"body": INVISIBLE})
    assert sent.status_code in (302, 422)
    count = sa.select(sa.func.count()).where(Comment.initiative_id == initiative.id)
    assert db.session.scalar(count) == 0


def test_a_password_keeps_what_was_typed(db_session: Any, client: FlaskClient) -> None:
    """Passwords are compared, never shown: the form leaves them as typed."""
    from samenhang.accounts.models import User
    from samenhang.accounts.passwords import verify_password

    password = "geheim\u202ewachtwoord-123"
    client.set_cookie("locale", "en")
    sent = client.post(
        "/signup",
        data={
            "email": "bidi@example.org",
            "display_name": "Bidi",
            "password": password,
            "accept_privacy": "y",
        },
    )
    assert sent.status_code == 302, sent.text
    user = db.session.scalar(sa.select(User).where(User.email == "bidi@example.org"))
    assert verify_password(user.password_hash, password)
