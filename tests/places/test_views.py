from __future__ import annotations

from factories.places import WijkFactory, WijkPostcodeFactory
from flask.testing import FlaskClient


def test_home_lists_municipalities_and_their_wijken(client: FlaskClient) -> None:
    wijk = WijkFactory(name="Woensel-West", municipality__name="Eindhoven")
    page = client.get("/")
    assert page.status_code == 200
    assert "Eindhoven" in page.text and "Woensel-West" in page.text
    assert f"/g/{wijk.municipality.slug}/{wijk.slug}" in page.text


def test_wijk_and_municipality_pages(client: FlaskClient) -> None:
    wijk = WijkFactory(name="Korrewegwijk")
    assert "Korrewegwijk" in client.get(f"/g/{wijk.municipality.slug}").text
    page = client.get(f"/g/{wijk.municipality.slug}/{wijk.slug}")
    assert page.status_code == 200 and "<h1>Korrewegwijk</h1>" in page.text
    assert client.get(f"/g/{wijk.municipality.slug}/nope").status_code == 404
    assert client.get("/g/nope").status_code == 404


def test_find_by_postcode(client: FlaskClient) -> None:
    wijk = WijkPostcodeFactory(postcode4="5621").wijk
    found = client.get("/find?postcode=5621+AA")
    assert found.status_code == 302
    assert found.headers["Location"].endswith(f"/{wijk.slug}")
    assert client.get("/find?postcode=1111").status_code == 422
    assert client.get("/find?postcode=<script>").status_code == 422


def test_postcode_in_two_wijken_lets_the_resident_choose(client: FlaskClient) -> None:
    a = WijkPostcodeFactory(postcode4="1093").wijk
    b = WijkPostcodeFactory(postcode4="1093").wijk
    page = client.get("/find?postcode=1093")
    assert page.status_code == 200
    assert a.name in page.text and b.name in page.text


def test_wijk_page_points_to_an_open_vote(client: FlaskClient) -> None:
    from factories.voting import RoundFactory

    from samenhang.voting.models import Phase

    voting = RoundFactory(phase=Phase.voting, title="Stemdag Noord")
    wijk = voting.wijk
    page = client.get(f"/g/{wijk.municipality.slug}/{wijk.slug}").text
    assert "Stemdag Noord" in page and f"/stemdag/{voting.id}/vote" in page
    closed = RoundFactory(phase=Phase.results, title="Oude stemdag")
    other = client.get(f"/g/{closed.wijk.municipality.slug}/{closed.wijk.slug}").text
    # A counted round is no open vote: its phases are shown, not a ballot.
    assert f"/stemdag/{closed.id}/vote" not in other
    assert "Nothing is open right now" in other


def _section(page: str, heading_id: str) -> str:
    start = page.index(f'id="{heading_id}"')
    end = page.find("</section>", start)
    return page[start:end]


def test_wijk_front_page_shows_what_is_open_with_deadlines(client: FlaskClient) -> None:
    from datetime import UTC, datetime

    from factories.campaigns import CampaignFactory
    from factories.initiatives import PublishedInitiativeFactory
    from factories.voting import RoundFactory
    from factories.vouchers import PotFactory

    from samenhang.voting.models import Phase

    initiative = PublishedInitiativeFactory(title="Buurtkamer")
    wijk = initiative.wijk
    RoundFactory(
        wijk=wijk,
        phase=Phase.voting,
        title="Stemdag Noord",
        voting_closes_at=datetime(2031, 5, 20, 18, 0, tzinfo=UTC),
    )
    pot = PotFactory(wijk=wijk, name="Buurtbudget 2031")
    PotFactory(wijk=wijk, name="Nog niet open", stage="draft")
    campaign = CampaignFactory(initiative=initiative, title="Verf voor de buurtkamer")
    page = client.get(f"/g/{wijk.municipality.slug}/{wijk.slug}").text
    open_now = _section(page, "open-now-heading")
    assert "Stemdag Noord" in open_now and "Vote before" in open_now and "2031" in open_now
    assert f"/bewonersbudgetten/pots/{pot.id}" in open_now and "Buurtbudget 2031" in open_now
    assert "Nog niet open" not in open_now
    assert f"/campaigns/{campaign.id}" in open_now and "Give before" in open_now
    assert "Nothing is open right now" not in page


def test_wijk_front_page_newest_initiatives_timeline_and_decisions(client: FlaskClient) -> None:
    from datetime import date

    from factories.initiatives import InitiativeFactory, PublishedInitiativeFactory
    from factories.voting import RoundFactory
    from factories.vouchers import ApplicationFactory, PotFactory, grant

    from samenhang.voting.models import Phase

    wijk = WijkFactory()
    published = [PublishedInitiativeFactory(wijk=wijk, title=f"Idee {n}") for n in range(6)]
    InitiativeFactory(wijk=wijk, title="Nog een concept")
    RoundFactory(
        wijk=wijk,
        phase=Phase.review,
        title="Stemdag 2031",
        ideas_on=date(2031, 3, 1),
        voting_on=date(2031, 5, 1),
    )
    pot = PotFactory(wijk=wijk)
    grant(ApplicationFactory(pot=pot, title="Moestuin aan het plein"))
    page = client.get(f"/g/{wijk.municipality.slug}/{wijk.slug}").text

    newest = _section(page, "newest-heading")
    assert "Nog een concept" not in newest
    assert sum(f'/initiatives/{i.id}"' in newest for i in published) == 4
    assert "Open for support" in newest and "See all 6 initiatives" in newest

    timeline = _section(page, "current-round-heading")
    assert "Stemdag 2031" in timeline
    assert '<li class="timeline-step is-current" aria-current="step">' in timeline
    current = timeline.split('aria-current="step">')[1].split("</li>")[0]
    assert "Review" in current and "Now" in current
    assert timeline.count("Done") == 1  # ideas is behind it
    assert "Mar 1, 2031" in timeline and "May 1, 2031" in timeline

    decisions = _section(page, "decisions-heading")
    assert "Moestuin aan het plein" in decisions
    assert f"/bewonersbudgetten/pots/{pot.id}" in decisions
