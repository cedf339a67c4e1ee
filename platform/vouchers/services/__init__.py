"""Bewonersbudgetten and vouchers: the write side.

Money moves only through `samenhang.ledger.services.post_entry`:

    source ──fund──▶ pot ──grant──▶ reservation ──pay out──▶ initiative
                      ▲ ◀──release (unpaid rest)──┘              │
                      └─────────────return (unspent)─────────────┘
    pot ──issue──▶ voucher batch ──redeem──▶ supplier
                      └──rest of a redeemed code, expired codes──▶ pot

A pot's budget is what its source gave, "committed" is what sits in reservations and
voucher batches, "remaining" is the pot account; none of them can go below zero, because
the ledger refuses (a conditional UPDATE) and decisions lock the pot row first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import IO, Any
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from samenhang.accounts.models import User
from samenhang.audit.services import log_event
from samenhang.db import utcnow
from samenhang.errors import DomainError, PermissionDenied
from samenhang.extensions import db
from samenhang.i18n import format_money
from samenhang.ledger.models import AccountKind, LedgerAccount
from samenhang.ledger.queries import balances
from samenhang.ledger.services import InsufficientFunds, open_account, post_entry, transfer
from samenhang.places.models import Wijk
from samenhang.policies import can_manage
from samenhang.vouchers import storage
from samenhang.vouchers.codes import hash_secret, new_code, new_till_token, normalise_code
from samenhang.vouchers.models import (
    Application,
    ApplicationStatus,
    BudgetLine,
    Contribution,
    ContributionKind,
    CriteriaComment,
    CriteriaParticipant,
    CriteriaStatus,
    Criterion,
    Decision,
    MoneyReturn,
    Outcome,
    PanelAdvice,
    PanelMember,
    Payout,
    Pot,
    PotStatus,
    Receipt,
    Report,
    ReportPhoto,
    Score,
    SourceKind,
    Supplier,
    Voucher,
    VoucherBatch,
    VoucherRedemption,
    VoucherStatus,
)
from samenhang.vouchers.queries import (
    MAX_POINTS,
    comments_are_open,
    find_voucher,
    is_panel_member,
    unaccounted_cents,
)

#: Residents get at least this long to comment on draft criteria (a paper letter takes days).
MIN_COMMENT_DAYS = 7
MAX_CRITERIA = 8
MAX_BUDGET_LINES = 12
MAX_REPORT_PHOTOS = 6
MAX_VOUCHERS_PER_BATCH = 500
LOCAL_TIME = ZoneInfo("Europe/Amsterdam")


class PotOverCommitted(DomainError):
    pass


class VoucherRefused(DomainError):
    pass


@dataclass(frozen=True)
class CriterionInput:
    title: str
    description: str = ""
    weight: int = 1


@dataclass(frozen=True)
class BudgetLineInput:
    description: str
    amount_cents: int


@dataclass(frozen=True)
class ContributionInput:
    kind: ContributionKind
    description: str
    hours: int | None = None
    amount_cents: int | None = None


@dataclass(frozen=True)
class Upload:
    stream: IO[bytes]
    content_type: str | None = None


def end_of_day(day: date) -> datetime:
    """23:59:59 on `day` in the Netherlands, as an aware UTC datetime."""
    return datetime.combine(day, time(23, 59, 59), tzinfo=LOCAL_TIME).astimezone(UTC)


# --- helpers ----------------------------------------------------------------------------


def _require_manager(actor: Any, wijk: Wijk) -> None:
    if not can_manage(actor, wijk):
        raise PermissionDenied(_l("Only a wijkmanager of {wijk} can do this."), wijk=wijk.name)


def _require_applicant(actor: Any, application: Application) -> None:
    if not isinstance(actor, User) or actor.id != application.applicant_id:
        raise PermissionDenied(_l("Only the residents who applied can do this."))


def _positive(amount_cents: int, message: Any = None) -> None:
    if isinstance(amount_cents, bool) or not isinstance(amount_cents, int):
        raise DomainError(_l("An amount must be a whole number of cents."))
    if amount_cents <= 0:
        raise DomainError(message or _l("The amount must be more than zero."))


def _money(amount_cents: int, pot: Pot) -> str:
    return format_money(amount_cents, pot.currency)


def _locked_pot(pot: Pot) -> Pot:
    """Take the pot's row lock (PostgreSQL), so decisions on one pot happen one at a time."""
    stmt = (
        select(Pot)
        .where(Pot.id == pot.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return db.session.scalars(stmt).one()


def _locked_application(application: Application) -> Application:
    stmt = (
        select(Application)
        .where(Application.id == application.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return db.session.scalars(stmt).one()


def _balance(account: LedgerAccount | None) -> int:
    if account is None:
        return 0
    return balances([account])[account.id]


def _over_committed(pot: Pot, needed: int) -> PotOverCommitted:
    remaining = _balance(pot.account)
    return PotOverCommitted(
        _l("The pot has only {remaining} left, and this needs {needed}. Nothing was changed."),
        remaining=_money(remaining, pot),
        needed=_money(needed, pot),
    )


# --- pots -------------------------------------------------------------------------------


def create_pot(
    wijk: Wijk,
    *,
    actor: User,
    year: int,
    name: str,
    description: str,
    source_kind: SourceKind,
    source_name: str,
    amount_cents: int,
    max_per_application_cents: int,
) -> Pot:
    """A new pot in draft, funded from its source with `amount_cents`."""
    _require_manager(actor, wijk)
    name, source_name = name.strip(), source_name.strip()
    if not name or not source_name:
        raise DomainError(_l("A pot needs a name and a source."))
    if not 2000 <= year <= 2100:
        raise DomainError(_l("This is not a valid year."))
    _positive(amount_cents, _l("The budget must be more than zero."))
    _positive(max_per_application_cents, _l("The maximum per application must be more than zero."))
    if max_per_application_cents > amount_cents:
        raise DomainError(_l("The maximum per application cannot be more than the budget."))
    duplicate = db.session.scalar(
        select(Pot.id).where(Pot.wijk_id == wijk.id, Pot.year == year, Pot.name == name)
    )
    if duplicate is not None:
        raise DomainError(_l("This wijk already has a pot with this name in {year}."), year=year)
    label = f"{name} ({wijk.name} {year})"
    pot = Pot(
        wijk=wijk,
        year=year,
        name=name,
        description=description.strip(),
        source_kind=source_kind,
        source_name=source_name,
        max_per_application_cents=max_per_application_cents,
        source_account=open_account(AccountKind.source, f"{source_name}: {label}", wijk=wijk),
        account=open_account(AccountKind.pot, label, wijk=wijk),
        created_by=actor,
    )
    db.session.add(pot)
    db.session.flush()
    post_entry(
        transfer(pot.source_account, pot.account, amount_cents),
        kind="pot.funded",
        reason=f"{source_name} → {label}",
        actor=actor,
        obj=pot,
    )
    log_event(
        actor,
        "pot.created",
        pot,
        wijk=wijk,
        after={
            "name": name,
            "year": year,
            "source_kind": source_kind.value,
            "source_name": source_name,
            "amount_cents": amount_cents,
            "max_per_application_cents": max_per_application_cents,
        },
        public=True,
    )
    return pot


def fund_pot(pot: Pot, *, actor: User, amount_cents: int, reason: str) -> None:
    """Add money to a pot from its source (a top-up during the year)."""
    _require_manager(actor, pot.wijk)
    _positive(amount_cents)
    if pot.status is PotStatus.closed:
        raise DomainError(_l("This pot is closed."))
    post_entry(
        transfer(pot.source_account, pot.account, amount_cents),
        kind="pot.funded",
        reason=reason.strip() or f"{pot.source_name} → {pot.name}",
        actor=actor,
        obj=pot,
    )
    log_event(
        actor, "pot.funded", pot, wijk=pot.wijk, after={"amount_cents": amount_cents}, public=True
    )


def set_criteria(pot: Pot, *, actor: User, criteria: Sequence[CriterionInput]) -> None:
    """Write or rewrite the draft criteria (also during the comment period, not after)."""
    _require_manager(actor, pot.wijk)
    if pot.criteria_status is CriteriaStatus.final:
        raise DomainError(_l("The criteria are final and cannot be changed any more."))
    cleaned = [c for c in criteria if c.title.strip()]
    if not cleaned:
        raise DomainError(_l("Write at least one criterion."))
    if len(cleaned) > MAX_CRITERIA:
        raise DomainError(_l("A pot has at most {count} criteria."), count=MAX_CRITERIA)
    if any(not 1 <= c.weight <= 3 for c in cleaned):
        raise DomainError(_l("A weight is 1, 2 or 3."))
    before = [c.title for c in pot.criteria]
    pot.criteria = [
        Criterion(
            position=i,
            title=c.title.strip()[:200],
            description=c.description.strip(),
            weight=c.weight,
        )
        for i, c in enumerate(cleaned, start=1)
    ]
    log_event(
        actor,
        "pot.criteria_changed",
        pot,
        wijk=pot.wijk,
        before={"criteria": before},
        after={"criteria": [c.title for c in pot.criteria]},
        public=True,
    )


def publish_criteria_draft(
    pot: Pot, *, actor: User, comments_close_on: date, now: datetime | None = None
) -> None:
    """Publish the draft criteria for comments until the end of `comments_close_on`."""
    _require_manager(actor, pot.wijk)
    now = now or utcnow()
    if pot.criteria_status is not CriteriaStatus.draft:
        raise DomainError(_l("The draft criteria are already published."))
    if not pot.criteria:
        raise DomainError(_l("Write at least one criterion."))
    closes_at = end_of_day(comments_close_on)
    if closes_at < now + timedelta(days=MIN_COMMENT_DAYS):
        raise DomainError(
            _l("Give residents at least {days} days to comment."), days=MIN_COMMENT_DAYS
        )
    pot.criteria_status = CriteriaStatus.consultation
    pot.comments_close_at = closes_at
    log_event(
        actor,
        "pot.criteria_published",
        pot,
        wijk=pot.wijk,
        after={"comments_close_at": closes_at.isoformat()},
        public=True,
    )


def comment_on_criteria(
    pot: Pot, *, author: User, body: str, now: datetime | None = None
) -> CriteriaComment:
    if not isinstance(author, User) or not author.is_active:
        raise PermissionDenied(_l("Please sign in to comment."))
    if not comments_are_open(pot, now):
        raise DomainError(_l("The comment period for these criteria is closed."))
    body = body.strip()
    if not body:
        raise DomainError(_l("Your comment is empty."))
    if len(body) > 2000:
        raise DomainError(_l("A comment has at most {count} characters."), count=2000)
    comment = CriteriaComment(pot=pot, author=author, body=body)
    db.session.add(comment)
    log_event(author, "pot.criteria_commented", comment, wijk=pot.wijk)
    return comment


def fix_criteria(
    pot: Pot,
    *,
    actor: User,
    other_participants: Sequence[str] = (),
    now: datetime | None = None,
) -> None:
    """Make the criteria final once the comment period is over, and record who took part:
    everyone who commented, and the people or groups the wijkmanager names."""
    _require_manager(actor, pot.wijk)
    now = now or utcnow()
    if pot.criteria_status is not CriteriaStatus.consultation or pot.comments_close_at is None:
        raise DomainError(_l("Publish the draft criteria for comments first."))
    if now < pot.comments_close_at:
        raise DomainError(
            _l("Residents can comment until {date}; fix the criteria after that."),
            date=pot.comments_close_at.astimezone(LOCAL_TIME).strftime("%d-%m-%Y"),
        )
    seen: set[str] = set()
    authors: set[int] = set()
    participants: list[CriteriaParticipant] = []
    for comment in pot.comments:
        if comment.author_id in authors:
            continue
        authors.add(comment.author_id)
        name = comment.author.display_name
        participants.append(CriteriaParticipant(user=comment.author, name=name))
        seen.add(name.casefold())
    for raw in other_participants:
        name = raw.strip()[:120]
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            participants.append(CriteriaParticipant(name=name))
    pot.participants = participants
    pot.criteria_status = CriteriaStatus.final
    pot.criteria_fixed_at = now
    db.session.flush()
    log_event(
        actor,
        "pot.criteria_fixed",
        pot,
        wijk=pot.wijk,
        after={
            "criteria": [c.title for c in pot.criteria],
            "comments": len(pot.comments),
            "participants": len(participants),
        },
        public=True,
    )


def open_pot(pot: Pot, *, actor: User) -> None:
    _require_manager(actor, pot.wijk)
    if pot.status is not PotStatus.draft:
        raise DomainError(_l("This pot is already open or closed."))
    if not pot.criteria_are_final:
        raise DomainError(_l("Fix the criteria with residents before the pot opens."))
    pot.status = PotStatus.open
    log_event(actor, "pot.opened", pot, wijk=pot.wijk, after={"status": "open"}, public=True)


def close_pot(pot: Pot, *, actor: User) -> None:
    _require_manager(actor, pot.wijk)
    if pot.status is not PotStatus.open:
        raise DomainError(_l("Only an open pot can be closed."))
    pot.status = PotStatus.closed
    log_event(actor, "pot.closed", pot, wijk=pot.wijk, after={"status": "closed"}, public=True)


# --- resident panel ---------------------------------------------------------------------


def add_panel_member(pot: Pot, *, actor: User, member: User) -> PanelMember:
    _require_manager(actor, pot.wijk)
    if not member.is_active or member.wijk_id != pot.wijk_id:
        raise DomainError(
            _l("{name} does not live in {wijk} (according to their profile)."),
            name=member.display_name,
            wijk=pot.wijk.name,
        )
    if any(m.user_id == member.id for m in pot.panel_members):
        raise DomainError(_l("{name} is already on the panel."), name=member.display_name)
    panel_member = PanelMember(pot=pot, user=member)
    db.session.add(panel_member)
    db.session.flush()
    log_event(actor, "pot.panel_member_added", pot, wijk=pot.wijk, after={"user_id": member.id})
    return panel_member


def remove_panel_member(pot: Pot, *, actor: User, member: User) -> None:
    _require_manager(actor, pot.wijk)
    for panel_member in pot.panel_members:
        if panel_member.user_id == member.id:
            db.session.delete(panel_member)
            pot.panel_members.remove(panel_member)
            log_event(
                actor, "pot.panel_member_removed", pot, wijk=pot.wijk, after={"user_id": member.id}
            )
            return
    raise DomainError(_l("{name} is not on the panel."), name=member.display_name)


# --- applications -----------------------------------------------------------------------


def submit_application(
    pot: Pot,
    *,
    applicant: User,
    title: str,
    summary: str,
    budget_lines: Sequence[BudgetLineInput],
    contributions: Sequence[ContributionInput] = (),
    group_name: str | None = None,
) -> Application:
    """A resident of the pot's wijk asks for money; the amount is the sum of the lines."""
    if not isinstance(applicant, User) or not applicant.is_active:
        raise PermissionDenied(_l("Please sign in to apply."))
    if not pot.is_open:
        raise DomainError(_l("This pot is not open for applications."))
    if not applicant.is_email_verified:
        raise PermissionDenied(_l("Please confirm your e-mail address first."))
    if applicant.wijk_id != pot.wijk_id:
        raise PermissionDenied(
            _l("This pot is for residents of {wijk}. Add your postcode to your profile."),
            wijk=pot.wijk.name,
        )
    title, summary = title.strip(), summary.strip()
    if not title or not summary:
        raise DomainError(_l("Give your plan a title and describe it."))
    lines = [line for line in budget_lines if line.description.strip() or line.amount_cents]
    if not lines:
        raise DomainError(_l("Add at least one budget line."))
    if len(lines) > MAX_BUDGET_LINES:
        raise DomainError(_l("An application has at most {count} budget lines."), count=12)
    for line in lines:
        if not line.description.strip():
            raise DomainError(_l("Every budget line needs a description."))
        _positive(line.amount_cents, _l("Every budget line needs an amount above zero."))
    total = sum(line.amount_cents for line in lines)
    if total > pot.max_per_application_cents:
        raise DomainError(
            _l("You can ask at most {maximum} from this pot; your budget adds up to {total}."),
            maximum=_money(pot.max_per_application_cents, pot),
            total=_money(total, pot),
        )
    for contribution in contributions:
        if contribution.hours is not None and contribution.hours <= 0:
            raise DomainError(_l("Hours must be more than zero."))
        if contribution.amount_cents is not None:
            _positive(contribution.amount_cents)
    application = Application(
        pot=pot,
        applicant=applicant,
        group_name=(group_name or "").strip()[:120] or None,
        title=title[:200],
        summary=summary,
        amount_requested_cents=total,
        budget_lines=[
            BudgetLine(
                position=i,
                description=line.description.strip()[:200],
                amount_cents=line.amount_cents,
            )
            for i, line in enumerate(lines, start=1)
        ],
        contributions=[
            Contribution(
                position=i,
                kind=c.kind,
                description=c.description.strip()[:200],
                hours=c.hours,
                amount_cents=c.amount_cents,
            )
            for i, c in enumerate([c for c in contributions if c.description.strip()], start=1)
        ],
    )
    db.session.add(application)
    db.session.flush()
    log_event(
        applicant,
        "application.submitted",
        application,
        wijk=pot.wijk,
        after={"pot_id": pot.id, "amount_requested_cents": total},
        public=True,
    )
    return application


def withdraw_application(application: Application, *, actor: User) -> None:
    _require_applicant(actor, application)
    application = _locked_application(application)
    if not application.is_open_for_decision:
        raise DomainError(_l("An application can be withdrawn only before the decision."))
    application.status = ApplicationStatus.withdrawn
    log_event(
        actor,
        "application.withdrawn",
        application,
        wijk=application.pot.wijk,
        after={"status": "withdrawn"},
        public=True,
    )


def score_application(
    application: Application, *, actor: User, points: dict[int, tuple[int, str]]
) -> None:
    """Score the application on every criterion of its pot, 0 to 5 points each."""
    pot = application.pot
    _require_manager(actor, pot.wijk)
    if not application.is_open_for_decision:
        raise DomainError(_l("This application is already decided."))
    criterion_ids = {c.id for c in pot.criteria}
    if set(points) != criterion_ids:
        raise DomainError(_l("Score the application on every criterion."))
    existing = {s.criterion_id: s for s in application.scores}
    for criterion_id, (value, note) in points.items():
        if not 0 <= value <= MAX_POINTS:
            raise DomainError(_l("A score is 0 to {maximum} points."), maximum=MAX_POINTS)
        score = existing.get(criterion_id)
        if score is None:
            score = Score(application=application, criterion_id=criterion_id, points=value)
            db.session.add(score)
        score.points = value
        score.note = note.strip()
    db.session.flush()
    log_event(
        actor,
        "application.scored",
        application,
        wijk=pot.wijk,
        after={"points": {str(k): v for k, (v, _) in sorted(points.items())}},
        public=True,
    )


def request_advice(application: Application, *, actor: User) -> None:
    pot = application.pot
    _require_manager(actor, pot.wijk)
    if application.status is not ApplicationStatus.submitted:
        raise DomainError(_l("Advice can be asked only before the decision, once."))
    if not pot.panel_members:
        raise DomainError(_l("This pot has no resident panel yet. Add panel members first."))
    application.status = ApplicationStatus.advice_requested
    log_event(
        actor,
        "application.advice_requested",
        application,
        wijk=pot.wijk,
        after={"status": "advice_requested"},
        public=True,
    )


def give_advice(
    application: Application,
    *,
    member: User,
    recommendation: Outcome,
    amount_cents: int | None,
    reasons: str,
) -> PanelAdvice:
    pot = application.pot
    if not is_panel_member(member, pot):
        raise PermissionDenied(_l("Only members of the resident panel can give advice."))
    if member.id == application.applicant_id:
        raise PermissionDenied(_l("You cannot advise on your own application."))
    if application.status is not ApplicationStatus.advice_requested:
        raise DomainError(_l("No advice is asked on this application now."))
    if any(a.member_id == member.id for a in application.advice):
        raise DomainError(_l("You already gave your advice on this application."))
    if not reasons.strip():
        raise DomainError(_l("Please explain your advice."))
    amount = _decided_amount(application, recommendation, amount_cents)
    advice = PanelAdvice(
        application=application,
        member=member,
        recommendation=recommendation,
        amount_cents=amount,
        reasons=reasons.strip(),
    )
    db.session.add(advice)
    db.session.flush()
    log_event(
        member,
        "application.advised",
        application,
        wijk=pot.wijk,
        after={"recommendation": recommendation.value, "amount_cents": amount},
    )
    return advice


def _decided_amount(application: Application, outcome: Outcome, amount_cents: int | None) -> int:
    requested = application.amount_requested_cents
    if outcome is Outcome.full:
        return requested
    if outcome is Outcome.refused:
        return 0
    if amount_cents is None:
        raise DomainError(_l("Fill in the amount granted."))
    _positive(amount_cents, _l("A partial grant is more than zero; otherwise refuse."))
    if amount_cents >= requested:
        raise DomainError(
            _l("A partial grant is less than the {requested} asked for."),
            requested=_money(requested, application.pot),
        )
    return amount_cents


def decide_application(
    application: Application,
    *,
    actor: User,
    outcome: Outcome,
    reasons: str,
    amount_cents: int | None = None,
) -> Decision:
    """Grant in full, in part, or refuse, with public reasons. A grant reserves the money in
    the pot; the pot row is locked first, so concurrent decisions cannot over-commit it."""
    pot = application.pot
    _require_manager(actor, pot.wijk)
    if not reasons.strip():
        raise DomainError(_l("Write down the reasons for the decision; they are public."))
    with db.session.begin_nested():
        pot = _locked_pot(pot)
        application = _locked_application(application)
        if not application.is_open_for_decision:
            raise DomainError(_l("This application is already decided."))
        if pot.status is PotStatus.draft:
            raise DomainError(_l("This pot is not open yet."))
        amount = _decided_amount(application, outcome, amount_cents)
        if amount > pot.max_per_application_cents:
            raise DomainError(
                _l("At most {maximum} per application can be granted from this pot."),
                maximum=_money(pot.max_per_application_cents, pot),
            )
        before = {"status": application.status.value}
        decision = Decision(
            application=application,
            outcome=outcome,
            amount_granted_cents=amount,
            reasons=reasons.strip(),
            decided_by=actor,
        )
        db.session.add(decision)
        if amount:
            label = f"{application.title} (#{application.id})"
            application.reservation_account = open_account(
                AccountKind.reservation, label, wijk=pot.wijk
            )
            application.initiative_account = open_account(
                AccountKind.initiative, label, wijk=pot.wijk
            )
            try:
                decision.entry = post_entry(
                    transfer(pot.account, application.reservation_account, amount),
                    kind="application.granted",
                    reason=label,
                    actor=actor,
                    obj=application,
                )
            except InsufficientFunds as exc:
                raise _over_committed(pot, amount) from exc
        application.status = (
            ApplicationStatus.refused if outcome is Outcome.refused else ApplicationStatus.granted
        )
        db.session.flush()
    log_event(
        actor,
        "application.decided",
        application,
        wijk=pot.wijk,
        before=before,
        after={
            "status": application.status.value,
            "outcome": outcome.value,
            "amount_requested_cents": application.amount_requested_cents,
            "amount_granted_cents": amount,
        },
        public=True,
    )
    return decision


# --- money after the decision ----------------------------------------------------------


def _require_granted(application: Application) -> None:
    if application.status is not ApplicationStatus.granted:
        raise DomainError(_l("This application is not granted, or already settled."))


def pay_out(application: Application, *, actor: User, amount_cents: int, note: str = "") -> Payout:
    """Pay an instalment of the grant to the initiative."""
    pot = application.pot
    _require_manager(actor, pot.wijk)
    _positive(amount_cents)
    application = _locked_application(application)
    _require_granted(application)
    to_pay = _balance(application.reservation_account)
    if amount_cents > to_pay:
        raise DomainError(
            _l("Only {amount} of the grant is still to be paid. Nothing was paid."),
            amount=_money(to_pay, pot),
        )
    sequence = len(application.payouts) + 1
    try:
        with db.session.begin_nested():
            entry = post_entry(
                transfer(
                    application.reservation_account, application.initiative_account, amount_cents
                ),
                kind="application.paid_out",
                reason=f"#{sequence}: {application.title} (#{application.id})",
                actor=actor,
                obj=application,
            )
            payout = Payout(
                application=application,
                sequence=sequence,
                amount_cents=amount_cents,
                note=note.strip(),
                paid_by=actor,
                entry=entry,
            )
            db.session.add(payout)
            db.session.flush()
    except IntegrityError as exc:
        raise DomainError(_l("This instalment was just paid by someone else.")) from exc
    except InsufficientFunds as exc:
        raise DomainError(
            _l("Only {amount} of the grant is still to be paid. Nothing was paid."),
            amount=_money(_balance(application.reservation_account), pot),
        ) from exc
    log_event(
        actor,
        "application.paid_out",
        application,
        wijk=pot.wijk,
        after={"sequence": sequence, "amount_cents": amount_cents},
        public=True,
    )
    return payout


def upload_receipt(
    application: Application,
    *,
    actor: User,
    description: str,
    amount_cents: int,
    image: Upload,
) -> Receipt:
    _require_applicant(actor, application)
    _require_granted(application)
    if not application.payouts:
        raise DomainError(_l("Receipts can be added once money has been paid out."))
    if not description.strip():
        raise DomainError(_l("Say what the receipt is for."))
    _positive(amount_cents)
    name = storage.store_image(image.stream, "receipts", image.content_type)
    receipt = Receipt(
        application=application,
        description=description.strip()[:200],
        amount_cents=amount_cents,
        image_name=name,
        uploaded_by=actor,
    )
    db.session.add(receipt)
    db.session.flush()
    log_event(
        actor,
        "application.receipt_added",
        application,
        wijk=application.pot.wijk,
        after={"receipt_id": receipt.id, "amount_cents": amount_cents},
    )
    return receipt


def submit_report(
    application: Application, *, actor: User, body: str, photos: Sequence[Upload] = ()
) -> Report:
    _require_applicant(actor, application)
    _require_granted(application)
    if application.report is not None:
        raise DomainError(_l("The report has already been sent."))
    if not body.strip():
        raise DomainError(_l("Write a few lines about what you did."))
    if len(photos) > MAX_REPORT_PHOTOS:
        raise DomainError(_l("Add at most {count} photos."), count=MAX_REPORT_PHOTOS)
    names = [storage.store_image(p.stream, "reports", p.content_type) for p in photos]
    report = Report(
        application=application,
        body=body.strip(),
        author=actor,
        photos=[ReportPhoto(image_name=name) for name in names],
    )
    db.session.add(report)
    db.session.flush()
    log_event(
        actor,
        "application.reported",
        application,
        wijk=application.pot.wijk,
        after={"photos": len(names)},
        public=True,
    )
    return report


def record_return(
    application: Application, *, actor: User, amount_cents: int, note: str = ""
) -> MoneyReturn:
    """The initiative paid unspent money back: it goes back into the pot."""
    pot = application.pot
    _require_manager(actor, pot.wijk)
    _positive(amount_cents)
    application = _locked_application(application)
    _require_granted(application)
    held = _balance(application.initiative_account)
    if amount_cents > held:
        raise DomainError(
            _l("The initiative holds only {amount} paid out by this pot."),
            amount=_money(held, pot),
        )
    try:
        entry = post_entry(
            transfer(application.initiative_account, pot.account, amount_cents),
            kind="application.returned",
            reason=f"{application.title} (#{application.id})",
            actor=actor,
            obj=application,
        )
    except InsufficientFunds as exc:
        raise DomainError(
            _l("The initiative holds only {amount} paid out by this pot."),
            amount=_money(_balance(application.initiative_account), pot),
        ) from exc
    money_return = MoneyReturn(
        application=application,
        amount_cents=amount_cents,
        note=note.strip(),
        recorded_by=actor,
        entry=entry,
    )
    db.session.add(money_return)
    db.session.flush()
    log_event(
        actor,
        "application.money_returned",
        application,
        wijk=pot.wijk,
        after={"amount_cents": amount_cents},
        public=True,
    )
    return money_return


def settle_application(application: Application, *, actor: User) -> None:
    """Close the books on a grant: every euro paid is covered by receipts or returned, the
    report is in, and the part of the grant never paid out goes back to the pot."""
    pot = application.pot
    _require_manager(actor, pot.wijk)
    application = _locked_application(application)
    _require_granted(application)
    if application.report is None:
        raise DomainError(_l("The initiators have not sent their report yet."))
    missing = unaccounted_cents(application)
    if missing:
        raise DomainError(
            _l("{amount} is not accounted for yet: receipts are missing or money is to return."),
            amount=_money(missing, pot),
        )
    released = _balance(application.reservation_account)
    if released:
        post_entry(
            transfer(application.reservation_account, pot.account, released),
            kind="application.released",
            reason=f"{application.title} (#{application.id})",
            actor=actor,
            obj=application,
        )
    application.status = ApplicationStatus.settled
    application.settled_at = utcnow()
    log_event(
        actor,
        "application.settled",
        application,
        wijk=pot.wijk,
        before={"status": "granted"},
        after={
            "status": "settled",
            "paid_cents": application.paid_cents,
            "returned_cents": application.returned_cents,
            "released_cents": released,
        },
        public=True,
    )


# --- voucher codes ----------------------------------------------------------------------


def create_supplier(
    wijk: Wijk, *, actor: User, name: str, address: str = ""
) -> tuple[Supplier, str]:
    """A participating supplier and the secret of its till link (shown once, stored hashed)."""
    _require_manager(actor, wijk)
    name = name.strip()[:120]
    if not name:
        raise DomainError(_l("A supplier needs a name."))
    exists = db.session.scalar(
        select(Supplier.id).where(Supplier.wijk_id == wijk.id, Supplier.name == name)
    )
    if exists is not None:
        raise DomainError(
            _l("There is already a supplier with this name in {wijk}."), wijk=wijk.name
        )
    token = new_till_token()
    supplier = Supplier(
        wijk=wijk,
        name=name,
        address=address.strip()[:200],
        till_token_hash=hash_secret(token),
        account=open_account(AccountKind.payee, f"{name} ({wijk.name})", wijk=wijk),
    )
    db.session.add(supplier)
    db.session.flush()
    log_event(actor, "supplier.created", supplier, wijk=wijk, after={"name": name}, public=True)
    return supplier, token


def renew_till_link(supplier: Supplier, *, actor: User) -> str:
    """A new till secret; the old link stops working at once."""
    _require_manager(actor, supplier.wijk)
    token = new_till_token()
    supplier.till_token_hash = hash_secret(token)
    log_event(actor, "supplier.till_link_renewed", supplier, wijk=supplier.wijk)
    return token


def issue_vouchers(
    pot: Pot,
    *,
    actor: User,
    label: str,
    value_cents: int,
    quantity: int,
    expires_on: date,
    suppliers: Sequence[Supplier],
    now: datetime | None = None,
) -> tuple[VoucherBatch, list[str]]:
    """Issue `quantity` codes worth `value_cents` each; their total is reserved in the pot.
    Returns the codes in plain text: they are shown once and stored only hashed."""
    _require_manager(actor, pot.wijk)
    now = now or utcnow()
    _positive(value_cents, _l("A voucher is worth more than zero."))
    if not 1 <= quantity <= MAX_VOUCHERS_PER_BATCH:
        raise DomainError(
            _l("Issue 1 to {maximum} vouchers at a time."), maximum=MAX_VOUCHERS_PER_BATCH
        )
    if not label.strip():
        raise DomainError(_l("Say what the vouchers are for."))
    expires_at = end_of_day(expires_on)
    if expires_at <= now:
        raise DomainError(_l("The expiry date must be in the future."))
    if not suppliers:
        raise DomainError(_l("Choose at least one supplier where the vouchers can be spent."))
    if any(s.wijk_id != pot.wijk_id or not s.is_active for s in suppliers):
        raise DomainError(_l("Choose active suppliers of this wijk."))
    total = value_cents * quantity
    codes = [new_code() for _ in range(quantity)]
    with db.session.begin_nested():
        pot = _locked_pot(pot)
        if not pot.is_open:
            raise DomainError(_l("This pot is not open."))
        batch = VoucherBatch(
            pot=pot,
            label=label.strip()[:200],
            value_cents=value_cents,
            quantity=quantity,
            expires_at=expires_at,
            suppliers=list(suppliers),
            created_by=actor,
            account=open_account(
                AccountKind.voucher, f"{label.strip()} ({pot.name})", wijk=pot.wijk
            ),
            vouchers=[
                Voucher(code_hash=hash_secret(normalise_code(c)), code_hint=normalise_code(c)[-4:])
                for c in codes
            ],
        )
        db.session.add(batch)
        db.session.flush()
        try:
            post_entry(
                transfer(pot.account, batch.account, total),
                kind="voucher.issued",
                reason=f"{quantity} × {_money(value_cents, pot)}: {batch.label}",
                actor=actor,
                obj=batch,
            )
        except InsufficientFunds as exc:
            raise _over_committed(pot, total) from exc
    log_event(
        actor,
        "voucher.batch_issued",
        batch,
        wijk=pot.wijk,
        after={
            "quantity": quantity,
            "value_cents": value_cents,
            "expires_at": expires_at.isoformat(),
            "suppliers": [s.id for s in suppliers],
        },
        public=True,
    )
    return batch, codes


def redeem_voucher(
    code: str, *, supplier: Supplier, amount_cents: int, now: datetime | None = None
) -> VoucherRedemption:
    """Spend a code at a supplier: once, up to its value, before it expires. The supplier
    gets `amount_cents`; the rest of the code's value goes back to the pot."""
    now = now or utcnow()
    voucher = find_voucher(code)
    if voucher is None:
        raise VoucherRefused(_l("This code is not valid. Check the letters and numbers."))
    batch = voucher.batch
    pot = batch.pot
    if not supplier.is_active or supplier not in batch.suppliers:
        raise VoucherRefused(
            _l("This voucher cannot be spent at {supplier}."), supplier=supplier.name
        )
    if voucher.status is VoucherStatus.redeemed:
        raise VoucherRefused(_l("This voucher has already been used."))
    if voucher.status is VoucherStatus.expired or now >= batch.expires_at:
        raise VoucherRefused(
            _l("This voucher expired on {date}."),
            date=batch.expires_at.astimezone(LOCAL_TIME).strftime("%d-%m-%Y"),
        )
    if isinstance(amount_cents, bool) or not isinstance(amount_cents, int) or amount_cents <= 0:
        raise VoucherRefused(_l("The amount must be more than zero."))
    if amount_cents > batch.value_cents:
        raise VoucherRefused(
            _l("This voucher is worth {value}; the amount is higher."),
            value=_money(batch.value_cents, pot),
        )
    with db.session.begin_nested():
        # The claim: exactly one transaction can move the code from issued to redeemed.
        claimed = db.session.execute(
            update(Voucher)
            .where(Voucher.id == voucher.id, Voucher.status == VoucherStatus.issued)
            .values(status=VoucherStatus.redeemed, redeemed_at=now)
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount != 1:
            raise VoucherRefused(_l("This voucher has already been used."))
        rest = batch.value_cents - amount_cents
        lines = transfer(batch.account, supplier.account, amount_cents)
        if rest:
            lines += transfer(batch.account, pot.account, rest)
        entry = post_entry(
            lines,
            kind="voucher.redeemed",
            reason=f"{batch.label}: …{voucher.code_hint} → {supplier.name}",
            actor=None,
            obj=voucher,
        )
        redemption = VoucherRedemption(
            voucher_id=voucher.id, supplier=supplier, amount_cents=amount_cents, entry=entry
        )
        db.session.add(redemption)
        db.session.flush()
    db.session.expire(voucher)
    log_event(
        None,
        "voucher.redeemed",
        voucher,
        wijk=pot.wijk,
        after={"supplier_id": supplier.id, "amount_cents": amount_cents, "returned_cents": rest},
    )
    return redemption


def expire_vouchers(
    *, actor: User | None, now: datetime | None = None, pot: Pot | None = None
) -> int:
    """Return the value of expired, unspent codes to their pots. Returns how many expired.
    Run by a wijkmanager for one pot, or by the `samenhang expire-vouchers` job for all."""
    now = now or utcnow()
    if pot is not None:
        _require_manager(actor, pot.wijk)
    stmt = select(VoucherBatch).where(VoucherBatch.expires_at <= now).order_by(VoucherBatch.id)
    if pot is not None:
        stmt = stmt.where(VoucherBatch.pot_id == pot.id)
    expired = 0
    for batch in db.session.scalars(stmt).all():
        with db.session.begin_nested():
            ids = list(
                db.session.scalars(
                    select(Voucher.id).where(
                        Voucher.batch_id == batch.id, Voucher.status == VoucherStatus.issued
                    )
                )
            )
            if not ids:
                continue
            result = db.session.execute(
                update(Voucher)
                .where(Voucher.id.in_(ids), Voucher.status == VoucherStatus.issued)
                .values(status=VoucherStatus.expired, expired_at=now)
                .execution_options(synchronize_session=False)
            )
            count = result.rowcount
            if count:
                post_entry(
                    transfer(batch.account, batch.pot.account, count * batch.value_cents),
                    kind="voucher.expired",
                    reason=f"{count} × {batch.label}",
                    actor=actor,
                    obj=batch,
                )
                log_event(
                    actor,
                    "voucher.batch_expired",
                    batch,
                    wijk=batch.pot.wijk,
                    after={"expired": count, "returned_cents": count * batch.value_cents},
                    public=True,
                )
                expired += count
        for voucher in batch.vouchers:
            db.session.expire(voucher)
    return expired
