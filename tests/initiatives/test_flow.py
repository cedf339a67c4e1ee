"""The issue's "done when": submit with a photo, return, fix, resubmit, publish, support,
comment, and the public list, feed, JSON and moderation log show it."""

from __future__ import annotations

import io
from typing import Any

from factories.accounts import UserFactory, WijkmanagerFactory
from factories.places import WijkFactory
from flask import Flask
from initiatives.conftest import make_jpeg
from PIL import Image
from sqlalchemy import select

from samenhang.extensions import db
from samenhang.initiatives.models import Initiative, State
from samenhang.storage import storage
from samenhang.uploads import image_key


def _form(**overrides: Any) -> dict[str, Any]:
    data = {
        "title": "Moestuin in de Korrewegwijk",
        "summary": "Samen groente kweken op het braakliggende veldje.",
        "description": "We maken **bakken** en zoeken vrijwilligers.",
        "public_name": "Fatma",
        "original_locale": "nl",
        "themes": ["wonen", "meedoen"],
        "help_asked": ["time", "materials"],
        "budget_lines-0-description": "Hout voor bakken",
        "budget_lines-0-amount": "450,50",
        "budget_lines-1-description": "Zaden",
        "budget_lines-1-amount": "35",
        "address": "Plein 1",
    }
    data.update(overrides)
    return data


def _initiative() -> Initiative:
    db.session.expire_all()
    return db.session.scalars(select(Initiative)).one()


def test_submit_return_fix_publish_support_comment(
    app: Flask, client: Any, login: Any, outbox: list
) -> None:
    wijk = WijkFactory(name="Korrewegwijk", slug="korrewegwijk", municipality__slug="groningen")
    resident, manager, neighbour = UserFactory(), WijkmanagerFactory(wijken=[wijk]), UserFactory()
    base = "/g/groningen/korrewegwijk"

    login(resident)
    response = client.post(f"{base}/initiatives/new", data=_form())
    assert response.status_code == 302, response.text
    initiative = _initiative()
    assert initiative.state is State.draft and initiative.budget_total == 48550
    page = f"/initiatives/{initiative.id}"
    photo = client.post(
        f"{page}/photos",
        data={
            "photo": (io.BytesIO(make_jpeg(exif_gps=True)), "tuin.jpg"),
            "alt_text": "Het veldje",
        },
        content_type="multipart/form-data",
    )
    assert photo.status_code == 302
    stored = _initiative().photos[0]
    with app.app_context():
        key = image_key("initiatives", stored.stored_name, 480)
        data = storage().get(key or "")
    assert data is not None
    with Image.open(io.BytesIO(data)) as stored_image:
        assert not stored_image.getexif(), "EXIF (with GPS) must be gone"
    assert client.get(page).status_code == 200
    assert client.post(f"{page}/submit").status_code == 302
    assert _initiative().state is State.submitted
    client.post("/signout")

    login(manager)
    queue = client.get(f"{base}/moderation")
    assert "Moestuin" in queue.text
    returned = client.post(
        f"{page}/decide",
        data={"decision": "return", "reason": "Voeg de kosten van gereedschap toe."},
    )
    assert returned.status_code == 302
    assert _initiative().state is State.returned
    client.post("/signout")

    login(resident)
    assert "Voeg de kosten" in client.get(page).text
    fixed = _form(**{"budget_lines-2-description": "Gereedschap", "budget_lines-2-amount": "60"})
    assert client.post(f"{page}/edit", data=fixed).status_code == 302
    assert client.post(f"{page}/submit").status_code == 302
    client.post("/signout")

    login(manager)
    decide = client.get(f"{page}/decide")
    assert "<ins>" in decide.text and "Gereedschap" in decide.text  # side-by-side changes
    assert (
        client.post(f"{page}/decide", data={"decision": "publish", "reason": ""}).status_code == 302
    )
    assert _initiative().state is State.published
    client.post("/signout")

    login(neighbour)
    assert client.post(f"{page}/support").status_code == 302
    twice = client.post(f"{page}/support", follow_redirects=True)
    assert "already support" in twice.text
    assert client.post(f"{page}/comments", data={"body": "Ik help mee!"}).status_code == 302
    client.post("/signout")

    listing = client.get(f"{base}/initiatives")
    assert "Moestuin in de Korrewegwijk" in listing.text
    assert "Moestuin" in client.get(f"{base}/initiatives?q=moestuin&theme=meedoen").text
    assert "Moestuin" not in client.get(f"{base}/initiatives?theme=veiligheid").text
    feed = client.get(f"{base}/initiatives/feed.atom")
    assert feed.mimetype == "application/atom+xml" and "Moestuin" in feed.text
    api = client.get("/api/v1/initiatives?municipality=groningen&wijk=korrewegwijk").json
    [item] = api["items"]
    assert item["supporters"] == 1 and item["budget"]["total_cents"] == 54550
    log = client.get(f"{base}/moderation-log")
    assert "Voeg de kosten van gereedschap toe." in log.text
    assert resident.email not in log.text and manager.email not in log.text
    # The resident follows their own initiative implicitly and heard about each change.
    assert any("Moestuin" in mail.body for mail in outbox if mail.to == resident.email)
