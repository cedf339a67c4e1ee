from __future__ import annotations

from typing import Any

from factories.budgets import BudgetFactory, manager_of
from flask.testing import FlaskClient


def test_openapi_describes_the_budgets_endpoint(client: FlaskClient) -> None:
    spec = client.get("/api/v1/openapi.json").json
    assert "/budgets" in spec["paths"]
    assert "Budget" in spec["components"]["schemas"]


def test_only_published_budgets_are_listed_with_their_lines(
    client: FlaskClient, db_session: Any
) -> None:
    published = BudgetFactory(published=True)
    BudgetFactory(wijk=published.wijk, manager=manager_of(published), year=2027)
    body = client.get("/api/v1/budgets").json
    assert body["total"] == 1
    [item] = body["items"]
    assert item["year"] == 2026 and item["wijk"]["cbs_code"] == published.wijk.cbs_code
    assert len(item["lines"]) == 3
    assert item["totals"]["planned_cents"] == sum(line["planned_cents"] for line in item["lines"])


def test_the_list_is_filtered_by_place_and_year(client: FlaskClient, db_session: Any) -> None:
    published = BudgetFactory(published=True)
    BudgetFactory(published=True, year=2025)
    wijk = published.wijk
    slug = wijk.municipality.slug
    assert client.get(f"/api/v1/budgets?municipality={slug}").json["total"] == 1
    assert client.get(f"/api/v1/budgets?municipality={slug}&wijk={wijk.slug}").json["total"] == 1
    assert client.get("/api/v1/budgets?year=2025").json["total"] == 1
    assert client.get("/api/v1/budgets?per_page=1&page=2").json["items"] != []
    assert client.get("/api/v1/budgets?municipality=nergens").status_code == 404
    response = client.get("/api/v1/budgets?year=vorig")
    assert response.status_code == 400 and response.json["error"] == "unknown year"
