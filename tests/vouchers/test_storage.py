from __future__ import annotations

import io
from typing import Any

import pytest
from factories.vouchers import photo_bytes
from flask import Flask
from PIL import Image

from samenhang import uploads
from samenhang.storage import storage as store
from samenhang.vouchers import storage


@pytest.fixture
def ctx(app: Flask) -> Any:
    with app.app_context():
        yield


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_photos_are_reencoded_without_exif(ctx: Any, fmt: str) -> None:
    original = photo_bytes(fmt, size=(2200, 300))
    assert Image.open(io.BytesIO(original)).getexif()
    name = storage.store_image(io.BytesIO(original), "receipts", f"image/{fmt.lower()}")
    key = storage.image_key("receipts", name)
    assert key == f"uploads/vouchers/receipts/{name}-{storage.MAX_SIDE}.jpg"
    data = store().get(key)
    assert data is not None
    with Image.open(io.BytesIO(data)) as stored:
        assert stored.format == "JPEG"
        assert max(stored.size) == storage.MAX_SIDE
        assert not stored.getexif()
        assert "exif" not in stored.info and "icc_profile" not in stored.info
    assert original[:100] not in data


@pytest.mark.parametrize(
    ("data", "content_type", "message"),
    [
        (b"", None, "empty"),
        (b"%PDF-1.7 not a photo", "image/jpeg", "not a photo"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "image/svg+xml", "not a photo"),
        (None, "image/gif", "not a photo"),
        ("gif", None, "not a photo"),
        ("truncated", "image/jpeg", "not a photo"),
    ],
)
def test_what_is_not_a_photo_is_refused(
    ctx: Any, data: Any, content_type: str | None, message: str
) -> None:
    if data is None:
        data = photo_bytes()
    elif data == "gif":
        out = io.BytesIO()
        Image.new("RGB", (10, 10)).save(out, "GIF")
        data = out.getvalue()
    elif data == "truncated":
        data = photo_bytes()[:200]
    with pytest.raises(uploads.InvalidImage, match=message):
        storage.store_image(io.BytesIO(data), "reports", content_type)


def test_too_large_and_too_many_pixels(ctx: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(uploads, "MAX_BYTES", 500)
    with pytest.raises(uploads.InvalidImage, match="too large"):
        storage.store_image(io.BytesIO(photo_bytes(size=(400, 400)) + b"\0" * 600), "reports")
    monkeypatch.setattr(uploads, "MAX_BYTES", 8 * 1024 * 1024)
    monkeypatch.setattr(uploads, "MAX_PIXELS", 100)
    with pytest.raises(uploads.InvalidImage, match="too many pixels"):
        storage.store_image(io.BytesIO(photo_bytes(size=(20, 20))), "reports")


@pytest.mark.parametrize(
    ("kind", "name"),
    [
        ("receipts", "../../../etc/passwd"),
        ("receipts", "0" * 31),
        ("receipts", "g" * 32),
        ("other", "0" * 32),
    ],
)
def test_image_key_never_leaves_the_upload_folder(ctx: Any, kind: str, name: str) -> None:
    assert storage.image_key(kind, name) is None
