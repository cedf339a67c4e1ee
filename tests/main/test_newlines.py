"""Text from a textarea arrives with CRLF line endings; stored and served text has LF."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from factories.accounts import UserFactory
from factories.campaigns import CampaignFactory
from factories.initiatives import PublishedInitiativeFactory
from flask.testing import FlaskClient

from samenhang.campaigns.models import Campaign
from samenhang.extensions import db
from samenhang.initiatives.models import Comment, Initiative


def test_text_written_through_a_form_is_stored_with_lf(
    db_session: Any, client: FlaskClient, login: Any
) -> None:
    initiative = PublishedInitiativeFactory()
    db.session.commit()
    login(UserFactory())
    sent = client.post(
        f"/initiatives/{initiative.id}/comments",
        data={"body": "Goed plan!\r\nIk help mee.\rTot dan."},
    )
    assert sent.status_code == 302
    body = db.session.scalar(sa.select(Comment.body).where(Comment.initiative_id == initiative.id))
    assert body == "Goed plan!\nIk help mee.\nTot dan."


def test_text_columns_are_normalised_on_assignment(db_session: Any) -> None:
    initiative = PublishedInitiativeFactory(description="Eén\r\nTwee\rDrie")
    assert initiative.description == "Eén\nTwee\nDrie"
    initiative.summary = "Kort\r\nverhaal"  # a String column: one line, left alone
    assert initiative.summary == "Kort\r\nverhaal"


def test_the_api_serves_lf_even_for_text_stored_with_crlf(
    db_session: Any, client: FlaskClient
) -> None:
    campaign = CampaignFactory()
    initiative = campaign.initiative
    # Written past the ORM, as text stored before the normalisation was.
    db.session.execute(
        sa.update(Initiative)
        .where(Initiative.id == initiative.id)
        .values(description="Regel 1\r\nRegel 2")
    )
    db.session.execute(sa.update(Campaign).where(Campaign.id == campaign.id).values(story="A\r\nB"))
    db.session.commit()
    item = client.get(f"/api/v1/initiatives/{initiative.id}").json
    assert item["description"] == "Regel 1\nRegel 2"
    assert "\r" not in client.get(f"/api/v1/initiatives/{initiative.id}").text
    assert client.get(f"/api/v1/campaigns/{campaign.id}").json["story"] == "A\nB"
