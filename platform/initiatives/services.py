"""The life cycle of an initiative and what residents and wijkmanagers do with it."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from samenhang.accounts.models import User
from samenhang.audit.services import log_event
from samenhang.db import utcnow
from samenhang.errors import DomainError
from samenhang.extensions import db
from samenhang.initiatives import notifications
from samenhang.initiatives.models import (
    PUBLIC_STATES,
    Comment,
    Flag,
    Follow,
    HelpKind,
    Initiative,
    InitiativeBudgetLine,
    InitiativeHelp,
    InitiativeTheme,
    Photo,
    Revision,
    State,
    Support,
    Theme,
)
from samenhang.places.models import Wijk
from samenhang.policies import (
    can_report_realised,
    require,
    require_author,
    require_confirmed_email,
    require_manager,
)
from samenhang.text import normalise_for_search
from samenhang.uploads import delete_images, store_image, too_many_photos

MAX_PHOTOS = 5
MAX_COMMENT_LENGTH = 2000
MAX_REASON_LENGTH = 2000


@dataclass
class InitiativeData:
    """Validated form input; amounts are integer cents."""

    title: str
    summary: str
    description: str
    public_name: str
    original_locale: str
    themes: list[Theme]
    help_asked: list[HelpKind]
    budget_lines: list[tuple[str, int]] = field(default_factory=list)
    address: str | None = None
    latitude: Decimal | None = None
    longitude: Decimal | None = None


def _apply(initiative: Initiative, data: InitiativeData) -> None:
    if not data.themes:
        raise DomainError(_l("Choose at least one theme."))
    if any(amount < 0 for _, amount in data.budget_lines):
        raise DomainError(_l("An amount cannot be negative."))
    initiative.title = data.title.strip()
    initiative.summary = data.summary.strip()
    initiative.description = data.description.strip()
    initiative.public_name = data.public_name.strip()
    initiative.original_locale = data.original_locale
    initiative.address = (data.address or "").strip() or None
    initiative.latitude = data.latitude
    initiative.longitude = data.longitude
    initiative.themes = [InitiativeTheme(theme=t) for t in dict.fromkeys(data.themes)]
    initiative.help_asked = [InitiativeHelp(kind=k) for k in dict.fromkeys(data.help_asked)]
    initiative.budget_lines = [
        InitiativeBudgetLine(position=i, description=desc.strip(), amount=amount)
        for i, (desc, amount) in enumerate(data.budget_lines)
        if desc.strip()
    ]
    initiative.search_text = normalise_for_search(
        initiative.title, initiative.summary, initiative.description, initiative.public_name
    )
    initiative.updated_at = utcnow()


def create_initiative(wijk: Wijk, data: InitiativeData, *, actor: User) -> Initiative:
    initiative = Initiative(wijk=wijk, author=actor, state=State.draft)
    # Flush the row before its child rows (themes, budget lines) are attached.
    db.session.add(initiative)
    _apply(initiative, data)
    db.session.flush()
    log_event(actor, "initiative.created", initiative, wijk=wijk)
    return initiative


def update_initiative(initiative: Initiative, data: InitiativeData, *, actor: User) -> None:
    require_author(actor, initiative)
    if initiative.state not in (State.draft, State.returned):
        raise DomainError(_l("You can only change an initiative while it is a draft or returned."))
    before = {"title": initiative.title, "budget_total": initiative.budget_total}
    _apply(initiative, data)
    log_event(
        actor,
        "initiative.edited",
        initiative,
        wijk=initiative.wijk,
        before=before,
        after={"title": initiative.title, "budget_total": initiative.budget_total},
    )


def add_photo(initiative: Initiative, stream: IO[bytes], alt_text: str, *, actor: User) -> Photo:
    require_author(actor, initiative)
    if initiative.state not in (State.draft, State.returned, State.funded):
        raise DomainError(_l("You cannot add photos now."))
    if len([p for p in initiative.photos if not p.is_after]) >= MAX_PHOTOS:
        raise too_many_photos(MAX_PHOTOS)
    stored = store_image(stream, "initiatives")
    photo = Photo(
        position=len(initiative.photos),
        stored_name=stored.name,
        width=stored.width,
        height=stored.height,
        alt_text=alt_text.strip()[:200],
        is_after=initiative.state is State.funded,
    )
    initiative.photos.append(photo)
    log_event(actor, "initiative.photo_added", initiative, wijk=initiative.wijk)
    return photo


def remove_photo(photo: Photo, *, actor: User) -> None:
    initiative = photo.initiative
    require_author(actor, initiative)
    if initiative.state not in (State.draft, State.returned, State.funded):
        raise DomainError(_l("You cannot remove photos now."))
    initiative.photos.remove(photo)
    delete_images("initiatives", photo.stored_name)
    log_event(actor, "initiative.photo_removed", initiative, wijk=initiative.wijk)


def _budget_text(initiative: Initiative) -> str:
    return "\n".join(f"{line.description}: {line.amount}" for line in initiative.budget_lines)


def submit_initiative(initiative: Initiative, *, actor: User) -> None:
    require_author(actor, initiative)
    require_confirmed_email(actor, "submit_initiative")
    _move(initiative, "submit", actor=actor)
    initiative.submitted_at = utcnow()
    initiative.revisions.append(
        Revision(
            title=initiative.title,
            summary=initiative.summary,
            description=initiative.description,
            budget=_budget_text(initiative),
        )
    )


@dataclass(frozen=True)
class Transition:
    sources: frozenset[State]
    target: State
    needs_reason: bool
    public: bool


TRANSITIONS: dict[str, Transition] = {
    "submit": Transition(frozenset({State.draft, State.returned}), State.submitted, False, False),
    "start_review": Transition(frozenset({State.submitted}), State.in_review, False, True),
    "publish": Transition(
        frozenset({State.submitted, State.in_review}), State.published, False, True
    ),
    "return": Transition(frozenset({State.submitted, State.in_review}), State.returned, True, True),
    "reject": Transition(frozenset({State.submitted, State.in_review}), State.rejected, True, True),
    "fund": Transition(frozenset({State.published}), State.funded, False, True),
    "realise": Transition(frozenset({State.funded}), State.realised, True, True),
}

#: Decisions a wijkmanager takes on the moderation page.
DECISIONS = ("start_review", "publish", "return", "reject")


def _move(initiative: Initiative, action: str, reason: str | None = None, *, actor: User) -> None:
    """Every state change goes through here: checked, audited, followers told."""
    transition = TRANSITIONS[action]
    if initiative.state not in transition.sources:
        raise DomainError(_l("This is not possible in the current state of the initiative."))
    reason = (reason or "").strip()
    if transition.needs_reason and not reason:
        raise DomainError(_l("Please write the reasons. The initiator and the public see them."))
    if len(reason) > MAX_REASON_LENGTH:
        raise DomainError(
            lazy_ngettext(
                "The text is too long. The maximum is {count} character.",
                "The text is too long. The maximum is {count} characters.",
                MAX_REASON_LENGTH,
            ),
            count=MAX_REASON_LENGTH,
        )
    before = initiative.state
    initiative.state = transition.target
    if reason or transition.needs_reason:
        initiative.state_reason = reason
    if transition.target is State.published:
        initiative.published_at = utcnow()
    log_event(
        actor,
        f"initiative.{transition.target.value}",
        initiative,
        wijk=initiative.wijk,
        before={"state": before.value},
        after={"state": transition.target.value, "reason": reason or None},
        public=transition.public,
    )
    notifications.state_changed(initiative, actor)


def decide_initiative(initiative: Initiative, decision: str, reason: str, *, actor: User) -> None:
    """A wijkmanager's decision: start review, publish, return or reject, with reasons."""
    require_manager(actor, initiative.wijk)
    if decision not in DECISIONS:
        raise DomainError(_l("Unknown decision."))
    _move(initiative, decision, reason, actor=actor)


def mark_funded(initiative: Initiative, source: str, *, actor: User) -> None:
    """Called by the areas that fund (voucher, stemdag, campaign); `source` says which."""
    _move(initiative, "fund", source, actor=actor)


def mark_realised(initiative: Initiative, report: str, *, actor: User) -> None:
    require(can_report_realised(actor, initiative))
    _move(initiative, "realise", report, actor=actor)


def _check_public(initiative: Initiative) -> None:
    if initiative.state not in PUBLIC_STATES:
        raise DomainError(_l("This initiative is not published."))


def support_initiative(initiative: Initiative, *, actor: User) -> None:
    _check_public(initiative)
    require_confirmed_email(actor, "support")
    try:
        # The primary key (initiative, user) is the guard; a savepoint keeps the request's
        # transaction usable when a double click loses the race.
        with db.session.begin_nested():
            db.session.add(Support(initiative_id=initiative.id, user_id=actor.id))
    except IntegrityError as exc:
        raise DomainError(_l("You already support this initiative.")) from exc
    db.session.expire(initiative, ["supports"])


def withdraw_support(initiative: Initiative, *, actor: User) -> None:
    db.session.execute(
        delete(Support).where(Support.initiative_id == initiative.id, Support.user_id == actor.id)
    )
    db.session.expire(initiative, ["supports"])


def follow_initiative(initiative: Initiative, *, actor: User) -> None:
    require_confirmed_email(actor, "follow")
    if db.session.get(Follow, (initiative.id, actor.id)) is None:
        db.session.add(Follow(initiative_id=initiative.id, user_id=actor.id))


def unfollow_initiative(initiative: Initiative, *, actor: User) -> None:
    follow = db.session.get(Follow, (initiative.id, actor.id))
    if follow is not None:
        db.session.delete(follow)


def add_comment(
    initiative: Initiative, body: str, parent: Comment | None = None, *, actor: User
) -> Comment:
    _check_public(initiative)
    require_confirmed_email(actor, "comment")
    body = body.strip()
    if not body:
        raise DomainError(_l("Please write a comment."))
    if len(body) > MAX_COMMENT_LENGTH:
        raise DomainError(
            lazy_ngettext(
                "The text is too long. The maximum is {count} character.",
                "The text is too long. The maximum is {count} characters.",
                MAX_COMMENT_LENGTH,
            ),
            count=MAX_COMMENT_LENGTH,
        )
    if parent is not None and parent.initiative_id != initiative.id:
        raise DomainError(_l("You can only reply to a comment on this initiative."))
    comment = Comment(initiative=initiative, author=actor, body=body, parent=parent)
    db.session.add(comment)
    db.session.flush()
    follow_initiative(initiative, actor=actor)
    notifications.commented(initiative, comment, actor)
    return comment


def hide_comment(comment: Comment, reason: str, *, actor: User) -> None:
    require_manager(actor, comment.initiative.wijk)
    reason = reason.strip()
    if not reason:
        raise DomainError(_l("Please write the reasons. The initiator and the public see them."))
    comment.is_hidden = True
    comment.hidden_reason = reason
    _resolve_flags(comment.initiative, comment)
    log_event(
        actor,
        "comment.hidden",
        comment,
        wijk=comment.initiative.wijk,
        after={"initiative_id": comment.initiative_id, "reason": reason},
        public=True,
    )


def flag_content(
    initiative: Initiative, reason: str, comment: Comment | None = None, *, actor: User
) -> Flag:
    require_confirmed_email(actor, "flag")
    reason = reason.strip()
    if not reason:
        raise DomainError(_l("Please tell us what is wrong."))
    if comment is not None and comment.initiative_id != initiative.id:
        raise DomainError(_l("You can only reply to a comment on this initiative."))
    target = Flag.comment_id == comment.id if comment else Flag.comment_id.is_(None)
    existing = db.session.scalar(
        select(Flag.id).where(
            Flag.initiative_id == initiative.id,
            target,
            Flag.reporter_id == actor.id,
            Flag.resolved_at.is_(None),
        )
    )
    if existing is not None:
        raise DomainError(_l("You have already reported this. A wijkmanager will look at it."))
    flag = Flag(initiative=initiative, comment=comment, reporter_id=actor.id, reason=reason[:2000])
    db.session.add(flag)
    db.session.flush()
    log_event(
        actor,
        "initiative.flagged",
        initiative,
        wijk=initiative.wijk,
        after={"comment_id": comment.id if comment else None},
    )
    return flag


def _resolve_flags(initiative: Initiative, comment: Comment | None) -> None:
    for flag in db.session.scalars(
        select(Flag).where(Flag.initiative_id == initiative.id, Flag.resolved_at.is_(None))
    ):
        if comment is None or flag.comment_id == comment.id:
            flag.resolved_at = utcnow()


def dismiss_flags(initiative: Initiative, *, actor: User) -> None:
    """The wijkmanager looked and found nothing to act on."""
    require_manager(actor, initiative.wijk)
    _resolve_flags(initiative, None)
    log_event(actor, "initiative.flags_dismissed", initiative, wijk=initiative.wijk, public=True)
