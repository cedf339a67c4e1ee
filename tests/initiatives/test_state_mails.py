"""A mail about a change of state says the new state and the reasons."""

from __future__ import annotations

from typing import Any

from factories.accounts import UserFactory, WijkmanagerFactory
from factories.initiatives import InitiativeFactory

from samenhang.accounts.models import NotificationMode
from samenhang.extensions import db
from samenhang.initiatives import services
from samenhang.initiatives.models import State
from samenhang.initiatives.notifications import send_digests
from samenhang.mail import Mail


def test_the_mail_says_the_new_state_and_the_reasons(db_session: Any, outbox: list[Mail]) -> None:
    initiative = InitiativeFactory(state=State.submitted, author=UserFactory(locale="en"))
    manager = WijkmanagerFactory(wijken=[initiative.wijk])
    services.decide_initiative(
        initiative, "return", "Voeg de kosten van de verf toe.", actor=manager
    )
    [mail] = [m for m in outbox if m.to == initiative.author.email]
    assert "The status is now “Returned for changes”." in mail.body
    assert "Reasons: Voeg de kosten van de verf toe." in mail.body
    assert "The status of the initiative changed." not in mail.body


def test_the_mail_is_written_in_the_readers_language(db_session: Any, outbox: list[Mail]) -> None:
    initiative = InitiativeFactory(state=State.submitted, author=UserFactory(locale="nl"))
    manager = WijkmanagerFactory(wijken=[initiative.wijk])
    services.decide_initiative(initiative, "publish", "", actor=manager)
    [mail] = [m for m in outbox if m.to == initiative.author.email]
    assert "De status van het initiatief is veranderd." not in mail.body
    assert "Reasons" not in mail.body and "Redenen" not in mail.body  # none were given


def test_the_digest_names_each_state_with_its_reasons(db_session: Any, outbox: list[Mail]) -> None:
    author = UserFactory(locale="en", notification_mode=NotificationMode.digest)
    initiative = InitiativeFactory(state=State.submitted, author=author)
    manager = WijkmanagerFactory(wijken=[initiative.wijk])
    services.decide_initiative(initiative, "start_review", "", actor=manager)
    services.decide_initiative(initiative, "reject", "Dit hoort bij de gemeente.", actor=manager)
    db.session.flush()
    assert outbox == []
    assert send_digests() == 1
    [mail] = outbox
    assert "The status is now “Being reviewed”." in mail.body
    assert "The status is now “Rejected”." in mail.body
    assert "Reasons: Dit hoort bij de gemeente." in mail.body
