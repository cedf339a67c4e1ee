"""Pictures of a campaign: photos of the plan (public, on its page and card) and the
receipts for what its paid-out money bought (what and how much public; the photo only for
the initiator and the wijkmanagers, `samenhang.policies.can_see_campaign_receipts`).

Kept apart from `money`: a receipt moves no money, it accounts for money already paid out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO

from flask_babel import lazy_gettext as _l

from samenhang.accounts.models import User
from samenhang.audit.services import log_event
from samenhang.campaigns import storage
from samenhang.campaigns.models import (
    Campaign,
    CampaignPhoto,
    CampaignReceipt,
    CampaignStatus,
)
from samenhang.campaigns.services.common import (
    MAX_GIFT_CENTS,
    money,
    require_initiator,
)
from samenhang.errors import DomainError
from samenhang.extensions import db
from samenhang.uploads import too_many_photos

MAX_PHOTOS = 6
MAX_DESCRIPTION_LENGTH = 200
MAX_ALT_LENGTH = 200


@dataclass(frozen=True)
class Upload:
    """An uploaded file as the services see it: its bytes and what the browser said it is."""

    stream: IO[bytes]
    content_type: str | None = None


# --- photos -----------------------------------------------------------------------------------


def add_photo(campaign: Campaign, image: Upload, alt_text: str, *, actor: User) -> CampaignPhoto:
    """A photo of the plan. Not once the campaign failed: its page then only explains what
    happens to the money."""
    require_initiator(actor, campaign)
    if campaign.status is CampaignStatus.failed:
        raise DomainError(_l("You cannot add photos now."))
    if len(campaign.photos) >= MAX_PHOTOS:
        raise too_many_photos(MAX_PHOTOS)
    alt_text = (alt_text or "").strip()
    if not alt_text:
        raise DomainError(_l("Say what is on the photo, for people who cannot see it."))
    stored = storage.store_image(image.stream, "photos", image.content_type)
    photo = CampaignPhoto(
        position=max((p.position for p in campaign.photos), default=-1) + 1,
        stored_name=stored.name,
        width=stored.width,
        height=stored.height,
        alt_text=alt_text[:MAX_ALT_LENGTH],
    )
    campaign.photos.append(photo)
    db.session.flush()
    log_event(
        actor, "campaign.photo_added", campaign, wijk=campaign.wijk, after={"photo_id": photo.id}
    )
    return photo


def remove_photo(photo: CampaignPhoto, *, actor: User) -> None:
    campaign = photo.campaign
    require_initiator(actor, campaign)
    campaign.photos.remove(photo)
    storage.delete_image("photos", photo.stored_name)
    log_event(
        actor, "campaign.photo_removed", campaign, wijk=campaign.wijk, before={"photo_id": photo.id}
    )


# --- receipts ---------------------------------------------------------------------------------


def add_receipt(
    campaign: Campaign, description: str, amount_cents: int, image: Upload, *, actor: User
) -> CampaignReceipt:
    """A receipt or invoice for something the paid-out money bought. Receipts are not
    removed: they are the public account of the money."""
    require_initiator(actor, campaign)
    if not campaign.payouts:
        raise DomainError(_l("Receipts can be added once money has been paid out."))
    description = (description or "").strip()
    if not description:
        raise DomainError(_l("Say what the receipt is for."))
    if isinstance(amount_cents, bool) or not isinstance(amount_cents, int) or amount_cents <= 0:
        raise DomainError(_l("The amount must be more than zero."))
    if amount_cents > MAX_GIFT_CENTS:
        raise DomainError(
            _l("One receipt can be at most {amount}."), amount=money(MAX_GIFT_CENTS, campaign)
        )
    stored = storage.store_image(image.stream, "receipts", image.content_type)
    receipt = CampaignReceipt(
        campaign=campaign,
        description=description[:MAX_DESCRIPTION_LENGTH],
        amount_cents=amount_cents,
        image_name=stored.name,
        uploaded_by=actor,
    )
    db.session.add(receipt)
    db.session.flush()
    log_event(
        actor,
        "campaign.receipt_added",
        campaign,
        wijk=campaign.wijk,
        after={"receipt_id": receipt.id, "amount_cents": amount_cents},
        public=True,
    )
    return receipt
