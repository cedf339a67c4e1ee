"""Pictures of a campaign: photos of the plan on its page and card, and receipts for the
paid-out money (what and how much public; the photo of a receipt only for the initiator
and the wijkmanagers)."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from factories.accounts import UserFactory
from factories.campaigns import CampaignFactory, give, manager_of
from factories.vouchers import photo_bytes
from PIL import Image

from samenhang.audit.models import AuditEntry
from samenhang.campaigns import services
from samenhang.campaigns.models import Campaign
from samenhang.campaigns.services.media import MAX_PHOTOS
from samenhang.errors import DomainError, PermissionDenied
from samenhang.extensions import db


def _status(client: Any, url: str) -> int:
    """A file's status code; the response is closed (send_file keeps the file open)."""
    response = client.get(url)
    response.close()
    return int(response.status_code)


def _upload(data: bytes | None = None) -> services.Upload:
    return services.Upload(io.BytesIO(data or photo_bytes()), "image/jpeg")


def _paid_out(amount: int = 100_00) -> Campaign:
    campaign = CampaignFactory(goal_cents=amount)
    give(campaign, amount)
    services.close_campaign(campaign, now=campaign.deadline_at + timedelta(minutes=1))
    services.pay_out(
        campaign, amount, idempotency_key=services.new_idempotency_key(), actor=manager_of(campaign)
    )
    return campaign


# --- photos -----------------------------------------------------------------------------------


def test_the_initiator_adds_photos_shown_on_the_page_and_the_card(
    client: Any, login: Any, db_session: Any
) -> None:
    campaign = CampaignFactory()
    login(campaign.initiator)
    answer = client.post(
        f"/campaigns/{campaign.id}/photos",
        data={"photo": (io.BytesIO(photo_bytes()), "verf.jpg"), "alt_text": "Verf en kwasten"},
        content_type="multipart/form-data",
    )
    assert answer.status_code == 303
    db.session.refresh(campaign)
    [photo] = campaign.photos
    src = f"/media/campaigns/{photo.stored_name}-1024.jpg"
    page = client.get(f"/campaigns/{campaign.id}").text
    assert src in page and 'alt="Verf en kwasten"' in page
    wijk = campaign.wijk
    listing = client.get(f"/g/{wijk.municipality.slug}/{wijk.slug}/campaigns").text
    assert f"/media/campaigns/{photo.stored_name}-480.jpg" in listing
    # Served to anyone, re-encoded without the camera's GPS position.
    client.post("/signout")
    served = client.get(src)
    data, mimetype = served.data, served.mimetype
    served.close()
    assert mimetype == "image/jpeg"
    assert not Image.open(io.BytesIO(data)).getexif()
    assert _status(client, f"/media/campaigns/{photo.stored_name}-333.jpg") == 404


def test_a_photo_of_a_campaign_not_yet_public_is_not_shown_to_others(
    client: Any, login: Any, db_session: Any
) -> None:
    campaign = CampaignFactory(stage="draft")
    photo = services.add_photo(campaign, _upload(), "Plan", actor=campaign.initiator)
    db.session.commit()
    assert _status(client, f"/media/campaigns/{photo.stored_name}-480.jpg") == 404
    login(campaign.initiator)
    assert _status(client, f"/media/campaigns/{photo.stored_name}-480.jpg") == 200


def test_photo_rules(db_session: Any) -> None:
    campaign = CampaignFactory()
    with pytest.raises(PermissionDenied):
        services.add_photo(campaign, _upload(), "Plan", actor=UserFactory())
    with pytest.raises(DomainError, match="for people who cannot see it"):
        services.add_photo(campaign, _upload(), "  ", actor=campaign.initiator)
    with pytest.raises(DomainError, match="not a photo"):
        services.add_photo(campaign, _upload(b"%PDF-1.4"), "Plan", actor=campaign.initiator)
    for n in range(MAX_PHOTOS):
        services.add_photo(campaign, _upload(), f"Foto {n}", actor=campaign.initiator)
    with pytest.raises(DomainError, match="at most 6 photos"):
        services.add_photo(campaign, _upload(), "Een te veel", actor=campaign.initiator)
    first = campaign.photos[0]
    services.remove_photo(first, actor=campaign.initiator)
    assert len(campaign.photos) == MAX_PHOTOS - 1
    # The next photo goes at the end, whatever was removed before it.
    added = services.add_photo(campaign, _upload(), "Nog een", actor=campaign.initiator)
    assert campaign.photos[-1] is added


# --- receipts ---------------------------------------------------------------------------------


def test_receipts_only_once_money_was_paid_out(db_session: Any) -> None:
    campaign = CampaignFactory()
    with pytest.raises(DomainError, match="once money has been paid out"):
        services.add_receipt(campaign, "Verf", 20_00, _upload(), actor=campaign.initiator)


def test_receipt_rules(db_session: Any) -> None:
    campaign = _paid_out()
    with pytest.raises(PermissionDenied):
        services.add_receipt(campaign, "Verf", 20_00, _upload(), actor=manager_of(campaign))
    with pytest.raises(DomainError, match="what the receipt is for"):
        services.add_receipt(campaign, " ", 20_00, _upload(), actor=campaign.initiator)
    for amount in (0, -1, 12.5, True):
        with pytest.raises(DomainError, match="more than zero"):
            services.add_receipt(campaign, "Verf", amount, _upload(), actor=campaign.initiator)
    with pytest.raises(DomainError, match="not a photo"):
        services.add_receipt(campaign, "Verf", 20_00, _upload(b"GIF89a"), actor=campaign.initiator)
    assert campaign.receipts == []


def test_the_public_sees_what_the_money_paid_for_but_not_the_receipt_itself(
    client: Any, login: Any, db_session: Any, either_storage: Any
) -> None:
    campaign = _paid_out(100_00)
    db.session.commit()
    login(campaign.initiator)
    manage = client.get(f"/campaigns/{campaign.id}/manage").text
    assert f'action="/campaigns/{campaign.id}/receipts"' in manage
    answer = client.post(
        f"/campaigns/{campaign.id}/receipts",
        data={
            "description": "Verf en kwasten",
            "amount": "62,50",
            "image": (io.BytesIO(photo_bytes()), "bon.jpg"),
        },
        content_type="multipart/form-data",
    )
    assert answer.status_code == 303
    db.session.refresh(campaign)
    [receipt] = campaign.receipts
    assert (receipt.amount_cents, receipt.description) == (62_50, "Verf en kwasten")
    image = f"/campaigns/{campaign.id}/receipts/{receipt.id}.jpg"
    assert _status(client, image) == 200
    key = f"uploads/campaigns/receipts/{receipt.image_name}-2000.jpg"
    served = client.get(image)
    assert served.data == either_storage.get(key)
    served.close()
    client.post("/signout")

    page = client.get(f"/campaigns/{campaign.id}").text
    assert "Verf en kwasten" in page and "62.50" in page
    assert image not in page
    assert _status(client, image) == 302  # to the sign-in page
    login(UserFactory(wijk=campaign.wijk))
    assert _status(client, image) == 404
    login(manager_of(campaign))
    assert _status(client, image) == 200
    entry = db.session.scalars(
        db.select(AuditEntry).where(AuditEntry.action == "campaign.receipt_added")
    ).one()
    assert entry.is_public
