"""The AVG (GDPR) across the areas: everything a person wrote or did, and forgetting them.

`export_everything` is the "my data" download (art. 15/20): the profile, and every row in
every area that the person wrote or that is about what they did — never how they voted: a
ballot has no link to anyone, and nothing of the voting area is read here.

`delete_account` (art. 17) erases the personal data and, in every area, what shows the
person's name in public: their initiatives go on under "Former resident" ("Oud-bewoner"),
translated for each reader when shown (pages, feeds; the API gives a stable value and a
flag), and applications for money that are still waiting are withdrawn, so that none is
granted to nobody.

This module reads and changes several areas; the areas themselves do not know it.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Any

from sqlalchemy import delete, inspect, or_, select

from samenhang.accounts import services
from samenhang.accounts.models import FORMER_RESIDENT_STORED, User
from samenhang.audit.models import AuditEntry
from samenhang.audit.services import log_event
from samenhang.budgets.models import Challenge
from samenhang.campaigns.models import Campaign, CampaignUpdate, Offer, Pledge, TaskSignup
from samenhang.content.models import ContentTranslation, TranslationRequest
from samenhang.extensions import db
from samenhang.initiatives.models import (
    Comment,
    Flag,
    Follow,
    Initiative,
    PendingNotification,
    Support,
)
from samenhang.vouchers.models import (
    Application,
    ApplicationStatus,
    CriteriaComment,
    CriteriaParticipant,
    PanelAdvice,
    PanelMember,
    Receipt,
    Report,
)

#: Per area, the rows a person wrote or did: (name in the export, model, column naming them).
WRITTEN_OR_DONE: list[tuple[str, type[Any], str]] = [
    ("initiatives", Initiative, "author_id"),
    ("comments", Comment, "author_id"),
    ("supports", Support, "user_id"),
    ("follows", Follow, "user_id"),
    ("reports_of_content", Flag, "reporter_id"),
    ("translations", ContentTranslation, "translator_id"),
    ("translation_requests", TranslationRequest, "user_id"),
    ("campaigns", Campaign, "initiator_id"),
    ("campaign_updates", CampaignUpdate, "author_id"),
    ("campaign_gifts", Pledge, "supporter_id"),
    ("campaign_tasks", TaskSignup, "user_id"),
    ("campaign_offers", Offer, "user_id"),
    ("pot_applications", Application, "applicant_id"),
    ("pot_criteria_comments", CriteriaComment, "author_id"),
    ("pot_criteria_participation", CriteriaParticipant, "user_id"),
    ("pot_panel_memberships", PanelMember, "user_id"),
    ("pot_panel_advice", PanelAdvice, "member_id"),
    ("pot_reports", Report, "author_id"),
    ("pot_receipts", Receipt, "uploaded_by_id"),
    ("budget_challenges", Challenge, "author_id"),
]

#: Columns never exported: secrets that are not the person's data but keys to it.
SECRET_COLUMNS = frozenset({"password_hash", "session_nonce", "idempotency_key", "token_hash"})


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, bytes):
        return None
    return value


def _row(obj: Any) -> dict[str, Any]:
    return {
        attr.key: _plain(getattr(obj, attr.key))
        for attr in inspect(type(obj)).column_attrs
        if attr.key not in SECRET_COLUMNS
    }


def export_everything(user: User) -> dict[str, Any]:
    """The profile, every row per area the person wrote or did, and the audit log about
    them (what they did, and what was done to their account)."""
    data: dict[str, Any] = services.export_account(user)
    for name, model, column in WRITTEN_OR_DONE:
        rows = db.session.scalars(select(model).where(getattr(model, column) == user.id))
        data[name] = [_row(obj) for obj in rows]
    entries = db.session.scalars(
        select(AuditEntry)
        .where(
            or_(
                AuditEntry.actor_id == user.id,
                (AuditEntry.object_type == User.__tablename__)
                & (AuditEntry.object_id == str(user.id)),
            )
        )
        .order_by(AuditEntry.id)
    )
    data["audit_log"] = [_row(entry) for entry in entries]
    return data


def delete_account(user: User, password: str) -> None:
    """Erase the account (see `services.delete_account`) and its name wherever it shows."""
    services.delete_account(user, password)
    # One stable value is stored; pages and feeds show the word in the reader's language
    # (User.display_name, Initiative.shown_name), the API gives it with a flag.
    for initiative in db.session.scalars(select(Initiative).where(Initiative.author_id == user.id)):
        initiative.public_name = FORMER_RESIDENT_STORED
    # No more mails to an address that is gone (supports stay: a count, no name).
    db.session.execute(delete(Follow).where(Follow.user_id == user.id))
    db.session.execute(delete(PendingNotification).where(PendingNotification.user_id == user.id))
    waiting = select(Application).where(
        Application.applicant_id == user.id,
        Application.status.in_([ApplicationStatus.submitted, ApplicationStatus.advice_requested]),
    )
    for application in db.session.scalars(waiting):
        application.status = ApplicationStatus.withdrawn
        log_event(
            None,
            "application.withdrawn",
            application,
            wijk=application.pot.wijk,
            after={"status": "withdrawn", "why": "account deleted"},
            public=True,
        )
