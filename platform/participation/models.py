"""The languages spoken in a wijk, as the wijkmanager entered them with their source: what
the reach of a round by language is held against."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from samenhang.accounts.models import User
from samenhang.config import LOCALES
from samenhang.db import bool_false, created_at, intpk
from samenhang.extensions import db
from samenhang.places.models import Wijk

#: The languages a figure can be entered for: the interface languages, and the rest.
OTHER = "other"
LANGUAGE_KEYS: tuple[str, ...] = (*LOCALES, OTHER)


class WijkLanguages(db.Model):
    """Per language (the six interface languages and `other`), the percent of the wijk's
    residents who speak it at home. People speak several languages, so the figures need
    not add up to 100; each lies between 0 and 100 (checked by the service)."""

    __tablename__ = "wijk_languages"
    __table_args__ = (
        CheckConstraint("year IS NULL OR year BETWEEN 1990 AND 2100", name="year_plausible"),
    )

    id: Mapped[intpk]
    wijk_id: Mapped[int] = mapped_column(ForeignKey("wijken.id"), unique=True)
    #: language code -> percent of residents as a decimal string, e.g. {"nl": "71.5"}; a language
    #: without a figure is missing, not 0.
    shares: Mapped[dict[str, Any]] = mapped_column(JSON)
    #: Where the figures come from (a survey, the municipality's research office, ...).
    source: Mapped[str] = mapped_column(String(300))
    #: The year the figures describe, where the source says.
    year: Mapped[int | None] = mapped_column(SmallInteger)
    #: Made-up figures (demo data): pages say so.
    is_example: Mapped[bool_false]
    updated_at: Mapped[created_at]
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    wijk: Mapped[Wijk] = relationship()
    updated_by: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<WijkLanguages wijk={self.wijk_id}>"
