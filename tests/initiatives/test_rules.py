"""Bad input and wrong people: a clear message, and nothing changes."""

from __future__ import annotations

import io
from typing import Any

import pytest
from factories.accounts import UserFactory, WijkmanagerFactory
from factories.initiatives import InitiativeFactory, PublishedInitiativeFactory
from factories.places import WijkFactory
from initiatives.conftest import make_jpeg
from sqlalchemy import func, select

from samenhang.audit.models import AuditEntry
from samenhang.errors import DomainError, PermissionDenied
from samenhang.extensions import db
from samenhang.initiatives import services
from samenhang.initiatives.models import Photo, State, Support, Theme


def _count(model: Any) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def _upload(client: Any, initiative_id: int, payload: bytes, name: str = "x.jpg") -> Any:
    return client.post(
        f"/initiatives/{initiative_id}/photos",
        data={"photo": (io.BytesIO(payload), name), "alt_text": "foto"},
        content_type="multipart/form-data",
        follow_redirects=True,
    )


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (b"<?php echo 'not an image'; ?>", "not a photo"),
        (b"GIF89a" + b"\x00" * 100, "not a photo"),
        (make_jpeg()[:200], "not a photo"),
    ],
)
def test_fake_images_are_refused(client: Any, login: Any, payload: bytes, message: str) -> None:
    initiative = InitiativeFactory()
    login(initiative.author)
    page = _upload(client, initiative.id, payload)
    assert message in page.text
    assert _count(Photo) == 0


def test_oversized_image_is_refused(client: Any, login: Any, app: Any) -> None:
    initiative = InitiativeFactory()
    login(initiative.author)
    page = _upload(client, initiative.id, b"\xff\xd8" + b"0" * (9 * 1024 * 1024))
    assert page.status_code == 200
    assert "too large" in page.text
    assert _count(Photo) == 0


def test_at_most_five_photos(client: Any, login: Any) -> None:
    initiative = InitiativeFactory()
    login(initiative.author)
    for _ in range(5):
        _upload(client, initiative.id, make_jpeg(64, 64))
    page = _upload(client, initiative.id, make_jpeg(64, 64))
    assert "at most 5 photos" in page.text
    assert _count(Photo) == 5


def test_html_and_script_in_text_are_made_harmless(client: Any, login: Any) -> None:
    initiative = PublishedInitiativeFactory(
        description=(
            "Hallo <script>alert(1)</script> [klik](javascript:alert(2)) <b onclick=x>vet</b>"
        ),
        title="<img src=x onerror=alert(3)>",
    )
    page = client.get(f"/initiatives/{initiative.id}").text
    assert "<script>alert(1)" not in page
    assert 'href="javascript' not in page
    assert "onerror=alert" not in page.replace("&lt;img src=x onerror=alert(3)&gt;", "")
    assert "<b onclick" not in page


def _form(**overrides: Any) -> dict[str, Any]:
    data = {
        "title": "t",
        "summary": "s",
        "description": "d",
        "public_name": "n",
        "original_locale": "nl",
        "themes": ["wonen"],
    }
    return {**data, **overrides}


def test_over_long_fields_are_refused(client: Any, login: Any) -> None:
    wijk = WijkFactory()
    login(UserFactory())
    response = client.post(
        f"/g/{wijk.municipality.slug}/{wijk.slug}/initiatives/new", data=_form(title="x" * 121)
    )
    assert response.status_code == 422
    assert "120" in response.text


@pytest.mark.parametrize("amount", ["-5", "12,345", "twaalf", "NaN"])
def test_bad_amounts_are_refused(client: Any, login: Any, amount: str) -> None:
    wijk = WijkFactory()
    login(UserFactory())
    response = client.post(
        f"/g/{wijk.municipality.slug}/{wijk.slug}/initiatives/new",
        data=_form(**{"budget_lines-0-description": "iets", "budget_lines-0-amount": amount}),
    )
    assert response.status_code == 422


def test_someone_else_cannot_edit_or_submit(client: Any, login: Any) -> None:
    initiative = InitiativeFactory(state=State.returned)
    login(UserFactory())
    assert client.get(f"/initiatives/{initiative.id}/edit").status_code == 403
    assert client.post(f"/initiatives/{initiative.id}/submit").status_code == 403
    db.session.refresh(initiative)
    assert initiative.state is State.returned


def test_drafts_are_private(client: Any, login: Any) -> None:
    initiative = InitiativeFactory()
    assert client.get(f"/initiatives/{initiative.id}").status_code == 404
    login(UserFactory())
    assert client.get(f"/initiatives/{initiative.id}").status_code == 404


def test_wijkmanager_cannot_decide_outside_their_wijk(client: Any, login: Any) -> None:
    initiative = InitiativeFactory(state=State.submitted)
    login(WijkmanagerFactory(wijken=[WijkFactory()]))
    response = client.post(f"/initiatives/{initiative.id}/decide", data={"decision": "publish"})
    # The initiative is not yet public, so to a manager elsewhere it does not exist.
    assert response.status_code == 404
    db.session.refresh(initiative)
    assert initiative.state is State.submitted
    wijk = initiative.wijk
    assert client.get(f"/g/{wijk.municipality.slug}/{wijk.slug}/moderation").status_code == 403


def test_transitions_only_from_the_right_state(db_session: Any) -> None:
    initiative = InitiativeFactory()
    manager = WijkmanagerFactory(wijken=[initiative.wijk])
    with pytest.raises(DomainError):
        services.decide_initiative(initiative, "publish", "", actor=manager)
    services.submit_initiative(initiative, actor=initiative.author)
    with pytest.raises(DomainError, match="reasons"):
        services.decide_initiative(initiative, "reject", "  ", actor=manager)
    with pytest.raises(PermissionDenied):
        services.decide_initiative(initiative, "publish", "", actor=initiative.author)
    services.decide_initiative(initiative, "reject", "Past niet in de regels.", actor=manager)
    assert initiative.state is State.rejected
    with pytest.raises(DomainError):
        services.submit_initiative(initiative, actor=initiative.author)
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions[-2:] == ["initiative.submitted", "initiative.rejected"]


def test_support_once_per_user_even_when_raced(db_session: Any) -> None:
    initiative = PublishedInitiativeFactory()
    user = UserFactory()
    services.support_initiative(initiative, actor=user)
    with pytest.raises(DomainError, match="already"):
        services.support_initiative(initiative, actor=user)
    assert _count(Support) == 1


def test_support_and_comment_only_on_published(db_session: Any) -> None:
    initiative = InitiativeFactory(state=State.submitted)
    with pytest.raises(DomainError):
        services.support_initiative(initiative, actor=UserFactory())
    with pytest.raises(DomainError):
        services.add_comment(initiative, "hoi", actor=UserFactory())


def test_hidden_comment_shows_reason_and_is_logged(client: Any, login: Any) -> None:
    initiative = PublishedInitiativeFactory()
    comment = services.add_comment(initiative, "Scheldwoord!", actor=UserFactory())
    db.session.commit()
    login(WijkmanagerFactory(wijken=[initiative.wijk]))
    response = client.post(f"/comments/{comment.id}/hide", data={"reason": "Niet vriendelijk."})
    assert response.status_code == 302
    page = client.get(f"/initiatives/{initiative.id}").text
    assert "Scheldwoord" not in page and "Niet vriendelijk." in page


def test_flags_reach_the_queue_and_can_be_dismissed(client: Any, login: Any) -> None:
    initiative = PublishedInitiativeFactory()
    login(UserFactory())
    client.post(f"/initiatives/{initiative.id}/flag", data={"reason": "Reclame"})
    again = client.post(
        f"/initiatives/{initiative.id}/flag", data={"reason": "Reclame"}, follow_redirects=True
    )
    assert "already reported" in again.text
    client.post("/signout")
    login(WijkmanagerFactory(wijken=[initiative.wijk]))
    wijk = initiative.wijk
    queue = client.get(f"/g/{wijk.municipality.slug}/{wijk.slug}/moderation?queue=flagged")
    assert initiative.title in queue.text
    client.post(f"/initiatives/{initiative.id}/dismiss-flags")
    queue = client.get(f"/g/{wijk.municipality.slug}/{wijk.slug}/moderation?queue=flagged")
    assert initiative.title not in queue.text


def test_a_refused_edit_shows_the_reason_on_the_form(client: Any, login: Any) -> None:
    initiative = InitiativeFactory(state=State.submitted, title="Oude titel")
    login(initiative.author)
    response = client.post(f"/initiatives/{initiative.id}/edit", data=_form(title="Nieuwe titel"))
    assert response.status_code == 422
    assert "only change an initiative while it is a draft" in response.text
    db.session.expire_all()
    assert db.session.get(type(initiative), initiative.id).title == "Oude titel"


def test_only_the_initiator_or_a_wijkmanager_reports_it_realised(client: Any, login: Any) -> None:
    initiative = PublishedInitiativeFactory(state=State.funded)
    login(UserFactory())
    response = client.post(f"/initiatives/{initiative.id}/realised", data={"report": "Klaar"})
    assert response.status_code == 403
    db.session.refresh(initiative)
    assert initiative.state is State.funded
    client.post("/signout")
    login(WijkmanagerFactory(wijken=[initiative.wijk]))
    response = client.post(f"/initiatives/{initiative.id}/realised", data={"report": "Klaar"})
    assert response.status_code == 302
    db.session.refresh(initiative)
    assert initiative.state is State.realised


def test_states_and_themes_show_their_titles(client: Any, login: Any) -> None:
    initiative = PublishedInitiativeFactory(themes=[Theme.veiligheid])
    page = client.get(f"/initiatives/{initiative.id}").text
    # Residents read the state in plain words (`State.__public_labels__`).
    assert ">Open for support</span>" in page and "Safety" in page


def test_moderation_queues_are_named_and_unknown_ones_not_found(client: Any, login: Any) -> None:
    wijk = WijkFactory()
    login(WijkmanagerFactory(wijken=[wijk]))
    base = f"/g/{wijk.municipality.slug}/{wijk.slug}/moderation"
    page = client.get(f"{base}?queue=stale").text
    assert "Waiting too long (0)" in page and "Reported (0)" in page
    assert client.get(f"{base}?queue=nonsense").status_code == 404
