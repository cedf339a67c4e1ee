"""The campaign in the browser, bank transfers only (the default without keys): a resident
starts a campaign from an initiative, the wijkmanager approves it, others pledge and sign
up, and the page says "€… raised, …% of the goal, n of m tasks, k supporters"."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from typing import Any

import pytest
from factories.accounts import UserFactory, WijkmanagerFactory
from factories.campaigns import CampaignFactory, give, in_days, manager_of
from factories.initiatives import PublishedInitiativeFactory
from pypdf import PdfReader

from samenhang.campaigns import queries, services
from samenhang.campaigns.models import Campaign, CampaignStatus, PledgeStatus
from samenhang.extensions import db


def _key(page: str) -> str:
    found = re.search(r'name="idempotency_key" type="hidden" value="([^"]+)"', page)
    assert found, page
    return found.group(1)


def _give(client: Any, campaign: Campaign, amount: str, key: str | None = None) -> Any:
    key = key or _key(client.get(f"/campaigns/{campaign.id}/give").text)
    return client.post(
        f"/campaigns/{campaign.id}/give",
        data={"amount": amount, "provider": "manual", "idempotency_key": key},
    )


def test_from_idea_to_a_running_campaign_with_money_and_helpers(
    client: Any, login: Any, outbox: list[Any]
) -> None:
    initiative = PublishedInitiativeFactory(budget=[("Verf", 300_00), ("Stoelen", 100_00)])
    manager = WijkmanagerFactory(wijken=[initiative.wijk])
    login(initiative.author)
    page = client.get(f"/initiatives/{initiative.id}")
    assert f"/initiatives/{initiative.id}/campaign" in page.text  # "Start a campaign"
    form = client.get(f"/initiatives/{initiative.id}/campaign")
    assert 'value="400.00"' in form.text  # the initiative's budget as the goal
    answer = client.post(
        f"/initiatives/{initiative.id}/campaign",
        data={
            "title": "Buurtkamer in de kleur van de buurt",
            "story": "Verf en stoelen voor de buurtkamer.",
            "goal": "400",
            "min_amount": "5,00",
            "deadline": in_days(20).isoformat(),
            "funding_model": "all_or_nothing",
            "original_locale": "nl",
        },
    )
    assert answer.status_code == 302, answer.text
    campaign = queries.campaign_for_initiative(initiative)
    assert campaign is not None and campaign.goal_cents == 400_00
    assert (
        client.post(
            f"/campaigns/{campaign.id}/tasks",
            data={"title": "Muren verven", "happens_on": in_days(25).isoformat(), "capacity": "2"},
        ).status_code
        == 303
    )
    assert (
        client.post(
            f"/campaigns/{campaign.id}/needs", data={"kind": "materials", "title": "Witte verf"}
        ).status_code
        == 303
    )
    assert client.post(f"/campaigns/{campaign.id}/submit").status_code == 303

    visitor = client.get(f"/campaigns/{campaign.id}", headers={"Cookie": ""})
    login(manager)
    waiting = client.get(f"/g/{campaign.wijk.municipality.slug}/{campaign.wijk.slug}/campaigns")
    assert f"/campaigns/{campaign.id}/decide" in waiting.text
    decided = client.post(
        f"/campaigns/{campaign.id}/decide", data={"decision": "approve", "reasons": "Goed plan."}
    )
    assert decided.status_code == 303
    db.session.refresh(campaign)
    assert campaign.status is CampaignStatus.running
    assert "approved" in outbox[-1].body
    del visitor

    giver, helper = UserFactory(), UserFactory()
    login(giver)
    assert _give(client, campaign, "150,00").status_code == 303
    login(helper)
    assert _give(client, campaign, "€ 100").status_code == 303
    task = campaign.tasks[0]
    assert client.post(f"/campaigns/{campaign.id}/tasks/{task.id}/signup").status_code == 303
    need = campaign.needs[0]
    offered = client.post(
        f"/campaigns/{campaign.id}/needs/{need.id}/offer", data={"description": "10 liter"}
    )
    assert offered.status_code == 303

    login(manager)
    for pledge in queries.pledges_of(campaign):
        assert client.post(f"/campaigns/pledges/{pledge.id}/received").status_code == 303

    page = client.get(f"/campaigns/{campaign.id}").text
    assert "€250.00 raised of €400.00" in page
    assert "62% of the goal" in page
    assert '<progress max="40000" value="25000"' in page
    assert "0 of 1 task filled" in page and "1 of 2 places taken" in page
    assert "2 supporters" in page
    assert "days left" in page


def test_a_draft_is_seen_only_by_its_initiator_and_the_managers(client: Any, login: Any) -> None:
    campaign = CampaignFactory(stage="draft")
    assert client.get(f"/campaigns/{campaign.id}").status_code == 404
    login(UserFactory())
    assert client.get(f"/campaigns/{campaign.id}").status_code == 404
    login(campaign.initiator)
    assert client.get(f"/campaigns/{campaign.id}").status_code == 200
    login(manager_of(campaign))
    assert client.get(f"/campaigns/{campaign.id}/manage").status_code == 200


def test_a_rejection_and_its_reasons_are_public(client: Any) -> None:
    campaign = CampaignFactory(stage="rejected")
    page = client.get(f"/campaigns/{campaign.id}")
    assert page.status_code == 200 and "Het doel is niet duidelijk." in page.text


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("2,00", "The smallest gift is €5.00."),
        ("twaalf", "This is not an amount"),
        ("", "Please fill in an amount"),
        ("99999999999", "This amount is too large"),
        ("30000", "One gift can be at most €25,000.00"),
        ("12,345", "without a thousands separator"),
    ],
)
def test_bad_amounts_show_a_clear_error_and_store_nothing(
    client: Any, login: Any, amount: str, message: str
) -> None:
    campaign = CampaignFactory()
    login(UserFactory())
    answer = _give(client, campaign, amount)
    assert answer.status_code == 422
    assert message in answer.text
    assert queries.pledges_of(campaign) == []


def test_a_double_clicked_give_button_makes_one_pledge(client: Any, login: Any) -> None:
    campaign = CampaignFactory()
    login(UserFactory())
    key = _key(client.get(f"/campaigns/{campaign.id}/give").text)
    first = _give(client, campaign, "20,00", key)
    second = _give(client, campaign, "20,00", key)
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    [pledge] = queries.pledges_of(campaign)
    page = client.get(first.headers["Location"]).text
    assert pledge.reference in page and "NL91 ABNA 0417 1643 00" in page


def test_giving_to_a_closed_or_unapproved_campaign_is_refused(client: Any, login: Any) -> None:
    login(UserFactory())
    submitted = CampaignFactory(stage="submitted")
    assert _give(client, submitted, "10", key="y" * 32).status_code == 404  # not even visible
    past = CampaignFactory()
    past.deadline_at = past.deadline_at - timedelta(days=40)
    db.session.commit()
    page = client.get(f"/campaigns/{past.id}/give")
    assert "does not take support now" in page.text
    answer = _give(client, past, "10", key="x" * 32)
    assert answer.status_code == 422 and "deadline of this campaign has passed" in answer.text


def test_a_full_task_says_so(client: Any, login: Any) -> None:
    campaign = CampaignFactory()
    task = services.add_task(campaign, "Opruimen", in_days(5), 1, actor=campaign.initiator)
    db.session.commit()
    login(UserFactory())
    client.post(f"/campaigns/{campaign.id}/tasks/{task.id}/signup")
    login(UserFactory())
    answer = client.post(f"/campaigns/{campaign.id}/tasks/{task.id}/signup", follow_redirects=True)
    assert "This task is full" in answer.text
    db.session.refresh(task)
    assert task.taken == 1


def test_a_manager_marks_a_transfer_received_twice_without_booking_twice(
    client: Any, login: Any
) -> None:
    campaign = CampaignFactory()
    pledge = give(campaign, 30_00, received=False)
    login(manager_of(campaign))
    client.post(f"/campaigns/pledges/{pledge.id}/received")
    again = client.post(f"/campaigns/pledges/{pledge.id}/received", follow_redirects=True)
    assert "already marked as received" in again.text
    assert queries.summary(campaign).raised_cents == 30_00
    login(pledge.supporter)
    assert client.post(f"/campaigns/pledges/{pledge.id}/received").status_code == 403


def test_a_pledge_page_is_private(client: Any, login: Any) -> None:
    campaign = CampaignFactory()
    pledge = give(campaign, 10_00, received=False)
    login(UserFactory())
    assert client.get(f"/campaigns/pledges/{pledge.id}").status_code == 404
    login(pledge.supporter)
    assert client.get(f"/campaigns/pledges/{pledge.id}").status_code == 200


def test_news_is_mailed_to_supporters(client: Any, login: Any, outbox: list[Any]) -> None:
    campaign = CampaignFactory()
    pledge = give(campaign, 10_00)
    login(campaign.initiator)
    answer = client.post(
        f"/campaigns/{campaign.id}/updates",
        data={"title": "We beginnen zaterdag", "body": "Neem een kwast mee!"},
    )
    assert answer.status_code == 303
    assert outbox[-1].to == pledge.supporter.email and "Neem een kwast mee!" in outbox[-1].body
    assert "We beginnen zaterdag" in client.get(f"/campaigns/{campaign.id}").text


def test_a_payout_form_sent_twice_pays_once(client: Any, login: Any) -> None:
    campaign = CampaignFactory(goal_cents=50_00)
    give(campaign, 50_00)
    services.close_campaign(campaign, now=campaign.deadline_at + timedelta(minutes=1))
    db.session.commit()
    login(manager_of(campaign))
    key = _key(client.get(f"/campaigns/{campaign.id}/manage").text)
    for _ in range(2):
        answer = client.post(
            f"/campaigns/{campaign.id}/payouts",
            data={"amount": "30,00", "note": "Verf", "idempotency_key": key},
        )
        assert answer.status_code == 303
    db.session.refresh(campaign)
    assert [p.amount_cents for p in campaign.payouts] == [30_00]


def test_lists_feed_and_wijk_page(client: Any) -> None:
    campaign = CampaignFactory()
    give(campaign, 10_00)
    draft = CampaignFactory(stage="draft", initiative__wijk=campaign.wijk)
    wijk, municipality = campaign.wijk, campaign.wijk.municipality
    listed = client.get(f"/g/{municipality.slug}/{wijk.slug}/campaigns").text
    assert campaign.title in listed and draft.title not in listed
    assert campaign.title in client.get(f"/g/{municipality.slug}/campaigns").text
    feed = client.get(f"/g/{municipality.slug}/{wijk.slug}/campaigns/feed.atom")
    assert feed.mimetype == "application/atom+xml" and campaign.title in feed.text
    wijk_page = client.get(f"/g/{municipality.slug}/{wijk.slug}").text
    assert f"/g/{municipality.slug}/{wijk.slug}/campaigns" in wijk_page
    assert "1 campaign" in wijk_page
    initiative_page = client.get(f"/initiatives/{campaign.initiative_id}").text
    assert f"/campaigns/{campaign.id}" in initiative_page


def test_the_widget_may_be_framed_by_any_site_and_nothing_else(client: Any) -> None:
    campaign = CampaignFactory()
    widget = client.get(f"/campaigns/{campaign.id}/widget")
    assert widget.status_code == 200 and "<progress" in widget.text
    assert "frame-ancestors *" in widget.headers["Content-Security-Policy"]
    assert "script-src 'self'" in widget.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in widget.headers
    page = client.get(f"/campaigns/{campaign.id}")
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("size", ["", "a3"])
def test_the_poster_is_a_pdf_with_the_figures(client: Any, size: str) -> None:
    campaign = CampaignFactory(goal_cents=200_00)
    give(campaign, 50_00)
    answer = client.get(f"/campaigns/{campaign.id}/poster.pdf?size={size}")
    assert answer.status_code == 200 and answer.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(answer.data))
    width_mm = float(reader.pages[0].mediabox.width) / 72 * 25.4
    assert round(width_mm) == (297 if size == "a3" else 210)
    text = reader.pages[0].extract_text()
    assert campaign.title in text and "25%" in text.replace("\u202f", "").replace(" ", "")


def test_the_api_lists_public_campaigns(client: Any) -> None:
    campaign = CampaignFactory()
    give(campaign, 10_00)
    draft = CampaignFactory(stage="draft")
    listed = client.get("/api/v1/campaigns").json
    ids = [c["id"] for c in listed["items"]]
    assert campaign.id in ids and draft.id not in ids
    one = client.get(f"/api/v1/campaigns/{campaign.id}").json
    assert (one["raised_cents"], one["goal_cents"], one["supporters"]) == (10_00, 1_000_00, 1)
    spec = client.get("/api/v1/openapi.json").json
    assert set(one) == set(spec["components"]["schemas"]["Campaign"]["properties"])
    assert {"/campaigns", "/campaigns/{id}"} <= set(spec["paths"])
    assert client.get(f"/api/v1/campaigns/{draft.id}").status_code == 404
    assert client.get("/api/v1/campaigns?status=draft").status_code == 400
    wijk = campaign.wijk
    scoped = client.get(f"/api/v1/campaigns?municipality={wijk.municipality.slug}&wijk={wijk.slug}")
    assert [c["id"] for c in scoped.json["items"]] == [campaign.id]


def test_a_resident_cancels_a_promise_from_the_pledge_page(client: Any, login: Any) -> None:
    campaign = CampaignFactory()
    pledge = give(campaign, 10_00, received=False)
    login(pledge.supporter)
    assert client.post(f"/campaigns/pledges/{pledge.id}/cancel").status_code == 303
    db.session.refresh(pledge)
    assert pledge.status is PledgeStatus.cancelled


def test_giving_is_rate_limited(
    app: Any, client: Any, login: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "RATELIMIT_CAMPAIGN_GIFTS", "2 per hour")
    campaign = CampaignFactory()
    login(UserFactory())
    answers = [_give(client, campaign, "10", key=f"{n}" * 32).status_code for n in range(3)]
    assert answers == [303, 303, 429]
    assert client.get(f"/campaigns/{campaign.id}/give").status_code == 200
