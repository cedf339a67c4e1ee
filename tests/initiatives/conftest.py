from __future__ import annotations

import io

import pytest
from PIL import Image


def make_jpeg(width: int = 800, height: int = 600, exif_gps: bool = False) -> bytes:
    image = Image.new("RGB", (width, height), (200, 120, 40))
    buffer = io.BytesIO()
    exif = Image.Exif()
    if exif_gps:
        exif[0x010F] = "TestCamera"  # Make
        exif[0x8825] = {2: (52.0, 13.0, 0.0), 4: (6.0, 34.0, 0.0)}  # GPSInfo
    image.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


@pytest.fixture
def jpeg() -> bytes:
    return make_jpeg(exif_gps=True)
