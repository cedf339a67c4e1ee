"""Each municipality's pages in its own theme; the admin chooses it; drop-in themes count."""

from __future__ import annotations

import gzip
import re
from pathlib import Path
from typing import Any

import pytest
from factories.accounts import AdminFactory, WijkmanagerFactory
from factories.initiatives import PublishedInitiativeFactory
from factories.places import MunicipalityFactory, WijkFactory
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from samenhang.audit.models import AuditEntry
from samenhang.extensions import db
from samenhang.themes import available_themes, theme_layers

#: The stylesheet's address without its content hash (`?v=`, tests/main/test_assets.py).
STYLESHEET = re.compile(r'<link rel="stylesheet" href="([^"?]+)(?:\?v=[0-9a-f]+)?">')


def stylesheets(html: str) -> list[str]:
    return STYLESHEET.findall(html)


def test_pages_of_a_municipality_load_its_theme_on_its_base(client: FlaskClient) -> None:
    wijk = WijkFactory(municipality__theme="groningen-demo")
    initiative = PublishedInitiativeFactory(wijk=wijk)
    expected = [
        "/static/vendor/nlds/nlds.css",
        "/themes/voorbeeld/theme.css",
        "/themes/groningen-demo/theme.css",
        "/static/css/app.css",
    ]
    slug = wijk.municipality.slug
    for path in (f"/g/{slug}", f"/g/{slug}/{wijk.slug}", f"/initiatives/{initiative.id}"):
        page = client.get(path)
        assert page.status_code == 200
        assert stylesheets(page.text) == expected, path
        assert f"Municipality of {wijk.municipality.name}" in page.text


def test_pages_of_no_municipality_and_of_another_get_their_own(client: FlaskClient) -> None:
    WijkFactory(municipality__theme="groningen-demo")
    other = MunicipalityFactory(theme="eindhoven-demo")
    assert "/themes/eindhoven-demo/theme.css" in stylesheets(client.get(f"/g/{other.slug}").text)
    home = stylesheets(client.get("/").text)
    assert "/themes/voorbeeld/theme.css" in home
    assert not [s for s in home if "demo" in s]


def test_a_theme_that_is_gone_falls_back_to_the_default(client: FlaskClient) -> None:
    municipality = MunicipalityFactory(theme="removed-since")
    sheets = stylesheets(client.get(f"/g/{municipality.slug}").text)
    assert sheets[1:3] == ["/themes/voorbeeld/theme.css", "/static/css/app.css"]


def test_theme_files_are_served_and_nothing_else(client: FlaskClient) -> None:
    with client.get("/themes/groningen-demo/theme.css") as css:
        assert css.status_code == 200 and css.mimetype == "text/css"
        assert "--basis-color-accent-1" in css.text
    assert client.get("/themes/groningen-demo/theme.json").status_code == 404
    assert client.get("/themes/nope/theme.css").status_code == 404
    assert client.get("/themes/voorbeeld/../../css/app.css").status_code == 404


def test_admin_changes_the_theme_and_it_is_audit_logged(
    client: FlaskClient, login: Any, db_session: Any
) -> None:
    admin = AdminFactory()
    municipality = MunicipalityFactory(theme="voorbeeld")
    login(admin)
    page = client.get("/admin/municipalities")
    assert page.status_code == 200
    assert 'value="groningen-demo"' in page.text and 'value="denhaag"' in page.text
    sent = client.post(
        f"/admin/municipalities/{municipality.id}/theme",
        data={f"m{municipality.id}-theme": "denhaag"},
    )
    assert sent.status_code == 302 and sent.headers["Location"].endswith("/admin/municipalities")
    db_session.refresh(municipality)
    assert municipality.theme == "denhaag"
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "municipality.theme_changed")
    ).one()
    assert entry.actor_id == admin.id and entry.object_id == str(municipality.id)
    assert (entry.before, entry.after) == ({"theme": "voorbeeld"}, {"theme": "denhaag"})
    assert "/themes/denhaag/theme.css" in client.get(f"/g/{municipality.slug}").text


def test_an_unknown_theme_is_refused(client: FlaskClient, login: Any, db_session: Any) -> None:
    municipality = MunicipalityFactory(theme="voorbeeld")
    login(AdminFactory())
    sent = client.post(
        f"/admin/municipalities/{municipality.id}/theme",
        data={f"m{municipality.id}-theme": "../etc"},
    )
    assert sent.status_code == 422
    assert "Choose an appearance from the list." in sent.text
    db_session.refresh(municipality)
    assert municipality.theme == "voorbeeld"
    assert not db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "municipality.theme_changed")
    ).all()


def test_only_an_admin_changes_themes(client: FlaskClient, login: Any) -> None:
    wijk = WijkFactory()
    login(WijkmanagerFactory(wijken=[wijk]))
    url = f"/admin/municipalities/{wijk.municipality.id}/theme"
    assert client.post(url, data={f"m{wijk.municipality.id}-theme": "denhaag"}).status_code == 403
    assert client.get("/admin/municipalities").status_code == 403


def test_a_dropped_in_folder_is_a_theme_without_a_code_change(
    app: Flask,
    client: FlaskClient,
    login: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    db_session: Any,
) -> None:
    folder = tmp_path / "rotterdam-eigen"
    folder.mkdir()
    (folder / "theme.css").write_text(":root { --basis-color-accent-1-color-default: #00811f; }")
    (folder / "theme.json").write_text('{"label": "Rotterdam (eigen)", "base": "voorbeeld"}')
    (folder / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    monkeypatch.setitem(app.config, "THEMES_DIR", str(tmp_path))
    assert available_themes(tmp_path)["rotterdam-eigen"].label == "Rotterdam (eigen)"

    municipality = MunicipalityFactory()
    login(AdminFactory())
    assert "Rotterdam (eigen)" in client.get("/admin/municipalities").text
    client.post(
        f"/admin/municipalities/{municipality.id}/theme",
        data={f"m{municipality.id}-theme": "rotterdam-eigen"},
    )
    page = client.get(f"/g/{municipality.slug}").text
    assert stylesheets(page)[1:3] == [
        "/themes/voorbeeld/theme.css",
        "/themes/rotterdam-eigen/theme.css",
    ]
    assert 'src="/themes/rotterdam-eigen/logo.svg?v=' in page
    with client.get("/themes/rotterdam-eigen/theme.css") as css:
        assert "#00811f" in css.text


def test_theme_bases_never_loop(tmp_path: Path) -> None:
    for name, base in (("a", "b"), ("b", "a")):
        (tmp_path / name).mkdir()
        (tmp_path / name / "theme.css").write_text(":root {}")
        (tmp_path / name / "theme.json").write_text(f'{{"base": "{base}"}}')
    assert [t.name for t in theme_layers("a", tmp_path)] == ["b", "a"]


# -- weight ---------------------------------------------------------------------------------

#: The budget of a first page: the document and its stylesheets, compressed as sent.
FIRST_PAGE_LIMIT = 100_000


@pytest.mark.parametrize("path", ["/", "wijk"])
def test_a_first_page_is_under_100_kb_compressed(client: FlaskClient, path: str) -> None:
    if path == "wijk":
        wijk = WijkFactory(municipality__theme="groningen-demo")
        path = f"/g/{wijk.municipality.slug}/{wijk.slug}"
    headers = {"Accept-Encoding": "gzip"}
    page = client.get(path, headers=headers)
    assert page.headers["Content-Encoding"] == "gzip"
    sizes = {path: len(page.data)}
    for href in stylesheets(gzip.decompress(page.data).decode()):
        sheet = client.get(href, headers=headers)
        assert sheet.status_code == 200 and sheet.headers["Content-Encoding"] == "gzip"
        sizes[href] = len(sheet.data)
        sheet.close()
    assert sum(sizes.values()) < FIRST_PAGE_LIMIT, sizes


def test_compressed_files_still_answer_304_when_unchanged(client: FlaskClient) -> None:
    with client.get("/static/css/app.css", headers={"Accept-Encoding": "gzip"}) as first:
        etag = first.headers["ETag"]
        assert etag.startswith('W/"') and "Accept-Encoding" in first.headers["Vary"]
    headers = {"Accept-Encoding": "gzip", "If-None-Match": etag}
    with client.get("/static/css/app.css", headers=headers) as again:
        assert again.status_code == 304
    with client.get("/static/css/app.css") as plain:
        assert "Content-Encoding" not in plain.headers and plain.text.startswith("/*")
