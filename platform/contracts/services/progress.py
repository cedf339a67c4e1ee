"""Following a signed contract through the year: progress and status per goal, commitments
done, residents' questions and the owners' answers, links to what serves a goal, and the
closing review at the end of the year."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import IO

from flask_babel import format_date
from flask_babel import lazy_gettext as _l

from samenhang import uploads
from samenhang.accounts.models import User
from samenhang.audit.services import log_event
from samenhang.budgets.models import LineItem
from samenhang.campaigns.models import Campaign
from samenhang.contracts import queries
from samenhang.contracts.models import (
    Commitment,
    ContractStatus,
    Goal,
    GoalLink,
    GoalStatus,
    Progress,
    Question,
    Review,
    ReviewOutcome,
    Unit,
)
from samenhang.contracts.services.common import clean_text, require_in_force
from samenhang.contracts.units import check_unit, check_value
from samenhang.db import utcnow
from samenhang.errors import DomainError
from samenhang.extensions import db
from samenhang.initiatives.models import Initiative
from samenhang.localtime import local_today
from samenhang.policies import (
    can_complete_commitment,
    can_link_goal,
    can_view_contract,
    is_member,
    is_pot_public,
    require,
    require_reporter,
    require_visible,
)
from samenhang.voting.models import Phase, Round
from samenhang.vouchers.models import Pot

#: The closing review is written from this day of the contract's year on (or after the
#: goal's deadline, if that is earlier).
REVIEW_FROM = (11, 1)


@dataclass(frozen=True)
class Photo:
    stream: IO[bytes]
    content_type: str | None = None


def _evidence(url: str) -> str:
    url = (url or "").strip()
    if url and not url.startswith(("https://", "http://")):
        raise DomainError(_l("A link starts with https://"))
    if len(url) > 500:
        raise DomainError(_l("This link is too long."))
    return url


def post_progress(
    goal: Goal,
    value: Decimal,
    unit: Unit,
    measured_on: date,
    *,
    actor: User,
    note: str = "",
    evidence_url: str = "",
    photo: Photo | None = None,
    now: datetime | None = None,
) -> Progress:
    """A new measured value of the goal's indicator, in the goal's own unit."""
    require_reporter(actor, goal)
    require_in_force(goal.contract)
    check_unit(goal.unit, unit)
    value = check_value(goal.unit, value)
    if measured_on > local_today(now):
        raise DomainError(_l("The date cannot be in the future."))
    progress = Progress(
        goal=goal,
        value=value,
        measured_on=measured_on,
        note=(note or "").strip(),
        evidence_url=_evidence(evidence_url),
        author=actor,
    )
    if photo is not None:
        stored = uploads.store_image(photo.stream, "contracts", content_type=photo.content_type)
        progress.photo_name = stored.name
        progress.photo_width, progress.photo_height = stored.width, stored.height
    db.session.add(progress)
    db.session.flush()
    log_event(
        actor,
        "goal.progress",
        goal,
        wijk=goal.wijk,
        after={"value": str(value), "measured_on": measured_on.isoformat()},
    )
    return progress


def set_status(
    goal: Goal, status: GoalStatus, reason: str, *, actor: User, now: datetime | None = None
) -> None:
    require_reporter(actor, goal)
    require_in_force(goal.contract)
    reason = (reason or "").strip()
    if status is GoalStatus.dropped and not reason:
        raise DomainError(_l("Say in public why the goal is dropped."))
    before = {"status": goal.status.value, "reason": goal.status_reason}
    goal.status, goal.status_reason = GoalStatus(status), reason
    goal.status_changed_at = now or utcnow()
    log_event(
        actor,
        "goal.status",
        goal,
        wijk=goal.wijk,
        before=before,
        after={"status": goal.status.value, "reason": reason},
    )


def complete_commitment(
    commitment: Commitment, note: str, *, actor: User, now: datetime | None = None
) -> None:
    require(
        can_complete_commitment(actor, commitment),
        _l("Only {party} can do this for this goal."),
        party=commitment.party.name,
    )
    require_in_force(commitment.goal.contract)
    if commitment.done_at is not None:
        raise DomainError(_l("This commitment is already done."))
    commitment.done_at = now or utcnow()
    commitment.done_note = (note or "").strip()
    log_event(actor, "commitment.done", commitment, wijk=commitment.goal.wijk)


def ask_question(goal: Goal, body: str, *, author: User) -> Question:
    if not is_member(author):
        raise DomainError(_l("Sign in to ask a question"))
    require_visible(can_view_contract(author, goal.contract))
    question = Question(
        goal=goal, author=author, body=clean_text(body, _l("Write your question."), 2000)
    )
    db.session.add(question)
    return question


def answer_question(
    question: Question, answer: str, *, actor: User, now: datetime | None = None
) -> None:
    require_reporter(actor, question.goal)
    if question.answer is not None:
        raise DomainError(_l("This question is already answered."))
    question.answer = clean_text(answer, _l("Write your answer."), 2000)
    question.answered_by = actor
    question.answered_at = now or utcnow()
    log_event(actor, "goal.question_answered", question.goal, wijk=question.goal.wijk)


def review_opens_on(goal: Goal) -> date:
    return min(date(goal.contract.year, *REVIEW_FROM), goal.deadline)


def review_goal(
    goal: Goal,
    outcome: ReviewOutcome,
    summary: str,
    *,
    actor: User,
    final_value: Decimal | None = None,
    now: datetime | None = None,
) -> Review:
    """The owner's closing review; an unfinished goal can then carry over to next year."""
    require_reporter(actor, goal)
    require_in_force(goal.contract)
    opens_on = review_opens_on(goal)
    if local_today(now) < opens_on:
        raise DomainError(
            _l("The closing review is written at the end of the year, from {date}."),
            date=format_date(opens_on),
        )
    if goal.review is not None:
        raise DomainError(_l("This goal already has its closing review."))
    review = Review(
        goal=goal,
        outcome=ReviewOutcome(outcome),
        final_value=None if final_value is None else check_value(goal.unit, final_value),
        summary=clean_text(summary, _l("Say how the year went for this goal.")),
        reviewed_by=actor,
    )
    db.session.add(review)
    db.session.flush()
    log_event(
        actor,
        "goal.reviewed",
        goal,
        wijk=goal.wijk,
        after={"outcome": review.outcome.value},
    )
    return review


LinkTarget = Initiative | Round | Pot | Campaign | LineItem


def _is_public(target: LinkTarget) -> bool:
    if isinstance(target, Initiative):
        return target.is_public
    if isinstance(target, Round):
        return target.phase is not Phase.draft
    if isinstance(target, Campaign):
        return target.is_public
    if isinstance(target, LineItem):
        return target.budget.is_published
    return is_pot_public(target)


def _wijk_id(target: LinkTarget) -> int:
    return target.budget.wijk_id if isinstance(target, LineItem) else target.wijk_id


def _new_link(target: LinkTarget, actor: User) -> GoalLink:
    return GoalLink(
        initiative=target if isinstance(target, Initiative) else None,
        round=target if isinstance(target, Round) else None,
        pot=target if isinstance(target, Pot) else None,
        campaign=target if isinstance(target, Campaign) else None,
        line=target if isinstance(target, LineItem) else None,
        created_by_id=actor.id,
    )


def link(goal: Goal, target: LinkTarget, *, actor: User) -> GoalLink:
    """Show on the goal's page that an initiative, a stemdag round, a pot, a campaign or a
    buurtbegroting line serves it."""
    require(can_link_goal(actor, goal), _l("You may not link things to this goal."))
    if goal.contract.status is ContractStatus.superseded:
        raise DomainError(_l("A newer version of this buurtcontract replaced this one."))
    if _wijk_id(target) != goal.contract.wijk_id or not _is_public(target):
        raise DomainError(_l("Only public things in {wijk} can be linked."), wijk=goal.wijk.name)
    if any(li.target is target for li in goal.links):
        raise DomainError(_l("This is already linked to the goal."))
    if isinstance(target, LineItem):
        # A line pays for one goal: its edit form shows and changes that one.
        other = queries.served_goal(target)
        if other is not None and not queries.same_goal(other, goal):
            raise DomainError(
                _l("This budget line already pays for the goal “{goal}”."), goal=other.title
            )
    found = _new_link(target, actor)
    goal.links.append(found)
    db.session.flush()
    log_event(actor, "goal.linked", goal, wijk=goal.wijk, after={"link": found.id})
    return found


def unlink(goal_link: GoalLink, *, actor: User) -> None:
    goal = goal_link.goal
    require(can_link_goal(actor, goal), _l("You may not link things to this goal."))
    goal.links.remove(goal_link)
    log_event(actor, "goal.unlinked", goal, wijk=goal.wijk, before={"link": goal_link.id})


def serve_goal(line: LineItem, goal: Goal | None, *, actor: User) -> bool:
    """Make `goal` the one goal a buurtbegroting line pays for (None: no goal), as the
    wijkmanager does on the line's edit form or by an import; returns whether it changed.
    Links to other versions of the same goal (an amendment being signed) stay."""
    current = queries.current_links(line)
    keep = [li for li in current if goal is not None and queries.same_goal(li.goal, goal)]
    if goal is not None:
        require(can_link_goal(actor, goal), _l("You may not link things to this goal."))
        if goal.contract.status is ContractStatus.superseded:
            raise DomainError(_l("A newer version of this buurtcontract replaced this one."))
        if goal.contract.wijk_id != line.budget.wijk_id:
            raise DomainError(
                _l("Only public things in {wijk} can be linked."), wijk=goal.wijk.name
            )
    changed = False
    for old in current:
        if old not in keep:
            unlink(old, actor=actor)
            changed = True
    if goal is not None and not keep:
        found = _new_link(line, actor)
        goal.links.append(found)
        db.session.flush()
        log_event(actor, "goal.linked", goal, wijk=goal.wijk, after={"link": found.id})
        changed = True
    db.session.flush()
    return changed
