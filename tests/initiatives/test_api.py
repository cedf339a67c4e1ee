from __future__ import annotations

from typing import Any

import pytest
from factories.initiatives import InitiativeFactory, PublishedInitiativeFactory
from factories.places import WijkFactory

from samenhang.initiatives.models import State


def test_openapi_describes_the_initiatives_endpoint(client: Any) -> None:
    spec = client.get("/api/v1/openapi.json").json
    assert spec["openapi"].startswith("3.")
    assert "/initiatives" in spec["paths"] and "/initiatives/{id}" in spec["paths"]
    assert spec["servers"][0]["url"].endswith("/api/v1")


def test_api_lists_only_public_initiatives_with_filters(client: Any) -> None:
    wijk = WijkFactory()
    shown = PublishedInitiativeFactory(wijk=wijk, title="Bankjes bij de bushalte")
    InitiativeFactory(wijk=wijk, state=State.submitted, title="Geheim plan")
    other = PublishedInitiativeFactory(title="Elders")
    m = wijk.municipality.slug
    data = client.get(f"/api/v1/initiatives?municipality={m}").json
    assert [i["id"] for i in data["items"]] == [shown.id]
    assert data["items"][0]["wijk"]["cbs_code"] == wijk.cbs_code
    assert client.get("/api/v1/initiatives?q=bushalte").json["total"] == 1
    assert client.get("/api/v1/initiatives?theme=veiligheid").json["total"] == 0
    assert client.get("/api/v1/initiatives?theme=nonsense").status_code == 400
    assert client.get(f"/api/v1/initiatives/{other.id}").json["title"] == "Elders"
    assert client.get("/api/v1/initiatives?municipality=nope").status_code == 404
    assert client.get("/api/v1/initiatives?per_page=100").json["per_page"] == 100


@pytest.mark.parametrize(
    "query",
    [
        "per_page=1000",
        "per_page=-5",
        "per_page=0",
        "page=0",
        "page=99999999999999999999",
        "state=draft",
        "state=submitted",
        "wijk=korrewegwijk",
        "q=" + "a" * 101,
        "q=a%00",
    ],
)
def test_api_refuses_what_its_document_refuses(client: Any, query: str) -> None:
    response = client.get(f"/api/v1/initiatives?{query}")
    assert response.status_code == 400
    assert response.json["error"] == "bad_request"
    assert "Set-Cookie" not in response.headers


def test_api_hides_drafts_and_pages(client: Any) -> None:
    draft = InitiativeFactory()
    assert client.get(f"/api/v1/initiatives/{draft.id}").status_code == 404
    for _ in range(3):
        PublishedInitiativeFactory()
    page = client.get("/api/v1/initiatives?per_page=2&page=2").json
    assert page["total"] == 3 and len(page["items"]) == 1


def test_municipality_list_and_feed(client: Any) -> None:
    item = PublishedInitiativeFactory(title="Speeltuin Noord")
    m = item.wijk.municipality.slug
    assert "Speeltuin Noord" in client.get(f"/g/{m}/initiatives").text
    feed = client.get(f"/g/{m}/initiatives/feed.atom")
    assert "<entry>" in feed.text and "Speeltuin Noord" in feed.text


@pytest.mark.parametrize(
    ("path", "status", "kind"),
    [
        ("/api/v1/initiatives/999999", 404, "not_found"),
        ("/api/v1/initiatives?municipality=nope", 404, "not_found"),
        ("/api/v1/initiatives?municipality=nope&wijk=nergens", 404, "not_found"),
        ("/api/v1/no-such-endpoint", 404, "not_found"),
        ("/api/v1/initiatives?theme=nonsense", 400, "bad_request"),
    ],
)
def test_api_errors_are_json(client: Any, path: str, status: int, kind: str) -> None:
    response = client.get(path)
    assert response.status_code == status
    assert response.mimetype == "application/json"
    assert response.json["error"] == kind and response.json["message"]


def test_api_error_kinds_are_described_in_the_openapi(client: Any) -> None:
    spec = client.get("/api/v1/openapi.json").json
    error = spec["components"]["schemas"]["Error"]
    assert set(error["required"]) == {"error", "message"}
    responses = spec["paths"]["/initiatives/{id}"]["get"]["responses"]
    assert responses["404"]["$ref"] == "#/components/responses/NotFound"
