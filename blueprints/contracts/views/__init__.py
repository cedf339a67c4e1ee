"""The buurtcontract's views, by audience: residents, the bewonersraad and the parties, goal
owners, and the wijkmanager."""

from samenhang.blueprints.contracts.views import drafting, manage, progress, public

__all__ = ["drafting", "manage", "progress", "public"]
