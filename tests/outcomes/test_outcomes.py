from __future__ import annotations

import io
import json
from decimal import Decimal
from typing import Any

import pytest
from factories.accounts import UserFactory, WijkmanagerFactory
from factories.outcomes import HEADER, csv_bytes, import_figures
from factories.places import MunicipalityFactory, WijkFactory

from samenhang.db import utcnow
from samenhang.errors import PermissionDenied
from samenhang.extensions import db
from samenhang.outcomes import queries, services
from samenhang.outcomes.indicators import INDICATORS
from samenhang.outcomes.models import OutcomeImport, OutcomeValue


@pytest.fixture
def city(db_session: Any) -> Any:
    municipality = MunicipalityFactory(name="Eindhoven", slug="eindhoven")
    WijkFactory(municipality=municipality, name="Woensel-West", slug="ww", cbs_code="WK077230")
    WijkFactory(municipality=municipality, name="Doornakkers", slug="dk", cbs_code="WK077251")
    db.session.refresh(municipality)
    return municipality


def _count(model: Any) -> int:
    return db.session.query(model).count()


def test_distance_is_signed_so_that_positive_is_better(city: Any) -> None:
    import_figures(
        city,
        [
            ("WK077230", "werkloosheid", 2023, "9", "6"),  # unemployment: lower is better
            ("WK077230", "inkomen", 2023, "22,5", "25"),  # income: higher is better
        ],
    )
    by_key = {v.indicator: queries.distance(v) for v in queries.values_in(city)}
    assert by_key == {"werkloosheid": Decimal("-50.0"), "inkomen": Decimal("-10.0")}
    themes = queries.theme_distances(queries.values_in(city))
    assert {t.value: d for t, d in themes.items()} == {
        "werken": {2023: Decimal("-50.0")},
        "inkomen": {2023: Decimal("-10.0")},
    }


def test_import_is_all_or_nothing_with_a_report_per_row(city: Any) -> None:
    good = ("WK077230", "werkloosheid", 2022, "9", "6")
    data = csv_bytes(
        [
            good,
            ("WK999999", "werkloosheid", 2022, "9", "6"),
            ("WK077251", "werkloosheid", 1990, "9", "6"),
            ("WK077251", "geluk", 2022, "9", "6"),
            ("WK077251", "inkomen", 2022, "veel", "6"),
            ("WK077251", "inkomen", 2023, "9", "0"),
            good,
        ]
    )
    report = services.import_csv(city, data, "x.csv", actor=UserFactory(role="admin"))
    assert report.imported is None
    assert [(e.line, e.message) for e in report.errors] == [
        (3, "The CBS wijk code “WK999999” is not a wijk of Eindhoven."),
        (4, f"The year “1990” is out of range: 2000 to {utcnow().year}."),
        (5, "Unknown indicator “geluk”. Known are: " + ", ".join(INDICATORS) + "."),
        (6, "“veel” is not a number."),
        (7, "The city average cannot be 0."),
        (8, "The same wijk, indicator and year are on line 2."),
    ]
    assert _count(OutcomeValue) == 0 and _count(OutcomeImport) == 0


def test_import_reads_semicolons_and_decimal_commas_and_replaces_figures(city: Any) -> None:
    import_figures(city, [("WK077230", "werkloosheid", 2022, "9", "6")])
    text = HEADER.replace(",", ";") + "\nWK077230;werkloosheid;2022;8,5;6,1;CBS 2024\n"
    report = services.import_csv(city, text.encode(), "nl.csv", actor=UserFactory(role="admin"))
    assert report.imported is not None and not report.errors
    value = db.session.query(OutcomeValue).one()
    assert (value.value, value.city_average, value.source) == (
        Decimal("8.5"),
        Decimal("6.1"),
        "CBS 2024",
    )


def test_a_file_without_the_columns_is_refused_whole(city: Any) -> None:
    report = services.import_csv(
        city, b"code,year\nWK077230,2022\n", "x.csv", actor=UserFactory(role="admin")
    )
    assert [e.message for e in report.errors] == [
        "Columns missing: wijk_code, indicator, value, city_average, source."
    ]
    report = services.import_csv(city, b"\xff\xfe", "x.csv", actor=UserFactory(role="admin"))
    assert "UTF-8" in report.errors[0].message


def test_a_wijkmanager_imports_only_for_their_own_wijken(city: Any) -> None:
    manager = WijkmanagerFactory(wijken=[city.wijken[1]])  # Woensel-West, by name order
    report = services.import_csv(
        city, csv_bytes([("WK077251", "werkloosheid", 2022, "9", "6")]), "x", actor=manager
    )
    assert report.errors[0].message == "You may import figures only for your own wijken."
    with pytest.raises(PermissionDenied):
        services.import_csv(city, csv_bytes([]), "x", actor=UserFactory())


def test_wijk_page_shows_charts_against_the_city_average(client: Any, city: Any) -> None:
    import_figures(
        city,
        [
            ("WK077230", "werkloosheid", 2020, "11", "6"),
            ("WK077230", "werkloosheid", 2022, "9", "6"),
            ("WK077230", "onveilig", 2022, "30", "20"),
        ],
        is_example=True,
    )
    page = client.get("/g/eindhoven/ww/outcomes")
    assert page.status_code == 200
    assert "Example figures." in page.text
    # Two themes (werken, veiligheid) and two indicators, each a chart.
    assert page.text.count('class="line-chart"') == 4
    assert "−50%" in page.text and "Unemployment" in page.text


def test_municipality_ranks_wijken_per_theme(client: Any, city: Any) -> None:
    import_figures(
        city,
        [
            ("WK077230", "werkloosheid", 2022, "9", "6"),
            ("WK077251", "werkloosheid", 2022, "5", "6"),
        ],
    )
    page = client.get("/g/eindhoven/outcomes")
    assert page.status_code == 200
    assert page.text.index("Doornakkers") < page.text.index("Woensel-West")
    assert "Example figures." not in page.text


def test_exports_and_the_api(client: Any, city: Any) -> None:
    import_figures(city, [("WK077230", "werkloosheid", 2022, "9", "6")])
    csv = client.get("/g/eindhoven/ww/outcomes.csv")
    assert csv.mimetype == "text/csv"
    assert csv.text.splitlines()[1].startswith("Eindhoven,Woensel-West,WK077230,werken,")
    data = json.loads(client.get("/g/eindhoven/outcomes.json").text)
    assert data["items"][0]["distance_percent"] == "-50.0"
    api = client.get("/api/v1/outcomes?municipality=eindhoven&theme=werken").json
    assert api["total"] == 1 and api["items"][0]["value"] == "9"
    assert client.get("/api/v1/outcomes?indicator=geluk").status_code == 400
    assert client.get("/api/v1/outcomes?theme=geluk").status_code == 400
    assert client.get("/api/v1/outcomes?municipality=nergens").status_code == 404
    spec = client.get("/api/v1/openapi.json").json
    assert "/outcomes" in spec["paths"]
    assert spec["components"]["schemas"]["OutcomeIndicator"]["enum"] == list(INDICATORS)


def test_import_page_shows_the_row_report_and_stores_nothing(
    client: Any, login: Any, city: Any
) -> None:
    login(UserFactory(role="admin"))
    bad = csv_bytes([("WK123456", "werkloosheid", 2022, "9", "6")])
    response = client.post(
        "/g/eindhoven/outcomes/import",
        data={"file": (io.BytesIO(bad), "cijfers.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "The CBS wijk code “WK123456” is not a wijk of Eindhoven." in response.text
    assert _count(OutcomeValue) == 0
    good = csv_bytes([("WK077230", "werkloosheid", 2022, "9", "6")])
    response = client.post(
        "/g/eindhoven/outcomes/import",
        data={"file": (io.BytesIO(good), "cijfers.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302 and _count(OutcomeValue) == 1
