"""One person, one ballot under concurrency: many threads, each with its own database
connection and transaction, race to vote with the same code or as the same resident.
Exactly one ballot may come out. Runs on PostgreSQL (SQLite writes one transaction at a
time, so there is no race to test there)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from conftest import TEST_DATABASE_URL
from sqlalchemy import func, select, text

from samenhang.accounts.models import User
from samenhang.extensions import db
from samenhang.places.models import Municipality, Wijk
from samenhang.voting import codes, queries, services
from samenhang.voting.models import (
    Ballot,
    BallotType,
    CodeStatus,
    Eligibility,
    Phase,
    Project,
    ProjectStatus,
    Round,
    Rule,
    StemCode,
    VoterRecord,
)

pytestmark = pytest.mark.skipif(
    not TEST_DATABASE_URL or not TEST_DATABASE_URL.startswith("postgresql"),
    reason="needs PostgreSQL (TEST_DATABASE_URL): SQLite serialises all writers",
)

THREADS = 12
CODE = "RACE-RACE-RACE"


@pytest.fixture
def committed(app: Any) -> Iterator[dict[str, int]]:
    """Data committed for real (the threads cannot see a test's open transaction), and
    removed afterwards, ballots included (their no-delete trigger is lifted for that)."""
    with app.app_context():
        municipality = Municipality(name="Racestad", slug="racestad", cbs_code="GM9999")
        wijk = Wijk(
            municipality=municipality, name="Racewijk", slug="racewijk", cbs_code="WK999999"
        )
        user = User(email="racer@example.org", password_hash="x", display_name="Racer", wijk=wijk)
        round_ = Round(
            wijk=wijk,
            title="Race",
            budget_cents=100_000,
            ballot_type=BallotType.approval,
            min_projects=0,
            max_projects=2,
            rule=Rule.greedy,
            eligibility=Eligibility.both,
            phase=Phase.voting,
            salt=codes.new_salt(),
        )
        project = Project(
            round=round_,
            title="Bankje",
            original_locale="nl",
            cost_cents=10_000,
            status=ProjectStatus.accepted,
        )
        db.session.add_all([municipality, wijk, user, round_, project])
        db.session.flush()
        db.session.add(
            StemCode(round_id=round_.id, code_hash=codes.hash_code(round_.salt, CODE), serial=1)
        )
        db.session.commit()
        ids = {"round": round_.id, "user": user.id, "project": project.id}
        db.session.remove()
    try:
        yield ids
    finally:
        with app.app_context(), db.engine.begin() as conn:
            conn.execute(
                text("ALTER TABLE stemdag_ballots DISABLE TRIGGER stemdag_ballots_no_delete")
            )
            for table in ("stemdag_ballots", "stemdag_voters", "stemdag_codes", "stemdag_projects"):
                conn.execute(text(f"DELETE FROM {table} WHERE round_id = :r"), {"r": ids["round"]})
            conn.execute(
                text("ALTER TABLE stemdag_ballots ENABLE TRIGGER stemdag_ballots_no_delete")
            )
            conn.execute(text("DELETE FROM stemdag_rounds WHERE id = :r"), {"r": ids["round"]})
            conn.execute(text("DELETE FROM users WHERE id = :u"), {"u": ids["user"]})
            conn.execute(text("DELETE FROM wijken WHERE slug = 'racewijk'"))
            conn.execute(text("DELETE FROM municipalities WHERE slug = 'racestad'"))


def _race(app: Any, ids: dict[str, int], by_code: bool) -> list[str]:
    barrier = threading.Barrier(THREADS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def vote() -> None:
        with app.app_context():
            try:
                round_ = db.session.get(Round, ids["round"])
                assert round_ is not None
                if by_code:
                    credential = services.Credential(code=services.find_code(round_, CODE))
                else:
                    # The race is about the register's unique key; who may vote with an
                    # account (a checked address, rounds for residents) is in
                    # test_eligibility.py.
                    user = db.session.get(User, ids["user"])
                    credential = services.Credential(user=user)
                projects = queries.ballot_projects(round_)
                barrier.wait(timeout=10)
                services.cast_ballot(
                    round_,
                    projects,
                    services.Choice([ids["project"]]),
                    credential,
                    age_confirmed=True,
                )
                db.session.commit()
                outcome = "cast"
            except (services.AlreadyVoted, services.CodeRefused):
                db.session.rollback()
                outcome = "refused"
            except Exception as exc:  # reported, so the test shows what went wrong
                db.session.rollback()
                outcome = f"error: {exc!r}"
            finally:
                db.session.remove()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=vote) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def _count(app: Any, model: Any, round_id: int) -> int:
    with app.app_context():
        try:
            return int(
                db.session.scalar(
                    select(func.count()).select_from(model).where(model.round_id == round_id)
                )
            )
        finally:
            db.session.remove()


@pytest.mark.parametrize("by_code", [True, False], ids=["same-code", "same-resident"])
def test_racing_voters_make_exactly_one_ballot(
    app: Any, committed: dict[str, int], by_code: bool
) -> None:
    outcomes = _race(app, committed, by_code)
    assert sorted(outcomes) == ["cast"] + ["refused"] * (THREADS - 1), outcomes
    assert _count(app, Ballot, committed["round"]) == 1
    assert _count(app, VoterRecord, committed["round"]) == 1
    if by_code:
        with app.app_context():
            status = db.session.scalar(
                select(StemCode.status).where(StemCode.round_id == committed["round"])
            )
            db.session.remove()
        assert status is CodeStatus.spent
