"""What an attacker tries first: forged requests, script in text, redirects elsewhere, a
planted session, files that are not what they say."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from factories.accounts import PASSWORD, UserFactory
from factories.initiatives import InitiativeFactory, PublishedInitiativeFactory
from factories.vouchers import photo_bytes
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image

from samenhang.extensions import db
from samenhang.initiatives.models import Comment, Photo, State

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def _count(model: Any) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model)) or 0


# --- CSRF -----------------------------------------------------------------------------------


@pytest.fixture
def csrf(app: Flask) -> Iterator[None]:
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = False


def _token(client: FlaskClient, url: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', client.get(url).text)
    assert match, f"no CSRF token on {url}"
    return match.group(1)


def _sign_in_with_csrf(client: FlaskClient, user: Any) -> None:
    token = _token(client, "/signin")
    answer = client.post(
        "/signin", data={"email": user.email, "password": PASSWORD, "csrf_token": token}
    )
    assert answer.status_code == 302


@pytest.mark.parametrize("token", [None, "forged", "IjAxMjM0NTY3ODkwMTIzNDU2Nzg5Ig.Zz.abc"])
def test_a_comment_without_a_valid_csrf_token_is_refused(
    client: FlaskClient, db_session: Any, csrf: None, token: str | None
) -> None:
    initiative = PublishedInitiativeFactory()
    user = UserFactory()
    db.session.commit()
    _sign_in_with_csrf(client, user)
    data = {"body": "Stiekem geplaatst"} | ({"csrf_token": token} if token else {})
    answer = client.post(f"/initiatives/{initiative.id}/comments", data=data)
    assert answer.status_code == 400
    assert _count(Comment) == 0


def test_sign_out_and_support_need_the_token_too(
    client: FlaskClient, db_session: Any, csrf: None
) -> None:
    initiative = PublishedInitiativeFactory()
    user = UserFactory()
    db.session.commit()
    _sign_in_with_csrf(client, user)
    assert client.post(f"/initiatives/{initiative.id}/support").status_code == 400
    assert client.post("/signout").status_code == 400
    # The real token from the page works: the refusal above was the token's doing.
    token = _token(client, f"/initiatives/{initiative.id}")
    comment = client.post(
        f"/initiatives/{initiative.id}/comments", data={"body": "Echt", "csrf_token": token}
    )
    assert comment.status_code == 302
    assert _count(Comment) == 1


def test_a_token_of_another_session_is_refused(
    app: Flask, client: FlaskClient, db_session: Any, csrf: None
) -> None:
    initiative = PublishedInitiativeFactory()
    victim, attacker = UserFactory(), UserFactory()
    db.session.commit()
    other = app.test_client()
    _sign_in_with_csrf(other, attacker)
    attackers_token = _token(other, f"/initiatives/{initiative.id}")
    _sign_in_with_csrf(client, victim)
    answer = client.post(
        f"/initiatives/{initiative.id}/comments",
        data={"body": "Namens jou", "csrf_token": attackers_token},
    )
    assert answer.status_code == 400
    assert _count(Comment) == 0


# --- XSS ------------------------------------------------------------------------------------


def test_script_in_text_fields_is_shown_as_text(
    client: FlaskClient, db_session: Any, login: Any
) -> None:
    author = UserFactory(display_name=XSS)
    initiative = PublishedInitiativeFactory(
        title=f"Titel {XSS}",
        summary=f"Samenvatting {XSS}",
        description=f"Tekst {XSS}",
        author=author,
    )
    db.session.commit()
    login(UserFactory(display_name=f"Buur {XSS}"))
    sent = client.post(f"/initiatives/{initiative.id}/comments", data={"body": f"Ja {XSS}"})
    assert sent.status_code == 302
    wijk = initiative.wijk
    pages = [
        f"/initiatives/{initiative.id}",
        f"/g/{wijk.municipality.slug}/{wijk.slug}/initiatives",
        f"/g/{wijk.municipality.slug}/{wijk.slug}/initiatives?q=Titel",
        f"/search?q={XSS}",
    ]
    for url in pages:
        page = client.get(url)
        if page.status_code == 404 and url.startswith("/search"):
            continue
        assert page.status_code == 200, url
        assert "<script>alert" not in page.text, url
        assert "onerror=alert" not in page.text.replace("onerror=alert(1)&gt;", ""), url
    shown = client.get(f"/initiatives/{initiative.id}").text
    assert "&lt;script&gt;" in shown


# --- open redirects -------------------------------------------------------------------------

ELSEWHERE = [
    "https://evil.example/",
    "//evil.example/",
    "/\\evil.example/",
    "\\\\evil.example/",
    "/\t/evil.example/",
    "javascript:alert(1)",
    "http:/evil.example",
    "/%2F%2Fevil.example",
    " //evil.example",
]


def _stays_here(location: str) -> bool:
    from urllib.parse import urljoin, urlsplit

    # As a browser reads it: backslashes are slashes, tabs and newlines vanish.
    cleaned = location.replace("\\", "/").replace("\t", "").replace("\n", "").strip()
    return urlsplit(urljoin("http://localhost/here", cleaned)).netloc == "localhost"


@pytest.mark.parametrize("target", ELSEWHERE)
def test_sign_in_never_sends_elsewhere(client: FlaskClient, db_session: Any, target: str) -> None:
    user = UserFactory()
    db.session.commit()
    answer = client.post(
        "/signin", data={"email": user.email, "password": PASSWORD, "next": target}
    )
    assert answer.status_code == 302
    assert _stays_here(answer.headers["Location"]), answer.headers["Location"]


@pytest.mark.parametrize("target", ELSEWHERE)
def test_the_language_switch_never_sends_elsewhere(
    client: FlaskClient, db_session: Any, target: str
) -> None:
    answer = client.post("/language", data={"locale": "nl", "next": target})
    assert answer.status_code in (302, 303)
    assert _stays_here(answer.headers["Location"]), answer.headers["Location"]


def test_a_path_on_this_site_is_kept(client: FlaskClient, db_session: Any) -> None:
    user = UserFactory()
    db.session.commit()
    answer = client.post(
        "/signin", data={"email": user.email, "password": PASSWORD, "next": "/profile?x=1"}
    )
    assert answer.headers["Location"].endswith("/profile?x=1")


# --- session fixation -----------------------------------------------------------------------


def _session_cookie(client: FlaskClient) -> str | None:
    cookie = client.get_cookie("session")
    return cookie.value if cookie else None


def test_signing_in_starts_a_new_session(
    app: Flask, client: FlaskClient, db_session: Any, csrf: None
) -> None:
    """A session planted before sign-in (its CSRF token known to whoever planted it) is not
    the one the signed-in person goes on with."""
    user = UserFactory()
    initiative = PublishedInitiativeFactory()
    db.session.commit()
    planted_token = _token(client, "/signin")
    planted = _session_cookie(client)
    answer = client.post(
        "/signin", data={"email": user.email, "password": PASSWORD, "csrf_token": planted_token}
    )
    assert answer.status_code == 302
    assert _session_cookie(client) not in (None, planted)
    # The token the planter knew no longer acts for the signed-in person.
    forged = client.post(
        f"/initiatives/{initiative.id}/comments",
        data={"body": "Geplant", "csrf_token": planted_token},
    )
    assert forged.status_code == 400
    assert _count(Comment) == 0


# --- uploads --------------------------------------------------------------------------------


def _png_bomb() -> bytes:
    """A tiny PNG that claims 30 000 x 30 000 pixels (a decompression bomb)."""
    image = Image.new("1", (30_000, 30_000))
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
PHP = b"<?php system($_GET['c']); ?>"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("shell.php.jpg", PHP),
        ("photo.jpg", PHP + photo_bytes()),
        ("drawing.png", SVG),
        ("drawing.svg", SVG),
        ("huge.png", _png_bomb()),
        ("photo.gif", b"GIF89a" + PHP),
    ],
)
def test_a_file_that_is_not_a_photo_is_refused(
    client: FlaskClient, db_session: Any, login: Any, name: str, content: bytes
) -> None:
    author = UserFactory()
    initiative = InitiativeFactory(author=author, state=State.draft)
    db.session.commit()
    login(author)
    answer = client.post(
        f"/initiatives/{initiative.id}/photos",
        data={"photo": (io.BytesIO(content), name), "alt_text": "Foto"},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert answer.status_code == 200
    assert "This file is not a photo" in answer.text or "too many pixels" in answer.text
    assert _count(Photo) == 0


def test_a_photo_with_code_in_it_is_stored_re_encoded_under_a_name_of_ours(
    app: Flask, client: FlaskClient, db_session: Any, login: Any
) -> None:
    author = UserFactory()
    initiative = InitiativeFactory(author=author, state=State.draft)
    db.session.commit()
    login(author)
    # A real JPEG with PHP after its end marker (a polyglot), named as a script.
    answer = client.post(
        f"/initiatives/{initiative.id}/photos",
        data={"photo": (io.BytesIO(photo_bytes() + PHP), "shell.php"), "alt_text": "Foto"},
        content_type="multipart/form-data",
    )
    assert answer.status_code == 302
    photo = db.session.scalars(sa.select(Photo)).one()
    assert re.fullmatch(r"[0-9a-f]{32}", photo.stored_name)
    from samenhang.storage import storage
    from samenhang.uploads import PAGE_WIDTHS, image_key

    stored = [
        storage().get(image_key("initiatives", photo.stored_name, w) or "") for w in PAGE_WIDTHS
    ]
    assert all(data is not None and b"<?php" not in data for data in stored)
