"""Uploaded images: checked, re-encoded (which drops EXIF and anything hidden), stored.

Files live under `<instance>/uploads/<kind>/`; the database keeps only the stored name.
"""

from __future__ import annotations

import io
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from flask import current_app
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError

from samenhang.errors import DomainError

MAX_IMAGE_BYTES = 8 * 1024 * 1024
MAX_PIXELS = 40_000_000
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP"}
#: Widths written for srcset; the largest is also the fallback `src`.
WIDTHS = (480, 1024)


@dataclass(frozen=True)
class StoredImage:
    name: str  # stored file stem; files are <name>-<width>.jpg
    width: int
    height: int


def upload_root() -> Path:
    return Path(current_app.instance_path) / "uploads"


def store_image(stream: IO[bytes], kind: str) -> StoredImage:
    """Validate an uploaded image and store it re-encoded as JPEG in several widths."""
    data = stream.read(MAX_IMAGE_BYTES + 1)
    if len(data) > MAX_IMAGE_BYTES:
        raise DomainError(_l("This photo is too large. The maximum is {size} MB."), size=8)
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in ALLOWED_FORMATS:
                raise DomainError(_l("This file is not a photo. Use a JPEG, PNG or WebP file."))
            if probe.width * probe.height > MAX_PIXELS:
                raise DomainError(_l("This photo has too many pixels."))
            probe.verify()
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as exc:
        raise DomainError(_l("This file is not a photo. Use a JPEG, PNG or WebP file.")) from exc
    # Apply the camera's rotation before the EXIF (with it any GPS position) is dropped.
    image = ImageOps.exif_transpose(image).convert("RGB")
    name = secrets.token_hex(16)
    folder = upload_root() / kind
    folder.mkdir(parents=True, exist_ok=True)
    for width in WIDTHS:
        copy = image.copy()
        copy.thumbnail((width, width * 4))
        copy.save(folder / f"{name}-{width}.jpg", "JPEG", quality=80, optimize=True)
    return StoredImage(name=name, width=image.width, height=image.height)


def image_path(kind: str, name: str, width: int) -> Path | None:
    if width not in WIDTHS or not name.isalnum():
        return None
    path = upload_root() / kind / f"{name}-{width}.jpg"
    return path if path.is_file() else None
