"""Pots: made and funded from a source, criteria written with residents, opened and
closed; the resident panel that advises on applications."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from sqlalchemy import select

from samenhang.accounts.models import User
from samenhang.audit.services import log_event
from samenhang.db import utcnow
from samenhang.errors import DomainError
from samenhang.extensions import db
from samenhang.ledger.models import AccountKind
from samenhang.ledger.services import open_account, post_entry, transfer
from samenhang.localtime import comments_close_at, local_date
from samenhang.places.models import Wijk
from samenhang.policies import is_member, require, require_manager
from samenhang.vouchers.models import (
    CriteriaComment,
    CriteriaParticipant,
    CriteriaStatus,
    Criterion,
    EntryKind,
    PanelMember,
    Pot,
    PotStatus,
    SourceKind,
)
from samenhang.vouchers.queries import comments_are_open
from samenhang.vouchers.services.common import require_positive

#: Residents get at least this long to comment on draft criteria (a paper letter takes days).
MIN_COMMENT_DAYS = 7
MAX_CRITERIA = 8


@dataclass(frozen=True)
class CriterionInput:
    title: str
    description: str = ""
    weight: int = 1
    #: The criterion this row edits; None for a new one. An edited criterion keeps its id,
    #: so its translations stay attached (and show "the original changed since").
    criterion_id: int | None = None


def create_pot(
    wijk: Wijk,
    year: int,
    name: str,
    description: str,
    source_kind: SourceKind,
    source_name: str,
    amount_cents: int,
    max_per_application_cents: int,
    *,
    actor: User,
) -> Pot:
    """A new pot in draft, funded from its source with `amount_cents`."""
    require_manager(actor, wijk)
    name, source_name = name.strip(), source_name.strip()
    if not name or not source_name:
        raise DomainError(_l("A pot needs a name and a source."))
    if not 2000 <= year <= 2100:
        raise DomainError(_l("This is not a valid year."))
    require_positive(amount_cents, _l("The budget must be more than zero."))
    require_positive(
        max_per_application_cents, _l("The maximum per application must be more than zero.")
    )
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
        kind=EntryKind.pot_funded,
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


def fund_pot(pot: Pot, amount_cents: int, reason: str = "", *, actor: User) -> None:
    """Add money to a pot from its source (a top-up during the year)."""
    require_manager(actor, pot.wijk)
    require_positive(amount_cents)
    if pot.status is PotStatus.closed:
        raise DomainError(_l("This pot is closed."))
    post_entry(
        transfer(pot.source_account, pot.account, amount_cents),
        kind=EntryKind.pot_funded,
        reason=reason.strip() or f"{pot.source_name} → {pot.name}",
        actor=actor,
        obj=pot,
    )
    log_event(
        actor, "pot.funded", pot, wijk=pot.wijk, after={"amount_cents": amount_cents}, public=True
    )


# --- criteria, written with residents ---------------------------------------------------


def set_criteria(pot: Pot, criteria: Sequence[CriterionInput], *, actor: User) -> None:
    """Write or rewrite the draft criteria (also during the comment period, not after)."""
    require_manager(actor, pot.wijk)
    if pot.criteria_status is CriteriaStatus.final:
        raise DomainError(_l("The criteria are final and cannot be changed any more."))
    cleaned = [c for c in criteria if c.title.strip()]
    if not cleaned:
        raise DomainError(_l("Write at least one criterion."))
    if len(cleaned) > MAX_CRITERIA:
        raise DomainError(
            lazy_ngettext(
                "A pot has at most {count} criterion.",
                "A pot has at most {count} criteria.",
                MAX_CRITERIA,
            ),
            count=MAX_CRITERIA,
        )
    if any(not 1 <= c.weight <= 3 for c in cleaned):
        raise DomainError(_l("A weight is 1, 2 or 3."))
    before = [c.title for c in pot.criteria]
    # Only this pot's own criteria can be edited; any other id makes a new criterion.
    existing = {c.id: c for c in pot.criteria}
    kept: list[Criterion] = []
    for position, row in enumerate(cleaned, start=1):
        criterion = existing.pop(row.criterion_id, None) if row.criterion_id else None
        if criterion is None:
            criterion = Criterion()
        criterion.position = position
        criterion.title = row.title.strip()[:200]
        criterion.description = row.description.strip()
        criterion.weight = row.weight
        kept.append(criterion)
    pot.criteria = kept
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
    pot: Pot, comments_close_on: date, *, actor: User, now: datetime | None = None
) -> None:
    """Publish the draft criteria for comments until the end of `comments_close_on`."""
    require_manager(actor, pot.wijk)
    now = now or utcnow()
    if pot.criteria_status is not CriteriaStatus.draft:
        raise DomainError(_l("The draft criteria are already published."))
    if not pot.criteria:
        raise DomainError(_l("Write at least one criterion."))
    closes_at = comments_close_at(comments_close_on, now, MIN_COMMENT_DAYS)
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
    pot: Pot, body: str, *, actor: User, now: datetime | None = None
) -> CriteriaComment:
    """A resident's comment on the draft criteria, while the comment period runs."""
    require(is_member(actor), _l("Please sign in to comment."))
    if not comments_are_open(pot, now):
        raise DomainError(_l("The comment period for these criteria is closed."))
    body = body.strip()
    if not body:
        raise DomainError(_l("Your comment is empty."))
    if len(body) > 2000:
        raise DomainError(
            lazy_ngettext(
                "A comment has at most {count} character.",
                "A comment has at most {count} characters.",
                2000,
            ),
            count=2000,
        )
    comment = CriteriaComment(pot=pot, author=actor, body=body)
    db.session.add(comment)
    log_event(actor, "pot.criteria_commented", comment, wijk=pot.wijk)
    return comment


def fix_criteria(
    pot: Pot,
    other_participants: Sequence[str] = (),
    *,
    actor: User,
    now: datetime | None = None,
) -> None:
    """Make the criteria final once the comment period is over, and record who took part:
    everyone who commented, and the people or groups the wijkmanager names."""
    require_manager(actor, pot.wijk)
    now = now or utcnow()
    if pot.criteria_status is not CriteriaStatus.consultation or pot.comments_close_at is None:
        raise DomainError(_l("Publish the draft criteria for comments first."))
    if now < pot.comments_close_at:
        raise DomainError(
            _l("Residents can comment until {date}; fix the criteria after that."),
            date=local_date(pot.comments_close_at).strftime("%d-%m-%Y"),
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


# --- opening and closing ---------------------------------------------------------------


def open_pot(pot: Pot, *, actor: User) -> None:
    require_manager(actor, pot.wijk)
    if pot.status is not PotStatus.draft:
        raise DomainError(_l("This pot is already open or closed."))
    if not pot.criteria_are_final:
        raise DomainError(_l("Fix the criteria with residents before the pot opens."))
    pot.status = PotStatus.open
    log_event(actor, "pot.opened", pot, wijk=pot.wijk, after={"status": "open"}, public=True)


def close_pot(pot: Pot, *, actor: User) -> None:
    require_manager(actor, pot.wijk)
    if pot.status is not PotStatus.open:
        raise DomainError(_l("Only an open pot can be closed."))
    pot.status = PotStatus.closed
    log_event(actor, "pot.closed", pot, wijk=pot.wijk, after={"status": "closed"}, public=True)


# --- resident panel ---------------------------------------------------------------------


def add_panel_member(pot: Pot, member: User, *, actor: User) -> PanelMember:
    require_manager(actor, pot.wijk)
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


def remove_panel_member(pot: Pot, member: User, *, actor: User) -> None:
    require_manager(actor, pot.wijk)
    for panel_member in pot.panel_members:
        if panel_member.user_id == member.id:
            db.session.delete(panel_member)
            pot.panel_members.remove(panel_member)
            log_event(
                actor, "pot.panel_member_removed", pot, wijk=pot.wijk, after={"user_id": member.id}
            )
            return
    raise DomainError(_l("{name} is not on the panel."), name=member.display_name)
