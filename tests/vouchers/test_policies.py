"""Who may see and do what with bewonersbudgetten (`samenhang.policies`)."""

from __future__ import annotations

from typing import Any

import pytest
from factories.accounts import AdminFactory, UserFactory, WijkmanagerFactory
from factories.places import WijkFactory
from factories.vouchers import ApplicationFactory, PotFactory, ResidentFactory, manager_of

from samenhang.errors import PermissionDenied
from samenhang.policies import (
    can_advise,
    can_see_receipts,
    can_view_application,
    can_view_pot,
    is_manager,
    require_adviser,
    require_may_apply,
)
from samenhang.vouchers import services


def test_a_pot_is_public_once_its_draft_criteria_are_out(db_session: Any) -> None:
    draft = PotFactory(stage="draft")
    consultation = PotFactory(stage="consultation")
    resident = ResidentFactory(wijk=draft.wijk)
    assert not can_view_pot(resident, draft) and not can_view_pot(None, draft)
    assert can_view_pot(manager_of(draft), draft) and can_view_pot(AdminFactory(), draft)
    assert can_view_pot(None, consultation)


def test_withdrawn_applications_and_receipts_are_for_the_applicant_and_managers(
    db_session: Any,
) -> None:
    application = ApplicationFactory()
    neighbour = ResidentFactory(wijk=application.pot.wijk)
    manager = manager_of(application.pot)
    assert can_view_application(None, application)
    services.withdraw_application(application, actor=application.applicant)
    assert not can_view_application(None, application)
    assert not can_view_application(neighbour, application)
    for user in (application.applicant, manager):
        assert can_view_application(user, application)
        assert can_see_receipts(user, application)
    assert not can_see_receipts(neighbour, application)
    assert not can_see_receipts(WijkmanagerFactory(wijken=[WijkFactory()]), application)


def test_panel_members_advise_on_applications_of_others(db_session: Any) -> None:
    application = ApplicationFactory()
    pot, applicant = application.pot, application.applicant
    member = ResidentFactory(wijk=pot.wijk)
    for user in (member, applicant):
        services.add_panel_member(pot, user, actor=manager_of(pot))
    assert can_advise(member, application)
    require_adviser(member, application)
    assert not can_advise(applicant, application)
    with pytest.raises(PermissionDenied, match="your own application"):
        require_adviser(applicant, application)
    with pytest.raises(PermissionDenied, match="resident panel"):
        require_adviser(ResidentFactory(wijk=pot.wijk), application)


def test_residents_of_the_wijk_with_a_confirmed_address_apply(db_session: Any) -> None:
    pot = PotFactory()
    require_may_apply(ResidentFactory(wijk=pot.wijk), pot)
    with pytest.raises(PermissionDenied, match="for residents of"):
        require_may_apply(ResidentFactory(wijk=WijkFactory()), pot)
    with pytest.raises(PermissionDenied, match="confirm your e-mail"):
        require_may_apply(ResidentFactory(wijk=pot.wijk, email_verified_at=None), pot)
    with pytest.raises(PermissionDenied, match="sign in"):
        require_may_apply(None, pot)


def test_a_typed_postcode_is_not_enough_to_apply_for_money(db_session: Any) -> None:
    pot = PotFactory()
    typed_only = UserFactory(wijk=pot.wijk, postcode="9715AB")  # no checked address
    with pytest.raises(PermissionDenied, match="address has been checked") as refused:
        require_may_apply(typed_only, pot)
    assert refused.value.kind == "not_verified"


def test_managers_dashboard_is_for_wijkmanagers_and_admins(db_session: Any) -> None:
    assert is_manager(WijkmanagerFactory()) and is_manager(AdminFactory())
    assert not is_manager(UserFactory()) and not is_manager(None)
