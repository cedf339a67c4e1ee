"""Showing user content in the reader's language, with honest fallbacks."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select

from samenhang.content.models import ContentTranslation, Translatable, TranslationRequest
from samenhang.content.services import digest
from samenhang.extensions import db


@dataclass(frozen=True)
class LocalizedText:
    text: str
    locale: str
    #: True when the reader wanted another language and no translation exists.
    is_fallback: bool
    is_outdated: bool = False
    is_machine: bool = False


@dataclass(frozen=True)
class Localized:
    """The translatable fields of one object in one language."""

    fields: dict[str, LocalizedText]
    original_locale: str
    wanted_locale: str

    def __getitem__(self, field: str) -> LocalizedText:
        return self.fields[field]

    @property
    def is_fallback(self) -> bool:
        return any(t.is_fallback for t in self.fields.values())

    @property
    def is_translated(self) -> bool:
        return any(t.locale != self.original_locale for t in self.fields.values())

    @property
    def is_outdated(self) -> bool:
        return any(t.is_outdated for t in self.fields.values())


def localize(obj: Translatable, locale: str, *, original: bool = False) -> Localized:
    """The object's texts in `locale` where a checked translation exists, else the original."""
    if original or locale == obj.original_locale:
        return _localized(obj, locale, {}, original=original)
    return localize_many([obj], locale)[obj.id]


def localize_many(objs: Sequence[Translatable], locale: str) -> dict[int, Localized]:
    """`localize` for a list of objects of one kind, in one query (a list page)."""
    wanted = [obj for obj in objs if locale != obj.original_locale]
    rows: dict[int, dict[str, ContentTranslation]] = defaultdict(dict)
    if wanted:
        for row in db.session.scalars(
            select(ContentTranslation).where(
                ContentTranslation.object_type == wanted[0].__tablename__,
                ContentTranslation.object_id.in_([obj.id for obj in wanted]),
                ContentTranslation.locale == locale,
                ContentTranslation.reviewed_at.is_not(None),
            )
        ):
            rows[row.object_id][row.field] = row
    return {obj.id: _localized(obj, locale, rows.get(obj.id, {})) for obj in objs}


def _localized(
    obj: Translatable,
    locale: str,
    rows: dict[str, ContentTranslation],
    *,
    original: bool = False,
) -> Localized:
    fields = {}
    for field in obj.__translatable__:
        source = getattr(obj, field) or ""
        row = rows.get(field)
        if row is None:
            fields[field] = LocalizedText(
                source,
                obj.original_locale,
                is_fallback=not original and locale != obj.original_locale and bool(source),
            )
        else:
            fields[field] = LocalizedText(
                row.text,
                locale,
                is_fallback=False,
                is_outdated=row.source_digest != digest(source),
                is_machine=row.is_machine,
            )
    return Localized(fields, obj.original_locale, locale)


def translations_of(obj: Translatable) -> dict[str, dict[str, ContentTranslation]]:
    """All translations by locale and field (for the translation form)."""
    result: dict[str, dict[str, ContentTranslation]] = {}
    for row in db.session.scalars(
        select(ContentTranslation).where(
            ContentTranslation.object_type == obj.__tablename__,
            ContentTranslation.object_id == obj.id,
        )
    ):
        result.setdefault(row.locale, {})[row.field] = row
    return result


@dataclass(frozen=True)
class WantedTranslation:
    object_type: str
    object_id: int
    locale: str
    requests: int


def translation_queue(wijk_id: int) -> list[WantedTranslation]:
    """Open requests in a wijk, most wanted first (shown to the wijkmanager)."""
    stmt = (
        select(
            TranslationRequest.object_type,
            TranslationRequest.object_id,
            TranslationRequest.locale,
            func.count(TranslationRequest.id),
        )
        .where(TranslationRequest.wijk_id == wijk_id, TranslationRequest.fulfilled_at.is_(None))
        .group_by(
            TranslationRequest.object_type, TranslationRequest.object_id, TranslationRequest.locale
        )
        .order_by(func.count(TranslationRequest.id).desc())
    )
    return [WantedTranslation(*row) for row in db.session.execute(stmt)]
