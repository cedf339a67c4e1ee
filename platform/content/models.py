"""Translations of what users write (initiatives, stemdag projects, criteria, ...).

One mechanism for every area: a translatable model names its fields in
`__translatable__` and has an `original_locale`; translations live here by
(object_type, object_id, field, locale).
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from samenhang.accounts.models import User
from samenhang.db import bool_false, created_at, intpk
from samenhang.extensions import db
from samenhang.places.models import Wijk


class Translatable(Protocol):
    """What a model offers to be translated (see `Initiative`)."""

    __tablename__: str
    __translatable__: tuple[str, ...]
    id: int
    original_locale: str

    @property
    def wijk(self) -> Wijk: ...

    @property
    def owner_id(self) -> int | None: ...


class ContentTranslation(db.Model):
    __tablename__ = "content_translations"
    __table_args__ = (UniqueConstraint("object_type", "object_id", "field", "locale"),)

    id: Mapped[intpk]
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[int]
    field: Mapped[str] = mapped_column(String(40))
    locale: Mapped[str] = mapped_column(String(5))
    text: Mapped[str] = mapped_column(Text)
    #: Digest of the original text this translation was made from; a different digest
    #: now means the original changed since: the translation is outdated.
    source_digest: Mapped[str] = mapped_column(String(64))
    translator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: Machine output shows only after a person checked it (reviewed_at set).
    is_machine: Mapped[bool_false]
    reviewed_at: Mapped[datetime | None]
    created_at: Mapped[created_at]
    updated_at: Mapped[created_at]

    translator: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return (
            f"<ContentTranslation {self.object_type}:{self.object_id}.{self.field} {self.locale}>"
        )


class TranslationRequest(db.Model):
    """A resident asked for a translation; counted per object and locale for the queue."""

    __tablename__ = "translation_requests"
    __table_args__ = (
        UniqueConstraint("object_type", "object_id", "locale", "user_id"),
        Index("ix_translation_requests_object", "object_type", "object_id", "locale"),
    )

    id: Mapped[intpk]
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[int]
    locale: Mapped[str] = mapped_column(String(5))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    wijk_id: Mapped[int | None] = mapped_column(ForeignKey("wijken.id"), index=True)
    created_at: Mapped[created_at]
    fulfilled_at: Mapped[datetime | None]

    def __repr__(self) -> str:
        return f"<TranslationRequest {self.object_type}:{self.object_id} {self.locale}>"
