"""Who may do what, declared once. Views and services ask here; they never re-implement it."""

from __future__ import annotations

from typing import Any

from samenhang.accounts.models import Role, User
from samenhang.places.models import Wijk


def can_manage(user: Any, wijk: Wijk) -> bool:
    """A wijkmanager acts only in their own wijken; an admin everywhere."""
    if not isinstance(user, User) or not user.is_active:
        return False
    if user.role is Role.admin:
        return True
    return user.role is Role.wijkmanager and any(w.id == wijk.id for w in user.managed_wijken)


def can_administer(user: Any) -> bool:
    return isinstance(user, User) and user.is_active and user.role is Role.admin
