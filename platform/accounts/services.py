"""Accounts: sign-up, sign-in, e-mail verification, password reset, profile, roles, GDPR."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select

from samenhang import mail
from samenhang.accounts import verification
from samenhang.accounts.models import (
    FORMER_RESIDENT_STORED,
    AddressVerification,
    NotificationMode,
    Role,
    User,
    new_session_nonce,
)
from samenhang.accounts.passwords import (
    MIN_PASSWORD_LENGTH,
    hash_password,
    needs_rehash,
    verify_nobody,
    verify_password,
)
from samenhang.audit.services import log_event
from samenhang.config import LOCALES
from samenhang.db import utcnow
from samenhang.errors import DomainError
from samenhang.extensions import db
from samenhang.places.models import Wijk
from samenhang.places.queries import normalise_postcode, wijken_for_postcode
from samenhang.policies import can_administer, require

VERIFY_MAX_AGE = 60 * 60 * 24 * 7
RESET_MAX_AGE = 60 * 60 * 2


class InvalidToken(DomainError):
    pass


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"samenhang-{purpose}")


def _password_fingerprint(user: User) -> str:
    # Binding reset tokens to the current hash makes each one single-use.
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def normalise_email(email: str) -> str:
    return email.strip().lower()


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise DomainError(
            lazy_ngettext(
                "Your password needs at least {count} character.",
                "Your password needs at least {count} characters.",
                MIN_PASSWORD_LENGTH,
            ),
            count=MIN_PASSWORD_LENGTH,
        )


def register_user(email: str, password: str, display_name: str, locale: str | None) -> User | None:
    """A new account, or None when the address already has one.

    Nothing enumerable: the caller answers both the same way, and the owner of the address
    gets a mail instead ("someone tried to sign up with your address"). The password is
    hashed in both cases, so the answer takes as long.
    """
    email = normalise_email(email)
    check_password_strength(password)
    password_hash = hash_password(password)
    owner = db.session.scalar(select(User).where(User.email == email))
    if owner is not None:
        if owner.is_active:
            mail.send_template(owner.email, "signup_attempt", user_locale(owner), user=owner)
            log_event(None, "user.signup_attempted", owner)
        return None
    user = User(
        email=email,
        password_hash=password_hash,
        display_name=display_name.strip(),
        locale=locale if locale in LOCALES else None,
        role=Role.bewoner,
    )
    db.session.add(user)
    db.session.flush()
    log_event(user, "user.registered", user)
    send_verification_mail(user)
    return user


def send_verification_mail(user: User) -> None:
    token = _serializer("verify").dumps({"uid": user.id, "email": user.email})
    mail.send_template(user.email, "verify_email", user_locale(user), user=user, token=token)


def user_locale(user: User) -> str:
    return user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]


def _user_of_link(
    purpose: str, token: str, max_age: int, still_valid: Callable[[User, dict[str, Any]], bool]
) -> User:
    """The active user a signed link in a mail names, while `still_valid` holds."""
    try:
        data = _serializer(purpose).loads(token, max_age=max_age)
    except (SignatureExpired, BadSignature) as exc:
        raise InvalidToken(_l("This link is not valid or has expired.")) from exc
    user = db.session.get(User, data["uid"])
    if user is None or not user.is_active or not still_valid(user, data):
        raise InvalidToken(_l("This link is not valid or has expired."))
    return user


def verify_email(token: str) -> User:
    user = _user_of_link("verify", token, VERIFY_MAX_AGE, lambda u, d: u.email == d["email"])
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
        log_event(user, "user.email_verified", user)
    return user


def authenticate(email: str, password: str) -> User | None:
    user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None or not user.is_active:
        verify_nobody(password)
        return None
    if not verify_password(user.password_hash, password):
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    return user


def request_password_reset(email: str) -> None:
    """Mail a reset link if the account exists; say nothing either way (no user enumeration)."""
    user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None or not user.is_active:
        return
    token = _serializer("reset").dumps({"uid": user.id, "pw": _password_fingerprint(user)})
    mail.send_template(user.email, "reset_password", user_locale(user), user=user, token=token)
    log_event(user, "user.password_reset_requested", user)


def user_for_reset_token(token: str) -> User:
    return _user_of_link(
        "reset", token, RESET_MAX_AGE, lambda u, d: d["pw"] == _password_fingerprint(u)
    )


def reset_password(token: str, new_password: str) -> User:
    user = user_for_reset_token(token)
    check_password_strength(new_password)
    user.password_hash = hash_password(new_password)
    user.session_nonce = new_session_nonce()
    # Whoever can read the mailbox has proven the address.
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
    log_event(user, "user.password_reset", user)
    return user


def change_password(user: User, current_password: str, new_password: str) -> None:
    if not verify_password(user.password_hash, current_password):
        raise DomainError(_l("Your current password is not correct."))
    check_password_strength(new_password)
    user.password_hash = hash_password(new_password)
    user.session_nonce = new_session_nonce()
    log_event(user, "user.password_changed", user)


def update_profile(
    user: User,
    *,
    display_name: str,
    locale: str | None,
    postcode: str | None,
    house_number: str | None,
    wijk_id: int | None = None,
    notification_mode: NotificationMode | None = None,
) -> User:
    """Save the profile; the postcode decides the wijk (the user picks where it spans several)."""
    before = _profile_snapshot(user)
    user.display_name = display_name.strip()
    user.locale = locale if locale in LOCALES else None
    user.house_number = (house_number or "").strip() or None
    if notification_mode is not None:
        user.notification_mode = notification_mode
    user.postcode = normalise_postcode(postcode) if postcode else None
    if postcode and user.postcode is None:
        raise DomainError(_l("This is not a Dutch postcode. Write it like 9741 AB."))
    if user.postcode is None:
        user.wijk = None
    else:
        candidates = wijken_for_postcode(user.postcode)
        chosen = [w for w in candidates if w.id == wijk_id]
        if not candidates:
            raise DomainError(_l("We do not know this postcode. Check it, or leave it empty."))
        user.wijk = chosen[0] if chosen else candidates[0]
    after = _profile_snapshot(user)
    if after != before:
        log_event(user, "user.profile_updated", user, before=before, after=after)
    if after["postcode"] != before["postcode"]:
        _end_verification_on_move(user)
    return user


def _end_verification_on_move(user: User) -> None:
    """A new postcode says the person moved: their checked address no longer holds. A
    typed postcode can take a right away, never give one."""
    current = verification.current_verification(user)
    if current is not None and current.postcode != user.postcode:
        verification.end_verification(current, user, "moved")


def _profile_snapshot(user: User) -> dict[str, Any]:
    return {
        "display_name": user.display_name,
        "locale": user.locale,
        "postcode": user.postcode,
        "house_number": user.house_number,
        "wijk_id": user.wijk.id if user.wijk else None,
        "notification_mode": user.notification_mode.value,
    }


def set_locale(user: User, locale: str) -> None:
    if locale in LOCALES and user.locale != locale:
        user.locale = locale


def set_role(user: User, role: Role, wijken: list[Wijk], *, actor: User) -> None:
    """Give `user` a role; a wijkmanager's scope is exactly `wijken`."""
    require(can_administer(actor), _l("Only an administrator can change roles."))
    if role is Role.wijkmanager and not wijken:
        raise DomainError(_l("A wijkmanager needs at least one wijk."))
    before = {"role": user.role.value, "wijken": sorted(w.id for w in user.managed_wijken)}
    user.role = role
    user.managed_wijken = list(wijken) if role is Role.wijkmanager else []
    after = {"role": role.value, "wijken": sorted(w.id for w in user.managed_wijken)}
    log_event(actor, "user.role_changed", user, before=before, after=after)


def create_admin(email: str, password: str, display_name: str) -> User:
    """For the `samenhang create-admin` command: an admin with a verified address."""
    email = normalise_email(email)
    check_password_strength(password)
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        user = User(email=email, display_name=display_name, password_hash="")
        db.session.add(user)
    user.password_hash = hash_password(password)
    user.role = Role.admin
    user.email_verified_at = user.email_verified_at or utcnow()
    db.session.flush()
    log_event(None, "user.made_admin", user)
    return user


def export_account(user: User) -> dict[str, Any]:
    """Everything we hold about the user (GDPR art. 15/20), as JSON-ready data."""
    return {
        "email": user.email,
        "display_name": user.display_name,
        "role": user.role.value,
        "locale": user.locale,
        "postcode": user.postcode,
        "house_number": user.house_number,
        "wijk": user.wijk.name if user.wijk else None,
        "managed_wijken": [w.name for w in user.managed_wijken],
        "email_verified_at": _iso(user.email_verified_at),
        "address_checks": [
            {
                "wijk": row.wijk.name,
                "postcode": row.postcode,
                "address": row.address_lines,
                "status": row.status.value,
                "method": row.method.value if row.method else None,
                "verified_at": _iso(row.verified_at),
            }
            for row in db.session.scalars(
                select(AddressVerification)
                .where(AddressVerification.user_id == user.id)
                .order_by(AddressVerification.id)
            )
        ],
        "created_at": _iso(user.created_at),
        "last_login_at": _iso(user.last_login_at),
    }


def _iso(value: Any) -> str | None:
    return value.isoformat() if value else None


def delete_account(user: User, password: str) -> None:
    """Erase personal data (GDPR art. 17) but keep the row, so the audit log stays whole."""
    if not verify_password(user.password_hash, password):
        raise DomainError(_l("Your current password is not correct."))
    log_event(user, "user.deleted", user)
    verification.erase_addresses(user)
    user.email = f"deleted-{user.id}@invalid"
    # Stored as one stable value; shown translated for each reader (User.display_name).
    user.display_name = FORMER_RESIDENT_STORED
    user.password_hash = ""
    user.postcode = None
    user.house_number = None
    user.wijk = None
    user.locale = None
    user.role = Role.bewoner
    user.managed_wijken = []
    user.session_nonce = new_session_nonce()
    user.is_deleted = True
