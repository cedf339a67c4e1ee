"""Who took part (issue 19): turnout by channel, language, device and age band, sealed
inside the ballot until the count, added up there, and every cell under 10 suppressed on
the pages and in the downloads."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest
from factories.accounts import UserFactory, WijkmanagerFactory
from factories.places import WijkFactory
from factories.voting import ProjectFactory, RoundFactory
from flask.testing import FlaskClient
from sqlalchemy import inspect, select

from samenhang.extensions import db
from samenhang.voting import counting, queries, sealing, services, turnout
from samenhang.voting.models import Ballot, BallotType, Eligibility, Phase, Round, VoterRecord
from samenhang.voting.turnout import BallotProfile

COSTS = (100_000, 200_000, 300_000)
#: (how many, credential, language, width hint, age band) of the online ballots cast.
CAST = [
    (12, "code", "nl", "360", "30-49"),
    (11, "code", "tr", "1280", None),
    (3, "code", "ar", "390", "65+"),
    (2, "account", "uk", None, "18-29"),
]
PAPER = 4


# --- no database ---------------------------------------------------------------------------


@pytest.mark.pure
def test_cells_under_ten_are_hidden_and_a_lone_hidden_cell_takes_a_second_with_it() -> None:
    assert turnout.suppress({"a": 30, "b": 20}) == {"a": 30, "b": 20}
    assert turnout.suppress({"a": 30, "b": 9, "c": 0}) == {"a": 30, "b": None, "c": None}
    # One hidden cell beside a published total could be worked out: the smallest shown
    # cell is hidden with it.
    assert turnout.suppress({"a": 30, "b": 12, "c": 11, "d": 3}) == {
        "a": 30,
        "b": 12,
        "c": None,
        "d": None,
    }
    assert turnout.suppress({"a": 9, "b": 1}) == {"a": None, "b": None}
    assert turnout.suppress({"a": 10}) == {"a": 10}


@pytest.mark.pure
def test_the_profile_keeps_only_what_the_page_may_send() -> None:
    assert turnout.device_class("360") == "phone"
    assert turnout.device_class("767") == "phone"
    assert turnout.device_class("1280") == "desktop"
    assert turnout.device_class("") is None
    assert turnout.device_class("Mozilla/5.0") is None
    assert turnout.device_class("12") is None
    profile = turnout.make_profile(
        language="xx", width_hint="400", age_band="65+", asks_age_band=False
    )
    assert profile == BallotProfile(language=None, device="phone", age_band=None)
    asked = turnout.make_profile(
        language="ar", width_hint=None, age_band="99-100", asks_age_band=True
    )
    assert asked == BallotProfile(language="ar")
    assert [band.value for band in turnout.AgeBand.for_min_age(18)] == [
        "18-29",
        "30-49",
        "50-64",
        "65+",
    ]


@pytest.mark.pure
def test_the_profile_is_sealed_and_does_not_change_the_ballots_length() -> None:
    key = sealing.new_counting_key(3)
    full = {"l": "uk", "d": "desktop", "a": "50-64"}
    with_profile = sealing.seal(key.public_key, [1, 2], None, False, 9, profile=full)
    without = sealing.seal(key.public_key, [], None, True, 9)
    assert len(with_profile) == len(without)
    assert b"desktop" not in with_profile and b"50-64" not in with_profile
    private = sealing.combine(list(key.shares[:2]), 3, key.public_key)
    assert sealing.unseal(private, with_profile).profile == full
    assert sealing.unseal(private, without).profile == {}


# --- a round ---------------------------------------------------------------------------------


def _setup() -> dict[str, Any]:
    wijk = WijkFactory()
    manager = WijkmanagerFactory(wijken=[wijk])
    round_ = RoundFactory(
        wijk=wijk,
        phase=Phase.review,
        ballot_type=BallotType.approval,
        min_projects=1,
        max_projects=3,
        allows_changes=True,
        eligibility=Eligibility.both,
        asks_age_band=True,
        eligible_count=200,
    )
    projects = [ProjectFactory(round=round_, cost_cents=cost) for cost in COSTS]
    db.session.flush()
    key = services.change_phase(round_, Phase.voting, actor=manager)
    assert key is not None
    return {
        "wijk": wijk,
        "round": round_,
        "manager": manager,
        "projects": projects,
        "shares": [share.text for share in key.shares],
    }


def _vote(setup: dict[str, Any]) -> None:
    """The ballots of `CAST` (one `tr` ballot changed to `pl` afterwards) and `PAPER`
    paper ballots, all for the first project."""
    round_, manager = setup["round"], setup["manager"]
    projects = queries.ballot_projects(round_)
    choice = services.Choice([setup["projects"][0].id])
    changed = None
    for count, kind, language, width, band in CAST:
        for _ in range(count):
            if kind == "code":
                _, code = services.generate_codes(round_, 1, actor=manager)[0]
                credential = services.Credential(code=services.find_code(round_, code))
            else:
                # The register's account channel (a `residents` round's), built directly:
                # in a round with letters an account holder votes with the letter's code.
                credential = services.Credential(user=UserFactory(wijk=setup["wijk"]))
            profile = turnout.make_profile(
                language=language, width_hint=width, age_band=band, asks_age_band=True
            )
            receipt = services.cast_ballot(
                round_, projects, choice, credential, age_confirmed=True, profile=profile
            )
            if language == "tr" and changed is None:
                changed = (credential, receipt)
    assert changed is not None
    services.change_ballot(
        round_,
        projects,
        services.Choice([setup["projects"][1].id]),
        changed[0],
        changed[1],
        age_confirmed=True,
        profile=BallotProfile(language="pl", device="desktop"),
    )
    first, second = UserFactory(), UserFactory()
    services.add_volunteer(round_, first, actor=manager)
    services.add_volunteer(round_, second, actor=manager)
    batch = services.enter_paper_batch(
        round_, projects, label="Box", declared_count=PAPER, text="1\n1\n2\n1 2", actor=first
    )
    services.decide_paper_batch(batch, confirm=True, actor=second)


def _count(setup: dict[str, Any]) -> dict[str, Any]:
    round_ = setup["round"]
    services.change_phase(round_, Phase.counting, actor=setup["manager"])
    counting.count_round(round_, shares=setup["shares"][:2], actor=setup["manager"])
    assert round_.result is not None
    return dict(round_.result["turnout"])


def test_nothing_about_the_voter_is_stored_readable_before_the_count(db_session: Any) -> None:
    setup = _setup()
    _vote(setup)
    round_ = setup["round"]
    # The tables hold no column for it...
    assert {c.key for c in inspect(Ballot).columns} == {
        "id",
        "round_id",
        "channel",
        "selection",
        "points",
        "sealed",
        "is_blank",
        "is_superseded",
        "receipt_hash",
        "owner_hash",
        "batch_id",
        "cast_on",
    }
    assert {c.key for c in inspect(VoterRecord).columns} == {
        "id",
        "round_id",
        "user_id",
        "stemcode_id",
        "channel",
    }
    # ... no counter was kept while voting ...
    db.session.expire(round_)
    assert round_.ballot_profile is None
    # ... and no online row says it in plain text: only ciphertext, all of one length.
    online = db.session.scalars(
        select(Ballot).where(Ballot.round_id == round_.id, Ballot.batch_id.is_(None))
    ).all()
    assert len(online) == sum(count for count, *_ in CAST) + 1
    assert len({len(ballot.sealed or b"") for ballot in online}) == 1
    for ballot in online:
        assert ballot.selection is None and ballot.points is None and ballot.sealed
        raw = repr([getattr(ballot, c.key) for c in inspect(Ballot).columns if c.key != "sealed"])
        for word in ("nl", "tr", "uk", "ar", "phone", "desktop", "65+", "18-29", '"l"'):
            assert f"'{word}'" not in raw and f'"{word}"' not in raw
        for word in (b'"l":', b"phone", b"desktop", b"65+"):
            assert word not in (ballot.sealed or b"")


def test_the_count_adds_up_who_voted_and_writes_it_beside_no_ballot(db_session: Any) -> None:
    setup = _setup()
    _vote(setup)
    figures = _count(setup)
    round_ = setup["round"]
    online = sum(count for count, *_ in CAST)
    assert figures["total"] == online + PAPER
    assert figures["eligible"] == 200
    assert figures["by_channel"] == {"code": 26, "account": 2, "paper": PAPER}
    # The changed ballot counts in the language it was changed in, once.
    assert figures["by_language"] == {
        "nl": 12,
        "en": 0,
        "tr": 10,
        "ar": 3,
        "pl": 1,
        "uk": 2,
        "unknown": PAPER,
    }
    assert figures["by_device"] == {"phone": 15, "desktop": 11, "unknown": 2 + PAPER}
    assert figures["by_age_band"] == {
        "12-17": 0,
        "18-29": 2,
        "30-49": 12,
        "50-64": 0,
        "65+": 3,
        "unknown": 11 + PAPER,
    }
    # Counts on the round only; the opened ballots carry a choice and nothing else.
    assert set(round_.ballot_profile or {}) == {"opened", "language", "device", "age_band"}
    assert round_.ballot_profile["opened"] == online
    assert not db.session.scalars(
        select(Ballot).where(Ballot.round_id == round_.id, Ballot.sealed.is_not(None))
    ).all()
    # A recount (no shares) keeps the figures.
    counting.count_round(round_, actor=setup["manager"])
    assert round_.result["turnout"]["by_language"] == figures["by_language"]


def _cells(body: str) -> list[dict[str, str]]:
    rows = list(csv.DictReader(io.StringIO(body)))
    return [row for row in rows if row["dimension"] != "total"]


def test_the_pages_and_downloads_never_show_a_cell_under_ten(
    db_session: Any, client: FlaskClient, login: Any
) -> None:
    setup = _setup()
    _vote(setup)
    _count(setup)
    round_ = setup["round"]
    services.change_phase(round_, Phase.results, actor=setup["manager"])
    db.session.commit()
    page = client.get(f"/stemdag/{round_.id}/results", headers={"Accept-Language": "en"})
    assert page.status_code == 200
    section = page.text.split('id="who-voted-heading"')[1].split("</section>")[0]
    assert "Who voted" in page.text and "fewer than 10" in section
    numbers = [int(n) for n in re.findall(r'<td class="num">(\d+)</td>', section)]
    assert numbers and all(n >= 10 for n in numbers), numbers
    assert "16.0%" in section  # 200 eligible, 32 ballots

    download = client.get(f"/stemdag/{round_.id}/turnout.csv")
    assert download.status_code == 200 and download.mimetype == "text/csv"
    assert "turnout-" in download.headers["Content-Disposition"]
    cells = {(row["dimension"], row["category"]): row for row in _cells(download.text)}
    assert all(row["ballots"] == "<10" or int(row["ballots"]) >= 10 for row in cells.values()), (
        cells
    )
    assert cells[("language", "nl")]["ballots"] == "12"
    assert cells[("language", "tr")]["ballots"] == "10"
    assert cells[("language", "ar")]["ballots"] == "<10"
    assert cells[("channel", "code")]["ballots"] == "26"
    assert cells[("channel", "account")]["ballots"] == "<10"
    # Device: only "unknown" (6) is small; beside 15 and 11 and the total of 32 it could be
    # worked out, so the smallest shown cell (desktop, 11) is hidden too.
    assert [cells[("device", d)]["ballots"] for d in ("phone", "desktop", "unknown")] == [
        "15",
        "<10",
        "<10",
    ]
    assert cells[("age_band", "30-49")]["ballots"] == "12"
    assert cells[("age_band", "unknown")]["ballots"] == "15"

    data = client.get(f"/stemdag/{round_.id}/turnout.json").get_json()
    assert data["ballots"] == 32 and data["turnout_percent"] == 16.0
    assert all(c["ballots"] is None or c["ballots"] >= 10 for c in data["cells"])
    assert {(c["dimension"], c["category"]) for c in data["cells"] if c["suppressed"]} == {
        key for key, row in cells.items() if row["ballots"] == "<10"
    }

    login(setup["manager"])
    manage = client.get(f"/stemdag/{round_.id}/manage")
    assert "who-voted-heading" in manage.text


def test_the_wijks_earlier_rounds_are_compared(db_session: Any, client: FlaskClient) -> None:
    setup = _setup()
    earlier = RoundFactory(
        wijk=setup["wijk"],
        title="Stemdag 2025",
        phase=Phase.results,
        result={"turnout": {"total": 40, "eligible": 400}},
    )
    earlier.counted_at = earlier.created_at
    _vote(setup)
    _count(setup)
    round_ = setup["round"]
    assert queries.previous_turnout(round_) == [
        {
            "round_id": earlier.id,
            "title": "Stemdag 2025",
            "counted_on": earlier.counted_at.date().isoformat(),
            "ballots": 40,
            "eligible": 400,
            "turnout_percent": 10.0,
        }
    ]
    services.change_phase(round_, Phase.results, actor=setup["manager"])
    db.session.commit()
    page = client.get(f"/stemdag/{round_.id}/results", headers={"Accept-Language": "en"})
    assert "Earlier rounds in" in page.text and "10.0%" in page.text


def test_the_ballot_page_sends_language_width_and_age_band_sealed(
    db_session: Any, client: FlaskClient
) -> None:
    setup = _setup()
    round_ = setup["round"]
    _, code = services.generate_codes(round_, 1, actor=setup["manager"])[0]
    page = f"/stemdag/{round_.id}"
    headers = {"Accept-Language": "ar"}
    pick = setup["projects"][0].id
    client.post(f"{page}/vote", data={"project": [str(pick)]}, headers=headers)
    review = client.get(f"{page}/vote/review", headers=headers)
    assert 'name="width_hint"' in review.text and 'name="age_band"' in review.text
    assert "js/ballot-width.js" in review.text and "<script>" not in review.text
    cast = client.post(
        f"{page}/vote/cast",
        data={
            "choice": str(pick),
            "code": code,
            "age_confirmed": "y",
            "width_hint": "412",
            "age_band": "50-64",
        },
        headers=headers,
    )
    assert cast.status_code == 303, cast.text
    _count(setup)
    assert round_.ballot_profile == {
        "opened": 1,
        "language": {"nl": 0, "en": 0, "tr": 0, "ar": 1, "pl": 0, "uk": 0},
        "device": {"phone": 1, "desktop": 0},
        "age_band": {"12-17": 0, "18-29": 0, "30-49": 0, "50-64": 1, "65+": 0},
    }


def test_a_round_that_does_not_ask_drops_the_age_band(db_session: Any) -> None:
    setup = _setup()
    round_: Round = setup["round"]
    round_.asks_age_band = False
    _, code = services.generate_codes(round_, 1, actor=setup["manager"])[0]
    services.cast_ballot(
        round_,
        queries.ballot_projects(round_),
        services.Choice([setup["projects"][0].id]),
        services.Credential(code=services.find_code(round_, code)),
        age_confirmed=True,
        profile=BallotProfile(language="nl", device="phone", age_band="65+"),
    )
    figures = _count(setup)
    assert figures["by_age_band"] is None
    assert figures["by_language"]["nl"] == 1
