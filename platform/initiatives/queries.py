"""Reading initiatives: public lists with filters and search, the moderation queue, the log."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Generic, TypeVar

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, and_, exists, false, func, literal_column, select
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from samenhang.accounts.models import User
from samenhang.audit.models import AuditEntry
from samenhang.db import utcnow
from samenhang.enums import LabelledEnum
from samenhang.extensions import db
from samenhang.initiatives.models import (
    PUBLIC_STATES,
    Comment,
    Flag,
    Follow,
    HelpKind,
    Initiative,
    InitiativeHelp,
    InitiativeTheme,
    Photo,
    State,
    Support,
    Theme,
)
from samenhang.places.models import Municipality, Wijk
from samenhang.text import normalise_for_search

WORD = re.compile(r"\w+")

T = TypeVar("T")
PER_PAGE = 20
#: Submitted initiatives waiting longer than this show as stale in the queue.
STALE_AFTER = timedelta(days=14)


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_prev(self) -> bool:
        return self.page > 1


@dataclass
class InitiativeFilter:
    wijk: Wijk | None = None
    municipality: Municipality | None = None
    themes: list[Theme] = field(default_factory=list)
    states: list[State] = field(default_factory=list)
    help_asked: list[HelpKind] = field(default_factory=list)
    query: str = ""


def _search(stmt: Select, query: str) -> Select:
    """Every word must occur, as the start of a word (PostgreSQL, full-text with a GIN
    index: `ix_initiatives_search`) or anywhere (SQLite, LIKE)."""
    words = normalise_for_search(query).split()[:8]
    if words and db.session.get_bind().dialect.name == "postgresql":
        # Only letters and digits reach the query: to_tsquery's operators cannot.
        terms = [t for word in words for t in WORD.findall(word)]
        if not terms:
            return stmt.where(false())
        return stmt.where(
            func.to_tsvector(literal_column("'simple'"), Initiative.search_text).op("@@")(
                func.to_tsquery(literal_column("'simple'"), " & ".join(f"{t}:*" for t in terms))
            )
        )
    for word in words:
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        stmt = stmt.where(Initiative.search_text.like(f"%{escaped}%", escape="\\"))
    return stmt


def _filtered(criteria: InitiativeFilter, states: frozenset[State]) -> Select:
    wanted = [s for s in criteria.states if s in states] or list(states)
    stmt = select(Initiative).where(Initiative.state.in_(wanted))
    if criteria.wijk is not None:
        stmt = stmt.where(Initiative.wijk_id == criteria.wijk.id)
    elif criteria.municipality is not None:
        stmt = stmt.join(Initiative.wijk).where(Wijk.municipality_id == criteria.municipality.id)
    if criteria.themes:
        stmt = stmt.where(
            exists().where(
                InitiativeTheme.initiative_id == Initiative.id,
                InitiativeTheme.theme.in_(criteria.themes),
            )
        )
    if criteria.help_asked:
        stmt = stmt.where(
            exists().where(
                InitiativeHelp.initiative_id == Initiative.id,
                InitiativeHelp.kind.in_(criteria.help_asked),
            )
        )
    return _search(stmt, criteria.query)


def _count(stmt: Select) -> int:
    return db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0


def _paginate(stmt: Select, page: int, per_page: int = PER_PAGE) -> Page[Initiative]:
    total = _count(stmt)
    page = max(1, page)
    items = db.session.scalars(
        stmt.options(
            selectinload(Initiative.themes),
            selectinload(Initiative.photos),
            selectinload(Initiative.budget_lines),
            selectinload(Initiative.help_asked),
            # Many-to-one: joined into the page's own query rather than two more.
            joinedload(Initiative.wijk).joinedload(Wijk.municipality),
            # Whether the initiator deleted their account (the name shown, the API's flag).
            joinedload(Initiative.author),
        )
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return Page(list(items), total, page, per_page)


def public_initiatives(
    criteria: InitiativeFilter, page: int = 1, per_page: int = PER_PAGE
) -> Page[Initiative]:
    stmt = _filtered(criteria, PUBLIC_STATES).order_by(
        Initiative.published_at.desc(), Initiative.id.desc()
    )
    return _paginate(stmt, page, per_page)


def support_counts(initiatives: list[Initiative]) -> dict[int, int]:
    ids = [i.id for i in initiatives]
    if not ids:
        return {}
    rows = db.session.execute(
        select(Support.initiative_id, func.count())
        .where(Support.initiative_id.in_(ids))
        .group_by(Support.initiative_id)
    )
    return {initiative_id: count for initiative_id, count in rows}


def has_supported(user: User | None, initiative: Initiative) -> bool:
    if user is None:
        return False
    return db.session.get(Support, (initiative.id, user.id)) is not None


def is_following(user: User | None, initiative: Initiative) -> bool:
    if user is None:
        return False
    return db.session.get(Follow, (initiative.id, user.id)) is not None


def initiatives_of(user: User) -> list[Initiative]:
    stmt = (
        select(Initiative)
        .where(Initiative.author_id == user.id)
        .order_by(Initiative.updated_at.desc())
        .options(selectinload(Initiative.wijk).selectinload(Wijk.municipality))
    )
    return list(db.session.scalars(stmt))


def get_initiative(initiative_id: int) -> Initiative | None:
    """One initiative with its wijk and municipality (every page of it links through them)."""
    return db.session.get(
        Initiative,
        initiative_id,
        options=[joinedload(Initiative.wijk).joinedload(Wijk.municipality)],
    )


def top_level_comments(initiative: Initiative) -> list[Comment]:
    """The thread: every comment of the initiative in one query (with its author), the
    replies of each set from it, however deep they nest, so rendering loads nothing more."""
    stmt = (
        select(Comment)
        .where(Comment.initiative_id == initiative.id)
        .order_by(Comment.id)
        .options(selectinload(Comment.author))
    )
    comments = list(db.session.scalars(stmt))
    replies: dict[int, list[Comment]] = {c.id: [] for c in comments}
    for comment in comments:
        if comment.parent_id is not None and comment.parent_id in replies:
            replies[comment.parent_id].append(comment)
    for comment in comments:
        set_committed_value(comment, "replies", replies[comment.id])
    return [c for c in comments if c.parent_id is None]


class Queue(LabelledEnum):
    """The wijkmanager's moderation queues."""

    submitted = "submitted"
    flagged = "flagged"
    stale = "stale"

    __labels__ = {
        submitted: _l("Waiting for a decision"),
        flagged: _l("Reported"),
        stale: _l("Waiting too long"),
    }


def _queue(wijk: Wijk, queue: Queue, query: str = "") -> Select:
    """submitted: waiting for a decision; flagged: open reports; stale: waiting too long."""
    stmt = select(Initiative).where(Initiative.wijk_id == wijk.id)
    waiting = Initiative.state.in_([State.submitted, State.in_review])
    if queue is Queue.flagged:
        stmt = stmt.where(
            exists().where(Flag.initiative_id == Initiative.id, Flag.resolved_at.is_(None))
        )
    elif queue is Queue.stale:
        stmt = stmt.where(and_(waiting, Initiative.submitted_at < utcnow() - STALE_AFTER))
    else:
        stmt = stmt.where(waiting)
    return _search(stmt, query)


def moderation_queue(wijk: Wijk, queue: Queue, query: str = "", page: int = 1) -> Page[Initiative]:
    stmt = _queue(wijk, queue, query).order_by(Initiative.submitted_at.asc(), Initiative.id)
    return _paginate(stmt, page)


def queue_counts(wijk: Wijk) -> dict[Queue, int]:
    """How many initiatives each queue holds (counted, not loaded)."""
    return {queue: _count(_queue(wijk, queue)) for queue in Queue}


def open_flags(initiative: Initiative) -> list[Flag]:
    stmt = (
        select(Flag)
        .where(Flag.initiative_id == initiative.id, Flag.resolved_at.is_(None))
        .order_by(Flag.id)
    )
    return list(db.session.scalars(stmt))


def moderation_log(wijk: Wijk, page: int = 1, per_page: int = 50) -> Page[AuditEntry]:
    """Public decisions in a wijk; entries marked public hold no personal data."""
    stmt = (
        select(AuditEntry)
        .where(AuditEntry.wijk_id == wijk.id, AuditEntry.is_public.is_(True))
        .order_by(AuditEntry.id.desc())
    )
    total = _count(stmt)
    items = db.session.scalars(stmt.limit(per_page).offset((max(1, page) - 1) * per_page)).all()
    return Page(list(items), total, max(1, page), per_page)


def titles_by_id(ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = db.session.execute(select(Initiative.id, Initiative.title).where(Initiative.id.in_(ids)))
    return {row[0]: row[1] for row in rows}


def photo_by_name(stored_name: str) -> Photo | None:
    return db.session.scalar(select(Photo).where(Photo.stored_name == stored_name))
