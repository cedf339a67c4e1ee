from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from factories.accounts import UserFactory, WijkmanagerFactory
from factories.contracts import (
    ContractFactory,
    bewonersraad_member,
    first_goal,
    manager_of,
    party,
    signer_for,
    writer_of,
)
from factories.initiatives import PublishedInitiativeFactory
from factories.places import WijkFactory
from factories.vouchers import photo_bytes

from samenhang.contracts import queries, services
from samenhang.contracts.models import Contract, ContractStatus, PartyKind, Progress, Unit
from samenhang.db import utcnow
from samenhang.extensions import db


def _base(contract: Contract) -> str:
    wijk = contract.wijk
    return f"/g/{wijk.municipality.slug}/{wijk.slug}/buurtcontract"


def _version(contract: Contract) -> str:
    return f"{_base(contract)}/{contract.year}/v{contract.version}"


def _goal(contract: Contract) -> str:
    return f"{_base(contract)}/{contract.year}/goals/{first_goal(contract).id}"


def test_the_bewonersraad_writes_a_draft_in_the_browser(client: Any, login: Any) -> None:
    wijk = WijkFactory()
    WijkmanagerFactory(wijken=[wijk])
    writer = bewonersraad_member(wijk)
    login(writer)
    base = f"/g/{wijk.municipality.slug}/{wijk.slug}/buurtcontract"
    year = utcnow().year
    response = client.post(f"{base}/new", data={"year": year})
    assert response.status_code == 302
    contract = queries.version(wijk, year, 1)
    assert contract is not None and contract.status is ContractStatus.draft
    version = f"{base}/{year}/v1"
    page = client.get(version)
    assert page.status_code == 200 and "This is a draft" in page.text
    assert client.post(f"{version}/edit", data={"preamble": "Samen verder."}).status_code == 302
    gemeente = party(contract, PartyKind.gemeente)
    goal = {
        "title": "Schonere straten",
        "theme": "wonen",
        "indicator": "Rapportcijfer schoon",
        "unit": "grade",
        "source": "Wijkschouw",
        "baseline": "5,8",
        "target": "7",
        "deadline": f"{year}-12-31",
        "owner": gemeente.id,
    }
    refused = client.post(f"{version}/goals/new", data={**goal, "target": "12"})
    assert refused.status_code == 422 and "between 1 and 10" in refused.text
    refused = client.post(f"{version}/goals/new", data={**goal, "baseline": "vijf"})
    assert refused.status_code == 422 and "is not a number" in refused.text
    assert client.post(f"{version}/goals/new", data=goal).status_code == 302
    db.session.expire_all()
    saved = first_goal(contract)
    assert (saved.baseline, saved.target) == (Decimal("5.8"), Decimal("7"))
    response = client.post(
        f"{version}/goals/{saved.id}/commitments",
        data={"party": gemeente.id, "description": "Elke week vegen", "due_on": f"{year}-06-01"},
    )
    assert response.status_code == 302
    closes = (utcnow() + timedelta(days=3)).date().isoformat()
    refused = client.post(f"{version}/publish", data={"comments_close_on": closes})
    assert refused.status_code == 422 and "at least 14 days" in refused.text
    closes = (utcnow() + timedelta(days=20)).date().isoformat()
    assert client.post(f"{version}/publish", data={"comments_close_on": closes}).status_code == 302
    db.session.expire_all()
    assert contract.status is ContractStatus.consultation


def test_drafts_are_hidden_from_residents(client: Any, login: Any) -> None:
    contract = ContractFactory(stage="draft")
    assert client.get(_version(contract)).status_code == 404
    login(UserFactory())
    assert client.get(_version(contract)).status_code == 404
    assert client.get(_base(contract)).status_code == 200


def test_signing_without_authority_shows_why_and_changes_nothing(client: Any, login: Any) -> None:
    contract = ContractFactory(stage="signing")
    corporatie = party(contract, PartyKind.corporatie)
    login(writer_of(contract))
    url = f"{_version(contract)}/parties/{corporatie.id}/sign"
    response = client.post(url, data={"confirm": "y"})
    assert response.status_code == 403
    assert "Only someone authorised by Woonbedrijf can sign for it." in response.text
    db.session.expire_all()
    assert corporatie.signature is None


def test_each_party_signs_and_the_contract_is_in_force(client: Any, login: Any) -> None:
    contract = ContractFactory(stage="signing")
    for p in contract.parties:
        login(signer_for(p))
        url = f"{_version(contract)}/parties/{p.id}/sign"
        assert client.post(url, data={}).status_code == 422  # the box is not ticked
        assert client.post(url, data={"confirm": "y"}).status_code == 302
    db.session.expire_all()
    assert contract.status is ContractStatus.signed
    page = client.get(f"{_base(contract)}/{contract.year}")
    assert "Signed by" in page.text and "Woonbedrijf" in page.text


def test_editing_a_signed_contract_is_refused_with_a_clear_message(client: Any, login: Any) -> None:
    contract = ContractFactory()
    login(writer_of(contract))
    response = client.post(f"{_version(contract)}/edit", data={"preamble": "Anders"})
    assert response.status_code == 422
    assert "This buurtcontract is signed and cannot be changed" in response.text
    db.session.expire_all()
    assert contract.preamble == "Samen maken we de wijk veiliger."


def test_an_amendment_shows_what_changed_word_by_word(client: Any, login: Any) -> None:
    contract = ContractFactory()
    login(writer_of(contract))
    response = client.post(f"{_version(contract)}/amend", data={"reason": "Nieuwe aanpak."})
    assert response.status_code == 302
    amendment = queries.version(contract.wijk, contract.year, 2)
    assert amendment is not None
    services.update_draft(amendment, "Samen maken we de wijk schoner.", actor=writer_of(contract))
    db.session.commit()
    page = client.get(f"{_version(amendment)}/changes")
    assert page.status_code == 200
    assert "<del>veiliger.</del> <ins>schoner.</ins>" in page.text
    assert "Nieuwe aanpak." in page.text


def test_owner_reports_progress_with_a_photo_and_the_chart_shows_it(
    client: Any, login: Any
) -> None:
    contract = ContractFactory()
    goal = first_goal(contract)
    login(signer_for(goal.owner_party))
    today = utcnow().date().isoformat()
    data = {"value": "61,5", "unit": "percent", "measured_on": today, "note": "Lampen"}
    wrong_unit = client.post(f"{_goal(contract)}/progress", data={**data, "unit": "count"})
    assert wrong_unit.status_code == 422
    assert "measured in “Percent”, not in “Count (whole number)”" in wrong_unit.text
    wrong_type = client.post(f"{_goal(contract)}/progress", data={**data, "value": "veel"})
    assert wrong_type.status_code == 422 and "is not a number" in wrong_type.text
    assert db.session.query(Progress).count() == 0
    response = client.post(
        f"{_goal(contract)}/progress",
        data={**data, "photo": (io.BytesIO(photo_bytes()), "lamp.jpg", "image/jpeg")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    page = client.get(_goal(contract))
    assert 'class="line-chart"' in page.text and "61.5%" in page.text
    progress = db.session.query(Progress).one()
    wijk = contract.wijk
    photo = client.get(
        f"/g/{wijk.municipality.slug}/{wijk.slug}/buurtcontract/photos/"
        f"{progress.photo_name}-480.jpg"
    )
    assert photo.status_code == 200 and photo.mimetype == "image/jpeg"
    photo.close()


def test_residents_ask_and_the_owner_answers_on_the_goal_page(client: Any, login: Any) -> None:
    contract = ContractFactory()
    goal = first_goal(contract)
    login(UserFactory())
    response = client.post(f"{_goal(contract)}/questions", data={"body": "Wanneer?"})
    assert response.status_code == 302
    question = queries.questions(goal)[0]
    assert (
        client.post(
            f"{_goal(contract)}/questions/{question.id}/answer", data={"answer": "Nu"}
        ).status_code
        == 403
    )
    login(signer_for(goal.owner_party))
    response = client.post(
        f"{_goal(contract)}/questions/{question.id}/answer", data={"answer": "In juni."}
    )
    assert response.status_code == 302
    assert "In juni." in client.get(_goal(contract)).text


def test_goal_lists_linked_initiatives(client: Any, login: Any) -> None:
    contract = ContractFactory()
    initiative = PublishedInitiativeFactory(wijk=contract.wijk, title="Lichtjes in de straat")
    login(writer_of(contract))
    response = client.post(
        f"{_goal(contract)}/links", data={"target": f"initiative:{initiative.id}"}
    )
    assert response.status_code == 302
    assert "Lichtjes in de straat" in client.get(_goal(contract)).text


def test_carry_over_button_makes_next_years_draft(client: Any, login: Any) -> None:
    contract = ContractFactory()
    login(writer_of(contract))
    response = client.post(f"{_version(contract)}/carry-over")
    assert response.status_code == 302
    draft = queries.version(contract.wijk, contract.year + 1, 1)
    assert draft is not None and len(draft.goals) == 1
    assert "Carried over from the buurtcontract of" in client.get(response.location).text


def test_wijkmanager_grants_bewonersraad_membership_by_email(client: Any, login: Any) -> None:
    wijk = WijkFactory()
    manager = WijkmanagerFactory(wijken=[wijk])
    resident = UserFactory()
    login(manager)
    url = f"/g/{wijk.municipality.slug}/{wijk.slug}/bewonersraad"
    unknown = client.post(url, data={"email": "nobody@example.org"})
    assert unknown.status_code == 422 and "no active account" in unknown.text
    assert client.post(url, data={"email": resident.email}).status_code == 302
    assert queries.members(wijk) == [resident]


def test_pages_of_a_contract_answer(client: Any) -> None:
    contract = ContractFactory()
    services.post_progress(
        first_goal(contract),
        Decimal("60"),
        Unit.percent,
        date.today(),
        actor=manager_of(contract),
    )
    db.session.commit()
    for url in (_base(contract), f"{_base(contract)}/{contract.year}", _goal(contract)):
        assert client.get(url).status_code == 200, url
