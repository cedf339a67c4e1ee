"""The AVG: the "my data" export holds everything a person wrote or did (never how they
voted), and a deleted account's name is gone from every public page, API answer and feed."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from factories.accounts import PASSWORD, UserFactory
from factories.campaigns import CampaignFactory, give
from factories.initiatives import PublishedInitiativeFactory
from factories.vouchers import ApplicationFactory, PotFactory, ResidentFactory, grant
from flask.testing import FlaskClient
from sqlalchemy import func, select

from samenhang.campaigns import services as campaigns
from samenhang.content import services as content
from samenhang.db import utcnow
from samenhang.extensions import db
from samenhang.initiatives import services as initiatives
from samenhang.initiatives.models import Follow
from samenhang.vouchers.models import Application, ApplicationStatus

NAME = "Fatmagül Zeynepoğlu"
EMAIL = "fatmagul.zeynep@example.org"


def _someone_who_did_everything() -> dict[str, Any]:
    """A resident with an initiative and a campaign of their own, a gift and a task in
    someone else's campaign, a comment, support, follow, a report, a translation and two
    applications for money: one waiting, one granted."""
    pot = PotFactory()
    wijk = pot.wijk
    user = ResidentFactory(wijk=wijk, display_name=NAME, email=EMAIL, locale="nl")
    own = PublishedInitiativeFactory(wijk=wijk, author=user, public_name=NAME)
    campaign = CampaignFactory(initiative=own)
    other = PublishedInitiativeFactory(wijk=wijk)
    initiatives.support_initiative(other, actor=user)
    initiatives.follow_initiative(other, actor=user)
    comment = initiatives.add_comment(other, "Wat een goed plan, ik help mee!", actor=user)
    initiatives.flag_content(other, "Klopt dit bedrag?", actor=user)
    user.is_translator = True
    content.save_translation(other, "en", {"summary": "New swings and a bench."}, actor=user)
    someone_elses = CampaignFactory(initiative=other)
    give(someone_elses, 25_00, supporter=user)
    task = campaigns.add_task(
        someone_elses,
        "Verven",
        (utcnow() + timedelta(days=10)).date(),
        4,
        actor=someone_elses.initiator,
    )
    campaigns.sign_up(task, actor=user)
    waiting = ApplicationFactory(pot=pot, applicant=user, lines=[("Buurtfeest", 300_00)])
    granted = grant(ApplicationFactory(pot=pot, applicant=user, lines=[("Bankje", 200_00)]))
    db.session.flush()
    return {
        "user": user,
        "own": own,
        "campaign": campaign,
        "other": other,
        "comment": comment,
        "waiting": waiting,
        "granted": granted,
        "pot": pot,
    }


def test_the_export_holds_everything_they_wrote_or_did_and_never_a_vote(
    client: FlaskClient, login: Any
) -> None:
    world = _someone_who_did_everything()
    login(world["user"])
    data = json.loads(client.get("/profile/export.json").data)
    assert data["email"] == EMAIL and data["display_name"] == NAME
    assert [i["id"] for i in data["initiatives"]] == [world["own"].id]
    assert [c["body"] for c in data["comments"]] == ["Wat een goed plan, ik help mee!"]
    assert [s["initiative_id"] for s in data["supports"]] == [world["other"].id]
    assert [f["initiative_id"] for f in data["follows"]] == [world["other"].id]
    assert [f["reason"] for f in data["reports_of_content"]] == ["Klopt dit bedrag?"]
    assert [t["text"] for t in data["translations"]] == ["New swings and a bench."]
    assert [c["id"] for c in data["campaigns"]] == [world["campaign"].id]
    assert [g["amount_cents"] for g in data["campaign_gifts"]] == [25_00]
    assert len(data["campaign_tasks"]) == 1
    assert sorted(a["id"] for a in data["pot_applications"]) == sorted(
        [world["waiting"].id, world["granted"].id]
    )
    assert {e["action"] for e in data["audit_log"]} >= {"pledge.made"}
    text = json.dumps(data)
    for secret in ("password_hash", "session_nonce", "idempotency_key"):
        assert secret not in text
    assert not any("ballot" in key or "vote" in key for key in data)


def _public_answers(client: FlaskClient, world: dict[str, Any]) -> dict[str, str]:
    own, other, campaign, pot = world["own"], world["other"], world["campaign"], world["pot"]
    wijk = own.wijk
    base = f"/g/{wijk.municipality.slug}/{wijk.slug}"
    urls = [
        f"/initiatives/{own.id}",
        f"/initiatives/{other.id}",
        f"{base}/initiatives",
        f"{base}/initiatives/feed.atom",
        f"/g/{wijk.municipality.slug}/initiatives/feed.atom",
        f"/campaigns/{campaign.id}",
        f"{base}/campaigns",
        f"{base}/campaigns/feed.atom",
        f"/api/v1/initiatives/{own.id}",
        f"/api/v1/initiatives?municipality={wijk.municipality.slug}",
        f"/bewonersbudgetten/pots/{pot.id}",
        f"/bewonersbudgetten/applications/{world['granted'].id}",
    ]
    answers = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.get_data(as_text=True)
        if url.startswith("/api/"):  # JSON escapes "ü"; read it as a reader would
            text = json.dumps(json.loads(text), ensure_ascii=False)
        answers[url] = text
    return answers


def test_a_deleted_account_is_gone_from_every_public_page_api_answer_and_feed(
    client: FlaskClient, login: Any
) -> None:
    world = _someone_who_did_everything()
    client.set_cookie("locale", "en")
    before = _public_answers(client, world)
    # The test can fail: the name is there before.
    assert NAME in before[f"/initiatives/{world['own'].id}"]
    assert NAME in before[f"/api/v1/initiatives/{world['own'].id}"]
    login(world["user"])
    response = client.post("/profile/delete", data={"password": PASSWORD, "confirm": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    after = _public_answers(client, world)
    for url, text in after.items():
        for trace in (NAME, "Fatmagül", EMAIL, EMAIL.split("@")[0]):
            assert trace not in text, (url, trace)
    # The word for it, in the reader's language (English here; others in the test below).
    former = "Former resident"
    assert f"By {former}" in after[f"/initiatives/{world['own'].id}"]
    api = json.loads(after[f"/api/v1/initiatives/{world['own'].id}"])
    assert api["public_name"] == former and api["by_former_resident"] is True
    assert (
        f"<name>{former}</name>"
        in after[f"/g/{world['own'].wijk.municipality.slug}/initiatives/feed.atom"]
    )
    assert former in after[f"/initiatives/{world['other'].id}"]  # the comment
    # The waiting application is withdrawn, not left to be granted to nobody; the granted
    # one stays (the money is accounted for in public).
    assert db.session.get(Application, world["waiting"].id).status is ApplicationStatus.withdrawn
    assert db.session.get(Application, world["granted"].id).status is ApplicationStatus.granted
    # No more mails about what they followed.
    assert db.session.scalar(select(func.count()).where(Follow.user_id == world["user"].id)) == 0


def test_another_account_keeps_its_name(client: FlaskClient, login: Any) -> None:
    user = UserFactory(display_name="Piotr Nowak")
    initiative = PublishedInitiativeFactory(author=user)
    client.set_cookie("locale", "en")
    assert "Piotr Nowak" in client.get(f"/initiatives/{initiative.id}").text


def test_the_former_resident_is_named_in_each_readers_language(
    client: FlaskClient, login: Any
) -> None:
    world = _someone_who_did_everything()
    own, other = world["own"], world["other"]
    login(world["user"])
    response = client.post("/profile/delete", data={"password": PASSWORD, "confirm": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    feed = f"/g/{own.wijk.municipality.slug}/initiatives/feed.atom"
    for locale, word in [("tr", "Eski sakin"), ("ar", "ساكن سابق"), ("nl", "Oud-bewoner")]:
        client.set_cookie("locale", locale)
        assert word in client.get(f"/initiatives/{own.id}").text, locale  # "By ..."
        assert word in client.get(f"/initiatives/{other.id}").text, locale  # the comment
        assert f"<name>{word}</name>" in client.get(feed).text, locale
        assert "Former resident" not in client.get(f"/initiatives/{own.id}").text, locale
        # The API: one stable value whatever the language, and a flag to translate it by.
        answer = client.get(f"/api/v1/initiatives/{own.id}").json
        assert answer["public_name"] == "Former resident"
        assert answer["by_former_resident"] is True
        assert client.get(f"/api/v1/initiatives/{other.id}").json["by_former_resident"] is False
