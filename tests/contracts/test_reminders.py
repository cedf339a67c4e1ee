from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from factories.accounts import UserFactory
from factories.contracts import ContractFactory, first_goal, signer_for
from flask import Flask

from samenhang.cli import contracts_remind_command
from samenhang.contracts import services
from samenhang.contracts.models import Follower, GoalStatus, Unit
from samenhang.contracts.reminders import send_deadline_reminders, send_digests
from samenhang.db import utcnow
from samenhang.extensions import db


def test_parties_are_reminded_once_before_a_deadline(db_session: Any, outbox: list[Any]) -> None:
    contract = ContractFactory()
    commitment = first_goal(contract).commitments[0]
    due = commitment.due_on
    signer = signer_for(commitment.party)
    far = utcnow().replace(year=due.year, month=due.month, day=due.day) - timedelta(days=30)
    assert send_deadline_reminders(far) == 0
    soon = far + timedelta(days=20)
    assert send_deadline_reminders(soon) == 1
    assert outbox[-1].to == signer.email
    assert "Lampen in de portieken vervangen" in outbox[-1].body
    assert "/goals/" in outbox[-1].body
    assert send_deadline_reminders(soon) == 0


def test_done_commitments_get_no_reminder(db_session: Any, outbox: list[Any]) -> None:
    contract = ContractFactory()
    commitment = first_goal(contract).commitments[0]
    services.complete_commitment(commitment, "", actor=signer_for(commitment.party))
    due = commitment.due_on
    soon = utcnow().replace(year=due.year, month=due.month, day=due.day) - timedelta(days=3)
    assert send_deadline_reminders(soon) == 0


def test_followers_get_a_monthly_digest_of_what_happened(
    db_session: Any, outbox: list[Any]
) -> None:
    contract = ContractFactory()
    goal = first_goal(contract)
    follower = UserFactory()
    services.follow(contract.wijk, user=follower)
    db.session.flush()
    row = db.session.get(Follower, (contract.wijk_id, follower.id))
    row.created_at = utcnow() - timedelta(days=31)
    owner = signer_for(goal.owner_party)
    services.post_progress(goal, Decimal("62"), Unit.percent, utcnow().date(), actor=owner)
    services.set_status(goal, GoalStatus.at_risk, "Vertraging", actor=owner)
    assert send_digests() == 1
    body = outbox[-1].body
    assert outbox[-1].to == follower.email
    assert "62%" in body and "At risk" in body
    assert send_digests() == 0  # a month has not passed
    assert send_digests(utcnow() + timedelta(days=31)) == 0  # nothing happened since


def test_the_command_sends_and_commits(app: Flask, db_session: Any, outbox: list[Any]) -> None:
    result = app.test_cli_runner().invoke(contracts_remind_command)
    assert result.exit_code == 0, result.output
    assert "0 deadline reminder(s) and 0 monthly digest(s) sent." in result.output
