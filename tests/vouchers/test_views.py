from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from factories.accounts import PASSWORD, AdminFactory, UserFactory, WijkmanagerFactory
from factories.places import WijkFactory
from factories.vouchers import ApplicationFactory, PotFactory, ResidentFactory, grant, manager_of
from flask import Flask
from flask.testing import FlaskClient

from samenhang.db import utcnow
from samenhang.extensions import db
from samenhang.idempotency import new_key
from samenhang.ledger.models import JournalEntry
from samenhang.vouchers import services
from samenhang.vouchers.models import (
    Application,
    ApplicationStatus,
    Outcome,
    Pot,
    PotStatus,
    Supplier,
    VoucherStatus,
)


def sign_in(client: FlaskClient, user: Any) -> FlaskClient:
    client.set_cookie("locale", "en")
    response = client.post("/signin", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.text
    return client


def _entries() -> int:
    return db.session.scalar(sa.select(sa.func.count(JournalEntry.id))) or 0


@pytest.fixture
def setting(db_session: Any) -> dict[str, Any]:
    """An open pot with one application, and a draft pot, in one wijk."""
    application = ApplicationFactory()
    pot = application.pot
    draft = PotFactory(wijk=pot.wijk, stage="draft", manager=manager_of(pot))
    return {"pot": pot, "draft": draft, "application": application, "wijk": pot.wijk}


MANAGER_PAGES = [
    "{wijk}/bewonersbudgetten/new",
    "{wijk}/bewonersbudgetten/suppliers",
    "/bewonersbudgetten/pots/{pot}/criteria/fix",
    "/bewonersbudgetten/pots/{pot}/panel",
    "/bewonersbudgetten/pots/{pot}/vouchers",
]


def _urls(setting: dict[str, Any]) -> list[str]:
    wijk = setting["wijk"]
    values = {
        "wijk": f"/g/{wijk.municipality.slug}/{wijk.slug}",
        "pot": setting["pot"].id,
        "draft": setting["draft"].id,
    }
    return [page.format(**values) for page in MANAGER_PAGES]


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 302),
        ("resident", 403),
        ("other_manager", 403),
        ("manager", 200),
        ("admin", 200),
    ],
)
def test_managing_pages_are_for_the_wijks_managers(
    client: FlaskClient, setting: dict[str, Any], role: str, expected: int
) -> None:
    user = {
        "anonymous": None,
        "resident": lambda: ResidentFactory(wijk=setting["wijk"]),
        "other_manager": lambda: WijkmanagerFactory(wijken=[WijkFactory()]),
        "manager": lambda: manager_of(setting["pot"]),
        "admin": AdminFactory,
    }[role]
    if user is not None:
        sign_in(client, user())
    for url in _urls(setting):
        response = client.get(url)
        assert response.status_code == expected, url
        if expected == 302:
            assert "/signin" in response.headers["Location"]
    # Changing things is refused the same way, and changes nothing.
    entries = _entries()
    application = setting["application"]
    response = client.post(
        f"/bewonersbudgetten/applications/{application.id}/decision",
        data={"idempotency_key": new_key(), "outcome": "full", "reasons": "Mag ik dit?"},
    )
    assert response.status_code == (302 if expected == 200 else expected)
    db.session.expire_all()
    decided = db.session.get(Application, application.id).status is ApplicationStatus.granted
    assert decided == (expected == 200)
    assert _entries() == entries + (1 if expected == 200 else 0)
    dashboard = client.get("/bewonersbudgetten/manage").status_code
    assert dashboard == {"anonymous": 302, "resident": 403}.get(role, 200)


def test_public_pages(client: FlaskClient, setting: dict[str, Any]) -> None:
    pot, draft, application, wijk = (setting[k] for k in ("pot", "draft", "application", "wijk"))
    client.set_cookie("locale", "en")
    wijk_page = client.get(f"/g/{wijk.municipality.slug}/{wijk.slug}")
    assert f"/g/{wijk.municipality.slug}/{wijk.slug}/bewonersbudgetten" in wijk_page.text
    listing = client.get(f"/g/{wijk.municipality.slug}/{wijk.slug}/bewonersbudgetten")
    assert listing.status_code == 200
    assert pot.name in listing.text and draft.name not in listing.text
    page = client.get(f"/bewonersbudgetten/pots/{pot.id}")
    assert page.status_code == 200
    assert "Apply for money for your plan" in page.text and application.title in page.text
    assert "€10,000.00" in page.text  # budget
    assert client.get(f"/bewonersbudgetten/pots/{draft.id}").status_code == 404
    assert client.get("/bewonersbudgetten/pots/999999").status_code == 404
    shown = client.get(f"/bewonersbudgetten/applications/{application.id}")
    assert shown.status_code == 200 and application.title in shown.text
    assert application.applicant.display_name not in shown.text
    assert client.get(f"/bewonersbudgetten/pots/{pot.id}/ledger").status_code == 200
    assert client.get("/bewonersbudgetten/my").status_code == 302
    # Applying needs an account.
    assert "/signin" in client.get(f"/bewonersbudgetten/pots/{pot.id}/apply").headers["Location"]


def test_a_withdrawn_application_is_gone_from_public_view(
    client: FlaskClient, setting: dict[str, Any]
) -> None:
    application = setting["application"]
    resident = sign_in(client, application.applicant)
    assert (
        resident.post(f"/bewonersbudgetten/applications/{application.id}/withdraw").status_code
        == 302
    )
    assert resident.get(f"/bewonersbudgetten/applications/{application.id}").status_code == 200
    mine = resident.get("/bewonersbudgetten/my")
    assert application.title in mine.text and "Withdrawn" in mine.text
    resident.post("/signout")
    assert client.get(f"/bewonersbudgetten/applications/{application.id}").status_code == 404


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("-5", "cannot be negative"),
        ("12,505", "thousands separator"),
        ("0,001", "fractions of a cent"),
        ("twaalf", "not an amount"),
        ("", "fill in an amount"),
    ],
)
def test_money_typed_wrong_is_refused_and_nothing_changes(
    client: FlaskClient, setting: dict[str, Any], amount: str, message: str
) -> None:
    pot = setting["pot"]
    sign_in(client, manager_of(pot))
    entries = _entries()
    response = client.post(
        f"/bewonersbudgetten/pots/{pot.id}/fund",
        data={"idempotency_key": new_key(), "amount": amount},
    )
    assert response.status_code == 422
    assert message in response.text.lower() or message in response.text
    assert _entries() == entries


def test_an_application_through_the_form(client: FlaskClient, setting: dict[str, Any]) -> None:
    pot = setting["pot"]
    outsider = sign_in(client, ResidentFactory(wijk=WijkFactory()))
    form = {
        "title": "Bankjes",
        "summary": "Twee bankjes bij de speeltuin.",
        "budget_lines-0-description": "Bankjes",
        "budget_lines-0-amount": "2000,01",
    }
    refused = outsider.post(f"/bewonersbudgetten/pots/{pot.id}/apply", data=form)
    assert refused.status_code == 403 and "for residents of" in refused.text
    assert "/profile#address" in refused.text  # where to get the address checked
    # Told before filling in the form, not after: what is missing, and no form to fill in.
    first = outsider.get(f"/bewonersbudgetten/pots/{pot.id}/apply")
    assert first.status_code == 200 and "Before you apply" in first.text
    assert 'name="title"' not in first.text and 'name="address-postcode"' in first.text
    outsider.post("/signout")
    resident = sign_in(client, ResidentFactory(wijk=pot.wijk))
    too_much = resident.post(f"/bewonersbudgetten/pots/{pot.id}/apply", data=form)
    assert too_much.status_code == 422 and "at most" in too_much.text
    no_description = resident.post(
        f"/bewonersbudgetten/pots/{pot.id}/apply",
        data=form | {"budget_lines-0-description": "", "budget_lines-0-amount": "10"},
    )
    assert no_description.status_code == 422 and "needs a description" in no_description.text
    response = resident.post(
        f"/bewonersbudgetten/pots/{pot.id}/apply", data=form | {"budget_lines-0-amount": "1.999,99"}
    )
    assert response.status_code == 302
    application = db.session.scalars(
        sa.select(Application).where(Application.title == "Bankjes")
    ).one()
    assert application.amount_requested_cents == 1999_99
    assert "Bankjes" in resident.get("/bewonersbudgetten/my").text


def test_the_panel_gives_advice_in_the_browser(
    app: Flask, client: FlaskClient, setting: dict[str, Any]
) -> None:
    pot, application = setting["pot"], setting["application"]
    neighbour = ResidentFactory(wijk=pot.wijk, display_name="Buurvrouw")
    db.session.commit()
    manager = sign_in(client, manager_of(pot))
    unknown = manager.post(
        f"/bewonersbudgetten/pots/{pot.id}/panel", data={"email": "nobody@example.org"}
    )
    assert unknown.status_code == 422 and "no account" in unknown.text
    assert (
        manager.post(
            f"/bewonersbudgetten/pots/{pot.id}/panel", data={"email": neighbour.email}
        ).status_code
        == 302
    )
    assert "Buurvrouw" in manager.get(f"/bewonersbudgetten/pots/{pot.id}/panel").text
    url = f"/bewonersbudgetten/applications/{application.id}"
    assert manager.post(f"{url}/advice-request").status_code == 302
    member = sign_in(app.test_client(), neighbour)
    assert application.title in member.get("/bewonersbudgetten/my").text
    assert "Your advice as panel member" in member.get(url).text
    response = member.post(
        f"{url}/advice", data={"outcome": "partial", "amount": "500", "reasons": "Minder verf."}
    )
    assert response.status_code == 302, response.text
    public = app.test_client().get(url)
    assert "Minder verf." in public.text and "Buurvrouw" not in public.text
    assert "Buurvrouw" in manager.get(url).text


def test_vouchers_codes_are_shown_once_and_taken_at_the_till(
    app: Flask, client: FlaskClient, setting: dict[str, Any]
) -> None:
    pot, wijk = setting["pot"], setting["wijk"]
    manager = sign_in(client, manager_of(pot))
    wijk_url = f"/g/{wijk.municipality.slug}/{wijk.slug}"
    response = manager.post(
        f"{wijk_url}/bewonersbudgetten/suppliers", data={"name": "Bakkerij", "address": "Plein 1"}
    )
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    till_path = response.text.split("/bewonersbudgetten/till/")[1].split("<")[0]
    assert (
        "/bewonersbudgetten/till/"
        not in manager.get(f"{wijk_url}/bewonersbudgetten/suppliers").text
    )
    supplier = db.session.scalars(sa.select(Supplier)).one()
    expires_on = (utcnow() + timedelta(days=30)).date().isoformat()
    response = manager.post(
        f"/bewonersbudgetten/pots/{pot.id}/vouchers",
        data={
            "idempotency_key": new_key(),
            "label": "Buurtfeest",
            "value": "25",
            "quantity": "3",
            "expires_on": expires_on,
            "suppliers": [str(supplier.id)],
        },
    )
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    codes = [part.split("</code>")[0] for part in response.text.split("<code>")[1:]]
    assert len(codes) == 3
    assert codes[0] not in manager.get(f"/bewonersbudgetten/pots/{pot.id}/vouchers").text

    till = app.test_client()
    till.set_cookie("locale", "en")
    assert till.get("/bewonersbudgetten/till/wrong-token").status_code == 404
    assert till.get(f"/bewonersbudgetten/till/{till_path}").status_code == 200
    paid = till.post(
        f"/bewonersbudgetten/till/{till_path}",
        data={"idempotency_key": new_key(), "code": codes[0], "amount": "20,00"},
    )
    assert paid.status_code == 200 and "€20.00" in paid.text
    twice = till.post(
        f"/bewonersbudgetten/till/{till_path}",
        data={"idempotency_key": new_key(), "code": codes[0], "amount": "1"},
    )
    assert twice.status_code == 422 and "already been used" in twice.text
    too_much = till.post(
        f"/bewonersbudgetten/till/{till_path}",
        data={"idempotency_key": new_key(), "code": codes[1], "amount": "25,01"},
    )
    assert too_much.status_code == 422 and "worth" in too_much.text
    db.session.expire_all()
    statuses = sorted(v.status.value for v in db.session.get(Pot, pot.id).batches[0].vouchers)
    assert statuses == [VoucherStatus.issued.value] * 2 + [VoucherStatus.redeemed.value]


def test_decisions_export(client: FlaskClient, setting: dict[str, Any]) -> None:
    application = grant(setting["application"], 400_00, reasons="Half, want de verf is duur.")
    other = ApplicationFactory(pot=setting["pot"])
    services.decide_application(
        other,
        actor=manager_of(other.pot),
        outcome=Outcome.refused,
        reasons="Past niet bij de criteria.",
    )
    db.session.commit()
    data = json.loads(client.get("/bewonersbudgetten/decisions.json").text)["decisions"]
    assert [(d["application_id"], d["outcome"], d["granted_cents"]) for d in data] == [
        (application.id, "partial", 400_00),
        (other.id, "refused", 0),
    ]
    response = client.get(f"/bewonersbudgetten/pots/{setting['pot'].id}/decisions.csv")
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text.lstrip("\ufeff"))))
    assert rows[0]["reasons"] == "Half, want de verf is duur."
    assert rows[1]["outcome"] == "refused"
    for person in (application.applicant, other.applicant):
        assert person.email not in response.text and person.display_name not in response.text
    assert client.get("/bewonersbudgetten/decisions.xml").status_code == 404


def test_manager_pot_lifecycle_in_the_browser(client: FlaskClient, setting: dict[str, Any]) -> None:
    pot = setting["pot"]
    manager = sign_in(client, manager_of(pot))
    page = manager.get(f"/bewonersbudgetten/pots/{pot.id}")
    assert "For the neighbourhood manager" in page.text
    already_open = manager.post(f"/bewonersbudgetten/pots/{pot.id}/open")
    assert already_open.status_code == 302
    assert (
        "This pot is already open or closed."
        in manager.get(f"/bewonersbudgetten/pots/{pot.id}").text
    )
    assert manager.post(f"/bewonersbudgetten/pots/{pot.id}/close").status_code == 302
    db.session.expire_all()
    assert db.session.get(Pot, pot.id).status is PotStatus.closed
    dashboard = manager.get("/bewonersbudgetten/manage")
    assert pot.name in dashboard.text
    assert setting["application"].title in dashboard.text  # waiting for a decision
    # Criteria of the open pot are final: the edit page sends the manager back.
    assert manager.get(f"/bewonersbudgetten/pots/{pot.id}/criteria").status_code == 302


def test_a_signed_in_user_without_role_sees_no_dashboard(client: FlaskClient) -> None:
    sign_in(client, UserFactory())
    assert client.get("/bewonersbudgetten/manage").status_code == 403


def test_only_the_applicants_act_on_their_application(
    client: FlaskClient, setting: dict[str, Any]
) -> None:
    application = grant(setting["application"])
    url = f"/bewonersbudgetten/applications/{application.id}"
    sign_in(client, ResidentFactory(wijk=application.pot.wijk))
    for action in ("withdraw", "receipts", "report", "advice"):
        assert client.post(f"{url}/{action}", data={}).status_code == 403, action
    for action in ("payouts", "returns", "settle", "decision", "scores", "advice-request"):
        assert client.post(f"{url}/{action}", data={}).status_code == 403, action


def test_the_old_budgets_addresses_redirect_for_good(
    client: FlaskClient, setting: dict[str, Any]
) -> None:
    pot, wijk, application = setting["pot"], setting["wijk"], setting["application"]
    wijk_path = f"/g/{wijk.municipality.slug}/{wijk.slug}"
    moved = {
        f"{wijk_path}/budgets": f"{wijk_path}/bewonersbudgetten",
        f"{wijk_path}/budgets/new": f"{wijk_path}/bewonersbudgetten/new",
        f"{wijk_path}/suppliers": f"{wijk_path}/bewonersbudgetten/suppliers",
        f"/budgets/pots/{pot.id}/ledger": f"/bewonersbudgetten/pots/{pot.id}/ledger",
        f"/budgets/applications/{application.id}/withdraw": (
            f"/bewonersbudgetten/applications/{application.id}/withdraw"
        ),
        "/budgets/decisions.csv?lang=nl": "/bewonersbudgetten/decisions.csv?lang=nl",
        "/budgets/my": "/bewonersbudgetten/my",
        "/media/budgets/reports/abc.jpg": "/media/bewonersbudgetten/reports/abc.jpg",
    }
    for old, new in moved.items():
        response = client.get(old)
        assert response.status_code == 308, old
        assert response.headers["Location"] == new
    assert client.get(f"/budgets/pots/{pot.id}", follow_redirects=True).status_code == 200


def test_a_till_link_from_before_the_move_still_takes_a_code(
    app: Flask, setting: dict[str, Any]
) -> None:
    pot = setting["pot"]
    manager = manager_of(pot)
    supplier, token = services.create_supplier(pot.wijk, "Bakkerij", actor=manager)
    _, codes = services.issue_vouchers(
        pot,
        label="Buurtfeest",
        value_cents=10_00,
        quantity=1,
        expires_on=(utcnow() + timedelta(days=30)).date(),
        suppliers=[supplier],
        actor=manager,
    )
    db.session.commit()
    till = app.test_client()
    till.set_cookie("locale", "en")
    # A 308 tells the browser to send the same POST, with its form, to the new address.
    form = {"idempotency_key": new_key(), "code": codes[0], "amount": "10"}
    moved = till.post(f"/budgets/till/{token}", data=form)
    assert moved.status_code == 308
    assert moved.headers["Location"].endswith(f"/bewonersbudgetten/till/{token}")
    paid = till.post(moved.headers["Location"], data=form)
    assert paid.status_code == 200 and "€10.00" in paid.text
    db.session.expire_all()
    assert db.session.get(Pot, pot.id).batches[0].vouchers[0].status is VoucherStatus.redeemed


def test_the_dashboard_does_not_check_the_whole_ledger(
    client: FlaskClient, setting: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The full check reads every line of the ledger: `samenhang ledger check` runs it."""

    def too_slow_for_a_page() -> None:
        raise AssertionError("the dashboard ran the full ledger check")

    monkeypatch.setattr("samenhang.ledger.queries.check_ledger_consistency", too_slow_for_a_page)
    sign_in(client, manager_of(setting["pot"]))
    assert client.get("/bewonersbudgetten/manage").status_code == 200


def test_a_pot_shows_how_much_is_granted_as_a_bar_with_words(
    client: FlaskClient, setting: dict[str, Any]
) -> None:
    """Readable without colour and without JavaScript: a <progress> and the figures in words,
    on the pot page and on the wijk's list of pots."""
    pot, wijk = setting["pot"], setting["wijk"]
    grant(setting["application"], 250_00)
    client.set_cookie("locale", "en")
    words = "€250.00 of €10,000.00 granted or paid (2% of the budget)."
    page = client.get(f"/bewonersbudgetten/pots/{pot.id}").text
    assert (
        '<progress max="1000000" value="25000" aria-labelledby="money-heading-progress-label"'
        in page
    )
    assert words in page and "€0.00 of it has been paid out." in page
    listing = client.get(f"/g/{wijk.municipality.slug}/{wijk.slug}/bewonersbudgetten").text
    label = f"pot-{pot.id}-progress-label"
    assert f'<p class="progress-words" id="{label}">' in listing
    assert (
        f'<progress max="1000000" value="25000" aria-labelledby="{label}">2%</progress>' in listing
    )
    assert words in listing
