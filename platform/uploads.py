"""Uploaded images: checked, re-encoded (which drops EXIF, GPS positions and anything
hidden in the file) and stored as JPEG in one or more widths.

Files are kept in the store (`samenhang.storage`) as `uploads/<kind>/<name>-<width>.jpg`; the
database keeps only the random name. Views serve them after their own access check
(`samenhang.blueprints.files.send_stored`).
"""

from __future__ import annotations

import io
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from PIL import Image, ImageOps, UnidentifiedImageError

from samenhang.errors import DomainError
from samenhang.storage import delete_after_commit, storage

MAX_BYTES = 8 * 1024 * 1024
MAX_PIXELS = 40_000_000
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP"}
ALLOWED_CONTENT_TYPES = {"image/jpeg", "image/png", "image/webp"}
#: Widths written for a photo shown in the page (srcset); the largest is the fallback `src`.
PAGE_WIDTHS = (480, 1024)
_NAME_LENGTH = 32


class InvalidImage(DomainError):
    pass


@dataclass(frozen=True)
class StoredImage:
    name: str
    width: int
    height: int


def _not_a_photo() -> InvalidImage:
    return InvalidImage(_l("This file is not a photo. Use a JPEG, PNG or WebP file."))


def _clean_image(data: bytes) -> Image.Image:
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in ALLOWED_FORMATS:
                raise _not_a_photo()
            if probe.width * probe.height > MAX_PIXELS:
                raise InvalidImage(_l("This photo has too many pixels."))
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            # Turn the picture as the camera meant before the EXIF goes.
            return ImageOps.exif_transpose(image).convert("RGB")
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as exc:
        raise _not_a_photo() from exc


def store_image(
    stream: IO[bytes],
    kind: str,
    widths: Sequence[int] = PAGE_WIDTHS,
    content_type: str | None = None,
) -> StoredImage:
    """Validate an uploaded image and store it re-encoded, once per width (its longest
    side at most that many pixels; tall images may be up to four times as high)."""
    if content_type is not None and content_type.split(";")[0].strip() not in (
        ALLOWED_CONTENT_TYPES
    ):
        raise _not_a_photo()
    data = stream.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise InvalidImage(
            _l("This photo is too large. The maximum is {size} MB."), size=MAX_BYTES // 2**20
        )
    if not data:
        raise InvalidImage(_l("This file is empty."))
    image = _clean_image(data)
    name = secrets.token_hex(_NAME_LENGTH // 2)
    for width in widths:
        copy = image.copy()
        copy.thumbnail((width, width * 4))
        out = io.BytesIO()
        # A fresh image saved without `exif=`: Pillow writes no EXIF, ICC or comments.
        copy.save(out, "JPEG", quality=82, optimize=True)
        storage().put(_key(kind, name, width), out.getvalue(), "image/jpeg")
    return StoredImage(name=name, width=image.width, height=image.height)


def _is_stored_name(name: str) -> bool:
    return len(name) == _NAME_LENGTH and all(c in "0123456789abcdef" for c in name)


def _key(kind: str, name: str, width: int) -> str:
    return f"uploads/{kind}/{name}-{width}.jpg"


def image_key(kind: str, name: str, width: int) -> str | None:
    """The store's key of an image, or None for a name we never make (a view is given
    names from the URL): never a key outside the upload folder."""
    return _key(kind, name, width) if _is_stored_name(name) else None


def delete_images(kind: str, name: str, widths: Sequence[int] = PAGE_WIDTHS) -> None:
    """Delete an image's files once the removal of its row is committed."""
    if _is_stored_name(name):
        delete_after_commit(_key(kind, name, width) for width in widths)


def too_many_photos(maximum: int) -> DomainError:
    """The refusal when a page already has all the photos it may have."""
    return DomainError(
        lazy_ngettext(
            "You can add at most {count} photo.", "You can add at most {count} photos.", maximum
        ),
        count=maximum,
    )
