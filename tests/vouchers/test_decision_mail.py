"""The applicant hears the decision on an application, with its reasons."""

from __future__ import annotations

from typing import Any

from factories.vouchers import ApplicationFactory, grant, manager_of

from samenhang.mail import Mail
from samenhang.vouchers import services
from samenhang.vouchers.models import Outcome


def test_a_grant_in_part_is_mailed_with_the_amount_and_reasons(
    db_session: Any, outbox: list[Mail]
) -> None:
    application = ApplicationFactory(title="Moestuinbakken")
    outbox.clear()
    grant(application, 600_00, reasons="De aarde betaalt de corporatie.")
    [mail] = [m for m in outbox if m.to == application.applicant.email]
    assert mail.subject == "Decision on your application “Moestuinbakken”"
    assert "Granted in part" in mail.body
    assert "600" in mail.body and "1,000" in mail.body  # granted of requested
    assert "De aarde betaalt de corporatie." in mail.body
    assert f"/bewonersbudgetten/applications/{application.id}" in mail.body


def test_a_refusal_is_mailed_with_its_reasons(db_session: Any, outbox: list[Mail]) -> None:
    application = ApplicationFactory()
    outbox.clear()
    services.decide_application(
        application,
        Outcome.refused,
        "Past niet bij de criteria.",
        actor=manager_of(application.pot),
    )
    [mail] = [m for m in outbox if m.to == application.applicant.email]
    assert "Refused" in mail.body and "Past niet bij de criteria." in mail.body
    assert "You get" not in mail.body
