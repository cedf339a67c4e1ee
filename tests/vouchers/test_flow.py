"""The issue's "done when", through the web client: a wijkmanager opens a pot with criteria
written with residents, a resident applies, the application is granted in part with public
reasons, paid out in two instalments, receipts and a report come in, the unspent rest
returns to the pot, and the ledger is balanced after every step."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from typing import Any

import pytest
from factories.accounts import PASSWORD, WijkmanagerFactory
from factories.places import WijkFactory
from factories.vouchers import ResidentFactory, photo_bytes
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from samenhang.audit.models import AuditEntry
from samenhang.db import utcnow
from samenhang.extensions import db
from samenhang.idempotency import new_key
from samenhang.ledger.queries import check_ledger_consistency
from samenhang.vouchers import services
from samenhang.vouchers.models import Application, ApplicationStatus, Pot
from samenhang.vouchers.queries import pot_summary


def signed_in(app: Flask, user: Any) -> FlaskClient:
    client = app.test_client()
    client.set_cookie("locale", "en")
    response = client.post("/signin", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.text
    return client


def status_of(client: FlaskClient, url: str) -> int:
    """GET a file and close the response (a file left open fails the test)."""
    response = client.get(url)
    response.close()
    return response.status_code


def assert_books_balanced(pot_id: int, budget: int) -> Any:
    db.session.expire_all()
    report = check_ledger_consistency()
    assert report.is_consistent, report
    summary = pot_summary(db.session.get(Pot, pot_id))
    assert summary.is_consistent
    assert summary.budget_cents == budget
    return summary


def test_a_pot_from_criteria_to_settled_grant(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    wijk = WijkFactory(name="Korrewegwijk")
    manager = WijkmanagerFactory(wijken=[wijk])
    fatma = ResidentFactory(wijk=wijk, display_name="Fatma")
    piotr = ResidentFactory(wijk=wijk, display_name="Piotr")
    db.session.commit()
    client.set_cookie("locale", "en")
    mgr, res = signed_in(app, manager), signed_in(app, fatma)
    wijk_url = f"/g/{wijk.municipality.slug}/{wijk.slug}"

    # 1. The wijkmanager makes a pot of € 5.000 (typed the Dutch way).
    page = mgr.get(f"{wijk_url}/bewonersbudgetten/new")
    assert page.status_code == 200
    response = mgr.post(
        f"{wijk_url}/bewonersbudgetten/new",
        data={
            "idempotency_key": new_key(),
            "name": "Bewonersbudget Korrewegwijk",
            "year": "2026",
            "description": "Voor plannen van bewoners.",
            "source_kind": "gemeente",
            "source_name": "Gemeente Groningen",
            "amount": "5.000,00",
            "max_per_application": "1500",
        },
    )
    assert response.status_code == 302, response.text
    pot = db.session.scalars(select(Pot)).one()
    budget = 5000_00
    assert_books_balanced(pot.id, budget)
    # A resident cannot see it yet: it is being prepared.
    assert res.get(f"/bewonersbudgetten/pots/{pot.id}").status_code == 404

    # 2. Draft criteria, published for comments.
    response = mgr.post(
        f"/bewonersbudgetten/pots/{pot.id}/criteria",
        data={
            "criteria-0-title": "Goed voor de buurt",
            "criteria-0-description": "Schoner, groener of gezelliger.",
            "criteria-0-weight": "2",
            "criteria-1-title": "Bewoners doen zelf mee",
            "criteria-1-weight": "1",
            "criteria-2-title": "",
            "criteria-2-weight": "1",
        },
    )
    assert response.status_code == 302, response.text
    too_soon = (utcnow() + timedelta(days=2)).date().isoformat()
    response = mgr.post(
        f"/bewonersbudgetten/pots/{pot.id}/criteria/publish", data={"comments_close_on": too_soon}
    )
    assert response.status_code == 422 and "at least 7 days" in response.text
    closes_on = (utcnow() + timedelta(days=8)).date().isoformat()
    response = mgr.post(
        f"/bewonersbudgetten/pots/{pot.id}/criteria/publish", data={"comments_close_on": closes_on}
    )
    assert response.status_code == 302

    # 3. Residents comment; the criteria cannot be fixed before the period ends.
    response = res.post(
        f"/bewonersbudgetten/pots/{pot.id}/criteria/comments",
        data={"body": "Graag ook iets voor kinderen."},
    )
    assert response.status_code == 302
    db.session.expire_all()
    services.comment_on_criteria(db.session.get(Pot, pot.id), actor=piotr, body="Meer talen graag.")
    db.session.commit()
    page = client.get(f"/bewonersbudgetten/pots/{pot.id}")
    assert "Graag ook iets voor kinderen." in page.text and "Goed voor de buurt" in page.text
    response = mgr.post(f"/bewonersbudgetten/pots/{pot.id}/criteria/fix", data={})
    assert response.status_code == 422 and "fix the criteria after that" in response.text

    # ... nine days later:
    later = utcnow() + timedelta(days=9)
    monkeypatch.setattr("samenhang.vouchers.services.pots.utcnow", lambda: later)
    monkeypatch.setattr("samenhang.vouchers.queries.utcnow", lambda: later)
    response = res.post(
        f"/bewonersbudgetten/pots/{pot.id}/criteria/comments", data={"body": "Te laat?"}
    )
    assert response.status_code == 422 and "closed" in response.text
    response = mgr.post(
        f"/bewonersbudgetten/pots/{pot.id}/criteria/fix",
        data={"other_participants": "Bewonersraad Korrewegwijk\n"},
    )
    assert response.status_code == 302, response.text
    assert mgr.post(f"/bewonersbudgetten/pots/{pot.id}/open").status_code == 302
    page = client.get(f"/bewonersbudgetten/pots/{pot.id}")
    assert "Written together with:" in page.text
    assert "Fatma, Piotr, and Bewonersraad Korrewegwijk" in page.text

    # 4. Fatma applies: two budget lines add up to € 1.000.
    form = {
        "title": "Buurtmoestuin",
        "summary": "Zes moestuinbakken op het plein.",
        "group_name": "Tuingroep Korreweg",
        "budget_lines-0-description": "Moestuinbakken",
        "budget_lines-0-amount": "600,00",
        "budget_lines-1-description": "Aarde en zaden",
        "budget_lines-1-amount": "400.00",
        "contributions-0-kind": "time",
        "contributions-0-description": "Bakken bouwen",
        "contributions-0-hours": "40",
    }
    bad = res.post(
        f"/bewonersbudgetten/pots/{pot.id}/apply",
        data={**form, "budget_lines-1-amount": "400,0001"},
    )
    assert bad.status_code == 422 and "fractions of a cent" in bad.text
    response = res.post(f"/bewonersbudgetten/pots/{pot.id}/apply", data=form)
    assert response.status_code == 302, response.text
    application = db.session.scalars(select(Application)).one()
    assert application.amount_requested_cents == 1000_00
    app_url = f"/bewonersbudgetten/applications/{application.id}"
    assert_books_balanced(pot.id, budget)

    # 5. Scored, then granted in part (€ 800) with public reasons: € 800 is reserved.
    criteria = db.session.get(Pot, pot.id).criteria
    response = mgr.post(
        f"{app_url}/scores",
        data={f"points_{c.id}": "4" for c in criteria} | {f"note_{criteria[0].id}": "Fijn"},
    )
    assert response.status_code == 302, response.text
    response = mgr.post(
        f"{app_url}/decision",
        data={
            "idempotency_key": new_key(),
            "outcome": "partial",
            "amount": "800",
            "reasons": "Goed plan; aarde kan goedkoper.",
        },
    )
    assert response.status_code == 302, response.text
    summary = assert_books_balanced(pot.id, budget)
    assert (summary.remaining_cents, summary.committed_cents, summary.paid_cents) == (
        4200_00,
        800_00,
        0,
    )
    public = client.get(app_url)
    assert "Granted in part" in public.text and "aarde kan goedkoper" in public.text
    assert "Fatma" not in public.text  # the applicant's name is not public

    # 6. Paid out in two instalments; paying beyond the grant is refused.
    assert (
        mgr.post(
            f"{app_url}/payouts", data={"idempotency_key": new_key(), "amount": "500"}
        ).status_code
        == 302
    )
    assert (
        mgr.post(
            f"{app_url}/payouts", data={"idempotency_key": new_key(), "amount": "300,00"}
        ).status_code
        == 302
    )
    again = mgr.post(f"{app_url}/payouts", data={"idempotency_key": new_key(), "amount": "0,01"})
    assert again.status_code == 422
    summary = assert_books_balanced(pot.id, budget)
    assert (summary.remaining_cents, summary.committed_cents, summary.paid_cents) == (
        4200_00,
        0,
        800_00,
    )

    # 7. Receipts (€ 650 in all) and a report with a photo.
    for description, amount in (("Hout", "450,00"), ("Aarde", "200")):
        response = res.post(
            f"{app_url}/receipts",
            data={
                "description": description,
                "amount": amount,
                "image": (io.BytesIO(photo_bytes()), "bon.jpg", "image/jpeg"),
            },
            content_type="multipart/form-data",
        )
        assert response.status_code == 302, response.text
    not_a_photo = res.post(
        f"{app_url}/receipts",
        data={
            "description": "Virus",
            "amount": "1",
            "image": (io.BytesIO(b"MZ\x90\x00 not an image"), "bon.jpg", "image/jpeg"),
        },
        content_type="multipart/form-data",
    )
    assert not_a_photo.status_code == 422 and "not a photo" in not_a_photo.text
    response = res.post(
        f"{app_url}/report",
        data={
            "body": "De bakken staan er; twintig kinderen tuinieren mee.",
            "photos": [(io.BytesIO(photo_bytes("PNG")), "tuin.png", "image/png")],
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.text

    # Settling now is refused: € 150 is not accounted for.
    refused = mgr.post(f"{app_url}/settle")
    assert refused.status_code == 302 and refused.headers["Location"] == app_url
    assert "€150.00 is not accounted for yet" in mgr.get(app_url).text
    assert db.session.get(Application, application.id).status is ApplicationStatus.granted

    # 8. The rest (€ 150) comes back into the pot; then the grant is settled.
    response = mgr.post(f"{app_url}/returns", data={"idempotency_key": new_key(), "amount": "150"})
    assert response.status_code == 302, response.text
    assert mgr.post(f"{app_url}/settle").status_code == 302
    summary = assert_books_balanced(pot.id, budget)
    assert (summary.remaining_cents, summary.committed_cents, summary.paid_cents) == (
        4350_00,
        0,
        650_00,
    )
    application = db.session.get(Application, application.id)
    assert application.status is ApplicationStatus.settled

    # What the public sees: the figures, the report and its photo, not the receipts.
    page = client.get(f"/bewonersbudgetten/pots/{pot.id}")
    assert "€4,350.00" in page.text and "€650.00" in page.text
    public = client.get(app_url)
    assert "twintig kinderen" in public.text
    [photo] = application.report.photos
    assert status_of(client, f"/media/bewonersbudgetten/reports/{photo.image_name}.jpg") == 200
    receipt = application.receipts[0]
    receipt_url = f"/media/bewonersbudgetten/receipts/{receipt.image_name}.jpg"
    assert status_of(client, receipt_url) == 404
    assert status_of(res, receipt_url) == 200
    assert status_of(mgr, receipt_url) == 200
    assert client.get(f"/bewonersbudgetten/pots/{pot.id}/ledger").status_code == 200

    # The decision is open data, without personal data.
    exported = json.loads(client.get("/bewonersbudgetten/decisions.json").text)["decisions"]
    assert [
        (d["outcome"], d["granted_cents"], d["paid_cents"], d["returned_cents"]) for d in exported
    ] == [("partial", 800_00, 800_00, 150_00)]
    assert fatma.email not in json.dumps(exported) and "Fatma" not in json.dumps(exported)
    csv_text = client.get(f"/bewonersbudgetten/pots/{pot.id}/decisions.csv").text
    assert "aarde kan goedkoper" in csv_text and "partial" in csv_text

    # Every step is in the audit log; the decision publicly, without personal data.
    decided = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "application.decided")
    ).one()
    assert decided.is_public and decided.after["amount_granted_cents"] == 800_00
    assert "Fatma" not in json.dumps(decided.after) and fatma.email not in json.dumps(decided.after)
    actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {
        "pot.created",
        "pot.criteria_published",
        "pot.criteria_fixed",
        "pot.opened",
        "application.submitted",
        "application.scored",
        "application.paid_out",
        "application.receipt_added",
        "application.reported",
        "application.money_returned",
        "application.settled",
    } <= actions
