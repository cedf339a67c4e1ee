"""Users, their roles and the wijken a wijkmanager may act in."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from flask import has_app_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, Enum, ForeignKey, Index, String, Text
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from samenhang.db import bool_false, created_at, intpk
from samenhang.enums import LabelledEnum
from samenhang.extensions import db
from samenhang.places.models import Wijk


class Role(LabelledEnum):
    bewoner = "bewoner"
    wijkmanager = "wijkmanager"
    admin = "admin"

    __labels__ = {
        bewoner: _l("Resident"),
        wijkmanager: _l("Wijkmanager"),
        admin: _l("Administrator"),
    }


class NotificationMode(LabelledEnum):
    immediate = "immediate"
    digest = "digest"
    off = "off"

    __labels__ = {
        immediate: _l("At once, for each change"),
        digest: _l("Once a day, in one e-mail"),
        off: _l("No e-mails"),
    }


#: The public name of a deleted account, translated when shown: each reader sees it in their
#: own language ("Oud-bewoner", "Eski sakin", ...).
FORMER_RESIDENT = _l("Former resident")
#: What is stored instead of a deleted person's name, and what the API gives (with a flag):
#: one stable value, never a word in whatever language was current at the deletion.
FORMER_RESIDENT_STORED = "Former resident"


def former_resident() -> str:
    """The word for a deleted account in the reader's language (the stable English value
    outside an application, e.g. in a script)."""
    return str(FORMER_RESIDENT) if has_app_context() else FORMER_RESIDENT_STORED


def new_session_nonce() -> str:
    return secrets.token_urlsafe(16)


class User(db.Model):
    __tablename__ = "users"
    __table_args__ = (CheckConstraint("email = lower(email)", name="email_lowercase"),)

    id: Mapped[intpk]
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    #: The name shown next to everything the user writes; chosen by the user. Read it as
    #: `display_name`, which gives a deleted account's word in the reader's language.
    _display_name: Mapped[str] = mapped_column("display_name", String(80))
    role: Mapped[Role] = mapped_column(
        Enum(Role, native_enum=False, length=20, validate_strings=True),
        default=Role.bewoner,
        server_default=Role.bewoner.value,
    )
    locale: Mapped[str | None] = mapped_column(String(5))
    email_verified_at: Mapped[datetime | None]
    postcode: Mapped[str | None] = mapped_column(String(7))
    house_number: Mapped[str | None] = mapped_column(String(10))
    #: The wijk the user's address lies in, derived from the postcode (or chosen where a
    #: postcode area spans several wijken).
    wijk_id: Mapped[int | None] = mapped_column(ForeignKey("wijken.id"), index=True)
    #: Part of the login cookie: rotating it signs the user out everywhere.
    session_nonce: Mapped[str] = mapped_column(String(32), default=new_session_nonce)
    #: A volunteer who may translate what residents write (see samenhang.content).
    is_translator: Mapped[bool_false]
    #: How the user hears about initiatives they follow: each change, a daily digest, or not.
    notification_mode: Mapped[NotificationMode] = mapped_column(
        Enum(NotificationMode, native_enum=False, length=20, validate_strings=True),
        default=NotificationMode.immediate,
        server_default=NotificationMode.immediate.value,
    )
    is_deleted: Mapped[bool_false]
    created_at: Mapped[created_at]
    last_login_at: Mapped[datetime | None]

    wijk: Mapped[Wijk | None] = relationship()
    managed_wijken: Mapped[list[Wijk]] = relationship(
        secondary="wijk_managers", back_populates="managers", order_by="Wijk.name"
    )

    @hybrid_property
    def display_name(self) -> str:
        """The chosen name; for a deleted account "Former resident", translated at display
        time, so that every page, mail and feed shows it in its reader's language."""
        return former_resident() if self.is_deleted else self._display_name

    @display_name.inplace.setter
    def _display_name_setter(self, value: str) -> None:
        self._display_name = value

    @display_name.inplace.expression
    @classmethod
    def _display_name_expression(cls) -> Any:
        return cls.__table__.c.display_name

    # Flask-Login protocol
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return not self.is_deleted

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_nonce}"

    @property
    def is_email_verified(self) -> bool:
        return self.email_verified_at is not None

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


class WijkManager(db.Model):
    """Scope of a wijkmanager: they may act only in the wijken listed here."""

    __tablename__ = "wijk_managers"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    wijk_id: Mapped[int] = mapped_column(ForeignKey("wijken.id"), primary_key=True, index=True)
    created_at: Mapped[created_at]

    def __repr__(self) -> str:
        return f"<WijkManager user={self.user_id} wijk={self.wijk_id}>"


class VerificationMethod(LabelledEnum):
    """How an address was checked: by something the person cannot type themselves."""

    #: A one-time code sent by post to the address, typed in by the resident.
    letter = "letter"
    #: The wijkmanager checked the address against the municipal register (BRP).
    register = "register"

    __labels__ = {
        letter: _l("A code sent by post"),
        register: _l("Checked in the municipal register"),
    }


class VerificationStatus(LabelledEnum):
    #: Asked for by the resident; waiting for the wijkmanager.
    requested = "requested"
    #: A letter with a code was printed; waiting for the resident to type the code.
    letter_sent = "letter_sent"
    #: The address is checked: the person lives in `wijk`.
    verified = "verified"
    #: No longer in force: withdrawn, replaced by a newer request, or the person moved.
    ended = "ended"

    __labels__ = {
        requested: _l("Waiting for the wijkmanager"),
        letter_sent: _l("Letter sent, waiting for the code"),
        verified: _l("Checked"),
        ended: _l("Ended"),
    }


#: The statuses of a request that is still under way.
OPEN_VERIFICATION = (VerificationStatus.requested, VerificationStatus.letter_sent)


class AddressVerification(db.Model):
    """A resident's address, asked to be checked, and how it was.

    A self-declared postcode (`User.postcode`) places a person in a wijk for reading and
    following; voting as a resident and applying for money need a row here that is
    `verified` (see `samenhang.policies.verified_wijk_id`). A user has at most one verified
    row in force: verifying a new one ends the old.
    """

    __tablename__ = "address_verifications"
    __table_args__ = (
        CheckConstraint("attempts >= 0", name="attempts_not_negative"),
        CheckConstraint(
            "status != 'verified' OR (method IS NOT NULL AND verified_at IS NOT NULL)",
            name="verified_has_method",
        ),
        Index("ix_address_verifications_wijk_status", "wijk_id", "status"),
    )

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    wijk_id: Mapped[int] = mapped_column(ForeignKey("wijken.id"))
    postcode: Mapped[str] = mapped_column(String(7))
    #: The lines for the envelope (name, street and number, postcode and town), one a line.
    #: Erased when the account is deleted.
    address: Mapped[str] = mapped_column(Text)
    status: Mapped[VerificationStatus] = mapped_column(
        Enum(VerificationStatus, native_enum=False, length=20, validate_strings=True),
        default=VerificationStatus.requested,
    )
    method: Mapped[VerificationMethod | None] = mapped_column(
        Enum(VerificationMethod, native_enum=False, length=20, validate_strings=True)
    )
    #: The letter's one-time code, only as a salted hash; cleared once used.
    code_hash: Mapped[str | None] = mapped_column(String(64))
    code_expires_at: Mapped[datetime | None]
    #: Wrong codes typed for this letter; at the limit the letter no longer works.
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    letter_sent_at: Mapped[datetime | None]
    letter_sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    verified_at: Mapped[datetime | None]
    #: The wijkmanager who checked the register, or the resident who typed the letter's code.
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: The wijkmanager's note of a register check (which register, what was seen).
    note: Mapped[str | None] = mapped_column(Text)
    ended_at: Mapped[datetime | None]
    created_at: Mapped[created_at]

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    wijk: Mapped[Wijk] = relationship()
    letter_sent_by: Mapped[User | None] = relationship(foreign_keys=[letter_sent_by_id])
    verified_by: Mapped[User | None] = relationship(foreign_keys=[verified_by_id])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_VERIFICATION

    @property
    def address_lines(self) -> list[str]:
        return [line for line in self.address.splitlines() if line.strip()]

    def __repr__(self) -> str:
        return f"<AddressVerification {self.id} user={self.user_id} {self.status}>"
