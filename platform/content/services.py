"""Writing translations of user content, asking for them, and machine suggestions."""

from __future__ import annotations

import hashlib
from typing import Protocol

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from samenhang.accounts.models import User
from samenhang.audit.services import log_event
from samenhang.config import LOCALES
from samenhang.content.models import ContentTranslation, Translatable, TranslationRequest
from samenhang.db import utcnow
from samenhang.errors import DomainError
from samenhang.extensions import db
from samenhang.policies import can_administer, require, require_translator


class MachineTranslator(Protocol):
    """A machine-translation provider; none is configured by default."""

    def translate(self, text: str, source: str, target: str) -> str: ...


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _check_locale(obj: Translatable, locale: str) -> None:
    if locale not in LOCALES or locale == obj.original_locale:
        raise DomainError(_l("Choose a language other than the original."))


def _existing(obj: Translatable, field: str, locale: str) -> ContentTranslation | None:
    return db.session.scalar(
        select(ContentTranslation).where(
            ContentTranslation.object_type == obj.__tablename__,
            ContentTranslation.object_id == obj.id,
            ContentTranslation.field == field,
            ContentTranslation.locale == locale,
        )
    )


def save_translation(
    obj: Translatable, locale: str, texts: dict[str, str], *, actor: User, machine: bool = False
) -> list[ContentTranslation]:
    """Store a person's translation of some or all fields. Empty fields are left out."""
    if not machine:
        require_translator(actor, obj)
    _check_locale(obj, locale)
    saved = []
    for field, text in texts.items():
        if field not in obj.__translatable__:
            raise DomainError(_l("This field cannot be translated."))
        text = text.strip()
        if not text:
            continue
        row = _existing(obj, field, locale) or ContentTranslation(
            object_type=obj.__tablename__, object_id=obj.id, field=field, locale=locale
        )
        row.text = text
        row.source_digest = digest(getattr(obj, field) or "")
        row.translator = None if machine else actor
        row.is_machine = machine
        row.reviewed_at = None if machine else utcnow()
        row.updated_at = utcnow()
        db.session.add(row)
        saved.append(row)
    if saved and not machine:
        _fulfil_requests(obj, locale)
    log_event(
        actor,
        "content.machine_translated" if machine else "content.translated",
        obj,
        wijk=obj.wijk,
        after={"locale": locale, "fields": sorted(r.field for r in saved)},
        public=True,
    )
    return saved


def approve_machine_translation(obj: Translatable, locale: str, *, actor: User) -> None:
    """A person checked the machine's text; from now on it shows as a normal translation."""
    require_translator(actor, obj)
    rows = db.session.scalars(
        select(ContentTranslation).where(
            ContentTranslation.object_type == obj.__tablename__,
            ContentTranslation.object_id == obj.id,
            ContentTranslation.locale == locale,
            ContentTranslation.is_machine.is_(True),
            ContentTranslation.reviewed_at.is_(None),
        )
    ).all()
    for row in rows:
        row.reviewed_at = utcnow()
        row.translator = actor
    if rows:
        _fulfil_requests(obj, locale)
        log_event(
            actor,
            "content.machine_translation_approved",
            obj,
            wijk=obj.wijk,
            after={"locale": locale},
            public=True,
        )


def suggest_machine_translation(
    obj: Translatable, locale: str, *, actor: User, translator: MachineTranslator
) -> list[ContentTranslation]:
    """Fill unreviewed machine suggestions; they stay hidden until a person approves them."""
    require_translator(actor, obj)
    texts = {
        field: translator.translate(getattr(obj, field) or "", obj.original_locale, locale)
        for field in obj.__translatable__
        if getattr(obj, field)
    }
    return save_translation(obj, locale, texts, actor=actor, machine=True)


def request_translation(obj: Translatable, locale: str, *, actor: User) -> bool:
    """Count a resident's wish; returns False when they had already asked."""
    _check_locale(obj, locale)
    already = db.session.scalar(
        select(TranslationRequest.id).where(
            TranslationRequest.object_type == obj.__tablename__,
            TranslationRequest.object_id == obj.id,
            TranslationRequest.locale == locale,
            TranslationRequest.user_id == actor.id,
        )
    )
    if already is not None:
        return False
    db.session.add(
        TranslationRequest(
            object_type=obj.__tablename__,
            object_id=obj.id,
            locale=locale,
            user_id=actor.id,
            wijk_id=obj.wijk.id,
        )
    )
    return True


def _fulfil_requests(obj: Translatable, locale: str) -> None:
    for request in db.session.scalars(
        select(TranslationRequest).where(
            TranslationRequest.object_type == obj.__tablename__,
            TranslationRequest.object_id == obj.id,
            TranslationRequest.locale == locale,
            TranslationRequest.fulfilled_at.is_(None),
        )
    ):
        request.fulfilled_at = utcnow()


def set_translator(user: User, is_translator: bool, *, actor: User) -> None:
    require(can_administer(actor), _l("Only an administrator can change roles."))
    if user.is_translator != is_translator:
        log_event(
            actor,
            "user.translator_changed",
            user,
            before={"is_translator": user.is_translator},
            after={"is_translator": is_translator},
        )
        user.is_translator = is_translator
