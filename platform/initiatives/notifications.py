"""Telling followers what happened: a mail at once, a daily digest, or nothing."""

from __future__ import annotations

from collections import defaultdict

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from samenhang import mail
from samenhang.accounts.models import NotificationMode, User
from samenhang.accounts.services import user_locale
from samenhang.db import utcnow
from samenhang.extensions import db
from samenhang.initiatives.models import Comment, Follow, Initiative, PendingNotification, State

#: Event keys stored with pending notifications, and how a mail names them. A change of
#: state is stored as "state:<new state>" and named by `StateEvent`.
EVENTS = {
    "state": _l("The status of the initiative changed."),
    "comment": _l("There is a new comment."),
}


class StateEvent:
    """ "The status is now …", with the reasons when there are any; written in the
    recipient's language when the mail template renders it."""

    def __init__(self, state: State, reason: str | None) -> None:
        self.state, self.reason = state, (reason or "").strip()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, StateEvent) and (self.state, self.reason) == (
            other.state,
            other.reason,
        )

    def __hash__(self) -> int:
        return hash((self.state, self.reason))

    def __str__(self) -> str:
        text = str(_l("The status is now “{state}”.")).format(state=self.state.label)
        if self.reason:
            text += "\n  " + str(_l("Reasons: {reasons}")).format(reasons=self.reason)
        return text


def describe(event: str, initiative: Initiative) -> object:
    """What a mail says about `event` (a key of EVENTS, or "state:<state>")."""
    kind, _, value = event.partition(":")
    if kind == "state" and value in State._value2member_map_:
        state = State(value)
        # The reasons belong to the state the initiative is in; an older one has none left.
        reason = initiative.state_reason if initiative.state is state else None
        return StateEvent(state, reason)
    return EVENTS[kind]


def _recipients(initiative: Initiative, actor: User | None) -> list[User]:
    followers = db.session.scalars(
        select(User)
        .join(Follow, Follow.user_id == User.id)
        .where(Follow.initiative_id == initiative.id)
    ).all()
    people = {u.id: u for u in [*followers, initiative.author]}
    return [
        u
        for u in people.values()
        if u.is_active
        and (actor is None or u.id != actor.id)
        and u.notification_mode is not NotificationMode.off
    ]


def _notify(initiative: Initiative, event: str, actor: User | None) -> None:
    """Mail `event` at once, or keep it for the digest (`event` as in `describe`)."""
    for user in _recipients(initiative, actor):
        if user.notification_mode is NotificationMode.digest:
            db.session.add(PendingNotification(user=user, initiative=initiative, event=event))
        else:
            mail.send_template(
                user.email,
                "initiative_changed",
                user_locale(user),
                user=user,
                initiatives={initiative: [describe(event, initiative)]},
            )


def state_changed(initiative: Initiative, actor: User | None) -> None:
    _notify(initiative, f"state:{initiative.state.value}", actor)


def commented(initiative: Initiative, comment: Comment, actor: User | None) -> None:
    _notify(initiative, "comment", actor)


def send_digests() -> int:
    """Send one mail per user with everything pending; returns the number of mails."""
    pending = db.session.scalars(
        select(PendingNotification)
        .where(PendingNotification.sent_at.is_(None))
        .order_by(PendingNotification.user_id, PendingNotification.id)
    ).all()
    by_user: dict[User, dict[Initiative, list[object]]] = defaultdict(lambda: defaultdict(list))
    for item in pending:
        events = by_user[item.user][item.initiative]
        event = describe(item.event, item.initiative)
        if event not in events:
            events.append(event)
        item.sent_at = utcnow()
    for user, initiatives in by_user.items():
        if user.is_active:
            mail.send_template(
                user.email,
                "initiative_changed",
                user_locale(user),
                user=user,
                initiatives=dict(initiatives),
            )
    return len(by_user)
