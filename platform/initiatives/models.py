"""Bewonersinitiatieven: ideas residents turn into plans for their wijk."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from sqlalchemy import (
    CheckConstraint,
    Enum,
    ForeignKey,
    Index,
    Numeric,
    String,
    Text,
    func,
    literal_column,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from samenhang.accounts.models import User, former_resident
from samenhang.db import bool_false, cents, created_at, intpk, str_short
from samenhang.enums import LabelledEnum
from samenhang.extensions import db
from samenhang.places.models import Wijk


class Theme(LabelledEnum):
    """The Outcomemonitor's themes."""

    wonen = "wonen"  # wonen & leefbaarheid
    veiligheid = "veiligheid"
    leren = "leren"
    werken = "werken"
    inkomen = "inkomen"
    gezondheid = "gezondheid"
    meedoen = "meedoen"

    __labels__ = {
        wonen: _l("Housing and liveability"),
        veiligheid: _l("Safety"),
        leren: _l("Learning"),
        werken: _l("Work"),
        inkomen: _l("Income"),
        gezondheid: _l("Health"),
        meedoen: _l("Taking part"),
    }


class HelpKind(LabelledEnum):
    money = "money"
    time = "time"
    space = "space"
    materials = "materials"

    __labels__ = {
        money: _l("Money"),
        time: _l("Time (volunteers)"),
        space: _l("A space or place"),
        materials: _l("Materials"),
    }


class State(LabelledEnum):
    draft = "draft"
    submitted = "submitted"
    in_review = "in_review"
    returned = "returned"
    rejected = "rejected"
    published = "published"
    funded = "funded"
    realised = "realised"

    __labels__ = {
        draft: _l("Draft"),
        submitted: _l("Sent to the wijkmanager"),
        in_review: _l("Being reviewed"),
        returned: _l("Returned for changes"),
        rejected: _l("Rejected"),
        published: _l("Published"),
        funded: _l("Funded"),
        realised: _l("Realised"),
    }
    #: What a resident reads on a card or an initiative's page: where it stands, in plain
    #: words ("Open for support", not the internal "Published").
    __public_labels__ = {
        draft: _l("Draft, not sent yet"),
        submitted: _l("Waiting for review"),
        in_review: _l("Being reviewed"),
        returned: _l("Returned for changes"),
        rejected: _l("Not accepted"),
        published: _l("Open for support"),
        funded: _l("Funded"),
        realised: lazy_pgettext("initiative", "Done"),
    }


#: States that are listed and can be supported and discussed.
PUBLIC_STATES = frozenset({State.published, State.funded, State.realised})
#: States anyone may open, so that the reasons of a decision are public.
VIEWABLE_STATES = PUBLIC_STATES | {State.returned, State.rejected}


def _enum(enum: type[StrEnum]) -> Enum:
    return Enum(enum, native_enum=False, length=20, validate_strings=True)


class Initiative(db.Model):
    __tablename__ = "initiatives"
    __table_args__ = (
        CheckConstraint("length(title) > 0", name="title_not_empty"),
        Index("ix_initiatives_wijk_state", "wijk_id", "state"),
        # The lists, newest first: a wijk's, and the municipality's and the API's.
        Index("ix_initiatives_wijk_published", "wijk_id", "published_at", "id"),
        Index("ix_initiatives_published", "published_at", "id"),
        # PostgreSQL's full-text search over the folded text (queries.py); SQLite uses LIKE.
        Index(
            "ix_initiatives_search",
            func.to_tsvector(literal_column("'simple'"), text("search_text")),
            postgresql_using="gin",
        ).ddl_if(dialect="postgresql"),
    )
    __translatable__ = ("title", "summary", "description")

    id: Mapped[intpk]
    wijk_id: Mapped[int] = mapped_column(ForeignKey("wijken.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: The name the initiator chose to show; never their account name unless they want.
    public_name: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(120))
    summary: Mapped[str] = mapped_column(String(300))
    #: Markdown, sanitised on render.
    description: Mapped[str] = mapped_column(Text)
    original_locale: Mapped[str] = mapped_column(String(5))
    address: Mapped[str | None] = mapped_column(String(200))
    latitude: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    longitude: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    state: Mapped[State] = mapped_column(_enum(State), default=State.draft)
    #: Public reasons of the last decision (returned, rejected) or the realisation report.
    state_reason: Mapped[str | None] = mapped_column(Text)
    #: Lower-cased text of all fields and translations; searched the same way on both
    #: databases.
    search_text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[created_at]
    updated_at: Mapped[created_at]
    submitted_at: Mapped[datetime | None]
    published_at: Mapped[datetime | None]

    wijk: Mapped[Wijk] = relationship()
    author: Mapped[User] = relationship()
    themes: Mapped[list[InitiativeTheme]] = relationship(
        back_populates="initiative", cascade="all, delete-orphan"
    )
    help_asked: Mapped[list[InitiativeHelp]] = relationship(
        back_populates="initiative", cascade="all, delete-orphan"
    )
    budget_lines: Mapped[list[InitiativeBudgetLine]] = relationship(
        back_populates="initiative",
        cascade="all, delete-orphan",
        order_by="InitiativeBudgetLine.position",
    )
    photos: Mapped[list[Photo]] = relationship(
        back_populates="initiative", cascade="all, delete-orphan", order_by="Photo.position"
    )
    comments: Mapped[list[Comment]] = relationship(
        back_populates="initiative", cascade="all, delete-orphan", order_by="Comment.id"
    )
    supports: Mapped[list[Support]] = relationship(
        back_populates="initiative", cascade="all, delete-orphan"
    )
    revisions: Mapped[list[Revision]] = relationship(
        back_populates="initiative", cascade="all, delete-orphan", order_by="Revision.id"
    )

    @property
    def owner_id(self) -> int:
        return self.author_id

    @property
    def by_former_resident(self) -> bool:
        """The initiator deleted their account: the initiative goes on under "Former
        resident", shown in each reader's language (see `shown_name`)."""
        return self.author.is_deleted

    @property
    def shown_name(self) -> str:
        """The name shown with the initiative on pages and in feeds."""
        return former_resident() if self.by_former_resident else self.public_name

    @property
    def theme_values(self) -> list[Theme]:
        return sorted((t.theme for t in self.themes), key=list(Theme).index)

    @property
    def help_values(self) -> list[HelpKind]:
        return sorted((h.kind for h in self.help_asked), key=list(HelpKind).index)

    @property
    def budget_total(self) -> int:
        return sum(line.amount for line in self.budget_lines)

    @property
    def is_public(self) -> bool:
        return self.state in PUBLIC_STATES

    @property
    def is_viewable(self) -> bool:
        return self.state in VIEWABLE_STATES

    def __repr__(self) -> str:
        return f"<Initiative {self.id} {self.state}>"


class InitiativeTheme(db.Model):
    __tablename__ = "initiative_themes"

    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiatives.id"), primary_key=True)
    theme: Mapped[Theme] = mapped_column(_enum(Theme), primary_key=True)

    initiative: Mapped[Initiative] = relationship(back_populates="themes")


class InitiativeHelp(db.Model):
    __tablename__ = "initiative_help"

    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiatives.id"), primary_key=True)
    kind: Mapped[HelpKind] = mapped_column(_enum(HelpKind), primary_key=True)

    initiative: Mapped[Initiative] = relationship(back_populates="help_asked")


class InitiativeBudgetLine(db.Model):
    __tablename__ = "initiative_budget_lines"
    __table_args__ = (CheckConstraint("amount >= 0", name="amount_not_negative"),)

    id: Mapped[intpk]
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiatives.id"), index=True)
    position: Mapped[int]
    description: Mapped[str_short]
    amount: Mapped[cents]

    initiative: Mapped[Initiative] = relationship(back_populates="budget_lines")


class Photo(db.Model):
    __tablename__ = "initiative_photos"

    id: Mapped[intpk]
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiatives.id"), index=True)
    position: Mapped[int]
    #: Stored file stem, see samenhang.uploads.
    stored_name: Mapped[str] = mapped_column(String(40), unique=True)
    width: Mapped[int]
    height: Mapped[int]
    alt_text: Mapped[str] = mapped_column(String(200), default="")
    #: The "after" photo of a realised initiative.
    is_after: Mapped[bool_false]
    created_at: Mapped[created_at]

    initiative: Mapped[Initiative] = relationship(back_populates="photos")


class Support(db.Model):
    """ "Ik steun dit": once per user per initiative, enforced by the primary key."""

    __tablename__ = "initiative_supports"

    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiatives.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    created_at: Mapped[created_at]

    initiative: Mapped[Initiative] = relationship(back_populates="supports")


class Follow(db.Model):
    __tablename__ = "initiative_follows"

    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiatives.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True, index=True)
    created_at: Mapped[created_at]

    user: Mapped[User] = relationship()


class Comment(db.Model):
    __tablename__ = "initiative_comments"

    id: Mapped[intpk]
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiatives.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("initiative_comments.id"))
    body: Mapped[str] = mapped_column(Text)
    is_hidden: Mapped[bool_false]
    #: Public reason for hiding, shown in place of the comment.
    hidden_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[created_at]

    initiative: Mapped[Initiative] = relationship(back_populates="comments")
    author: Mapped[User] = relationship()
    parent: Mapped[Comment | None] = relationship(
        remote_side="Comment.id", back_populates="replies"
    )
    replies: Mapped[list[Comment]] = relationship(back_populates="parent", order_by="Comment.id")


class Flag(db.Model):
    """A resident reports an initiative or a comment (one open flag per reporter and target)."""

    __tablename__ = "initiative_flags"
    __table_args__ = (Index("ix_initiative_flags_open", "initiative_id", "resolved_at"),)

    id: Mapped[intpk]
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiatives.id"))
    #: None when the initiative itself is flagged.
    comment_id: Mapped[int | None] = mapped_column(ForeignKey("initiative_comments.id"))
    reporter_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[created_at]
    resolved_at: Mapped[datetime | None]

    initiative: Mapped[Initiative] = relationship()
    comment: Mapped[Comment | None] = relationship()


class Revision(db.Model):
    """What the initiator submitted each time, for the side-by-side view of edits."""

    __tablename__ = "initiative_revisions"

    id: Mapped[intpk]
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiatives.id"), index=True)
    title: Mapped[str] = mapped_column(String(120))
    summary: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text)
    budget: Mapped[str] = mapped_column(Text)
    created_at: Mapped[created_at]

    initiative: Mapped[Initiative] = relationship(back_populates="revisions")


class PendingNotification(db.Model):
    """A change waiting for a follower's daily digest."""

    __tablename__ = "pending_notifications"

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiatives.id"))
    #: A translatable event key, see samenhang.initiatives.notifications.EVENTS.
    event: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[created_at]
    sent_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()
    initiative: Mapped[Initiative] = relationship()
