"""Reading users."""

from __future__ import annotations

from sqlalchemy import select

from samenhang.accounts.models import User
from samenhang.extensions import db


def load_user_from_session(session_id: str) -> User | None:
    """Flask-Login's loader; the nonce part lets a password change sign out other sessions."""
    user_id, _, nonce = session_id.partition(":")
    if not user_id.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.is_active or user.session_nonce != nonce:
        return None
    return user


def active_users() -> list[User]:
    stmt = select(User).where(User.is_deleted.is_(False)).order_by(User.role, User.email)
    return list(db.session.scalars(stmt))


def active_user_by_email(email: str) -> User | None:
    stmt = select(User).where(User.email == email.strip().lower(), User.is_deleted.is_(False))
    return db.session.scalar(stmt)
