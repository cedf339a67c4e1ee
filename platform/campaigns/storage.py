"""Campaign images, stored by `samenhang.uploads`: the plan's photos (public, in page
widths) as `uploads/campaigns/photos/...`, and payout receipts (one width, large enough to
read) as `.../campaigns/receipts/...`. Views serve them after their own check."""

from __future__ import annotations

from typing import IO

from samenhang import uploads

#: Longest side of a stored receipt: enough to read the small print.
RECEIPT_SIDE = 2000
WIDTHS = {"photos": uploads.PAGE_WIDTHS, "receipts": (RECEIPT_SIDE,)}


def store_image(
    stream: IO[bytes], kind: str, content_type: str | None = None
) -> uploads.StoredImage:
    if kind not in WIDTHS:
        raise ValueError(f"unknown upload kind {kind!r}")
    return uploads.store_image(stream, f"campaigns/{kind}", WIDTHS[kind], content_type)


def image_key(kind: str, name: str, width: int) -> str | None:
    """The store's key of the image, or None (also for a width that is not stored)."""
    if width not in WIDTHS.get(kind, ()):
        return None
    return uploads.image_key(f"campaigns/{kind}", name, width)


def delete_image(kind: str, name: str) -> None:
    """Delete the image's files once its row's removal is committed."""
    uploads.delete_images(f"campaigns/{kind}", name, WIDTHS[kind])
