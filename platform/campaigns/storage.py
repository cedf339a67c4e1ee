"""Campaign images, stored by `samenhang.uploads`: the plan's photos (public, in page
widths) under `<instance>/uploads/campaigns/photos/`, and payout receipts (one width, large
enough to read) under `.../campaigns/receipts/`. Views serve them after their own check."""

from __future__ import annotations

from pathlib import Path
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


def image_path(kind: str, name: str, width: int) -> Path | None:
    """The stored file, or None (also for a width that is not stored)."""
    if width not in WIDTHS.get(kind, ()):
        return None
    return uploads.image_path(f"campaigns/{kind}", name, width)
