"""Imports every area's models, so the metadata is complete for Alembic and the tests."""

from samenhang.accounts.models import Role, User, WijkManager
from samenhang.audit.models import AuditEntry
from samenhang.places.models import Municipality, Wijk, WijkPostcode

__all__ = ["AuditEntry", "Municipality", "Role", "User", "Wijk", "WijkManager", "WijkPostcode"]
