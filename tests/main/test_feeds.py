"""Feeds say their language and link to their HTML page; the wijk page offers its feeds."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from factories.campaigns import CampaignFactory
from flask.testing import FlaskClient

ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _links(feed: ET.Element) -> dict[str, ET.Element]:
    return {link.get("rel", ""): link for link in feed.findall(f"{ATOM}link")}


def test_feeds_carry_their_language_and_their_html_page(
    db_session: Any, client: FlaskClient
) -> None:
    campaign = CampaignFactory()
    wijk = campaign.initiative.wijk
    base = f"/g/{wijk.municipality.slug}/{wijk.slug}"
    for feed_url, html_path in (
        (f"{base}/initiatives/feed.atom", f"{base}/initiatives"),
        (
            f"/g/{wijk.municipality.slug}/initiatives/feed.atom",
            f"/g/{wijk.municipality.slug}/initiatives",
        ),
        (f"{base}/campaigns/feed.atom", f"{base}/campaigns"),
    ):
        response = client.get(feed_url, headers={"Accept-Language": "nl"})
        assert response.mimetype == "application/atom+xml", feed_url
        feed = ET.fromstring(response.data)
        assert feed.get(XML_LANG) == "nl", feed_url
        alternate = _links(feed)["alternate"]
        assert alternate.get("type") == "text/html"
        assert alternate.get("href") == f"http://localhost{html_path}", feed_url
        assert len(feed.findall(f"{ATOM}entry")) == 1, feed_url


def test_the_wijk_page_links_its_feeds(db_session: Any, client: FlaskClient) -> None:
    campaign = CampaignFactory()
    wijk = campaign.initiative.wijk
    base = f"/g/{wijk.municipality.slug}/{wijk.slug}"
    page = client.get(base).text
    head = page.split("</head>", 1)[0]
    for feed in ("initiatives", "campaigns"):
        assert (
            'type="application/atom+xml"' in head and f'href="{base}/{feed}/feed.atom"' in head
        ), feed
