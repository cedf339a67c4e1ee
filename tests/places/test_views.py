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
    assert "Oude stemdag" not in other
