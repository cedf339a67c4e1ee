"""Receipt and report photos of the vouchers area, stored by `samenhang.uploads` as
`uploads/vouchers/<kind>/...`. Files are served by a view that checks who may see
them."""

from __future__ import annotations

from typing import IO

from samenhang import uploads

KINDS = ("receipts", "reports")
#: Longest side of the stored image; enough to read a receipt.
MAX_SIDE = 2000


def store_image(stream: IO[bytes], kind: str, content_type: str | None = None) -> str:
    """Validate and store an uploaded image; returns its stored name."""
    if kind not in KINDS:
        raise ValueError(f"unknown upload kind {kind!r}")
    stored = uploads.store_image(stream, f"vouchers/{kind}", (MAX_SIDE,), content_type)
    return stored.name


def image_key(kind: str, name: str) -> str | None:
    """The store's key of the image, or None for an unknown kind or name."""
    if kind not in KINDS:
        return None
    return uploads.image_key(f"vouchers/{kind}", name, MAX_SIDE)
