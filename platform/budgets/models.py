"""The buurtbegroting of a wijk and year: its lines, where each line's figures come from,
the imports that brought them, the public corrections after publishing, and the residents'
challenges of a public task ("maatschappelijk aanbesteden").

A line that runs through the platform (a bewonersbudget pot, a wijkstemdag round) stores no
amounts: its planned and actual figures are read from the ledger and the round, so they are
never typed twice. Imported lines carry the figures of their file.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Enum,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from samenhang.accounts.models import User
from samenhang.campaigns.models import Campaign
from samenhang.db import bool_false, cents, created_at, currency, intpk, str_short
from samenhang.enums import LabelledEnum
from samenhang.extensions import db
from samenhang.initiatives.models import Initiative, Theme
from samenhang.places.models import Wijk
from samenhang.voting.models import Round
from samenhang.vouchers.models import Pot

if TYPE_CHECKING:
    from samenhang.contracts.models import GoalLink


def _enum(cls: type[StrEnum]) -> Enum:
    return Enum(cls, native_enum=False, length=20, validate_strings=True)


class Source(LabelledEnum):
    """Who gives the money."""

    gemeente = "gemeente"
    woningcorporatie = "woningcorporatie"
    fonds = "fonds"
    crowdfunding = "crowdfunding"
    other = "other"

    __labels__ = {
        gemeente: _l("Municipality"),
        woningcorporatie: _l("Housing corporation"),
        fonds: _l("Fund"),
        crowdfunding: _l("Crowdfunding"),
        other: _l("Other"),
    }


class BudgetStatus(LabelledEnum):
    #: Being prepared: only the wijk's managers see it (as a preview).
    draft = "draft"
    #: Public; every later change is a public correction with a date and a reason.
    published = "published"

    __labels__ = {draft: _l("Draft"), published: _l("Published")}


class LineOrigin(LabelledEnum):
    #: Money that runs through the platform: figures from the ledger (pot, round).
    platform = "platform"
    #: A line from an imported file (the municipality's programmes, a corporation's plans).
    imported = "imported"

    __labels__ = {platform: _l("Through this platform"), imported: _l("Imported")}


class ImportStatus(StrEnum):
    #: Uploaded and checked; waiting for the wijkmanager to look at the preview.
    pending = "pending"
    applied = "applied"


class ChallengeStatus(LabelledEnum):
    open = "open"
    accepted = "accepted"
    declined = "declined"

    __labels__ = {
        open: _l("Waiting for an answer"),
        accepted: _l("Accepted"),
        declined: _l("Not accepted"),
    }


class Budget(db.Model):
    """The buurtbegroting of one wijk in one year."""

    __tablename__ = "budgets"
    __table_args__ = (
        UniqueConstraint("wijk_id", "year"),
        CheckConstraint("year BETWEEN 2000 AND 2100", name="year_plausible"),
        CheckConstraint(
            "(status = 'published') = (published_at IS NOT NULL)", name="published_has_time"
        ),
    )

    id: Mapped[intpk]
    wijk_id: Mapped[int] = mapped_column(ForeignKey("wijken.id"), index=True)
    year: Mapped[int] = mapped_column(SmallInteger)
    status: Mapped[BudgetStatus] = mapped_column(
        _enum(BudgetStatus), default=BudgetStatus.draft, server_default=BudgetStatus.draft.value
    )
    currency: Mapped[currency]
    #: A short public introduction by the wijkmanager.
    intro: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[created_at]
    published_at: Mapped[datetime | None]
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    wijk: Mapped[Wijk] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    published_by: Mapped[User | None] = relationship(foreign_keys=[published_by_id])
    lines: Mapped[list[LineItem]] = relationship(
        back_populates="budget", order_by="LineItem.position"
    )
    imports: Mapped[list[BudgetImport]] = relationship(
        back_populates="budget", order_by="BudgetImport.id"
    )
    corrections: Mapped[list[BudgetCorrection]] = relationship(
        back_populates="budget", order_by="BudgetCorrection.id"
    )

    @property
    def is_published(self) -> bool:
        return self.status is BudgetStatus.published

    def __repr__(self) -> str:
        return f"<Budget {self.id} wijk={self.wijk_id} {self.year} {self.status}>"


class LineItem(db.Model):
    """One line: what the money is for, its theme and source, planned and actual."""

    __tablename__ = "budget_lines"
    __table_args__ = (
        UniqueConstraint("budget_id", "external_key"),
        CheckConstraint("planned_cents IS NULL OR planned_cents >= 0", name="planned_positive"),
        CheckConstraint("actual_cents IS NULL OR actual_cents >= 0", name="actual_positive"),
        # A platform line holds exactly one pot, round or campaign; an imported line no pot
        # or round (it may say which campaign it pays for: that is a link, not its money).
        CheckConstraint(
            "(origin = 'platform' AND planned_cents IS NULL AND actual_cents IS NULL"
            " AND (CASE WHEN pot_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN round_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN campaign_id IS NULL THEN 0 ELSE 1 END) = 1)"
            " OR (origin = 'imported' AND planned_cents IS NOT NULL"
            " AND pot_id IS NULL AND round_id IS NULL)",
            name="figures_match_origin",
        ),
        # One platform line per campaign (its money is counted once); imported lines may
        # link to the same campaign.
        Index(
            "uq_budget_lines_platform_campaign",
            "campaign_id",
            unique=True,
            sqlite_where=text("origin = 'platform'"),
            postgresql_where=text("origin = 'platform'"),
        ),
    )

    id: Mapped[intpk]
    budget_id: Mapped[int] = mapped_column(ForeignKey("budgets.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    origin: Mapped[LineOrigin] = mapped_column(_enum(LineOrigin))
    theme: Mapped[Theme] = mapped_column(_enum(Theme))
    source: Mapped[Source] = mapped_column(_enum(Source))
    #: Who gives the money, e.g. "Gemeente Amsterdam" or "Woningcorporatie Lefier".
    source_name: Mapped[str_short]
    title: Mapped[str_short]
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    #: Imported lines only; platform lines read theirs from the ledger and the round.
    planned_cents: Mapped[int | None] = mapped_column(BigInteger)
    #: Imported lines only; None while the spending is not reported yet.
    actual_cents: Mapped[int | None] = mapped_column(BigInteger)
    #: A public task residents may challenge with a better or cheaper offer.
    is_public_task: Mapped[bool_false]
    #: The natural key of an imported line (the file's "kenmerk"): importing again updates.
    external_key: Mapped[str | None] = mapped_column(String(80))
    #: What the line pays for: a pot or a round (platform lines, one line each), a campaign
    #: (the platform line of its crowdfunding, or a link from an imported line), or an
    #: initiative. The contract goal a line serves is a `GoalLink` (samenhang.contracts).
    pot_id: Mapped[int | None] = mapped_column(ForeignKey("pots.id"), unique=True)
    round_id: Mapped[int | None] = mapped_column(ForeignKey("stemdag_rounds.id"), unique=True)
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id"), index=True)
    initiative_id: Mapped[int | None] = mapped_column(ForeignKey("initiatives.id"), index=True)
    #: The import that brought or last changed the line.
    import_id: Mapped[int | None] = mapped_column(ForeignKey("budget_imports.id"))
    created_at: Mapped[created_at]

    budget: Mapped[Budget] = relationship(back_populates="lines")
    pot: Mapped[Pot | None] = relationship()
    round: Mapped[Round | None] = relationship()
    campaign: Mapped[Campaign | None] = relationship()
    initiative: Mapped[Initiative | None] = relationship()
    budget_import: Mapped[BudgetImport | None] = relationship()
    #: The contract goals this line serves (links made on the line or on the goal's page).
    goal_links: Mapped[list[GoalLink]] = relationship(order_by="GoalLink.id", viewonly=True)
    challenges: Mapped[list[Challenge]] = relationship(
        back_populates="line", order_by="Challenge.id"
    )
    corrections: Mapped[list[BudgetCorrection]] = relationship(
        back_populates="line", order_by="BudgetCorrection.id", viewonly=True
    )

    @property
    def is_from_platform(self) -> bool:
        return self.origin is LineOrigin.platform

    @property
    def wijk(self) -> Wijk:
        return self.budget.wijk

    def __repr__(self) -> str:
        return f"<LineItem {self.id} budget={self.budget_id} {self.origin} {self.title!r}>"


class BudgetImport(db.Model):
    """A CSV or XLSX file of lines: checked and previewed, then applied all at once."""

    __tablename__ = "budget_imports"
    __table_args__ = (
        # The same file applies once per budget: importing it again changes nothing.
        UniqueConstraint("budget_id", "applied_sha256"),
        CheckConstraint("row_count >= 0", name="row_count_positive"),
    )

    id: Mapped[intpk]
    budget_id: Mapped[int] = mapped_column(ForeignKey("budgets.id"), index=True)
    file_name: Mapped[str] = mapped_column(String(200))
    file_sha256: Mapped[str] = mapped_column(String(64))
    #: Set when applied; the unique key above refuses a second application of the file.
    applied_sha256: Mapped[str | None] = mapped_column(String(64))
    #: The file as uploaded, kept as the provenance of the public figures.
    content: Mapped[bytes] = mapped_column(LargeBinary)
    row_count: Mapped[int] = mapped_column(Integer)
    status: Mapped[ImportStatus] = mapped_column(
        _enum(ImportStatus), default=ImportStatus.pending, server_default="pending"
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[created_at]
    applied_at: Mapped[datetime | None]

    budget: Mapped[Budget] = relationship(back_populates="imports")
    created_by: Mapped[User | None] = relationship()

    @property
    def is_applied(self) -> bool:
        return self.status is ImportStatus.applied

    def __repr__(self) -> str:
        return f"<BudgetImport {self.id} budget={self.budget_id} {self.status}>"


class BudgetCorrection(db.Model):
    """A change after publishing, shown on the public page with its date and reason."""

    __tablename__ = "budget_corrections"
    __table_args__ = (CheckConstraint("length(reason) > 0", name="reason_not_empty"),)

    id: Mapped[intpk]
    budget_id: Mapped[int] = mapped_column(ForeignKey("budgets.id"), index=True)
    #: The line changed or added; None for a change of the whole budget.
    line_id: Mapped[int | None] = mapped_column(ForeignKey("budget_lines.id"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    #: [{"field": ..., "before": ..., "after": ...}], amounts in cents.
    changes: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[created_at]

    budget: Mapped[Budget] = relationship(back_populates="corrections")
    line: Mapped[LineItem | None] = relationship()
    created_by: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<BudgetCorrection {self.id} budget={self.budget_id} line={self.line_id}>"


class Challenge(db.Model):
    """A resident's offer to do a public task better or cheaper, and the public answer."""

    __tablename__ = "budget_challenges"
    __table_args__ = (
        CheckConstraint("amount_cents > 0", name="amount_positive"),
        CheckConstraint("(status = 'open') = (answered_at IS NULL)", name="answered_unless_open"),
    )

    id: Mapped[intpk]
    line_id: Mapped[int] = mapped_column(ForeignKey("budget_lines.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: What they would do, and how.
    proposal: Mapped[str] = mapped_column(Text)
    #: For how much.
    amount_cents: Mapped[cents]
    #: With whom: their group, social enterprise or partners.
    partners: Mapped[str] = mapped_column(Text)
    status: Mapped[ChallengeStatus] = mapped_column(
        _enum(ChallengeStatus), default=ChallengeStatus.open, server_default="open", index=True
    )
    created_at: Mapped[created_at]
    #: The wijkmanager answers in public by this day.
    answer_due_on: Mapped[date]
    answer: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None]
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: The initiative an accepted challenge became.
    initiative_id: Mapped[int | None] = mapped_column(ForeignKey("initiatives.id"))
    #: The last day the managers were reminded (once a day at most).
    reminded_on: Mapped[date | None]

    line: Mapped[LineItem] = relationship(back_populates="challenges")
    author: Mapped[User] = relationship(foreign_keys=[author_id])
    answered_by: Mapped[User | None] = relationship(foreign_keys=[answered_by_id])
    initiative: Mapped[Initiative | None] = relationship()

    @property
    def is_open(self) -> bool:
        return self.status is ChallengeStatus.open

    def __repr__(self) -> str:
        return f"<Challenge {self.id} line={self.line_id} {self.status}>"
