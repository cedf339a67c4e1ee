from __future__ import annotations

import json
import re
from typing import Any

import pytest
from conftest import link_from
from factories.accounts import PASSWORD, AdminFactory, UserFactory, WijkmanagerFactory
from factories.places import WijkFactory, WijkPostcodeFactory
from flask.testing import FlaskClient
from sqlalchemy import select

from samenhang.accounts.models import Role, User
from samenhang.audit.models import AuditEntry
from samenhang.extensions import db


def _user(email: str) -> User:
    db.session.expire_all()
    user = db.session.scalar(select(User).where(User.email == email))
    assert user is not None
    return user


def test_signup_sends_a_verification_mail_in_the_users_language(
    client: FlaskClient, outbox: list[Any]
) -> None:
    client.set_cookie("locale", "en")
    response = client.post(
        "/signup",
        data={
            "display_name": "Ayşe",
            "email": "Ayse@Example.org",
            "password": "a long enough password",
            "accept_privacy": "y",
        },
    )
    assert response.status_code == 302
    user = _user("ayse@example.org")
    assert user.locale == "en"
    assert user.password_hash.startswith("$argon2")
    assert not user.is_email_verified
    [mail] = outbox
    assert mail.to == "ayse@example.org"
    response = client.get(link_from(mail))
    assert response.status_code == 302
    assert _user("ayse@example.org").is_email_verified


def test_signup_refuses_a_short_password(client: FlaskClient) -> None:
    UserFactory(email="taken@example.org")
    short = client.post(
        "/signup",
        data={
            "display_name": "X",
            "email": "new@example.org",
            "password": "short",
            "accept_privacy": "y",
        },
    )
    assert short.status_code == 422
    assert "10" in short.text
    assert db.session.scalar(select(db.func.count(User.id))) == 1


def _answer(app: Any, email: str) -> tuple[int, str, str]:
    """What a visitor sees after signing up: the answer and the page it leads to."""
    client = app.test_client()
    client.set_cookie("locale", "en")
    data = {
        "display_name": "X",
        "email": email,
        "password": "long enough pass",
        "accept_privacy": "y",
    }
    response = client.post("/signup", data=data)
    page = client.get(response.headers.get("Location", "/signup")).text
    page = re.sub(r'(name="csrf_token"[^>]*value=")[^"]*', r"\1", page)
    return response.status_code, response.headers.get("Location", ""), page


def test_signup_for_a_known_address_answers_as_for_a_new_one_and_mails_the_owner(
    app: Any, client: FlaskClient, outbox: list[Any]
) -> None:
    owner = UserFactory(email="taken@example.org", display_name="Fatma")
    password_hash = owner.password_hash
    taken = _answer(app, "TAKEN@example.org")
    new = _answer(app, "new@example.org")
    assert taken == new
    assert taken[0] == 302
    assert db.session.scalar(select(db.func.count(User.id))) == 2
    assert _user("taken@example.org").password_hash == password_hash
    warning, verification = outbox
    assert warning.to == "taken@example.org" and "sign up" in warning.subject
    assert "/password/forgot" in warning.body and "Fatma" in warning.body
    assert verification.to == "new@example.org" and "/verify/" in verification.body


def test_signin_and_signout(client: FlaskClient) -> None:
    user = UserFactory()
    wrong = client.post("/signin", data={"email": user.email, "password": "nope nope nope"})
    assert wrong.status_code == 422
    right = client.post("/signin", data={"email": user.email.upper(), "password": PASSWORD})
    assert right.status_code == 302
    assert client.get("/profile").status_code == 200
    assert client.post("/signout").status_code == 302
    assert client.get("/profile").status_code == 302


def test_signin_never_redirects_off_site(client: FlaskClient) -> None:
    user = UserFactory()
    response = client.post(
        "/signin", data={"email": user.email, "password": PASSWORD, "next": "//evil.example"}
    )
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize(
    ("role_factory", "role"),
    [
        (UserFactory, Role.bewoner),
        (WijkmanagerFactory, Role.wijkmanager),
        (AdminFactory, Role.admin),
    ],
)
def test_each_role_can_sign_in(
    client: FlaskClient, login: Any, role_factory: Any, role: Role
) -> None:
    user = role_factory()
    login(user)
    page = client.get("/profile")
    assert page.status_code == 200
    assert user.email in page.text


def test_password_reset_is_single_use_and_signs_out_old_sessions(
    app: Any, client: FlaskClient, outbox: list[Any]
) -> None:
    user = UserFactory()
    other_device = app.test_client()
    other_device.post("/signin", data={"email": user.email, "password": PASSWORD})
    assert other_device.get("/profile").status_code == 200

    unknown = client.post("/password/forgot", data={"email": "nobody@example.org"})
    assert unknown.status_code == 302 and outbox == []

    client.post("/password/forgot", data={"email": user.email})
    link = link_from(outbox[-1])
    new = "a brand new password"
    response = client.post(link, data={"password": new, "confirm": new})
    assert response.status_code == 302
    assert (
        client.post(
            link, data={"password": "again and again", "confirm": "again and again"}
        ).status_code
        == 302
    )
    assert client.post("/signout").status_code == 302
    assert client.post("/signin", data={"email": user.email, "password": new}).status_code == 302
    assert other_device.get("/profile").status_code == 302


def test_profile_postcode_places_the_user_in_a_wijk(client: FlaskClient, login: Any) -> None:
    wijk = WijkPostcodeFactory(postcode4="9715").wijk
    user = UserFactory()
    login(user)
    response = client.post(
        "/profile",
        data={"display_name": "Fatma", "locale": "tr", "postcode": "9715 ab", "house_number": "12"},
    )
    assert response.status_code == 302
    saved = _user(user.email)
    assert (saved.postcode, saved.wijk_id, saved.locale) == ("9715AB", wijk.id, "tr")
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "user.profile_updated"))
    assert entry is not None and entry.after["wijk_id"] == wijk.id


@pytest.mark.parametrize("postcode", ["12345", "0000AA", "9999ZZ"])
def test_profile_refuses_bad_or_unknown_postcodes(
    client: FlaskClient, login: Any, postcode: str
) -> None:
    user = UserFactory(postcode=None)
    login(user)
    response = client.post("/profile", data={"display_name": "X", "postcode": postcode})
    assert response.status_code == 422
    assert _user(user.email).postcode is None


def test_export_and_delete_my_data(client: FlaskClient, login: Any) -> None:
    user = UserFactory(postcode="9715AB")
    login(user)
    exported = client.get("/profile/export.json")
    assert json.loads(exported.data)["email"] == user.email
    wrong = client.post("/profile/delete", data={"password": "wrong password", "confirm": "y"})
    assert wrong.status_code == 422
    response = client.post("/profile/delete", data={"password": PASSWORD, "confirm": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    deleted = db.session.get(User, user.id)
    assert deleted.is_deleted and deleted.postcode is None and "example.org" not in deleted.email
    assert client.get("/profile").status_code == 302


def test_admin_gives_a_wijkmanager_exactly_the_named_wijken(
    client: FlaskClient, login: Any
) -> None:
    admin, user = AdminFactory(), UserFactory()
    wijk_a, wijk_b = WijkFactory(), WijkFactory()
    login(admin)
    response = client.post(
        f"/admin/users/{user.id}", data={"role": "wijkmanager", "wijken": [str(wijk_a.id)]}
    )
    assert response.status_code == 302
    saved = _user(user.email)
    assert saved.role is Role.wijkmanager
    assert [w.id for w in saved.managed_wijken] == [wijk_a.id]
    assert wijk_b not in saved.managed_wijken
    no_wijk = client.post(f"/admin/users/{user.id}", data={"role": "wijkmanager"})
    assert no_wijk.status_code == 422


@pytest.mark.parametrize("factory", [UserFactory, WijkmanagerFactory])
def test_admin_pages_are_for_admins_only(client: FlaskClient, login: Any, factory: Any) -> None:
    assert client.get("/admin/users").status_code == 302
    login(factory())
    assert client.get("/admin/users").status_code == 403


def test_admin_makes_a_volunteer_translator(client: FlaskClient, login: Any) -> None:
    user = UserFactory()
    login(AdminFactory())
    response = client.post(
        f"/admin/users/{user.id}", data={"role": "bewoner", "is_translator": "y"}
    )
    assert response.status_code == 302
    assert _user(user.email).is_translator
    client.post(f"/admin/users/{user.id}", data={"role": "bewoner"})
    assert not _user(user.email).is_translator
    actions = db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.action == "user.translator_changed")
    ).all()
    assert len(actions) == 2


def test_admin_sees_roles_by_their_titles(client: FlaskClient, login: Any) -> None:
    WijkmanagerFactory(display_name="Wim")
    login(AdminFactory())
    page = client.get("/admin/users").text
    assert "<td>Neighbourhood manager</td>" in page and "<td>Administrator</td>" in page
