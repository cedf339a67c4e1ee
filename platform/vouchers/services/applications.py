"""Applications: submitted by residents, scored, advised on by the panel, decided with
public reasons (a grant reserves the money in the pot)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext

from samenhang.accounts.models import User
from samenhang.accounts.services import user_locale
from samenhang.audit.services import log_event
from samenhang.errors import DomainError
from samenhang.extensions import db
from samenhang.ledger.models import AccountKind
from samenhang.ledger.services import InsufficientFunds, open_account, post_entry, transfer
from samenhang.mail import send_template
from samenhang.policies import (
    require_adviser,
    require_applicant,
    require_manager,
    require_may_apply,
)
from samenhang.vouchers.models import (
    Application,
    ApplicationStatus,
    BudgetLine,
    Contribution,
    ContributionKind,
    Decision,
    EntryKind,
    Outcome,
    PanelAdvice,
    Pot,
    PotStatus,
    Score,
)
from samenhang.vouchers.queries import MAX_POINTS, has_advised
from samenhang.vouchers.services.common import (
    format_amount,
    locked_application,
    locked_pot,
    over_committed,
    require_positive,
)

MAX_BUDGET_LINES = 12


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


def submit_application(
    pot: Pot,
    title: str,
    summary: str,
    budget_lines: Sequence[BudgetLineInput],
    contributions: Sequence[ContributionInput] = (),
    group_name: str | None = None,
    *,
    actor: User,
) -> Application:
    """A resident of the pot's wijk asks for money; the amount is the sum of the lines."""
    require_may_apply(actor, pot)
    if not pot.is_open:
        raise DomainError(_l("This pot is not open for applications."))
    title, summary = title.strip(), summary.strip()
    if not title or not summary:
        raise DomainError(_l("Give your plan a title and describe it."))
    lines = [line for line in budget_lines if line.description.strip() or line.amount_cents]
    if not lines:
        raise DomainError(_l("Add at least one budget line."))
    if len(lines) > MAX_BUDGET_LINES:
        raise DomainError(
            lazy_ngettext(
                "An application has at most {count} budget line.",
                "An application has at most {count} budget lines.",
                MAX_BUDGET_LINES,
            ),
            count=MAX_BUDGET_LINES,
        )
    for line in lines:
        if not line.description.strip():
            raise DomainError(_l("Every budget line needs a description."))
        require_positive(line.amount_cents, _l("Every budget line needs an amount above zero."))
    total = sum(line.amount_cents for line in lines)
    if total > pot.max_per_application_cents:
        raise DomainError(
            _l("You can ask at most {maximum} from this pot; your budget adds up to {total}."),
            maximum=format_amount(pot.max_per_application_cents, pot),
            total=format_amount(total, pot),
        )
    for contribution in contributions:
        if contribution.hours is not None and contribution.hours <= 0:
            raise DomainError(_l("Hours must be more than zero."))
        if contribution.amount_cents is not None:
            require_positive(contribution.amount_cents)
    application = Application(
        pot=pot,
        applicant=actor,
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
        actor,
        "application.submitted",
        application,
        wijk=pot.wijk,
        after={"pot_id": pot.id, "amount_requested_cents": total},
        public=True,
    )
    return application


def withdraw_application(application: Application, *, actor: User) -> None:
    require_applicant(actor, application)
    application = locked_application(application)
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
    application: Application, points: dict[int, tuple[int, str]], *, actor: User
) -> None:
    """Score the application on every criterion of its pot, 0 to 5 points each."""
    pot = application.pot
    require_manager(actor, pot.wijk)
    if not application.is_open_for_decision:
        raise DomainError(_l("This application is already decided."))
    criterion_ids = {c.id for c in pot.criteria}
    if set(points) != criterion_ids:
        raise DomainError(_l("Score the application on every criterion."))
    existing = {s.criterion_id: s for s in application.scores}
    for criterion_id, (value, note) in points.items():
        if not 0 <= value <= MAX_POINTS:
            raise DomainError(
                lazy_ngettext(
                    "A score is 0 to {maximum} point.",
                    "A score is 0 to {maximum} points.",
                    MAX_POINTS,
                ),
                maximum=MAX_POINTS,
            )
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
    require_manager(actor, pot.wijk)
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
    recommendation: Outcome,
    amount_cents: int | None,
    reasons: str,
    *,
    actor: User,
) -> PanelAdvice:
    """A panel member's advice on an application the wijkmanager asked advice on."""
    pot = application.pot
    require_adviser(actor, application)
    if application.status is not ApplicationStatus.advice_requested:
        raise DomainError(_l("No advice is asked on this application now."))
    if has_advised(actor, application):
        raise DomainError(_l("You already gave your advice on this application."))
    if not reasons.strip():
        raise DomainError(_l("Please explain your advice."))
    amount = _decided_amount(application, recommendation, amount_cents)
    advice = PanelAdvice(
        application=application,
        member=actor,
        recommendation=recommendation,
        amount_cents=amount,
        reasons=reasons.strip(),
    )
    db.session.add(advice)
    db.session.flush()
    log_event(
        actor,
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
    require_positive(amount_cents, _l("A partial grant is more than zero; otherwise refuse."))
    if amount_cents >= requested:
        raise DomainError(
            _l("A partial grant is less than the {requested} asked for."),
            requested=format_amount(requested, application.pot),
        )
    return amount_cents


def decide_application(
    application: Application,
    outcome: Outcome,
    reasons: str,
    amount_cents: int | None = None,
    *,
    actor: User,
) -> Decision:
    """Grant in full, in part, or refuse, with public reasons. A grant reserves the money in
    the pot; the pot row is locked first, so concurrent decisions cannot over-commit it."""
    pot = application.pot
    require_manager(actor, pot.wijk)
    if not reasons.strip():
        raise DomainError(_l("Write down the reasons for the decision; they are public."))
    with db.session.begin_nested():
        pot = locked_pot(pot)
        application = locked_application(application)
        if not application.is_open_for_decision:
            raise DomainError(_l("This application is already decided."))
        if pot.status is PotStatus.draft:
            raise DomainError(_l("This pot is not open yet."))
        amount = _decided_amount(application, outcome, amount_cents)
        if amount > pot.max_per_application_cents:
            raise DomainError(
                _l("At most {maximum} per application can be granted from this pot."),
                maximum=format_amount(pot.max_per_application_cents, pot),
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
                    kind=EntryKind.application_granted,
                    reason=label,
                    actor=actor,
                    obj=application,
                )
            except InsufficientFunds as exc:
                raise over_committed(pot, amount) from exc
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
    # The applicant hears the outcome and its reasons at once, not only on the page.
    send_template(
        application.applicant.email,
        "application_decided",
        user_locale(application.applicant),
        user=application.applicant,
        application=application,
        decision=decision,
    )
    return decision
