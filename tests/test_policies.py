from __future__ import annotations

from typing import Any

from factories.accounts import AdminFactory, UserFactory, WijkmanagerFactory
from factories.places import WijkFactory

from samenhang.policies import can_administer, can_manage


def test_wijkmanager_acts_only_in_their_wijken(db_session: Any) -> None:
    own, other = WijkFactory(), WijkFactory()
    manager = WijkmanagerFactory(wijken=[own])
    assert can_manage(manager, own)
    assert not can_manage(manager, other)
    assert not can_administer(manager)


def test_admin_manages_everywhere_and_residents_nowhere(db_session: Any) -> None:
    wijk = WijkFactory()
    assert can_manage(AdminFactory(), wijk)
    assert not can_manage(UserFactory(), wijk)
    assert not can_manage(None, wijk)
    assert not can_manage(AdminFactory(is_deleted=True), wijk)
