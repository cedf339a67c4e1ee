from __future__ import annotations

from typing import Any

import pytest
from factories.accounts import AdminFactory, UserFactory, WijkmanagerFactory
from factories.initiatives import PublishedInitiativeFactory
from factories.places import WijkFactory

from samenhang.errors import PermissionDenied
from samenhang.policies import (
    can_administer,
    can_manage,
    can_report_realised,
    can_translate,
    require_author,
    require_translator,
)


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


def test_initiator_or_wijkmanager_reports_an_initiative_realised(db_session: Any) -> None:
    initiative = PublishedInitiativeFactory()
    assert can_report_realised(initiative.author, initiative)
    assert can_report_realised(WijkmanagerFactory(wijken=[initiative.wijk]), initiative)
    assert not can_report_realised(WijkmanagerFactory(wijken=[WijkFactory()]), initiative)
    assert not can_report_realised(UserFactory(), initiative)
    with pytest.raises(PermissionDenied, match="initiator"):
        require_author(UserFactory(), initiative)


def test_translators_are_the_author_volunteers_and_the_wijks_managers(db_session: Any) -> None:
    initiative = PublishedInitiativeFactory()
    assert can_translate(initiative.author, initiative)
    assert can_translate(UserFactory(is_translator=True), initiative)
    assert can_translate(WijkmanagerFactory(wijken=[initiative.wijk]), initiative)
    assert not can_translate(UserFactory(), initiative)
    assert not can_translate(None, initiative)
    with pytest.raises(PermissionDenied):
        require_translator(UserFactory(), initiative)
