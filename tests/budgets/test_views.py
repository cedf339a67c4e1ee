from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
import sqlalchemy as sa
from factories.accounts import UserFactory
from factories.budgets import ROWS, BudgetFactory, line_with_key, manager_of
from factories.vouchers import ApplicationFactory, PotFactory, grant, pay
from flask import Flask
from flask.testing import FlaskClient

from samenhang.budgets import importing
from samenhang.budgets.models import Budget, BudgetImport, ChallengeStatus, LineItem
from samenhang.extensions import db


def _base(budget: Budget) -> str:
    wijk = budget.wijk
    return f"/g/{wijk.municipality.slug}/{wijk.slug}/buurtbegroting"


def _year(budget: Budget) -> str:
    return f"{_base(budget)}/{budget.year}"


@pytest.fixture
def published(db_session: Any) -> Budget:
    """A published buurtbegroting with a pot that paid out 500 euro, and three imported lines."""
    pot = PotFactory(year=2026)
    pay(grant(ApplicationFactory(pot=pot), 800_00), 500_00)
    budget = BudgetFactory(wijk=pot.wijk, manager=pot.created_by, published=True)
    budget.wijk.population = 5000
    db.session.commit()
    return budget


def test_the_public_page_shows_totals_charts_and_tables(
    client: FlaskClient, published: Budget
) -> None:
    response = client.get(_year(published))
    assert response.status_code == 200
    page = response.text
    assert "€78,500.00" in page  # 10,000 pot + 68,500 imported
    assert "€30,000.50" in page  # 500 from the ledger + 29,500.50 imported
    assert page.count('class="budget-chart"') == 2
    assert "Planned and spent by theme" in page and "Planned and spent by source" in page
    assert "€15.70" in page  # planned per resident: 78,500 / 5,000


def test_charts_are_mirrored_in_arabic(client: FlaskClient, published: Budget) -> None:
    client.set_cookie("locale", "ar")
    page = client.get(_year(published)).text
    assert 'direction="rtl"' in page
    assert '<text x="360"' in page


def test_the_index_goes_to_the_newest_published_year(
    client: FlaskClient, published: Budget
) -> None:
    BudgetFactory(wijk=published.wijk, manager=manager_of(published), year=2027, rows=[])
    response = client.get(_base(published))
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/buurtbegroting/2026")


def test_a_draft_is_hidden_except_from_its_managers(
    client: FlaskClient, login: Any, db_session: Any
) -> None:
    budget = BudgetFactory()
    assert client.get(_year(budget)).status_code == 404
    assert client.get(_year(budget) + ".json").status_code == 404
    assert client.get(_base(budget)).status_code == 200
    login(manager_of(budget))
    page = client.get(_year(budget)).text
    assert "Preview: only the wijkmanagers see this draft." in page


def test_a_platform_line_shows_what_it_paid_for(client: FlaskClient, published: Budget) -> None:
    line = next(line for line in published.lines if line.pot_id)
    page = client.get(f"{_year(published)}/lines/{line.id}").text
    assert "Every euro below is a booking in its ledger" in page
    assert "€500.00" in page
    assert "/bewonersbudgetten/applications/" in page


def test_downloads_hold_every_figure_and_agree(client: FlaskClient, published: Budget) -> None:
    data = json.loads(client.get(_year(published) + ".json").data)
    raw = client.get(_year(published) + ".csv").data.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(raw)))
    assert len(rows) == len(data["lines"]) == 4
    assert sum(int(r["planned_cents"]) for r in rows) == data["totals"]["planned_cents"]
    assert sum(int(r["actual_cents"] or 0) for r in rows) == data["totals"]["actual_cents"]
    assert data["totals"]["actual_from_ledger_cents"] == 500_00
    assert {r["actual_from"] for r in rows} == {"ledger", "import", ""}
    assert rows[1]["is_public_task"] == "true"
    assert sum(s["planned_cents"] for s in data["by_theme"]) == data["totals"]["planned_cents"]
    assert sum(s["actual_cents"] for s in data["by_source"]) == data["totals"]["actual_cents"]


def test_the_municipality_page_sets_wijken_side_by_side(
    client: FlaskClient, published: Budget
) -> None:
    slug = published.wijk.municipality.slug
    assert client.get(f"/g/{slug}/buurtbegroting").headers["Location"].endswith("/2026")
    page = client.get(f"/g/{slug}/buurtbegroting/2026").text
    assert published.wijk.name in page and "Per resident, per wijk" in page
    assert page.count('class="budget-chart"') == 1
    data = json.loads(client.get(f"/g/{slug}/buurtbegroting/2026.json").data)
    assert data["totals"]["planned_cents"] == 78_500_00
    assert data["wijken"][0]["planned_per_resident_cents"] == 15_70
    assert client.get(f"/g/{slug}/buurtbegroting/2025").status_code == 404


def test_the_import_template_reads_back(client: FlaskClient, db_session: Any) -> None:
    for fmt in ("csv", "xlsx"):
        response = client.get(f"/buurtbegroting/import-template.{fmt}")
        assert response.status_code == 200
        parsed = importing.parse_file(f"t.{fmt}", response.data)
        assert parsed.is_valid and len(parsed.rows) == 2
    assert client.get("/buurtbegroting/data-dictionary").status_code == 200


# --- the wijkmanager ------------------------------------------------------------------------


def test_prepare_import_preview_and_publish(
    client: FlaskClient, login: Any, db_session: Any
) -> None:
    draft = BudgetFactory(rows=[], year=2025)
    wijk = draft.wijk
    login(manager_of(draft))
    base = f"/g/{wijk.municipality.slug}/{wijk.slug}/buurtbegroting"
    response = client.post(f"{base}/manage", data={"year": "2026"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/2026/manage")
    assert client.post(f"{base}/manage", data={"year": "2026"}).status_code == 422

    bad = [list(r) for r in ROWS]
    bad[1][6] = "twaalf"
    response = client.post(
        f"{base}/2026/import",
        data={"file": (io.BytesIO(importing.rows_to_csv(bad)), "lijst.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "This is not an amount" in response.text and '<td class="num">3</td>' in response.text
    assert db.session.scalar(sa.select(sa.func.count(BudgetImport.id))) == 0

    response = client.post(
        f"{base}/2026/import",
        data={"file": (io.BytesIO(importing.rows_to_csv(ROWS)), "lijst.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    preview_url = response.headers["Location"]
    page = client.get(preview_url).text
    assert "3 new, 0 changed and 0 unchanged lines." in page
    assert db.session.scalar(sa.select(sa.func.count(LineItem.id))) == 0
    assert client.post(preview_url).status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(LineItem.id))) == 3
    assert client.post(preview_url).status_code == 422

    assert client.get(f"{base}/2026").status_code == 200
    response = client.post(f"{base}/2026/publish")
    assert response.headers["Location"].endswith("/buurtbegroting/2026")
    client.post("/signout")
    assert client.get(f"{base}/2026").status_code == 200


def test_a_correction_after_publishing_needs_a_reason_and_is_shown(
    client: FlaskClient, login: Any, published: Budget
) -> None:
    line = line_with_key(published, "K-2")
    login(manager_of(published))
    url = f"{_year(published)}/lines/{line.id}/edit"
    form = {
        "title": line.title,
        "description": "",
        "theme": line.theme.value,
        "source": line.source.value,
        "source_name": line.source_name,
        "planned": "12500",
        "actual": "3000,25",
        "initiative": "",
    }
    response = client.post(url, data=form)
    assert response.status_code == 422 and "say why you correct it" in response.text
    response = client.post(url, data={**form, "reason": "Factuur van maart verwerkt."})
    assert response.status_code == 302
    page = client.get(_year(published)).text
    assert "Corrections after publishing" in page and "Factuur van maart verwerkt." in page
    assert "€3,000.25" in page


def test_an_other_wijks_manager_cannot_prepare(
    client: FlaskClient, login: Any, published: Budget
) -> None:
    from factories.accounts import WijkmanagerFactory
    from factories.places import WijkFactory

    login(WijkmanagerFactory(wijken=[WijkFactory()]))
    assert client.get(f"{_year(published)}/manage").status_code == 403
    assert client.post(f"{_year(published)}/publish").status_code == 403


# --- challenges -----------------------------------------------------------------------------


def test_a_resident_challenges_and_the_manager_answers_in_public(
    client: FlaskClient, login: Any, published: Budget, outbox: list[Any]
) -> None:
    line = line_with_key(published, "K-1")
    url = f"{_year(published)}/lines/{line.id}/challenge"
    assert "/signin" in client.get(url).headers["Location"]
    resident = UserFactory()
    login(resident)
    response = client.post(url, data={"proposal": "", "amount": "0", "partners": ""})
    assert response.status_code == 422
    response = client.post(
        url,
        data={"proposal": "Wij doen het groen.", "amount": "40000", "partners": "Buurtbedrijf"},
    )
    assert response.status_code == 302
    challenge = line.challenges[0]
    page = client.get(f"{_year(published)}/lines/{line.id}").text
    assert "Wij doen het groen." in page and "The wijkmanager answers by" in page
    not_public = line_with_key(published, "K-2")
    assert client.get(f"{_year(published)}/lines/{not_public.id}/challenge").status_code == 403

    client.post("/signout")
    login(manager_of(published))
    answer_url = f"{_year(published)}/challenges/{challenge.id}/answer"
    assert client.post(answer_url, data={"decision": "decline", "answer": ""}).status_code == 422
    response = client.post(
        answer_url, data={"decision": "decline", "answer": "Het contract loopt nog twee jaar."}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert challenge.status is ChallengeStatus.declined
    page = client.get(f"{_year(published)}/lines/{line.id}").text
    assert "Het contract loopt nog twee jaar." in page
    assert outbox[-1].to == resident.email


def test_the_remind_command_runs(app: Flask, published: Budget, outbox: list[Any]) -> None:
    from samenhang.cli import cli

    result = app.test_cli_runner().invoke(cli, ["budgets", "remind"])
    assert result.exit_code == 0, result.output
    assert "0 reminder e-mail(s) sent." in result.output
