from __future__ import annotations

import re
from typing import Any

import pytest
from conftest import TEST_CONFIG
from factories.accounts import UserFactory
from flask import Flask
from flask.testing import FlaskClient

from samenhang.app import create_app
from samenhang.config import ConfigError
from samenhang.extensions import db, limiter


def test_healthz_reports_the_database(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


def test_security_headers(client: FlaskClient) -> None:
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_pages_have_no_inline_script_or_style(client: FlaskClient) -> None:
    for path in ("/", "/signin", "/signup", "/privacy", "/contact", "/password/forgot"):
        html = client.get(path).text
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), path
        assert "<style" not in html and " style=" not in html, path


def test_default_language_is_dutch_and_accept_language_is_followed(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "BABEL_DEFAULT_LOCALE", "nl")
    assert '<html lang="nl" dir="ltr">' in client.get("/").text
    page = client.get("/", headers={"Accept-Language": "uk,en;q=0.5"})
    assert '<html lang="uk" dir="ltr">' in page.text


def test_switching_to_arabic_renders_right_to_left(client: FlaskClient) -> None:
    response = client.post("/language", data={"locale": "ar", "next": "/privacy"})
    assert response.status_code == 302 and response.headers["Location"] == "/privacy"
    page = client.get("/privacy")
    assert '<html lang="ar" dir="rtl">' in page.text
    assert "Privacy statement" not in page.text  # translated, not the English msgid


def test_language_switcher_is_on_every_page_named_in_its_own_language(client: FlaskClient) -> None:
    for path in ("/", "/signin", "/nope-404"):
        html = client.get(path).text
        for name in ("Nederlands", "English", "Türkçe", "العربية", "Polski", "Українська"):
            assert name in html, (path, name)


def test_signed_in_users_language_is_stored_on_the_account(client: FlaskClient, login: Any) -> None:
    user = UserFactory(locale=None)
    login(user)
    client.post("/language", data={"locale": "pl"})
    db.session.expire_all()
    assert db.session.get(type(user), user.id).locale == "pl"
    client.delete_cookie("locale")
    assert '<html lang="pl"' in client.get("/").text


@pytest.mark.parametrize("locale", ["nl", "en", "tr", "ar", "pl", "uk"])
def test_error_pages_are_translated(client: FlaskClient, locale: str) -> None:
    client.set_cookie("locale", locale)
    response = client.get("/this-page-does-not-exist")
    assert response.status_code == 404
    assert f'lang="{locale}"' in response.text
    if locale != "en":
        assert "Page not found" not in response.text


def test_forms_need_a_csrf_token(database_url: str) -> None:
    app = create_app(
        {**TEST_CONFIG, "WTF_CSRF_ENABLED": True, "SQLALCHEMY_DATABASE_URI": database_url}
    )
    response = app.test_client().post("/signin", data={"email": "a@b.nl", "password": "x"})
    assert response.status_code == 400


def test_signin_is_rate_limited(app: Flask, client: FlaskClient) -> None:
    limiter.reset()
    app.config["RATELIMIT_SIGNIN"] = "3 per minute"
    try:
        codes = [
            client.post("/signin", data={"email": "a@example.org", "password": "x"}).status_code
            for _ in range(4)
        ]
        assert client.get("/signin").status_code == 200
    finally:
        app.config["RATELIMIT_SIGNIN"] = TEST_CONFIG["RATELIMIT_SIGNIN"]
        limiter.reset()
    assert codes == [422, 422, 422, 429]


def test_production_refuses_the_development_secret_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SAMENHANG_ENV", "production")
    monkeypatch.delenv("SAMENHANG_SECRET_KEY", raising=False)
    with pytest.raises(ConfigError):
        create_app()
    monkeypatch.setenv("SAMENHANG_SECRET_KEY", "short")
    with pytest.raises(ConfigError):
        create_app()


def test_language_switcher_is_a_disclosure_of_plain_submit_buttons(client: FlaskClient) -> None:
    """Compact on a phone (the globe and "EN"), and it works without JavaScript."""
    html = client.get("/privacy").text
    switcher = html.split('<details class="language-switcher">')[1].split("</details>")[0]
    summary = switcher.split("</summary>")[0]
    assert '<span class="language-code" aria-hidden="true">EN</span>' in summary
    assert '<form method="post" action="/language"' in switcher and "<script" not in html
    assert switcher.count('<button type="submit" name="locale"') == 6
    assert 'value="en" lang="en"' in switcher and 'aria-current="true">English<' in switcher
    assert 'name="next" value="/privacy"' in switcher


def test_a_wijkmanager_has_a_visible_beheer_navigation(client: FlaskClient, login: Any) -> None:
    from factories.accounts import WijkmanagerFactory
    from factories.places import WijkFactory
    from factories.voting import RoundFactory

    from samenhang.voting.models import Eligibility, Phase

    wijk = WijkFactory(name="Korrewegwijk")
    round_ = RoundFactory(wijk=wijk, phase=Phase.voting, eligibility=Eligibility.codes)
    manager = WijkmanagerFactory(wijken=[wijk])
    assert 'class="manager-nav"' not in client.get("/privacy").text  # not for residents
    login(manager)
    base = f"/g/{wijk.municipality.slug}/{wijk.slug}"
    html = client.get(f"{base}/moderation").text
    nav = html.split('<nav class="manager-nav"')[1].split("</nav>")[0]
    assert "<details" not in nav  # in sight, not behind a menu button
    assert "Korrewegwijk" in nav
    for href in (
        f"{base}/moderation",
        f"{base}/stemdag",
        f"{base}/bewonersbudgetten",
        f"/stemdag/{round_.id}/codes",
        f"{base}/addresses",
        "/bewonersbudgetten/manage",
    ):
        assert f'href="{href}"' in nav, href
    assert f'<a href="{base}/moderation" aria-current="page">' in nav
