"""Address verification: a letter with a one-time code, or the wijkmanager's register
check. A typed postcode places a person in a wijk for reading, never for rights."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pypdf
import pytest
from factories.accounts import UserFactory, WijkmanagerFactory
from factories.places import WijkFactory, WijkPostcodeFactory
from flask.testing import FlaskClient
from sqlalchemy import select

from samenhang.accounts import services as accounts
from samenhang.accounts import verification
from samenhang.accounts.models import AddressVerification, VerificationMethod, VerificationStatus
from samenhang.audit.models import AuditEntry
from samenhang.db import utcnow
from samenhang.errors import DomainError, PermissionDenied
from samenhang.extensions import db
from samenhang.policies import is_verified_resident, verified_wijk_id

ADDRESS = "Fatma Yilmaz\nBloemstraat 3"


@pytest.fixture
def place(db_session: Any) -> dict[str, Any]:
    wijk = WijkFactory(slug="korrewegwijk", municipality__slug="groningen")
    WijkPostcodeFactory(wijk=wijk, postcode4="9715")
    other = WijkFactory()
    WijkPostcodeFactory(wijk=other, postcode4="9722")
    return {
        "wijk": wijk,
        "other": other,
        "manager": WijkmanagerFactory(wijken=[wijk]),
        "other_manager": WijkmanagerFactory(wijken=[other]),
    }


def _resident(place: dict[str, Any], **kwargs: Any) -> Any:
    user = UserFactory(postcode="9715AB", wijk=place["wijk"], **kwargs)
    return user


def _actions(row: AddressVerification) -> list[str]:
    return list(
        db.session.scalars(
            select(AuditEntry.action)
            .where(
                AuditEntry.object_type == "address_verifications",
                AuditEntry.object_id == str(row.id),
            )
            .order_by(AuditEntry.id)
        )
    )


def test_a_typed_postcode_places_a_person_but_gives_no_right(place: dict[str, Any]) -> None:
    user = UserFactory()
    accounts.update_profile(
        user, display_name="Nieuw", locale=None, postcode="9715 AB", house_number="3"
    )
    assert user.wijk_id == place["wijk"].id  # reading and following: yes
    assert verified_wijk_id(user) is None
    assert not is_verified_resident(user, place["wijk"])


def test_a_letter_code_verifies_the_address(place: dict[str, Any]) -> None:
    user, manager = _resident(place), place["manager"]
    row = verification.request_verification(user, ADDRESS, "9715ab", actor=user)
    assert row.status is VerificationStatus.requested and row.wijk_id == place["wijk"].id
    assert not is_verified_resident(user, place["wijk"])
    with pytest.raises(PermissionDenied):
        verification.send_verification_letters([row], actor=place["other_manager"])
    [(sent, code)] = verification.send_verification_letters([row], actor=manager)
    assert sent.code_hash and code.replace("-", "") not in sent.code_hash  # only a hash
    assert sent.code_expires_at - utcnow() > timedelta(days=59)
    with pytest.raises(PermissionDenied):
        verification.confirm_address_code(user, code, actor=UserFactory())
    assert verification.confirm_address_code(user, code, actor=user) is row
    assert row.status is VerificationStatus.verified and row.method is VerificationMethod.letter
    assert row.code_hash is None  # one time
    assert is_verified_resident(user, place["wijk"])
    assert _actions(row) == [
        "address.verification_requested",
        "address.letter_sent",
        "address.verified",
    ]


def test_wrong_codes_are_counted_and_limited(place: dict[str, Any]) -> None:
    user = _resident(place)
    row = verification.request_verification(user, ADDRESS, "9715AB", actor=user)
    [(_, code)] = verification.send_verification_letters([row], actor=place["manager"])
    for tries in range(1, verification.MAX_CODE_ATTEMPTS + 1):
        assert verification.confirm_address_code(user, "AAAA-BBBB-CCCC", actor=user) is None
        assert row.attempts == tries
    with pytest.raises(DomainError, match="Too many wrong codes"):
        verification.confirm_address_code(user, code, actor=user)
    assert not is_verified_resident(user, place["wijk"])
    # A new letter is a new code, and new tries.
    [(_, fresh)] = verification.send_verification_letters([row], actor=place["manager"])
    assert verification.confirm_address_code(user, code, actor=user) is None
    assert verification.confirm_address_code(user, fresh, actor=user) is row


def test_an_expired_code_is_refused(place: dict[str, Any]) -> None:
    user = _resident(place)
    row = verification.request_verification(user, ADDRESS, "9715AB", actor=user)
    [(_, code)] = verification.send_verification_letters([row], actor=place["manager"])
    row.code_expires_at = utcnow() - timedelta(minutes=1)
    with pytest.raises(DomainError, match="expired"):
        verification.confirm_address_code(user, code, actor=user)


def test_a_register_check_needs_the_wijkmanager_and_a_note(place: dict[str, Any]) -> None:
    user = _resident(place)
    row = verification.request_verification(user, ADDRESS, "9715AB", actor=user)
    with pytest.raises(PermissionDenied):
        verification.verify_by_register(row, "BRP gezien", actor=place["other_manager"])
    with pytest.raises(PermissionDenied):
        verification.verify_by_register(row, "BRP gezien", actor=user)
    with pytest.raises(DomainError, match="register"):
        verification.verify_by_register(row, "  ", actor=place["manager"])
    verification.verify_by_register(row, "BRP gezien op 1 mei", actor=place["manager"])
    assert row.method is VerificationMethod.register and row.verified_by == place["manager"]
    assert row.note == "BRP gezien op 1 mei"
    assert is_verified_resident(user, place["wijk"])
    assert "address.verified" in _actions(row)


def test_moving_ends_the_check_and_a_new_one_replaces_it(place: dict[str, Any]) -> None:
    user = _resident(place)
    first = verification.request_verification(user, ADDRESS, "9715AB", actor=user)
    verification.verify_by_register(first, "BRP", actor=place["manager"])
    # A new request leaves the checked address in force until it is checked itself.
    second = verification.request_verification(user, "Fatma\nAndere straat 1", "9722AA", actor=user)
    assert verified_wijk_id(user) == place["wijk"].id
    verification.verify_by_register(second, "BRP", actor=place["other_manager"])
    assert first.status is VerificationStatus.ended
    assert verified_wijk_id(user) == place["other"].id
    # A new postcode in the profile says the person moved: the check ends.
    accounts.update_profile(user, display_name="F", locale=None, postcode="9715CD", house_number="")
    assert verified_wijk_id(user) is None


def test_an_unverified_email_is_not_a_resident(place: dict[str, Any]) -> None:
    user = _resident(place, email_verified_at=None)
    row = verification.request_verification(user, ADDRESS, "9715AB", actor=user)
    verification.verify_by_register(row, "BRP", actor=place["manager"])
    assert not is_verified_resident(user, place["wijk"])


def test_deleting_the_account_erases_the_address(place: dict[str, Any]) -> None:
    from factories.accounts import PASSWORD

    user = _resident(place)
    row = verification.request_verification(user, ADDRESS, "9715AB", actor=user)
    verification.verify_by_register(row, "BRP", actor=place["manager"])
    assert accounts.export_account(user)["address_checks"][0]["status"] == "verified"
    accounts.delete_account(user, PASSWORD)
    assert row.address == "" and row.status is VerificationStatus.ended


# --- the pages ----------------------------------------------------------------------------


def test_letter_flow_through_the_pages(
    place: dict[str, Any], client: FlaskClient, login: Any
) -> None:
    user, manager = _resident(place), place["manager"]
    db.session.commit()
    login(user)
    profile = client.get("/profile")
    assert 'id="address"' in profile.text
    asked = client.post(
        "/profile/address", data={"address-address": ADDRESS, "address-postcode": "9715 AB"}
    )
    assert asked.status_code == 303
    row = db.session.scalar(
        select(AddressVerification).where(AddressVerification.user_id == user.id)
    )
    assert row is not None
    client.post("/signout")

    login(manager)
    page = "/g/groningen/korrewegwijk/addresses"
    listed = client.get(page)
    assert listed.status_code == 200 and "Bloemstraat 3" in listed.text
    pdf = client.post(f"{page}/letters", data={"request": [str(row.id)]})
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = pypdf.PdfReader(__import__("io").BytesIO(pdf.data)).pages[0].extract_text()
    assert "Bloemstraat 3" in text
    client.post("/signout")

    # The code is only on the letter: read it back from the PDF, as the resident would.
    import re

    code = re.search(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", text.replace(" ", ""))
    assert code is not None
    login(user)
    wrong = client.post("/profile/address/code", data={"letter-code": "AAAA-BBBB-CCCC"})
    assert wrong.status_code == 303
    db.session.expire_all()
    assert db.session.get(AddressVerification, row.id).attempts == 1  # kept, not rolled back
    right = client.post("/profile/address/code", data={"letter-code": code.group(0)})
    assert right.status_code == 303
    db.session.expire_all()
    assert db.session.get(AddressVerification, row.id).status is VerificationStatus.verified


def test_register_check_through_the_pages(
    place: dict[str, Any], client: FlaskClient, login: Any
) -> None:
    user = _resident(place)
    row = verification.request_verification(user, ADDRESS, "9715AB", actor=user)
    db.session.commit()
    login(place["manager"])
    page = f"/g/groningen/korrewegwijk/addresses/{row.id}/register"
    assert client.post(page, data={"note": ""}).status_code == 303
    db.session.expire_all()
    assert db.session.get(AddressVerification, row.id).status is VerificationStatus.requested
    assert client.post(page, data={"note": "BRP gezien"}).status_code == 303
    db.session.expire_all()
    assert db.session.get(AddressVerification, row.id).status is VerificationStatus.verified
