"""Maatschappelijk aanbesteden: residents challenge a public task of the buurtbegroting
with an offer to do it better or cheaper; the wijkmanager answers in public by a deadline.
An accepted challenge becomes an initiative of the challenger, linked to the line.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from sqlalchemy import select, update

from samenhang.accounts.models import Role, User
from samenhang.audit.services import log_event
from samenhang.budgets.models import (
    Budget,
    BudgetStatus,
    Challenge,
    ChallengeStatus,
    LineItem,
)
from samenhang.db import utcnow
from samenhang.errors import DomainError
from samenhang.extensions import db
from samenhang.initiatives.services import InitiativeData, create_initiative
from samenhang.ledger.money import MAX_CENTS
from samenhang.localtime import local_today
from samenhang.mail import send_template
from samenhang.policies import can_challenge, require, require_confirmed_email, require_manager

#: The wijkmanager answers within four weeks.
ANSWER_DAYS = 28
#: Reminders start a week before the deadline, and come weekly while it is not answered.
REMIND_DAYS = 7
MAX_TEXT = 4000


@dataclass(frozen=True)
class ChallengeData:
    #: What they would do, and how.
    proposal: str
    #: For how much.
    amount_cents: int
    #: With whom.
    partners: str


def _managers(budget: Budget) -> list[User]:
    """Who answers: the wijk's managers, or the administrators when it has none."""
    managers = [u for u in budget.wijk.managers if u.is_active]
    if managers:
        return managers
    admins = select(User).where(User.role == Role.admin, User.is_deleted.is_(False))
    return list(db.session.scalars(admins))


def _mail_managers(challenge: Challenge, *, is_reminder: bool) -> int:
    """Tell the managers of the challenge's wijk (a new offer, or a reminder to answer)."""
    managers = _managers(challenge.line.budget)
    for manager in managers:
        send_template(
            manager.email,
            "budget_challenge",
            manager.locale or "nl",
            user=manager,
            challenge=challenge,
            is_reminder=is_reminder,
        )
    return len(managers)


def submit_challenge(
    line: LineItem, data: ChallengeData, *, actor: User, now: datetime | None = None
) -> Challenge:
    require(
        can_challenge(actor, line),
        _l("Only a public task of a published buurtbegroting can be challenged."),
    )
    require_confirmed_email(actor, "challenge")
    proposal, partners = data.proposal.strip(), data.partners.strip()
    if not proposal:
        raise DomainError(_l("Say what you would do, and how."))
    if not partners:
        raise DomainError(_l("Say who does it with you: your group, organisation or partners."))
    if len(proposal) > MAX_TEXT or len(partners) > MAX_TEXT:
        raise DomainError(
            lazy_ngettext("At most {count} character.", "At most {count} characters.", MAX_TEXT),
            count=MAX_TEXT,
        )
    if not 0 < data.amount_cents <= MAX_CENTS:
        raise DomainError(_l("The amount must be more than zero."))
    challenge = Challenge(
        line=line,
        author=actor,
        proposal=proposal,
        amount_cents=data.amount_cents,
        partners=partners,
        answer_due_on=local_today(now) + timedelta(days=ANSWER_DAYS),
    )
    db.session.add(challenge)
    db.session.flush()
    budget = line.budget
    log_event(
        actor,
        "challenge.submitted",
        challenge,
        wijk=budget.wijk,
        after={
            "line_id": line.id,
            "amount_cents": data.amount_cents,
            "answer_due_on": challenge.answer_due_on.isoformat(),
        },
        public=True,
    )
    _mail_managers(challenge, is_reminder=False)
    return challenge


def answer_challenge(challenge: Challenge, accept: bool, answer: str, *, actor: User) -> Challenge:
    """The public answer. Accepted: the challenger's offer becomes their draft initiative,
    linked to the line, which they complete and send in."""
    line = challenge.line
    wijk = line.budget.wijk
    require_manager(actor, wijk)
    answer = answer.strip()
    if not answer:
        raise DomainError(_l("Write your answer: it is public, so explain why."))
    if len(answer) > MAX_TEXT:
        raise DomainError(
            lazy_ngettext("At most {count} character.", "At most {count} characters.", MAX_TEXT),
            count=MAX_TEXT,
        )
    status = ChallengeStatus.accepted if accept else ChallengeStatus.declined
    answered = db.session.execute(
        update(Challenge)
        .where(Challenge.id == challenge.id, Challenge.status == ChallengeStatus.open)
        .values(status=status, answer=answer, answered_at=utcnow(), answered_by_id=actor.id)
        .execution_options(synchronize_session=False)
    )
    if answered.rowcount != 1:
        raise DomainError(_l("This challenge is already answered."))
    db.session.expire(challenge)
    if accept:
        author = challenge.author
        challenge.initiative = create_initiative(
            wijk,
            InitiativeData(
                title=line.title[:120],
                summary=challenge.proposal[:300],
                description=f"{challenge.proposal}\n\n{challenge.partners}",
                public_name=author.display_name,
                original_locale=author.locale or "nl",
                themes=[line.theme],
                help_asked=[],
                budget_lines=[(line.title[:200], challenge.amount_cents)],
            ),
            actor=author,
        )
        db.session.flush()
    log_event(
        actor,
        "challenge.answered",
        challenge,
        wijk=wijk,
        after={
            "status": status.value,
            "initiative_id": challenge.initiative_id if accept else None,
        },
        public=True,
    )
    send_template(
        challenge.author.email,
        "budget_challenge_answered",
        challenge.author.locale or "nl",
        user=challenge.author,
        challenge=challenge,
    )
    return challenge


def _wants_reminder(challenge: Challenge, today: date) -> bool:
    days_left = (challenge.answer_due_on - today).days
    if days_left > REMIND_DAYS:
        return False
    last = challenge.reminded_on
    return last is None or (today - last).days >= REMIND_DAYS or (days_left == 1 and last < today)


def send_reminders(*, now: datetime | None = None) -> int:
    """Remind the managers of challenges to answer (`samenhang budgets remind`, daily).
    Returns how many e-mails went out."""
    today = local_today(now)
    stmt = (
        select(Challenge)
        .join(Challenge.line)
        .join(LineItem.budget)
        .where(
            Challenge.status == ChallengeStatus.open,
            Budget.status == BudgetStatus.published,
            Challenge.answer_due_on <= today + timedelta(days=REMIND_DAYS),
        )
        .order_by(Challenge.id)
    )
    sent = 0
    for challenge in db.session.scalars(stmt):
        if not _wants_reminder(challenge, today):
            continue
        sent += _mail_managers(challenge, is_reminder=True)
        challenge.reminded_on = today
    db.session.flush()
    return sent
