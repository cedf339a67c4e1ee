"""Every money action done once: a money form sent twice (a retry after a lost connection,
a double click) performs once and shows the first result. The race of two requests with the
same key is in test_concurrency.py (PostgreSQL)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from factories.accounts import PASSWORD
from factories.vouchers import ApplicationFactory, grant, manager_of
from flask import Flask
from flask.testing import FlaskClient

from samenhang.db import utcnow
from samenhang.extensions import db
from samenhang.idempotency import IdempotencyKey, new_key
from samenhang.ledger.models import JournalEntry
from samenhang.vouchers import services
from samenhang.vouchers.models import Application, VoucherRedemption


def sign_in(client: FlaskClient, user: Any) -> FlaskClient:
    client.set_cookie("locale", "en")
    response = client.post("/signin", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.text
    return client


def _entries() -> int:
    return db.session.scalar(sa.select(sa.func.count(JournalEntry.id))) or 0


def _key_in(page: str, action: str) -> str:
    form = page.split(f'action="{action}"')[1].split("</form>")[0]
    found = re.search(r'name="idempotency_key" type="hidden" value="([^"]+)"', form)
    assert found, "the money form carries no key"
    return found.group(1)


@pytest.fixture
def granted(db_session: Any) -> Application:
    return grant(ApplicationFactory(lines=[("Plan", 1000_00)]), 700_00)


def test_a_payout_sent_twice_is_paid_once_and_shows_the_first_result(
    client: FlaskClient, granted: Application
) -> None:
    manager = sign_in(client, manager_of(granted.pot))
    url = f"/bewonersbudgetten/applications/{granted.id}"
    key = _key_in(manager.get(url).text, f"{url}/payouts")
    entries = _entries()
    first = manager.post(f"{url}/payouts", data={"idempotency_key": key, "amount": "300"})
    assert first.status_code == 302
    again = manager.post(f"{url}/payouts", data={"idempotency_key": key, "amount": "300"})
    assert again.status_code == 302
    assert again.headers["Location"] == first.headers["Location"]
    assert "already done" in manager.get(again.headers["Location"]).text
    assert _entries() == entries + 1
    db.session.expire_all()
    assert db.session.get(Application, granted.id).paid_cents == 300_00
    claim = db.session.get(IdempotencyKey, key)
    assert claim is not None and claim.endpoint == "vouchers.pay_out"
    assert claim.result_ref is not None and claim.result_ref.startswith("Payout:")
    # A new form (a new key) is a new payment.
    fresh = _key_in(manager.get(url).text, f"{url}/payouts")
    assert fresh != key
    manager.post(f"{url}/payouts", data={"idempotency_key": fresh, "amount": "100"})
    assert _entries() == entries + 2


def test_a_money_form_without_a_key_or_with_someone_elses_is_refused(
    client: FlaskClient, granted: Application, app: Flask
) -> None:
    manager = sign_in(client, manager_of(granted.pot))
    url = f"/bewonersbudgetten/applications/{granted.id}/payouts"
    entries = _entries()
    missing = manager.post(url, data={"amount": "300"})
    assert missing.status_code == 422 and "expired" in missing.text
    key = new_key()
    assert manager.post(url, data={"idempotency_key": key, "amount": "300"}).status_code == 302
    # The same key for another money action (funding the pot) is not a replay of it.
    other = manager.post(
        f"/bewonersbudgetten/pots/{granted.pot.id}/fund",
        data={"idempotency_key": key, "amount": "50"},
    )
    assert other.status_code == 422 and "expired" in other.text
    assert _entries() == entries + 1


def test_a_refused_action_frees_its_key_for_the_corrected_form(
    client: FlaskClient, granted: Application
) -> None:
    manager = sign_in(client, manager_of(granted.pot))
    url = f"/bewonersbudgetten/applications/{granted.id}/payouts"
    key = new_key()
    too_much = manager.post(url, data={"idempotency_key": key, "amount": "900"})
    assert too_much.status_code == 422
    assert key in too_much.text  # the form comes back with its key
    assert manager.post(url, data={"idempotency_key": key, "amount": "700"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Application, granted.id).paid_cents == 700_00


def test_a_grant_and_a_pot_funding_sent_twice_happen_once(
    client: FlaskClient, db_session: Any
) -> None:
    application = ApplicationFactory(lines=[("Plan", 300_00)])
    manager = sign_in(client, manager_of(application.pot))
    entries = _entries()
    decision = {"idempotency_key": new_key(), "outcome": "full", "reasons": "Goed plan."}
    url = f"/bewonersbudgetten/applications/{application.id}/decision"
    assert manager.post(url, data=decision).status_code == 302
    assert manager.post(url, data=decision).status_code == 302
    fund = {"idempotency_key": new_key(), "amount": "100"}
    url = f"/bewonersbudgetten/pots/{application.pot.id}/fund"
    assert manager.post(url, data=fund).status_code == 302
    assert manager.post(url, data=fund).status_code == 302
    assert _entries() == entries + 2


def test_a_till_payment_sent_twice_is_booked_once_and_shown_again(
    app: Flask, client: FlaskClient, db_session: Any
) -> None:
    application = ApplicationFactory()
    pot = application.pot
    manager = manager_of(pot)
    supplier, token = services.create_supplier(pot.wijk, actor=manager, name="Bakker")
    _, codes = services.issue_vouchers(
        pot,
        label="Buurtfeest",
        value_cents=25_00,
        quantity=2,
        expires_on=(utcnow() + timedelta(days=30)).date(),
        suppliers=[supplier],
        actor=manager,
    )
    till = app.test_client()
    till.set_cookie("locale", "en")
    url = f"/bewonersbudgetten/till/{token}"
    key = new_key()
    form = {"idempotency_key": key, "code": codes[0], "amount": "20,00"}
    paid = till.post(url, data=form)
    again = till.post(url, data=form)
    assert paid.status_code == again.status_code == 200
    assert "€20.00" in again.text and "already been used" not in again.text
    assert db.session.scalar(sa.select(sa.func.count(VoucherRedemption.id))) == 1
    # Another till cannot read the first payment with the key.
    _, other_token = services.create_supplier(pot.wijk, actor=manager, name="Slager")
    stolen = till.post(f"/bewonersbudgetten/till/{other_token}", data=form)
    assert stolen.status_code == 422 and "€20.00" not in stolen.text
