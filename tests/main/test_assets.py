from __future__ import annotations

import gzip
import re

from flask.testing import FlaskClient


def test_static_and_theme_urls_carry_a_content_hash(client: FlaskClient) -> None:
    page = client.get("/").text
    css = re.search(r'href="(/static/css/app\.css\?v=[0-9a-f]{12})"', page)
    theme = re.search(r'href="(/themes/[a-z-]+/theme\.css\?v=[0-9a-f]{12})"', page)
    assert css and theme
    for url in (css.group(1), theme.group(1)):
        with client.get(url) as answer:
            assert answer.status_code == 200
            control = answer.headers["Cache-Control"]
        assert "max-age=31536000" in control and "immutable" in control
        assert "no-cache" not in control


def test_unversioned_files_are_revalidated(client: FlaskClient) -> None:
    with client.get("/static/css/app.css") as answer:
        assert "max-age=31536000" not in answer.headers.get("Cache-Control", "")


def test_a_static_file_is_gzipped_the_same_each_time(client: FlaskClient) -> None:
    headers = {"Accept-Encoding": "gzip"}
    bodies = []
    for _ in range(2):
        with client.get("/static/vendor/nlds/nlds.css", headers=headers) as answer:
            assert answer.headers["Content-Encoding"] == "gzip"
            bodies.append(answer.data)
    assert bodies[0] == bodies[1]
    assert b".utrecht-" in gzip.decompress(bodies[0])
