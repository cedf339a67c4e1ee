"""The buurtcontract's mails, sent by `samenhang contracts remind` (run it daily, e.g. from
cron; synchronous until there is a job queue): a reminder to the people of a party before a
commitment's deadline, and a monthly digest to the residents who follow a wijk's contract.
Both are sent once: the commitment and the follower remember when."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, select

from samenhang import mail
from samenhang.accounts.models import NotificationMode
from samenhang.accounts.services import user_locale
from samenhang.contracts import queries
from samenhang.contracts.models import (
    Commitment,
    Contract,
    ContractStatus,
    Follower,
    Goal,
    Progress,
    Question,
)
from samenhang.db import utcnow
from samenhang.extensions import db
from samenhang.localtime import local_today
from samenhang.places.models import Wijk

#: Days before the deadline that the party is reminded.
REMIND_DAYS = 14
DIGEST_EVERY = timedelta(days=30)


def send_deadline_reminders(now: datetime | None = None) -> int:
    """Remind each person of a party of its open commitments due within REMIND_DAYS, once
    per commitment. Returns the number of mails."""
    now = now or utcnow()
    today = local_today(now)
    commitments = db.session.scalars(
        select(Commitment)
        .join(Commitment.goal)
        .join(Goal.contract)
        .where(
            Contract.status == ContractStatus.signed,
            Commitment.done_at.is_(None),
            Commitment.reminded_at.is_(None),
            Commitment.due_on >= today,
            Commitment.due_on <= today + timedelta(days=REMIND_DAYS),
        )
        .order_by(Commitment.due_on, Commitment.id)
    ).all()
    sent = 0
    for commitment in commitments:
        for user in queries.people_of(commitment.party):
            mail.send_template(
                user.email,
                "contract_deadline",
                user_locale(user),
                user=user,
                commitment=commitment,
                goal=commitment.goal,
            )
            sent += 1
        commitment.reminded_at = now
    return sent


@dataclass
class Digest:
    """What happened in a wijk's buurtcontract since a moment."""

    contracts: list[Contract] = field(default_factory=list)
    progress: list[Progress] = field(default_factory=list)
    status_changes: list[Goal] = field(default_factory=list)
    answers: list[Question] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.contracts or self.progress or self.status_changes or self.answers)


def _in_wijk(stmt: Select[Any], wijk: Wijk) -> Select[Any]:
    return stmt.join(Goal.contract).where(Contract.wijk_id == wijk.id)


def digest_for(wijk: Wijk, since: datetime) -> Digest:
    return Digest(
        contracts=list(
            db.session.scalars(
                select(Contract)
                .where(Contract.wijk_id == wijk.id, Contract.signed_at > since)
                .order_by(Contract.year, Contract.version)
            )
        ),
        progress=list(
            db.session.scalars(
                _in_wijk(select(Progress).join(Progress.goal), wijk)
                .where(Progress.created_at > since)
                .order_by(Progress.id)
            )
        ),
        status_changes=list(
            db.session.scalars(
                _in_wijk(select(Goal), wijk).where(Goal.status_changed_at > since).order_by(Goal.id)
            )
        ),
        answers=list(
            db.session.scalars(
                _in_wijk(select(Question).join(Question.goal), wijk)
                .where(Question.answered_at > since)
                .order_by(Question.id)
            )
        ),
    )


def send_digests(now: datetime | None = None) -> int:
    """Once a month per follower: what happened since the last digest (nothing is sent when
    nothing happened). Returns the number of mails."""
    now = now or utcnow()
    sent = 0
    followers = db.session.scalars(select(Follower).order_by(Follower.wijk_id, Follower.user_id))
    for follower in followers.all():
        user = follower.user
        since = follower.last_digest_at or follower.created_at
        if now - since < DIGEST_EVERY:
            continue
        follower.last_digest_at = now
        if not user.is_active or user.notification_mode is NotificationMode.off:
            continue
        digest = digest_for(follower.wijk, since)
        if digest:
            mail.send_template(
                user.email,
                "contract_digest",
                user_locale(user),
                user=user,
                wijk=follower.wijk,
                digest=digest,
            )
            sent += 1
    return sent
