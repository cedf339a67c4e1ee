"""One person, one credential per round; a resident's vote needs a checked address.

In a round with codes and residents both, a resident who voted with the account could vote
again with the letter of their address: there everyone votes with a code, and a checked
resident without a letter is issued one, once.
"""

from __future__ import annotations

from typing import Any

import pytest
from factories.accounts import UserFactory, VerifiedResidentFactory, WijkmanagerFactory
from factories.places import WijkFactory, WijkPostcodeFactory
from factories.voting import ProjectFactory, RoundFactory
from flask.testing import FlaskClient
from sqlalchemy import func, select

from samenhang.accounts import services as accounts
from samenhang.audit.models import AuditEntry
from samenhang.errors import DomainError
from samenhang.extensions import db
from samenhang.voting import queries, services
from samenhang.voting.models import (
    Ballot,
    CodeRequest,
    CodeRequestStatus,
    Eligibility,
    Phase,
    StemCode,
)


@pytest.fixture
def setup(db_session: Any) -> dict[str, Any]:
    wijk = WijkFactory()
    WijkPostcodeFactory(wijk=wijk, postcode4="9715")
    manager = WijkmanagerFactory(wijken=[wijk])
    both = RoundFactory(wijk=wijk, eligibility=Eligibility.both, phase=Phase.voting)
    residents = RoundFactory(wijk=wijk, eligibility=Eligibility.residents, phase=Phase.voting)
    for round_ in (both, residents):
        ProjectFactory(round=round_)
    fatma = VerifiedResidentFactory(wijk=wijk)
    db.session.commit()
    return {"wijk": wijk, "manager": manager, "both": both, "residents": residents, "fatma": fatma}


def _vote(round_: Any, credential: services.Credential) -> str:
    projects = queries.ballot_projects(round_)
    choice = services.Choice([next(iter(projects))])
    return services.cast_ballot(round_, projects, choice, credential, age_confirmed=True)


def _ballots(round_: Any) -> int:
    return db.session.scalar(select(func.count(Ballot.id)).where(Ballot.round_id == round_.id))


def _cast(client: FlaskClient, round_: Any, code: str = "") -> Any:
    project = next(iter(queries.ballot_projects(round_)))
    data = {"choice": str(project), "code": code, "age_confirmed": "y"}
    return client.post(f"/stemdag/{round_.id}/vote/cast", data=data)


def test_in_a_round_with_both_a_resident_votes_with_the_letter_not_the_account(
    setup: dict[str, Any], client: FlaskClient, login: Any
) -> None:
    both, fatma = setup["both"], setup["fatma"]
    [(_, code)] = services.generate_codes(both, 1, actor=setup["manager"])
    with pytest.raises(DomainError, match="code from their letter"):
        services.resident_credential(both, fatma)
    db.session.commit()
    login(fatma)
    refused = _cast(client, both)
    assert refused.status_code == 422 and _ballots(both) == 0
    assert "code from their letter" in refused.text or "stemcode uit" in refused.text
    # With the code from the letter of her address she votes, once.
    assert _cast(client, both, code).status_code == 303
    assert _cast(client, both).status_code == 422
    assert _ballots(both) == 1


def test_a_new_account_with_a_typed_postcode_cannot_vote(
    setup: dict[str, Any], client: FlaskClient, login: Any
) -> None:
    round_ = setup["residents"]
    newcomer = UserFactory(email_verified_at=None)
    accounts.update_profile(
        newcomer, display_name="Nieuw", locale=None, postcode="9715AB", house_number="1"
    )
    assert newcomer.wijk_id == setup["wijk"].id
    with pytest.raises(DomainError, match="confirm your e-mail"):
        services.resident_credential(round_, newcomer)
    newcomer.email_verified_at = setup["fatma"].email_verified_at
    with pytest.raises(DomainError, match="has been checked"):
        services.resident_credential(round_, newcomer)
    db.session.commit()
    login(newcomer)
    refused = _cast(client, round_)
    assert refused.status_code == 422 and _ballots(round_) == 0
    assert "/profile#address" in refused.text  # told where to get the address checked


def test_a_checked_resident_votes_once_in_a_round_for_residents(setup: dict[str, Any]) -> None:
    round_, fatma = setup["residents"], setup["fatma"]
    _vote(round_, services.resident_credential(round_, fatma))
    with pytest.raises(services.AlreadyVoted):
        _vote(round_, services.resident_credential(round_, fatma))
    assert _ballots(round_) == 1


def test_a_resident_of_another_wijk_cannot_vote(setup: dict[str, Any]) -> None:
    elsewhere = VerifiedResidentFactory(wijk=WijkFactory())
    with pytest.raises(DomainError, match="has been checked"):
        services.resident_credential(setup["residents"], elsewhere)


def test_a_code_is_issued_to_a_resident_once(setup: dict[str, Any]) -> None:
    both, fatma, manager = setup["both"], setup["fatma"], setup["manager"]
    request = services.request_code(both, actor=fatma)
    with pytest.raises(DomainError, match="already asked"):
        services.request_code(both, actor=fatma)
    with pytest.raises(DomainError, match="register"):
        services.issue_requested_code(request, register_checked=False, actor=manager)
    with pytest.raises(DomainError):
        services.issue_requested_code(request, register_checked=True, actor=fatma)
    serial, code = services.issue_requested_code(
        request, register_checked=True, note="Niet op de adreslijst", actor=manager
    )
    assert request.status is CodeRequestStatus.issued and request.issued_by == manager
    with pytest.raises(DomainError, match="already been given"):
        services.issue_requested_code(request, register_checked=True, actor=manager)
    assert db.session.scalar(select(func.count(StemCode.id))) == 1
    # The code votes, once; which code she got is not recorded with her.
    assert "serial" not in CodeRequest.__table__.c and "code_hash" not in CodeRequest.__table__.c
    _vote(both, services.Credential(code=services.find_code(both, code)))
    with pytest.raises(services.AlreadyVoted):
        _vote(both, services.code_credential(both, code))
    logged = db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.object_type == "stemdag_code_requests")
    ).all()
    assert logged == ["stemdag.code_requested", "stemdag.code_issued_to_resident"]
    assert serial == 1


def test_only_checked_residents_ask_for_a_code_and_only_where_codes_and_residents_mix(
    setup: dict[str, Any],
) -> None:
    with pytest.raises(DomainError, match="has been checked"):
        services.request_code(setup["both"], actor=UserFactory(wijk=setup["wijk"]))
    with pytest.raises(DomainError, match="need no code"):
        services.request_code(setup["residents"], actor=setup["fatma"])
    setup["both"].phase = Phase.counting
    with pytest.raises(DomainError, match="until voting closes"):
        services.request_code(setup["both"], actor=setup["fatma"])


def test_asking_and_issuing_through_the_pages(
    setup: dict[str, Any], client: FlaskClient, login: Any
) -> None:
    both, fatma = setup["both"], setup["fatma"]
    login(fatma)
    page = client.get(f"/stemdag/{both.id}")
    assert 'id="code-request"' in page.text and f"/stemdag/{both.id}/code-request" in page.text
    assert client.post(f"/stemdag/{both.id}/code-request").status_code == 303
    assert client.post(f"/stemdag/{both.id}/code-request").status_code == 303  # refused, flashed
    assert db.session.scalar(select(func.count(CodeRequest.id))) == 1
    client.post("/signout")
    login(setup["manager"])
    listed = client.get(f"/stemdag/{both.id}/code-requests")
    assert listed.status_code == 200 and fatma.display_name in listed.text
    request = db.session.scalar(select(CodeRequest))
    issue = f"/stemdag/{both.id}/code-requests/{request.id}/issue"
    prefix = f"r{request.id}-"
    unchecked = client.post(issue, data={f"{prefix}note": "x"})
    assert unchecked.status_code == 422
    letter = client.post(issue, data={f"{prefix}register_checked": "y"})
    assert letter.status_code == 200 and letter.mimetype == "application/pdf"
    again = client.post(issue, data={f"{prefix}register_checked": "y"})
    assert again.status_code == 422
    assert db.session.scalar(select(func.count(StemCode.id))) == 1
