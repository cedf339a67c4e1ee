"""Every "bad input" line of the issue, phases and editing, secrecy, changing a vote,
access control, counting with weights, letters and the pabulib import."""

from __future__ import annotations

import gzip
import io
import re
from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import Any

import pypdf
import pytest
from conftest import pabulib_file
from factories.accounts import UserFactory, VerifiedResidentFactory, WijkmanagerFactory
from factories.places import WijkFactory
from factories.voting import ProjectFactory, RoundFactory, give_counting_key
from flask.testing import FlaskClient
from sqlalchemy import delete, func, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError

from samenhang.cli import stemdag_import_command
from samenhang.errors import DomainError, PermissionDenied
from samenhang.extensions import db
from samenhang.voting import counting, letters, queries, services
from samenhang.voting.models import (
    Ballot,
    BallotType,
    BatchStatus,
    Channel,
    CodeStatus,
    Eligibility,
    PaperBatch,
    Phase,
    Round,
    Rule,
    StemCode,
)
from samenhang.voting.rules.pabulib import read_pb, read_pb_bytes, read_pb_file
from samenhang.voting.rules.tally import tally


@pytest.fixture
def setup(db_session: Any) -> dict[str, Any]:
    wijk = WijkFactory()
    manager = WijkmanagerFactory(wijken=[wijk])
    round_ = RoundFactory(wijk=wijk, ballot_type=BallotType.approval, min_projects=1)
    projects = [ProjectFactory(round=round_, cost_cents=c) for c in (400_000, 300_000, 500_000)]
    round_.phase = Phase.voting
    db.session.commit()
    return {"wijk": wijk, "manager": manager, "round": round_, "projects": projects}


def _codes(setup: dict[str, Any], count: int = 3) -> list[str]:
    return [c for _, c in services.generate_codes(setup["round"], count, actor=setup["manager"])]


def _cast(client: FlaskClient, round_: Round, choice: str, code: str, **extra: str) -> Any:
    data = {"choice": choice, "code": code, "age_confirmed": "y", **extra}
    return client.post(f"/stemdag/{round_.id}/vote/cast", data=data)


def _ballots(round_: Round) -> int:
    return db.session.scalar(select(func.count(Ballot.id)).where(Ballot.round_id == round_.id))


# --- bad input ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ballot_type", "settings", "choice", "message"),
    [
        ("approval", {"max_projects": 2}, [0, 1, 2], "most you can choose is 2"),
        ("approval", {"min_projects": 2}, [0], "choose at least 2"),
        ("knapsack", {}, [0, 2, 1], "more than the budget"),
        ("points", {"max_points": 3}, [0, 1], "most you can give is 3"),
        ("approval", {}, [0, 0], "once"),
        ("approval", {}, [], "at least one"),
    ],
)
def test_invalid_ballots_are_refused(
    setup: dict[str, Any], ballot_type: str, settings: dict, choice: list, message: str
) -> None:
    round_ = setup["round"]
    round_.ballot_type = BallotType(ballot_type)
    for key, value in {
        "min_projects": 0,
        "max_projects": 3,
        "max_points": None,
        **settings,
    }.items():
        setattr(round_, key, value)
    ids = [setup["projects"][i].id for i in choice]
    points = [2] * len(ids) if ballot_type == "points" else None
    with pytest.raises(services.BallotError, match=message):
        services.validate_choice(
            round_, queries.ballot_projects(round_), services.Choice(ids, points)
        )


def test_bad_codes_and_forms_say_why_and_count_nothing(
    app: Any, client: FlaskClient, setup: dict[str, Any]
) -> None:
    round_, manager = setup["round"], setup["manager"]
    codes = _codes(setup)
    services.revoke_code(round_, code=codes[2], actor=manager)
    db.session.commit()
    good = str(setup["projects"][0].id)
    cases = [
        ("ABCD-EFGH", "not a voting code"),  # mistyped: too short
        ("ABCD-EFGH-JKMN", "do not know this code"),  # unknown
        (codes[2], "revoked"),
    ]
    for code, message in cases:
        response = _cast(client, round_, good, code)
        assert response.status_code == 422 and message in response.text
    assert _cast(client, round_, good, codes[0]).status_code == 303
    spent = _cast(app.test_client(), round_, good, codes[0])
    assert spent.status_code == 422 and "already been used" in spent.text
    # A tampered form: a project of another round and a blank vote the round does not
    # allow are refused on the review page; what is not a ballot at all (not numbers) sends
    # the voter back to fill in the ballot again.
    other = ProjectFactory()
    for choice, extra, status in (
        (str(other.id), {}, 422),
        ("1;DROP", {}, 302),
        ("", {"blank": "1"}, 422),
    ):
        response = _cast(app.test_client(), round_, choice, codes[1], **extra)
        assert response.status_code == status, (choice, response.text)
        if status == 302:
            assert response.location.endswith(f"/stemdag/{round_.id}/vote")
    assert _ballots(round_) == 1
    assert db.session.scalar(select(StemCode.status).where(StemCode.serial == 2)) is (
        CodeStatus.issued
    )  # nothing lost: the code still works
    assert _cast(app.test_client(), round_, good, codes[1]).status_code == 303


def test_no_vote_outside_the_voting_phase(
    app: Any, client: FlaskClient, setup: dict[str, Any]
) -> None:
    round_ = setup["round"]
    [code] = _codes(setup, 1)
    round_.phase = Phase.counting
    db.session.commit()
    assert client.get(f"/stemdag/{round_.id}/vote").status_code == 409
    response = _cast(client, round_, str(setup["projects"][0].id), code)
    assert response.status_code == 409 and _ballots(round_) == 0


def test_age_must_be_declared(client: FlaskClient, setup: dict[str, Any]) -> None:
    round_ = setup["round"]
    round_.min_age = 12
    [code] = _codes(setup, 1)
    db.session.commit()
    data = {"choice": str(setup["projects"][0].id), "code": code}
    response = client.post(f"/stemdag/{round_.id}/vote/cast", data=data)
    assert response.status_code == 422 and "12 or older" in response.text


def test_selection_survives_signing_in(client: FlaskClient, setup: dict[str, Any]) -> None:
    round_ = setup["round"]
    resident = UserFactory(wijk=setup["wijk"])
    pick = str(setup["projects"][1].id)
    client.post(f"/stemdag/{round_.id}/vote", data={"project": [pick]})
    review = client.get(f"/stemdag/{round_.id}/vote/review")
    assert "Not counted yet" in review.text or "Nog niet geteld" in review.text
    from factories.accounts import PASSWORD

    client.post("/signin", data={"email": resident.email, "password": PASSWORD})
    again = client.get(f"/stemdag/{round_.id}/vote/review")
    assert setup["projects"][1].title in again.text
    ballot = client.get(f"/stemdag/{round_.id}/vote")
    assert re.search(rf'value="{pick}" id="project-{pick}"[^>]* checked', ballot.text)


# --- phases and editing -------------------------------------------------------------------


def test_phases_follow_the_order_and_are_logged(setup: dict[str, Any]) -> None:
    round_, manager = setup["round"], setup["manager"]
    round_.phase = Phase.draft
    with pytest.raises(DomainError):
        services.change_phase(round_, Phase.voting, actor=manager)
    with pytest.raises(PermissionDenied):
        services.change_phase(round_, Phase.ideas, actor=UserFactory())
    services.change_phase(round_, Phase.ideas, actor=manager)
    services.change_phase(round_, Phase.review, actor=manager)
    services.change_phase(round_, Phase.voting, actor=manager)
    with pytest.raises(DomainError):
        services.change_phase(round_, Phase.review, actor=manager)  # no way back once voting
    services.change_phase(round_, Phase.counting, actor=manager)
    with pytest.raises(DomainError, match="count"):
        services.change_phase(round_, Phase.results, actor=manager)
    logged = db.session.execute(
        text("SELECT count(*) FROM audit_entries WHERE action = 'stemdag.phase_changed'")
    ).scalar()
    assert logged == 4


def test_nothing_changes_once_voting_opens(setup: dict[str, Any]) -> None:
    round_, manager, project = setup["round"], setup["manager"], setup["projects"][0]
    data = services.RoundData(
        title="x",
        budget_cents=1,
        ballot_type=BallotType.approval,
        rule=Rule.greedy,
        eligibility=Eligibility.both,
        max_projects=2,
    )
    with pytest.raises(DomainError, match="no longer change"):
        services.update_round(round_, data, actor=manager)
    with pytest.raises(DomainError, match="no longer change"):
        services.review_project(project, False, "te duur", actor=manager)
    with pytest.raises(DomainError, match="no longer change"):
        services.propose_project(
            round_, services.ProjectData("Nieuw", "Iets", 100, "nl"), actor=manager
        )


# --- secrecy and changing a vote ----------------------------------------------------------


def test_changing_a_vote_needs_the_receipt_and_keeps_the_old_ballot(
    app: Any, setup: dict[str, Any]
) -> None:
    round_ = setup["round"]
    round_.allows_changes = True
    shares = give_counting_key(round_)
    [code] = _codes(setup, 1)
    db.session.commit()
    a, b = (str(p.id) for p in setup["projects"][:2])
    voter = app.test_client()
    assert _cast(voter, round_, a, code).status_code == 303
    receipt = voter.get(f"/stemdag/{round_.id}/vote/receipt").text.split('receipt-code"')[1]
    receipt = receipt.split(">")[1].split("<")[0].strip()
    again = _cast(voter, round_, b, code)
    assert again.status_code == 422 and "receipt code" in again.text
    wrong = _cast(voter, round_, b, code, receipt="ABCD-EFGH-JKMN")
    assert wrong.status_code == 422
    stranger = app.test_client()  # someone else's receipt with their own code: refused
    [other] = _codes(setup, 1)
    db.session.commit()
    assert _cast(stranger, round_, a, other).status_code == 303
    assert _cast(stranger, round_, b, other, receipt=receipt).status_code == 422
    assert _cast(voter, round_, b, code, receipt=receipt).status_code == 303
    assert queries.receipt_status(round_, receipt).is_superseded
    # Sealed until the count: three ballots, one superseded, no choice in any row.
    rows = db.session.execute(
        select(Ballot.selection, Ballot.sealed, Ballot.is_superseded).where(
            Ballot.round_id == round_.id
        )
    ).all()
    assert sorted(sup for _, _, sup in rows) == [False, False, True]
    assert all(selection is None and sealed for selection, sealed, _ in rows)
    round_.phase = Phase.counting
    services.unseal_ballots(round_, shares[1:], actor=setup["manager"])
    counted = sorted(b.selection[0] for b in queries.counted_ballots(round_))
    assert counted == sorted([int(b), int(a)])  # the replaced ballot is not among them


def test_ballots_are_never_deleted(setup: dict[str, Any]) -> None:
    round_ = setup["round"]
    [code] = _codes(setup, 1)
    credential = services.Credential(code=services.find_code(round_, code))
    services.cast_ballot(
        round_,
        queries.ballot_projects(round_),
        services.Choice([setup["projects"][0].id]),
        credential,
        age_confirmed=True,
    )
    with pytest.raises(DBAPIError, match="never deleted"), db.session.begin_nested():
        db.session.execute(delete(Ballot))


def test_one_ballot_per_code_and_per_resident_in_the_database(setup: dict[str, Any]) -> None:
    round_ = setup["round"]
    round_.eligibility = Eligibility.residents
    resident = VerifiedResidentFactory(wijk=setup["wijk"])
    projects = queries.ballot_projects(round_)
    choice = services.Choice([setup["projects"][0].id])
    credential = services.resident_credential(round_, resident)
    services.cast_ballot(round_, projects, choice, credential, age_confirmed=True)
    with pytest.raises(services.AlreadyVoted):
        services.cast_ballot(round_, projects, choice, credential, age_confirmed=True)
    outsider = UserFactory()
    with pytest.raises(DomainError, match="address in"):
        services.resident_credential(round_, outsider)
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.execute(
            text(
                "INSERT INTO stemdag_voters (round_id, user_id, channel) VALUES (:r, :u, 'paper')"
            ),
            {"r": round_.id, "u": resident.id},
        )


# --- paper --------------------------------------------------------------------------------


def test_paper_batches_are_checked_by_a_second_person_and_must_add_up(
    setup: dict[str, Any],
) -> None:
    round_ = setup["round"]
    first, second = UserFactory(), UserFactory()
    services.add_volunteer(round_, first, actor=setup["manager"])
    services.add_volunteer(round_, second, actor=setup["manager"])
    projects = queries.ballot_projects(round_)
    with pytest.raises(services.BatchError, match="declared 3 ballots but entered 2"):
        services.enter_paper_batch(
            round_, projects, label="Box", declared_count=3, text="1\n2 3", actor=first
        )
    with pytest.raises(services.BatchError) as problem:
        services.enter_paper_batch(
            round_, projects, label="Box", declared_count=2, text="1\n9", actor=first
        )
    assert problem.value.lines[0][0] == 2
    batch = services.enter_paper_batch(
        round_, projects, label="Box", declared_count=2, text="1\n2 3", actor=first
    )
    assert queries.counted_ballots(round_) == []  # not yet confirmed
    with pytest.raises(PermissionDenied):
        services.decide_paper_batch(batch, confirm=True, actor=first)
    with pytest.raises(PermissionDenied):
        services.decide_paper_batch(batch, confirm=True, actor=UserFactory())
    services.decide_paper_batch(batch, confirm=True, actor=second)
    assert len(queries.counted_ballots(round_)) == 2
    with pytest.raises(DomainError, match="already been checked"):
        services.decide_paper_batch(batch, confirm=False, reason="x", actor=setup["manager"])


# --- counting -----------------------------------------------------------------------------


def test_each_channel_counts_for_half_when_balanced(setup: dict[str, Any]) -> None:
    round_ = setup["round"]
    round_.is_channel_balanced = True
    p = setup["projects"]
    first, second = UserFactory(), UserFactory()
    batch = PaperBatch(
        round_id=round_.id,
        label="Box",
        declared_count=1,
        entered_count=1,
        status=BatchStatus.confirmed,
        entered_by_id=first.id,
        confirmed_by_id=second.id,
    )
    db.session.add(batch)
    db.session.flush()
    rows = [(Channel.online, [p[0].id], None)] * 3 + [(Channel.paper, [p[1].id], batch.id)]
    for channel, selection, batch_id in rows:
        db.session.add(
            Ballot(
                round_id=round_.id,
                channel=channel,
                selection=selection,
                batch_id=batch_id,
                cast_on=date.today(),
            )
        )
    db.session.flush()
    election = counting.build_election(round_)
    weights = sorted(str(b.weight) for b in election.ballots)
    assert weights == ["2", "2/3", "2/3", "2/3"]
    assert read_pb(counting.export_pb(round_)).ballots[0].weight in (2, Fraction(2, 3))


def test_import_amsterdam_round_matches_the_engine(
    client: FlaskClient, db_session: Any, login: Any
) -> None:
    path = pabulib_file("Netherlands_Amsterdam_166.pb")  # gzipped; the upload is the .pb
    wijk = WijkFactory(slug="dapperbuurt", municipality__slug="amsterdam")
    manager = WijkmanagerFactory(wijken=[wijk])
    db.session.commit()
    login(manager)
    response = client.post(
        "/g/amsterdam/dapperbuurt/stemdag/import",
        data={"file": (io.BytesIO(read_pb_bytes(path)), "Netherlands_Amsterdam_166.pb")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.text
    round_ = db.session.scalars(select(Round)).one()
    expected = tally(read_pb_file(path))
    assert round_.result["tally"]["selected"] == expected.selected
    page = client.get(f"/stemdag/{round_.id}/results")
    assert page.status_code == 200 and "<svg" in page.text and "<table>" in page.text
    assert tally(read_pb(client.get(f"/stemdag/{round_.id}/ballots.pb").data)).selected == (
        expected.selected
    )
    bad = client.post(
        "/g/amsterdam/dapperbuurt/stemdag/import",
        data={"file": (io.BytesIO(b"META\nkey;value\n"), "x.pb")},
        content_type="multipart/form-data",
    )
    assert bad.status_code == 422 and "cannot be read" in bad.text


def test_stemdag_import_command_reads_a_gzipped_file(
    app: Any, db_session: Any, tmp_path: Path
) -> None:
    wijk = WijkFactory(slug="assen-centrum")
    manager = WijkmanagerFactory(wijken=[wijk])
    db.session.commit()
    packed = tmp_path / "Netherlands_Assen_2024.pb.gz"
    packed.write_bytes(gzip.compress(pabulib_file("Netherlands_Assen_2024.pb").read_bytes()))
    runner = app.test_cli_runner()
    options = ["--wijk", wijk.slug, "--as", manager.email]
    result = runner.invoke(stemdag_import_command, [str(packed), *options])
    assert result.exit_code == 0, result.output
    round_ = db.session.scalars(select(Round)).one()
    assert round_.result["tally"]["selected"] == ["11", "12", "13", "14", "2", "3", "5", "6", "9"]
    broken = tmp_path / "broken.pb.gz"
    broken.write_bytes(b"META\nkey;value\n")
    result = runner.invoke(stemdag_import_command, [str(broken), *options])
    assert result.exit_code == 1
    assert "not gzip-compressed" in result.output


# --- access -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    ["/manage", "/edit", "/codes", "/volunteers", "/register", "/paper"],
)
def test_manager_and_volunteer_pages_are_closed_to_others(
    client: FlaskClient, login: Any, setup: dict[str, Any], path: str
) -> None:
    url = f"/stemdag/{setup['round'].id}{path}"
    signed_out = client.get(url)
    assert signed_out.status_code == 302 and "/signin" in signed_out.location
    login(UserFactory())
    assert client.get(url).status_code == 403
    other = WijkmanagerFactory(wijken=[WijkFactory()])
    client.post("/signout")
    login(other)
    assert client.get(url).status_code == 403


def test_letters_fall_back_to_dutch_and_english_without_fonts(
    app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    context = letters.LetterContext("Stemdag", "Wijk", "Gemeente", "http://x/stemdag/1/vote")
    monkeypatch.setattr(letters, "font_paths", lambda: None)
    with app.test_request_context():
        data = letters.letters_pdf(context, [letters.Letter(1, "ABCD-EFGH-JKMN")])
    page = pypdf.PdfReader(io.BytesIO(data)).pages[0].extract_text()
    assert "ABCD-EFGH-JKMN" in page and "Türkçe" not in page and "English" in page


def test_letters_have_all_six_languages(app: Any) -> None:
    if letters.font_paths() is None:
        pytest.skip("fontpkg-noto-sans(-arabic) not installed")
    context = letters.LetterContext("Stemdag", "Wijk", "Gemeente", "http://x/stemdag/1/vote")
    with app.test_request_context():
        data = letters.letters_pdf(context, [letters.Letter(7, "ABCD-EFGH-JKMN")])
    page = pypdf.PdfReader(io.BytesIO(data)).pages[0].extract_text()
    for name in ("Nederlands", "English", "Türkçe", "Polski", "Українська"):
        assert name in page
