"""Users, their roles and the wijken a wijkmanager may act in."""

from __future__ import annotations

import secrets
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, Enum, ForeignKey, String
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


def new_session_nonce() -> str:
    return secrets.token_urlsafe(16)


class User(db.Model):
    __tablename__ = "users"
    __table_args__ = (CheckConstraint("email = lower(email)", name="email_lowercase"),)

    id: Mapped[intpk]
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    #: The name shown next to everything the user writes; chosen by the user.
    display_name: Mapped[str] = mapped_column(String(80))
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
