"""Changing municipalities: the admin's settings."""

from __future__ import annotations

from collections.abc import Collection

from flask_babel import lazy_gettext as _l

from samenhang.accounts.models import User
from samenhang.audit.services import log_event
from samenhang.errors import DomainError
from samenhang.places.models import Municipality
from samenhang.policies import can_administer, require


def set_theme(
    municipality: Municipality, theme: str, available: Collection[str], *, actor: User
) -> None:
    """Give the municipality's pages another look; `available` are the installed themes."""
    require(can_administer(actor))
    if theme not in available:
        raise DomainError(_l("Choose an appearance from the list."))
    if theme == municipality.theme:
        return
    before = {"theme": municipality.theme}
    municipality.theme = theme
    log_event(
        actor, "municipality.theme_changed", municipality, before=before, after={"theme": theme}
    )
