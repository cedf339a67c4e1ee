"""Who takes part (issue 19): applicants and initiators by language, home wijk and first
time for the wijkmanager; a wijk's and a municipality's rounds, turnout and reach by
language over the years, with open data; the same suppression (cells under 10, and a
second cell where the first could be worked out) on every page and download."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from factories.accounts import UserFactory, WijkmanagerFactory
from factories.initiatives import InitiativeFactory
from factories.participation import counted_round, wijk_languages
from factories.places import MunicipalityFactory, WijkFactory
from factories.voting import RoundFactory
from factories.vouchers import PotFactory
from flask import Flask, render_template_string
from flask.testing import FlaskClient
from sqlalchemy import select

from samenhang.audit.models import AuditEntry
from samenhang.blueprints.voting.views.public import who_voted
from samenhang.db import utcnow
from samenhang.errors import DomainError, PermissionDenied
from samenhang.extensions import db
from samenhang.initiatives.models import State
from samenhang.participation import queries, services
from samenhang.participation.demo import EXAMPLE_SHARES, seed_participation_demo
from samenhang.participation.models import WijkLanguages
from samenhang.participation.suppression import suppress, suppress_table
from samenhang.voting import turnout
from samenhang.voting.models import Phase, Round
from samenhang.vouchers.models import Application, ApplicationStatus

EN = {"Accept-Language": "en"}
#: A round whose ballots carry their language: "unknown" (4) alone is small, so the
#: smallest shown cell (ar, 10: the first of the tens by key) is hidden with it.
BY_LANGUAGE = {"nl": 25, "en": 10, "tr": 12, "ar": 10, "pl": 10, "uk": 10, "unknown": 4}
SHOWN = {"nl": 25, "en": 10, "tr": 12, "ar": None, "pl": 10, "uk": 10, "unknown": None}


# --- no database ---------------------------------------------------------------------------


@pytest.mark.pure
def test_one_suppression_rule_for_turnout_and_participation() -> None:
    assert turnout.suppress is suppress
    assert suppress(BY_LANGUAGE) == SHOWN


@pytest.mark.pure
def test_a_table_hides_enough_that_no_row_or_column_gives_a_cell_away() -> None:
    rows = {
        "nl": {"granted": 12, "refused": 10, "waiting": 30},
        "tr": {"granted": 15, "refused": 4, "waiting": 20},
        "ar": {"granted": 20, "refused": 11, "waiting": 25},
    }
    shown = suppress_table(rows)
    # tr's refused (4) is small: tr's smallest other cell goes with it in its row, and in
    # the refused column the smallest other (nl, 10) goes with it, which takes nl's
    # granted (12) in nl's row, and so on until every row and column hides 0 or 2+.
    assert shown["tr"]["refused"] is None and shown["tr"]["granted"] is None
    assert shown["nl"]["refused"] is None
    for cells in shown.values():
        assert sum(v is None for v in cells.values()) != 1, shown
    for column in ("granted", "refused", "waiting"):
        assert sum(shown[r][column] is None for r in rows) != 1, shown
    assert all(v is None or v >= 10 for cells in shown.values() for v in cells.values())
    # A hidden row total hides its whole row.
    hidden = suppress_table({"a": {"x": 30, "y": 30}, "b": {"x": 30, "y": 30}}, hidden_rows=["a"])
    assert hidden["a"] == {"x": None, "y": None}
    assert hidden["b"] == {"x": None, "y": None}  # else column totals give "a" away


# --- languages spoken in a wijk -----------------------------------------------------------


def test_the_wijkmanager_enters_the_languages_with_a_source_and_it_is_logged(
    db_session: Any,
) -> None:
    wijk = WijkFactory()
    manager = WijkmanagerFactory(wijken=[wijk])
    other = WijkmanagerFactory(wijken=[WijkFactory()])
    with pytest.raises(PermissionDenied):
        services.set_wijk_languages(wijk, {"nl": Decimal(80)}, source="Wijkmonitor", actor=other)
    for shares, source in (
        ({"nl": Decimal(101)}, "Wijkmonitor"),
        ({"xx": Decimal(5)}, "Wijkmonitor"),
        ({"nl": None}, "Wijkmonitor"),
        ({"nl": Decimal(80)}, "  "),
    ):
        with pytest.raises(DomainError):
            services.set_wijk_languages(wijk, shares, source=source, actor=manager)
    found = services.set_wijk_languages(
        wijk,
        {"nl": Decimal("80.04"), "tr": Decimal(9), "ar": None, "other": Decimal(12)},
        source="Wijkmonitor 2025",
        year=2025,
        actor=manager,
    )
    assert found.shares == {"nl": "80.0", "tr": "9.0", "other": "12.0"}
    services.set_wijk_languages(wijk, {"nl": Decimal(81)}, source="Enquête", actor=manager)
    assert queries.languages_of(wijk) is found and found.shares == {"nl": "81.0"}
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "participation.languages_set")
    ).all()
    assert [e.after["source"] for e in entries] == ["Wijkmonitor 2025", "Enquête"]
    assert entries[1].before["shares"] == {"nl": "80.0", "tr": "9.0", "other": "12.0"}


def test_the_languages_form(db_session: Any, client: FlaskClient, login: Any) -> None:
    wijk = WijkFactory()
    manager = WijkmanagerFactory(wijken=[wijk])
    db.session.commit()
    login(manager)
    url = f"/g/{wijk.municipality.slug}/{wijk.slug}/participation/languages"
    assert client.get(url, headers=EN).status_code == 200
    bad = client.post(url, data={"share_nl": "120", "source": "Wijkmonitor"}, headers=EN)
    assert bad.status_code == 422 and "between 0 and 100" in bad.text
    sent = client.post(url, data={"share_nl": "71.5", "share_tr": "10", "source": "Peiling"})
    assert sent.status_code == 302
    found = queries.languages_of(wijk)
    assert found is not None and found.shares == {"nl": "71.5", "tr": "10.0"}
    assert found.source == "Peiling" and found.updated_by_id == manager.id


def test_the_demo_wijken_get_example_languages(db_session: Any) -> None:
    wijk = WijkFactory(slug="kanaleneiland")
    seed_participation_demo()
    found = queries.languages_of(wijk)
    assert found is not None and found.is_example
    assert found.shares["ar"] == f"{Decimal(EXAMPLE_SHARES['kanaleneiland']['ar']):.1f}"
    assert "Voorbeeldcijfers" in found.source


# --- applicants and initiators (for the wijkmanager) ------------------------------------


def _application(pot: Any, applicant: Any, status: ApplicationStatus) -> Application:
    found = Application(
        pot=pot,
        applicant=applicant,
        title="Moestuin",
        summary="Bakken op het plein.",
        amount_requested_cents=100_00,
        status=status,
    )
    db.session.add(found)
    return found


def _pot_with_applicants() -> dict[str, Any]:
    """22 Dutch (12 granted, 10 refused), 21 Turkish (10 granted, 11 refused) and 3 Arabic
    applicants; the Arabic ones have no wijk; ten Dutch ones started an initiative
    before."""
    pot = PotFactory()
    wijk = pot.wijk
    people = []
    for locale, granted, refused, home in (("nl", 12, 10, wijk), ("tr", 10, 11, wijk)):
        for i in range(granted + refused):
            user = UserFactory(locale=locale, wijk=home)
            status = ApplicationStatus.granted if i < granted else ApplicationStatus.refused
            _application(pot, user, status)
            people.append(user)
    for status in (ApplicationStatus.granted, ApplicationStatus.refused, ApplicationStatus.refused):
        _application(pot, UserFactory(locale="ar", wijk=None), status)
    earlier = utcnow() - timedelta(days=400)
    for user in people[:10]:
        InitiativeFactory(wijk=wijk, author=user, state=State.published, created_at=earlier)
    db.session.flush()
    return {"pot": pot, "wijk": wijk, "manager": pot.created_by}


def _cells(breakdown: queries.Breakdown) -> dict[str, int | None]:
    return {cell.key: cell.count for cell in breakdown.cells}


def test_applicants_by_language_wijk_first_time_and_decisions(db_session: Any) -> None:
    setup = _pot_with_applicants()
    figures = queries.pot_people(setup["pot"])
    assert figures.people == 46 and figures.contributions == 46
    assert _cells(figures.by_language) == {
        "nl": 22,
        "en": None,
        "tr": 21,
        "ar": None,
        "pl": None,
        "uk": None,
        "unknown": None,
    }
    # 43 live in the wijk, 3 have none: a lone hidden cell takes the other with it.
    assert _cells(figures.by_wijk) == {str(setup["wijk"].id): None, "unknown": None}
    assert _cells(figures.first_time) == {"first": 36, "returning": 10}
    rows = {row.key: row for row in figures.decisions.rows}
    assert rows["nl"].total == 22 and rows["nl"].cells["granted"] == 12
    assert rows["nl"].cells["refused"] == 10 and rows["nl"].success_percent == pytest.approx(
        100 * 12 / 22
    )
    assert rows["tr"].cells == {"granted": 10, "refused": 11, "waiting": None, "withdrawn": None}
    assert rows["tr"].success_percent == pytest.approx(100 * 10 / 21)
    assert rows["ar"].total is None and set(rows["ar"].cells.values()) == {None}
    assert rows["ar"].success_percent is None

    initiators = queries.initiative_people(setup["wijk"])
    assert initiators.people == 10
    assert _cells(initiators.by_language)["nl"] == 10
    # Their initiative was their first step: 10 first-timers, 0 returning: both hidden.
    assert _cells(initiators.first_time) == {"first": None, "returning": None}


def test_the_people_page_shows_no_cell_under_ten_and_only_to_the_wijkmanager(
    db_session: Any, client: FlaskClient, login: Any
) -> None:
    setup = _pot_with_applicants()
    db.session.commit()
    wijk = setup["wijk"]
    url = f"/g/{wijk.municipality.slug}/{wijk.slug}/participation/people"
    login(WijkmanagerFactory(wijken=[WijkFactory()]))
    assert client.get(url).status_code == 403
    client.post("/signout")
    login(setup["manager"])
    page = client.get(url, headers=EN)
    assert page.status_code == 200
    assert f'id="pot-{setup["pot"].id}"' in page.text and "fewer than 10" in page.text
    numbers = [int(n) for n in re.findall(r'<td class="num">(\d+)</td>', page.text)]
    assert numbers and all(n >= 10 for n in numbers), numbers
    assert '<td class="num">22</td>' in page.text and "48%" in page.text  # tr: 10 of 21
    pot_page = client.get(f"/bewonersbudgetten/pots/{setup['pot'].id}", headers=EN)
    assert f"/participation/people#pot-{setup['pot'].id}" in pot_page.text


# --- public pages, downloads and the API --------------------------------------------------


def _wijk_with_rounds() -> dict[str, Any]:
    municipality = MunicipalityFactory()
    wijk = WijkFactory(municipality=municipality)
    quiet = WijkFactory(municipality=municipality)
    counted_round(
        wijk, "Stemdag 2024", datetime(2024, 5, 1, 12, tzinfo=UTC), total=40, eligible=400
    )
    counted_round(
        wijk,
        "Stemdag 2025",
        datetime(2025, 5, 1, 12, tzinfo=UTC),
        total=81,
        eligible=405,
        by_language=BY_LANGUAGE,
    )
    # Not counted yet: not on the page.
    RoundFactory(wijk=wijk, title="Stemdag 2026", phase=Phase.voting)
    manager = WijkmanagerFactory(wijken=[wijk])
    wijk_languages(wijk, nl=80, tr=9, ar=7)
    db.session.commit()
    return {"municipality": municipality, "wijk": wijk, "quiet": quiet, "manager": manager}


def test_the_figures_of_a_wijk_match_its_rounds(db_session: Any) -> None:
    setup = _wijk_with_rounds()
    found = queries.wijk_participation(setup["wijk"])
    assert [(r.title, r.ballots, r.turnout_percent) for r in found.rounds] == [
        ("Stemdag 2024", 40, 10.0),
        ("Stemdag 2025", 81, 20.0),
    ]
    assert found.rounds[0].languages is None and found.rounds[1].languages == SHOWN
    assert [(y.year, y.rounds, y.ballots) for y in found.years] == [(2024, 1, 40), (2025, 1, 81)]
    assert found.reach is not None and found.reach.round.title == "Stemdag 2025"
    reach = {row.key: row for row in found.reach.rows}
    assert reach["nl"].ballots == 25 and reach["nl"].residents_percent == Decimal("80.0")
    assert reach["nl"].ballots_percent == pytest.approx(100 * 25 / 81)
    assert reach["ar"].ballots is None and reach["ar"].ballots_percent is None
    assert reach["ar"].residents_percent == Decimal("7.0")
    assert reach["en"].residents_percent is None
    assert found.chart is not None and len(found.chart.lines[0].points) == 2


def _section(text: str, heading: str) -> str:
    return text.split(f'id="{heading}"')[1].split("</section>")[0]


def test_the_public_pages_and_downloads_never_show_a_cell_under_ten(
    db_session: Any, client: FlaskClient
) -> None:
    setup = _wijk_with_rounds()
    m, w = setup["municipality"].slug, setup["wijk"].slug

    page = client.get(f"/g/{m}/{w}/participation", headers=EN)
    assert page.status_code == 200
    reach = _section(page.text, "reach-heading")
    assert "fewer than 10" in reach and "Enquête" in reach
    numbers = [int(n) for n in re.findall(r'<td class="num">(\d+)</td>', reach)]
    assert sorted(numbers) == [10, 10, 10, 12, 25]
    assert "Stemdag 2024" in page.text and "10.0%" in page.text and "20.0%" in page.text
    assert '<svg class="line-chart"' in page.text
    assert "/participation/people" not in page.text  # only for the wijkmanager

    download = client.get(f"/g/{m}/{w}/participation.csv")
    assert (
        download.mimetype == "text/csv"
        and "participation-" in download.headers["Content-Disposition"]
    )
    rows = list(csv.DictReader(io.StringIO(download.text)))
    languages = {
        r["category"].split(":")[1]: r["value"]
        for r in rows
        if r["section"] == "round" and r["category"].startswith("language:")
    }
    assert languages == {k: "<10" if v is None else str(v) for k, v in SHOWN.items()}
    assert {"percent:nl": "80.0", "source": "Enquête"}.items() <= {
        r["category"]: r["value"] for r in rows if r["section"] == "languages_spoken"
    }.items()

    data = client.get(f"/g/{m}/{w}/participation.json").get_json()
    assert data["suppressed_below"] == 10
    assert data["rounds"][1]["ballots_by_language"] == SHOWN
    assert data["rounds"][0]["ballots_by_language"] is None
    assert data["languages_spoken"]["percent_of_residents"]["tr"] == "9.0"

    city = client.get(f"/g/{m}/participation", headers=EN)
    assert city.status_code == 200
    city_reach = _section(city.text, "reach-heading")
    assert "fewer than 10" in city_reach
    assert setup["quiet"].name in city.text
    city_csv = client.get(f"/g/{m}/participation.csv").text
    city_rows = list(csv.DictReader(io.StringIO(city_csv)))
    assert [r for r in city_rows if r["category"].startswith("language:")] == [
        r for r in rows if r["category"].startswith("language:")
    ]
    city_json = client.get(f"/g/{m}/participation.json").get_json()
    assert {wj["wijk"]["slug"] for wj in city_json["wijken"]} == {w, setup["quiet"].slug}

    api = client.get(f"/api/v1/participation?municipality={m}&wijk={w}").get_json()
    assert api["total"] == 1 and api["items"][0] == data
    assert client.get(f"/api/v1/participation?municipality={m}").get_json()["total"] == 2
    assert client.get(f"/api/v1/participation?wijk={w}").status_code == 400
    assert client.get("/api/v1/participation?municipality=nowhere").status_code == 404
    spec = client.get("/api/v1/openapi.json").get_json()
    assert (
        "/participation" in spec["paths"] and "WijkParticipation" in spec["components"]["schemas"]
    )


def test_the_wijk_and_municipality_pages_link_to_participation(
    app: Flask, db_session: Any, client: FlaskClient, login: Any
) -> None:
    setup = _wijk_with_rounds()
    m, w = setup["municipality"].slug, setup["wijk"].slug
    assert f"/g/{m}/{w}/participation" in client.get(f"/g/{m}/{w}").text
    assert f"/g/{m}/participation" in client.get(f"/g/{m}").text
    # The "Who voted" section of a round's results and manage pages links to the trend.
    counted = db.session.scalar(select(Round).where(Round.title == "Stemdag 2025"))
    with app.test_request_context():
        section = render_template_string(
            '{% from "voting/_who_voted.html" import who_voted_section %}'
            "{{ who_voted_section(round, w) }}",
            round=counted,
            w=who_voted(counted),
        )
    assert f"/g/{m}/{w}/participation" in section and "fewer than" in section
    login(setup["manager"])
    page = client.get(f"/g/{m}/{w}/participation").text
    assert f"/g/{m}/{w}/participation/people" in page
    assert f"/g/{m}/{w}/participation/languages" in page


def test_example_figures_say_so(db_session: Any, client: FlaskClient) -> None:
    setup = _wijk_with_rounds()
    found = db.session.scalar(
        select(WijkLanguages).where(WijkLanguages.wijk_id == setup["wijk"].id)
    )
    found.is_example = True
    db.session.commit()
    m, w = setup["municipality"].slug, setup["wijk"].slug
    assert "Example figures." in client.get(f"/g/{m}/{w}/participation", headers=EN).text
    assert "Example figures." in client.get(f"/g/{m}/participation", headers=EN).text
    # A wijk without a counted round still shows what its residents speak.
    quiet = setup["quiet"]
    wijk_languages(quiet, "Peiling", pl=6)
    db.session.commit()
    page = client.get(f"/g/{m}/{quiet.slug}/participation", headers=EN).text
    assert 'id="spoken-caption"' in page and "6.0%" in page
    assert client.get(f"/g/{m}/{w}/participation.json").get_json()["languages_spoken"][
        "example_figures"
    ]
