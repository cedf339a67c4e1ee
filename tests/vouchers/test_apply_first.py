"""Applying says what it needs before the form, not after it (issue 13: "a budget
application reveals 'zet je postcode in je profiel' only after the whole form is filled
in"): a confirmed e-mail and a checked address in the wijk, with the address request on
the page. The postcode typed there places the resident and starts the check; it never
gives the right to apply."""

from __future__ import annotations

from typing import Any

import pytest
from factories.accounts import UserFactory
from factories.places import WijkFactory, WijkPostcodeFactory
from factories.vouchers import PotFactory, ResidentFactory
from flask.testing import FlaskClient
from sqlalchemy import func, select

from samenhang.accounts.models import AddressVerification, VerificationStatus
from samenhang.extensions import db
from samenhang.vouchers.models import Application

APPLICATION = {
    "title": "Moestuin",
    "summary": "Bakken op het plein.",
    "budget_lines-0-description": "Bakken",
    "budget_lines-0-amount": "100",
}


@pytest.fixture
def pot(db_session: Any) -> Any:
    wijk = WijkFactory(name="Korrewegwijk")
    WijkPostcodeFactory(wijk=wijk, postcode4="9741")
    return PotFactory(wijk=wijk)


def _applications() -> int:
    return db.session.scalar(select(func.count(Application.id)))


def test_a_newcomer_is_told_what_is_needed_before_the_form(
    client: FlaskClient, login: Any, pot: Any
) -> None:
    newcomer = UserFactory(email_verified_at=None)
    db.session.commit()
    login(newcomer)
    page = client.get(f"/bewonersbudgetten/pots/{pot.id}/apply")
    assert page.status_code == 200
    assert "Before you apply" in page.text
    assert page.text.count("Not yet.") == 2  # the e-mail and the address
    assert "/verify/resend" in page.text  # the e-mail button
    assert 'name="address-postcode"' in page.text  # the address request, right here
    assert 'name="title"' not in page.text  # no form to fill in in vain
    # The pot's page says it too, before anyone clicks "Apply".
    assert "checked address in Korrewegwijk" in client.get(f"/bewonersbudgetten/pots/{pot.id}").text


def test_the_postcode_typed_there_places_the_resident_and_starts_the_check_only(
    client: FlaskClient, login: Any, pot: Any
) -> None:
    newcomer = UserFactory()
    db.session.commit()
    login(newcomer)
    refused = client.post(
        f"/bewonersbudgetten/pots/{pot.id}/apply/address", data={"address-postcode": "9741 AB"}
    )
    assert refused.status_code == 422 and "Before you apply" in refused.text
    asked = client.post(
        f"/bewonersbudgetten/pots/{pot.id}/apply/address",
        data={"address-address": "N. Nieuw\nBloemstraat 3", "address-postcode": "9741 AB"},
    )
    assert asked.status_code == 303 and asked.location.endswith(
        f"/bewonersbudgetten/pots/{pot.id}/apply"
    )
    db.session.expire_all()
    row = db.session.scalars(select(AddressVerification)).one()
    assert row.wijk_id == pot.wijk_id and row.status is VerificationStatus.requested
    assert newcomer.postcode == "9741AB" and newcomer.wijk_id == pot.wijk_id  # to read along
    page = client.get(f"/bewonersbudgetten/pots/{pot.id}/apply")
    assert page.status_code == 200 and "Asked:" in page.text and 'name="title"' not in page.text
    # The right waits for the check: an application sent anyway is refused.
    assert (
        client.post(f"/bewonersbudgetten/pots/{pot.id}/apply", data=APPLICATION).status_code == 403
    )
    assert _applications() == 0


def test_a_checked_resident_gets_the_form_straight_away(
    client: FlaskClient, login: Any, pot: Any
) -> None:
    login(ResidentFactory(wijk=pot.wijk))
    page = client.get(f"/bewonersbudgetten/pots/{pot.id}/apply")
    assert page.status_code == 200
    assert 'name="title"' in page.text and "Before you apply" not in page.text


def test_a_postcode_already_in_the_profile_is_not_changed_by_the_request(
    client: FlaskClient, login: Any, pot: Any
) -> None:
    elsewhere = WijkFactory()
    WijkPostcodeFactory(wijk=elsewhere, postcode4="9715")
    mover = UserFactory(postcode="9715AB", wijk=elsewhere)
    db.session.commit()
    login(mover)
    asked = client.post(
        f"/bewonersbudgetten/pots/{pot.id}/apply/address",
        data={"address-address": "M. Mover\nBloemstraat 3", "address-postcode": "9741 AB"},
    )
    assert asked.status_code == 303
    db.session.expire_all()
    # Only a profile change moves someone (and ends a check elsewhere); a request does not.
    assert mover.postcode == "9715AB" and mover.wijk_id == elsewhere.id
    assert db.session.scalars(select(AddressVerification)).one().wijk_id == pot.wijk_id
