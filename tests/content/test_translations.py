"""User content in the reader's language: translations, honest fallbacks, outdated marks,
requests, and machine suggestions that need a person's check."""

from __future__ import annotations

from typing import Any

import pytest
from factories.accounts import UserFactory, WijkmanagerFactory
from factories.initiatives import PublishedInitiativeFactory

from samenhang.content import services
from samenhang.content.queries import localize, translation_queue
from samenhang.errors import DomainError, PermissionDenied
from samenhang.extensions import db


class FakeTranslator:
    def translate(self, text: str, source: str, target: str) -> str:
        return f"[{target}] {text}"


def test_turkish_translation_shows_and_polish_gets_the_original_notice(
    client: Any, login: Any
) -> None:
    initiative = PublishedInitiativeFactory(title="Moestuin", summary="Samen tuinieren.")
    services.save_translation(
        initiative,
        "tr",
        {"title": "Sebze bahçesi", "summary": "Birlikte bahçe."},
        actor=initiative.author,
    )
    db.session.commit()
    client.set_cookie("locale", "tr")
    turkish = client.get(f"/initiatives/{initiative.id}").text
    assert ">Sebze bahçesi</h1>" in turkish
    assert "?original=1" in turkish
    original = client.get(f"/initiatives/{initiative.id}?original=1").text
    assert ">Moestuin</h1>" in original
    client.set_cookie("locale", "pl")
    polish = client.get(f"/initiatives/{initiative.id}").text
    assert '<h1 lang="nl" dir="ltr">Moestuin</h1>' in polish
    assert 'class="notice language-notice"' in polish


def test_translation_becomes_outdated_when_the_original_changes(db_session: Any) -> None:
    initiative = PublishedInitiativeFactory(title="Moestuin")
    services.save_translation(
        initiative, "en", {"title": "Vegetable garden"}, actor=initiative.author
    )
    assert not localize(initiative, "en").is_outdated
    initiative.title = "Moestuin met kas"
    assert localize(initiative, "en").is_outdated


def test_only_author_translator_or_wijkmanager_may_translate(db_session: Any) -> None:
    initiative = PublishedInitiativeFactory()
    with pytest.raises(PermissionDenied):
        services.save_translation(initiative, "en", {"title": "x"}, actor=UserFactory())
    services.save_translation(
        initiative, "en", {"title": "x"}, actor=UserFactory(is_translator=True)
    )
    services.save_translation(
        initiative, "pl", {"title": "y"}, actor=WijkmanagerFactory(wijken=[initiative.wijk])
    )
    with pytest.raises(DomainError):
        services.save_translation(initiative, "nl", {"title": "same"}, actor=initiative.author)


def test_requests_are_counted_once_per_resident_and_fulfilled(db_session: Any) -> None:
    initiative = PublishedInitiativeFactory()
    a, b = UserFactory(), UserFactory()
    assert services.request_translation(initiative, "uk", actor=a)
    assert not services.request_translation(initiative, "uk", actor=a)
    services.request_translation(initiative, "uk", actor=b)
    db.session.flush()
    [wanted] = translation_queue(initiative.wijk.id)
    assert (wanted.locale, wanted.requests) == ("uk", 2)
    services.save_translation(initiative, "uk", {"title": "Город"}, actor=initiative.author)
    db.session.flush()
    assert translation_queue(initiative.wijk.id) == []


def test_machine_translation_is_hidden_until_a_person_checks_it(db_session: Any) -> None:
    initiative = PublishedInitiativeFactory(title="Moestuin")
    translator = UserFactory(is_translator=True)
    services.suggest_machine_translation(
        initiative, "ar", actor=translator, translator=FakeTranslator()
    )
    assert localize(initiative, "ar")["title"].text == "Moestuin"
    assert localize(initiative, "ar").is_fallback
    services.approve_machine_translation(initiative, "ar", actor=translator)
    shown = localize(initiative, "ar")["title"]
    assert shown.text == "[ar] Moestuin" and shown.is_machine


class ConfiguredTranslator(FakeTranslator):
    def __init__(self, config: Any) -> None:
        self.config = config


def test_machine_translation_through_the_web_needs_a_person(
    client: Any, login: Any, app: Any
) -> None:
    initiative = PublishedInitiativeFactory(title="Moestuin", summary="Samen tuinieren.")
    path = f"{__name__}:ConfiguredTranslator"
    app.config["MACHINE_TRANSLATOR"] = path
    try:
        login(initiative.author)
        client.post(f"/translate/initiatives/{initiative.id}/en", data={"machine": "1"})
        page = client.get(f"/translate/initiatives/{initiative.id}/en")
        assert "machine translation" in page.text
        client.set_cookie("locale", "en")
        assert "[en] Moestuin" not in client.get(f"/initiatives/{initiative.id}").text
        client.post(
            f"/translate/initiatives/{initiative.id}/en",
            data={"title": "[en] Moestuin", "summary": "Gardening together."},
        )
        assert "[en] Moestuin" in client.get(f"/initiatives/{initiative.id}").text
    finally:
        app.config["MACHINE_TRANSLATOR"] = None
        app.extensions.pop("machine_translator", None)


def test_wijkmanager_sees_the_translation_queue(client: Any, login: Any) -> None:
    initiative = PublishedInitiativeFactory(title="Moestuin")
    services.request_translation(initiative, "uk", actor=UserFactory())
    db.session.commit()
    login(WijkmanagerFactory(wijken=[initiative.wijk]))
    wijk = initiative.wijk
    page = client.get(f"/g/{wijk.municipality.slug}/{wijk.slug}/moderation").text
    assert "Moestuin" in page and "Українська" in page


def test_pot_criteria_use_the_same_translation_mechanism(client: Any, login: Any) -> None:
    from factories.vouchers import PotFactory, manager_of

    pot = PotFactory()
    criterion = pot.criteria[0]
    login(manager_of(pot))
    response = client.post(
        f"/translate/pot_criteria/{criterion.id}/tr",
        data={"title": "Mahalle için iyi", "description": "Birçok komşuya yardım eder."},
    )
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/pots/{pot.id}")
    client.set_cookie("locale", "tr")
    turkish = client.get(f"/bewonersbudgetten/pots/{pot.id}").text
    assert "Mahalle için iyi" in turkish
    client.set_cookie("locale", "pl")
    polish = client.get(f"/bewonersbudgetten/pots/{pot.id}").text
    assert criterion.title in polish and 'class="notice language-notice"' in polish


def test_stemdag_projects_can_be_translated_and_asked_for(client: Any, login: Any) -> None:
    from factories.voting import ProjectFactory

    from samenhang.voting.models import Phase

    project = ProjectFactory(title="Bankjes", summary="Twee bankjes.", round__phase=Phase.ideas)
    manager = WijkmanagerFactory(wijken=[project.round.wijk])
    resident = UserFactory()
    login(resident)
    client.set_cookie("locale", "uk")
    assert client.post(f"/translate/stemdag_projects/{project.id}/request").status_code == 302
    assert client.get(f"/translate/stemdag_projects/{project.id}/uk").status_code == 403
    client.post("/signout")
    login(manager)
    client.post(
        f"/translate/stemdag_projects/{project.id}/uk",
        data={"title": "Лавки", "summary": "Дві лавки."},
    )
    [wanted] = translation_queue(project.round.wijk.id) or [None]
    assert wanted is None  # the request is fulfilled by the translation


def test_what_a_page_hides_cannot_be_translated_or_asked_for(client: Any, login: Any) -> None:
    """A project of a round in preparation is as unknown here as on the round's page."""
    from factories.voting import ProjectFactory

    project = ProjectFactory()
    login(UserFactory(is_translator=True))
    assert client.get(f"/translate/stemdag_projects/{project.id}/uk").status_code == 404
    assert client.post(f"/translate/stemdag_projects/{project.id}/request").status_code == 404
    client.post("/signout")
    login(WijkmanagerFactory(wijken=[project.round.wijk]))
    assert client.get(f"/translate/stemdag_projects/{project.id}/uk").status_code == 200


def test_unknown_kinds_and_hidden_objects_are_not_found(client: Any, login: Any) -> None:
    from factories.initiatives import InitiativeFactory

    login(UserFactory(is_translator=True))
    assert client.get("/translate/users/1/en").status_code == 404
    draft = InitiativeFactory()
    assert client.get(f"/translate/initiatives/{draft.id}/en").status_code == 404


def test_contract_goals_use_the_same_translation_mechanism(client: Any, login: Any) -> None:
    """A signed goal's words stay as signed; a translation only helps readers, on the
    contract page and the goal page, with the notice that says so."""
    from factories.contracts import ContractFactory, first_goal, manager_of

    contract = ContractFactory()
    goal = first_goal(contract)
    signed = (goal.title, goal.description, goal.indicator)
    wijk = contract.wijk
    goal_page = (
        f"/g/{wijk.municipality.slug}/{wijk.slug}/buurtcontract/{contract.year}/goals/{goal.id}"
    )
    assert client.get(f"/translate/contract_goals/{goal.id}/en").status_code == 302  # sign in
    login(UserFactory())
    assert client.get(f"/translate/contract_goals/{goal.id}/en").status_code == 403
    client.post("/signout")
    login(manager_of(contract))
    form = client.get(f"/translate/contract_goals/{goal.id}/en").text
    assert 'name="indicator"' in form
    response = client.post(
        f"/translate/contract_goals/{goal.id}/en",
        data={
            "title": "A safer wijk at night",
            "description": "More light in the porches.",
            "indicator": "Residents who feel safe at night",
        },
    )
    assert response.status_code == 302 and response.headers["Location"].endswith(goal_page)
    client.set_cookie("locale", "en")
    english = client.get(goal_page).text
    assert "<h1>A safer wijk at night</h1>" in english
    assert "Residents who feel safe at night" in english and "Translated from Dutch." in english
    contract_page = client.get(response.headers["Location"].rsplit("/goals/", 1)[0]).text
    assert "A safer wijk at night" in contract_page
    original = client.get(goal_page + "?original=1").text
    assert f'<h1 lang="nl" dir="ltr">{goal.title}</h1>' in original
    client.set_cookie("locale", "pl")
    polish = client.get(goal_page).text
    assert goal.title in polish and 'class="notice language-notice"' in polish
    assert "Oryginał w języku: niderlandzki." in polish
    # The language is named in the reader's language inside a sentence, not as "Nederlands".
    client.set_cookie("locale", "ar")
    arabic = client.get(goal_page).text
    assert "النص الأصلي باللغة الهولندية." in arabic and "باللغة Nederlands" not in arabic
    assert (goal.title, goal.description, goal.indicator) == signed
