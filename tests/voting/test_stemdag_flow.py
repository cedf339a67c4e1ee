"""The issue's "done when", through the web client: the wijkmanager creates a round,
generates 100 codes and downloads the letters, a resident votes with a code, paper ballots
are entered and confirmed, the round is counted, and the results page and the .pb download
match what the engine's `tally` gives for the same ballots."""

from __future__ import annotations

import io
import re
from typing import Any

import pypdf
from factories.accounts import UserFactory, VerifiedResidentFactory, WijkmanagerFactory
from factories.initiatives import PublishedInitiativeFactory
from factories.places import WijkFactory
from flask.testing import FlaskClient
from sqlalchemy import func, inspect, select

from samenhang.extensions import db
from samenhang.initiatives.models import State
from samenhang.ledger.models import JournalEntry
from samenhang.voting.models import (
    Ballot,
    BatchStatus,
    CodeStatus,
    PaperBatch,
    Phase,
    Project,
    Round,
    StemCode,
)
from samenhang.voting.rules.pabulib import read_pb
from samenhang.voting.rules.tally import tally

CODE = re.compile(r"\b[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}\b")
SHARE = re.compile(r"\bS[123]-\d+-[A-Z2-7]{8}(?:-[A-Z2-7]{4}){8}\b")


def _round() -> Round:
    db.session.expire_all()
    return db.session.scalars(select(Round)).one()


def _signin(client: FlaskClient, user: Any) -> None:
    from factories.accounts import PASSWORD

    client.post("/signout")
    response = client.post("/signin", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.text


def _round_form(**overrides: Any) -> dict[str, Any]:
    data = {
        "title": "Wijkstemdag Korrewegwijk 2026",
        "description": "Kies projecten voor de wijk.",
        "budget": "10000",
        "ballot_type": "knapsack",
        "rule": "greedy",
        "eligibility": "both",
        "min_age": "12",
        "allows_changes": "y",
        "online_weight": "1",
        "paper_weight": "1",
    }
    data.update(overrides)
    return data


def test_round_from_creation_to_published_results(app: Any, client: FlaskClient) -> None:
    wijk = WijkFactory(name="Korrewegwijk", slug="korrewegwijk", municipality__slug="groningen")
    manager = WijkmanagerFactory(wijken=[wijk])
    resident = VerifiedResidentFactory(wijk=wijk)
    first, second = UserFactory(), UserFactory()
    garden = PublishedInitiativeFactory(wijk=wijk, title="Moestuin")
    base = "/g/groningen/korrewegwijk"

    # The wijkmanager creates a round and its projects.
    _signin(client, manager)
    created = client.post(f"{base}/stemdag/new", data=_round_form())
    assert created.status_code == 302, created.text
    page = f"/stemdag/{_round().id}"
    projects = [
        ("Moestuin op het plein", "5000", str(garden.id)),
        ("Speeltuin opknappen", "6000", ""),
        ("Bankjes bij de bushalte", "1500", ""),
    ]
    for title, cost, initiative in projects:
        response = client.post(
            f"{page}/projects/new",
            data={
                "title": title,
                "summary": f"{title}: voor iedereen.",
                "cost": cost,
                "original_locale": "nl",
                "initiative_id": initiative,
            },
        )
        assert response.status_code == 302, response.text
    ids = [p.id for p in _round().projects]
    for project_id in ids:
        accepted = client.post(
            f"{page}/projects/{project_id}/review",
            data={"decision": "accept", "reason": "Haalbaar."},
        )
        assert accepted.status_code == 302
    for phase in ("ideas", "review"):
        assert client.post(f"{page}/phase", data={"target": phase}).status_code == 302
        assert _round().phase is Phase(phase)
    # Opening the vote shows the three key shares, once; each prints as a PDF.
    opened = client.post(f"{page}/phase", data={"target": "voting"})
    assert opened.status_code == 200 and _round().phase is Phase.voting
    assert opened.headers["Cache-Control"] == "no-store"
    shares = list(dict.fromkeys(SHARE.findall(opened.text)))
    assert len(shares) == 3
    printed = client.post(f"{page}/key-share.pdf", data={"share": shares[2]})
    assert printed.status_code == 200 and printed.mimetype == "application/pdf"
    share_page = pypdf.PdfReader(io.BytesIO(printed.data)).pages[0].extract_text()
    assert _round().counting_key_fingerprint in share_page

    # 100 codes, the letters PDF holds each of them (and only hashes are stored).
    letters = client.post(f"{page}/codes", data={"count": "100"})
    assert letters.status_code == 200 and letters.mimetype == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(letters.data))
    assert len(reader.pages) == 100
    codes = [CODE.search(p.extract_text()).group(0) for p in reader.pages]  # type: ignore[union-attr]
    assert len(set(codes)) == 100
    stored = db.session.scalars(select(StemCode.code_hash)).all()
    assert len(stored) == 100 and not any(c.replace("-", "") in h for c in codes for h in stored)
    client.post("/signout")

    # A resident votes with the code from the letter (the QR code's link), no account.
    voter = app.test_client()
    assert voter.get(f"{page}/vote?code={codes[0]}").status_code == 302
    ballot = voter.get(f"{page}/vote")
    assert ballot.status_code == 200 and "Moestuin op het plein" in ballot.text
    chosen = voter.post(f"{page}/vote", data={"project": [str(ids[0]), str(ids[2])]})
    assert chosen.status_code == 302 and chosen.location.endswith("/vote/review")
    review = voter.get(f"{page}/vote/review")
    assert codes[0] in review.text  # kept from the QR code
    cast = voter.post(
        f"{page}/vote/cast",
        data={"choice": f"{ids[0]},{ids[2]}", "code": codes[0], "age_confirmed": "y"},
    )
    assert cast.status_code == 303, cast.text
    receipt_page = voter.get(f"{page}/vote/receipt")
    receipt = CODE.search(receipt_page.text.split("receipt-code")[1]).group(0)  # type: ignore[union-attr]
    check = voter.post(f"{page}/check", data={"receipt": receipt})
    assert "This vote is counted" in check.text or "Deze stem telt mee" in check.text

    # A checked resident signed in votes with the code of their letter too: in a round with
    # codes and residents the account alone is refused (one person, one credential).
    _signin(client, resident)
    client.post(f"{page}/vote", data={"project": [str(ids[1]), str(ids[2])]})
    chosen = {"choice": f"{ids[1]},{ids[2]}", "age_confirmed": "y"}
    account_only = client.post(f"{page}/vote/cast", data=chosen)
    assert account_only.status_code == 422
    assert "/vote/cast" in account_only.text and "code-request" in account_only.text
    assert client.post(f"{page}/vote/cast", data={**chosen, "code": codes[2]}).status_code == 303

    # The wijkmanager adds two volunteers; at the stemdag one marks a code as voted on
    # paper, so it cannot vote online any more.
    _signin(client, manager)
    for volunteer in (first, second):
        added = client.post(f"{page}/volunteers", data={"email": volunteer.email})
        assert added.status_code == 302
    _signin(client, first)
    checked = client.post(f"{page}/register", data={"code": codes[1], "action": "check"})
    assert "May vote" in checked.text or "Mag stemmen" in checked.text
    assert (
        client.post(f"{page}/register", data={"code": codes[1], "action": "mark"}).status_code
        == 302
    )
    again = client.post(f"{page}/register", data={"code": codes[1], "action": "check"})
    assert "Has voted" in again.text or "Heeft al gestemd" in again.text
    online = app.test_client()
    refused = online.post(
        f"{page}/vote/cast",
        data={"choice": str(ids[0]), "code": codes[1], "age_confirmed": "y"},
    )
    assert refused.status_code == 422

    # Paper ballots: entered by one volunteer, confirmed by the other.
    numbers = {
        p.id: n for n, p in enumerate(sorted(_round().projects, key=lambda p: p.position), 1)
    }
    lines = f"{numbers[ids[1]]} {numbers[ids[2]]}\n{numbers[ids[0]]}\n{numbers[ids[2]]}"
    entered = client.post(
        f"{page}/paper", data={"label": "Box 1", "declared_count": "3", "lines": lines}
    )
    assert entered.status_code == 302, entered.text
    batch_id = db.session.scalar(select(func.max(Ballot.batch_id)))
    own = client.post(f"{page}/paper/{batch_id}/decide", data={"decision": "confirm"})
    assert own.status_code == 302
    db.session.expire_all()
    assert db.session.get(PaperBatch, batch_id).status is BatchStatus.entered  # four eyes
    _signin(client, second)
    assert (
        client.post(f"{page}/paper/{batch_id}/decide", data={"decision": "confirm"}).status_code
        == 302
    )

    # Close, count, publish.
    _signin(client, manager)
    assert client.post(f"{page}/phase", data={"target": "counting"}).status_code == 302
    assert client.post(f"{page}/count").status_code == 302  # no shares: refused
    assert _round().result is None
    counted = client.post(f"{page}/count", data={"share_1": shares[2], "share_2": shares[0]})
    assert counted.status_code == 302 and counted.location.endswith("/results")
    assert client.post(f"{page}/phase", data={"target": "results"}).status_code == 302
    client.post("/signout")

    round_ = _round()
    assert round_.phase is Phase.results
    results = client.get(f"{page}/results")
    assert results.status_code == 200
    download = client.get(f"{page}/ballots.pb")
    assert download.status_code == 200
    election = read_pb(download.data)
    assert len(election.ballots) == 5  # 2 online + 3 on paper
    recount = tally(election)
    assert recount.selected == round_.result["tally"]["selected"]
    titles = {p.engine_id: p.title for p in round_.projects}
    funded_section = results.text.split('id="projects-heading"')[1].split('id="chart-heading"')[0]
    for project_id, outcome in recount.projects.items():
        item = funded_section.split(titles[project_id])[1][:400]
        assert ("badge-funded" in item) == outcome.funded
    # Votes per project on the page and in the file agree.
    assert client.get(f"{page}/ballots.csv").text.count("\n") == 6
    # Moestuin (5000) and Bankjes (1500) had most votes and fit: funded, and its
    # initiative with it; the ledger holds what was funded.
    assert set(recount.selected) == {str(ids[0]), str(ids[2])}
    # The receipt says the ballot counted, and nothing of what it chose, also now.
    achieved = voter.post(f"{page}/check", data={"receipt": receipt}).text
    assert "This vote is counted" in achieved
    assert "went to projects you voted for" not in achieved and "funded" not in achieved
    db.session.expire_all()
    assert garden.state is State.funded
    entries = db.session.scalars(select(JournalEntry).where(JournalEntry.kind == "stemdag.funded"))
    assert sorted(
        line.amount_cents for e in entries for line in e.lines if line.amount_cents > 0
    ) == [
        150000,
        500000,
    ]
    # Spent codes stay spent; ballots carry no user and no code.
    spent = db.session.scalar(
        select(func.count()).select_from(StemCode).where(StemCode.status == CodeStatus.spent)
    )
    assert spent == 3  # two online (one by a signed-in resident), one on paper
    columns = {c["name"] for c in inspect(db.session.get_bind()).get_columns("stemdag_ballots")}
    assert not columns & {"user_id", "stemcode_id", "code", "code_hash", "created_at"}
    assert all(re.fullmatch(r"[0-9a-f]{32}", b) for b in db.session.scalars(select(Ballot.id)))
    assert db.session.scalar(select(func.count(Project.id))) == 3
