"""The stemcode endpoint, POST /stemdag/<round>/ballots: the same rules as the ballot page
(it calls the same service), answered in JSON, with no session and no CSRF token."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from conftest import TEST_DATABASE_URL
from factories.accounts import WijkmanagerFactory
from factories.places import WijkFactory
from factories.voting import ProjectFactory, RoundFactory, give_counting_key
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, func, select, text

from samenhang.extensions import db, limiter
from samenhang.places.models import Municipality, Wijk
from samenhang.voting import codes as stemcodes
from samenhang.voting import queries, sealing, services
from samenhang.voting.models import (
    Ballot,
    BallotType,
    Channel,
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


@pytest.fixture(autouse=True)
def _no_rate_limit(app: Flask) -> Iterator[None]:
    """Refusals count against the rate limit; these tests refuse on purpose."""
    limiter.reset()
    app.config["RATELIMIT_STEMCODE"] = "1000 per minute"
    yield
    app.config.pop("RATELIMIT_STEMCODE")
    limiter.reset()


@pytest.fixture
def setup(db_session: Any) -> dict[str, Any]:
    wijk = WijkFactory()
    manager = WijkmanagerFactory(wijken=[wijk])
    round_ = RoundFactory(
        wijk=wijk, ballot_type=BallotType.approval, min_projects=1, max_projects=2
    )
    projects = [ProjectFactory(round=round_, cost_cents=c) for c in (400_000, 300_000, 500_000)]
    round_.phase = Phase.voting
    db.session.flush()
    shares = give_counting_key(round_)
    db.session.commit()
    codes = [c for _, c in services.generate_codes(round_, 3, actor=manager)]
    db.session.commit()
    return {
        "manager": manager,
        "round": round_,
        "projects": projects,
        "codes": codes,
        "shares": shares,
    }


def _post(client: FlaskClient, round_: Round, **body: Any) -> Any:
    return client.post(
        f"/stemdag/{round_.id}/ballots", json=body, headers={"Accept-Language": "en"}
    )


def _ids(setup: dict[str, Any], *indexes: int) -> list[int]:
    return [setup["projects"][i].id for i in indexes]


def _ballots(round_: Round) -> int:
    return db.session.scalar(select(func.count(Ballot.id)).where(Ballot.round_id == round_.id))


def test_a_code_casts_one_secret_ballot_and_gets_a_receipt(
    client: FlaskClient, setup: dict[str, Any]
) -> None:
    round_, code = setup["round"], setup["codes"][0]
    response = _post(client, round_, code=code.lower().replace("-", " "), choice=_ids(setup, 0, 2))
    assert response.status_code == 201, response.json
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers  # no session: nothing links browser and vote
    receipt = response.json["receipt"]
    assert queries.receipt_status(round_, receipt).is_counted
    ballot = db.session.scalars(select(Ballot).where(Ballot.round_id == round_.id)).one()
    # Sealed: the choice is not in the row, only in its ciphertext.
    assert ballot.selection is None and ballot.points is None and ballot.channel is Channel.online
    assert ballot.sealed is not None
    assert code.replace("-", "") not in repr(ballot.__dict__)
    key = sealing.combine(
        [sealing.parse_share(t) for t in setup["shares"][:2]], round_.id, round_.public_key
    )
    assert sealing.unseal(key, ballot.sealed).selection == _ids(setup, 0, 2)
    spent = db.session.scalars(select(StemCode).where(StemCode.round_id == round_.id)).all()
    assert sorted(c.status.value for c in spent) == ["issued", "issued", "spent"]
    register = db.session.scalars(select(VoterRecord).where(VoterRecord.round_id == round_.id))
    assert [r.stemcode_id for r in register] == [c.id for c in spent if c.status.value == "spent"]


def test_form_fields_work_as_well_as_json(client: FlaskClient, setup: dict[str, Any]) -> None:
    round_ = setup["round"]
    data = {"code": setup["codes"][0], "choice": ",".join(map(str, _ids(setup, 1)))}
    response = client.post(f"/stemdag/{round_.id}/ballots", data=data)
    assert response.status_code == 201 and response.json["changed"] is False
    repeated = {"code": setup["codes"][1], "choice": [str(i) for i in _ids(setup, 0, 1)]}
    assert client.post(f"/stemdag/{round_.id}/ballots", data=repeated).status_code == 201
    assert _ballots(round_) == 2


@pytest.mark.parametrize(
    ("code", "status", "kind", "message"),
    [
        ("ABCD-EFGH", 422, "code_refused", "K7QM-2XWD-HP4T"),  # mistyped: too short
        ("ABCD-EFGH-JKMN", 422, "code_refused", "letter"),  # unknown
        ("", 422, "code_refused", "letter"),
        ("spent", 409, "already_voted", ""),
        ("revoked", 422, "code_refused", "revoked"),
    ],
)
def test_bad_codes_are_refused_and_count_nothing(
    client: FlaskClient, setup: dict[str, Any], code: str, status: int, kind: str, message: str
) -> None:
    round_, codes = setup["round"], setup["codes"]
    if code == "spent":
        assert _post(client, round_, code=codes[0], choice=_ids(setup, 0)).status_code == 201
        code = codes[0]
    elif code == "revoked":
        services.revoke_code(round_, code=codes[1], actor=setup["manager"])
        db.session.commit()
        code = codes[1]
    before = _ballots(round_)
    response = _post(client, round_, code=code, choice=_ids(setup, 1))
    assert response.status_code == status, response.json
    assert response.json["error"] == kind and message in response.json["message"]
    assert _ballots(round_) == before
    # Nothing lost: an unused code still works afterwards.
    assert _post(client, round_, code=codes[2], choice=_ids(setup, 1)).status_code == 201


def test_refusals_are_in_the_voters_language(client: FlaskClient, setup: dict[str, Any]) -> None:
    round_ = setup["round"]
    body = {"code": "ABCD-EFGH-JKMN", "choice": _ids(setup, 0)}
    english, dutch = (
        client.post(f"/stemdag/{round_.id}/ballots", json=body, headers={"Accept-Language": lang})
        for lang in ("en", "nl")
    )
    assert english.json["message"] != dutch.json["message"]
    assert "letter" in english.json["message"] and "brief" in dutch.json["message"]


def test_a_refusal_says_its_language_and_a_receipt_costs_no_locale_choice(
    app: Flask, client: FlaskClient, setup: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A receipt is the same in every language and no cache keeps it: the locale (the
    user, Accept-Language) is not worked out for it. A refusal is in the voter's language
    and says which."""
    round_ = setup["round"]
    refused = _post(client, round_, code="ABCD-EFGH-JKMN", choice=_ids(setup, 0))
    assert refused.status_code == 422 and refused.headers["Content-Language"] == "en"
    chosen: list[str] = []
    state = app.extensions["babel"]
    select = state.locale_selector
    monkeypatch.setattr(state, "locale_selector", lambda: chosen.append("chosen") or select())
    counted = _post(client, round_, code=setup["codes"][0], choice=_ids(setup, 0))
    assert counted.status_code == 201 and "Content-Language" not in counted.headers
    assert chosen == []


def test_a_ballot_resolves_its_rate_limits_once(
    client: FlaskClient, setup: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The route's decorator checks its limits; Flask-Limiter's before_request hook would
    resolve them a second time (and, for every other request, resolve nothing)."""
    resolved: list[str] = []
    resolve = limiter.limit_manager.resolve_limits
    monkeypatch.setattr(
        limiter.limit_manager,
        "resolve_limits",
        lambda *a, **k: resolved.append("resolved") or resolve(*a, **k),
    )
    assert (
        _post(client, setup["round"], code=setup["codes"][0], choice=_ids(setup, 0)).status_code
        == 201
    )
    assert resolved == ["resolved"]
    client.get("/healthz")
    assert resolved == ["resolved"]


def test_a_ballots_owner_hash_is_the_same_however_it_was_written(
    client: FlaskClient, setup: dict[str, Any]
) -> None:
    """On PostgreSQL one statement spends the code and writes the ballot, its owner hash
    finished by the database: it must be what `_owner_hash` gives for the code's key, or a
    receipt could no longer change its ballot."""
    from samenhang.voting.services.ballots import _owner_hash

    round_, code = setup["round"], setup["codes"][0]
    receipt = _post(client, round_, code=code, choice=_ids(setup, 0)).json["receipt"]
    code_id = db.session.scalar(
        select(StemCode.id).where(
            StemCode.round_id == round_.id,
            StemCode.code_hash == stemcodes.hash_code(round_.salt, code),
        )
    )
    ballot = db.session.scalars(select(Ballot).where(Ballot.round_id == round_.id)).one()
    assert ballot.owner_hash == _owner_hash(round_, receipt, f"c{code_id}")
    assert (
        db.session.scalar(
            select(func.count()).select_from(VoterRecord).where(VoterRecord.stemcode_id == code_id)
        )
        == 1
    )


@pytest.mark.parametrize(
    ("ballot_type", "settings", "choice", "points", "message"),
    [
        ("approval", {"max_projects": 2}, [0, 1, 2], None, "most you can choose is 2"),
        ("approval", {"min_projects": 2}, [0], None, "choose at least 2"),
        ("knapsack", {}, [0, 2, 1], None, "more than the budget"),
        ("points", {"max_points": 3}, [0, 1], [2, 2], "most you can give is 3"),
        ("approval", {}, [0, 0], None, "once"),
        ("approval", {}, [], None, "at least one"),
        ("approval", {}, [0], [1], "no points"),
    ],
)
def test_invalid_ballots_are_refused(
    client: FlaskClient,
    setup: dict[str, Any],
    ballot_type: str,
    settings: dict[str, int],
    choice: list[int],
    points: list[int] | None,
    message: str,
) -> None:
    round_ = db.session.get(Round, setup["round"].id)
    assert round_ is not None
    round_.ballot_type = BallotType(ballot_type)
    round_.max_points = None
    for key, value in {"min_projects": 0, "max_projects": 3, **settings}.items():
        setattr(round_, key, value)
    db.session.commit()
    queries._rules_cache.pop(round_.id, None)  # another process would not know it yet:
    # a round's rules cannot change while it is voting; this test changes them behind its back.
    body: dict[str, Any] = {"code": setup["codes"][0], "choice": _ids(setup, *choice)}
    if points:
        body["points"] = points
    response = _post(client, round_, **body)
    assert response.status_code == 422, response.json
    assert response.json["error"] == "invalid_ballot" and message in response.json["message"]
    assert _ballots(round_) == 0
    code = db.session.scalar(select(StemCode.status).where(StemCode.round_id == round_.id))
    assert code is CodeStatus.issued


def test_no_vote_outside_the_voting_phase_even_with_the_rules_kept(
    client: FlaskClient, setup: dict[str, Any]
) -> None:
    round_, codes = setup["round"], setup["codes"]
    assert _post(client, round_, code=codes[0], choice=_ids(setup, 0)).status_code == 201
    assert round_.id in queries._rules_cache  # this process keeps the round's rules now
    services.change_phase(round_, Phase.counting, actor=setup["manager"])
    db.session.commit()
    response = _post(client, round_, code=codes[1], choice=_ids(setup, 0))
    assert response.status_code == 409 and response.json["error"] == "closed"
    assert _ballots(round_) == 1
    assert round_.id not in queries._rules_cache  # the stale copy was dropped


def _cast_form(client: FlaskClient, round_: Round, code: str, choice: list[int]) -> Any:
    data = {"choice": ",".join(map(str, choice)), "code": code}
    return client.post(
        f"/stemdag/{round_.id}/vote/cast", data=data, headers={"Accept-Language": "en"}
    )


def test_the_ballot_form_casts_with_the_kept_rules_and_keeps_every_refusal(
    client: FlaskClient, setup: dict[str, Any]
) -> None:
    round_, codes = setup["round"], setup["codes"]
    assert _cast_form(client, round_, codes[0], _ids(setup, 0)).status_code == 303
    assert round_.id in queries._rules_cache
    # A used code is refused at its field; nothing is counted twice.
    again = _cast_form(client, round_, codes[0], _ids(setup, 1))
    assert again.status_code == 422 and "already been used" in again.text
    wrong = _cast_form(client, round_, "AAAA-BBBB-CCCC", _ids(setup, 1))
    assert wrong.status_code == 422
    too_many = _cast_form(client, round_, codes[1], _ids(setup, 0, 1, 2))
    assert too_many.status_code == 422 and "the most you can choose is 2" in too_many.text
    assert _ballots(round_) == 1
    # The round closes while this process keeps its rules: the next ballot is refused.
    services.change_phase(round_, Phase.counting, actor=setup["manager"])
    db.session.commit()
    closed = _cast_form(client, round_, codes[1], _ids(setup, 0))
    assert closed.status_code == 409
    assert _ballots(round_) == 1
    assert round_.id not in queries._rules_cache  # the stale copy was dropped
    status = db.session.scalar(
        select(StemCode.status).where(
            StemCode.round_id == round_.id,
            StemCode.code_hash == stemcodes.hash_code(round_.salt, codes[1]),
        )
    )
    assert status is CodeStatus.issued


def test_a_ballot_takes_a_bounded_number_of_statements(
    client: FlaskClient, setup: dict[str, Any]
) -> None:
    """The ballot page reads the round (its projects are kept while voting); casting spends
    the code, registers the voter and inserts the ballot, with no look-up before."""
    round_, codes = setup["round"], setup["codes"]
    statements: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if "SAVEPOINT" not in statement:  # the test's own transaction
            statements.append(statement)

    client.get(f"/stemdag/{round_.id}/vote", headers={"Accept-Language": "en"})  # warm
    _post(client, round_, code=codes[0], choice=_ids(setup, 0))
    db.session.remove()  # the next requests find nothing in the session's identity map
    event.listen(db.engine, "before_cursor_execute", record)
    try:
        page = client.get(f"/stemdag/{round_.id}/vote", headers={"Accept-Language": "en"})
        read = len(statements)
        cast = _cast_form(client, round_, codes[1], _ids(setup, 0))
        written = len(statements) - read
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert page.status_code == 200 and cast.status_code == 303
    assert read == 1, statements
    # PostgreSQL spends the code and registers the voter in one statement; SQLite in two.
    assert written <= 3, statements[read:]


def test_draft_and_unknown_rounds_are_not_found(client: FlaskClient, setup: dict[str, Any]) -> None:
    draft = RoundFactory(phase=Phase.draft)
    db.session.commit()
    for round_id in (draft.id, 999_999):
        response = client.post(f"/stemdag/{round_id}/ballots", json={"code": "X", "choice": []})
        assert response.status_code == 404 and response.json["error"] == "not_found"


def test_rounds_for_residents_only_take_no_codes(
    client: FlaskClient, setup: dict[str, Any]
) -> None:
    round_ = RoundFactory(eligibility=Eligibility.residents)
    ProjectFactory(round=round_)
    round_.phase = Phase.voting
    db.session.commit()
    response = _post(client, round_, code=setup["codes"][0], choice=[])
    assert response.status_code == 422 and response.json["error"] == "code_refused"


def test_age_must_be_declared(client: FlaskClient, setup: dict[str, Any]) -> None:
    round_ = RoundFactory(wijk=setup["round"].wijk, min_age=12, max_projects=2)
    project = ProjectFactory(round=round_)
    round_.phase = Phase.voting
    db.session.commit()
    [(_, code)] = services.generate_codes(round_, 1, actor=setup["manager"])
    db.session.commit()
    refused = _post(client, round_, code=code, choice=[project.id])
    assert refused.status_code == 422 and "12 or older" in refused.json["message"]
    accepted = _post(client, round_, code=code, choice=[project.id], age_confirmed=True)
    assert accepted.status_code == 201


def test_a_vote_can_be_changed_with_its_receipt(client: FlaskClient, setup: dict[str, Any]) -> None:
    round_ = RoundFactory(wijk=setup["round"].wijk, allows_changes=True, max_projects=2)
    first, second = ProjectFactory(round=round_), ProjectFactory(round=round_)
    round_.phase = Phase.voting
    db.session.commit()
    [(_, code), (_, other)] = services.generate_codes(round_, 2, actor=setup["manager"])
    db.session.commit()
    receipt = _post(client, round_, code=code, choice=[first.id]).json["receipt"]
    again = _post(client, round_, code=code, choice=[second.id])
    assert again.status_code == 409 and "receipt code" in again.json["message"]
    assert _post(client, round_, code=other, choice=[second.id], receipt=receipt).status_code == 422
    changed = _post(client, round_, code=code, choice=[second.id], receipt=receipt)
    assert changed.status_code == 201 and changed.json["changed"] is True
    assert queries.receipt_status(round_, receipt).is_superseded
    assert queries.receipt_status(round_, changed.json["receipt"]).is_counted


@pytest.mark.parametrize(
    "body", [{"choice": "1;DROP"}, {"choice": [True]}, {"choice": {"a": 1}}, {"code": 7}]
)
def test_tampered_requests_are_bad_requests(
    client: FlaskClient, setup: dict[str, Any], body: dict[str, Any]
) -> None:
    response = _post(client, setup["round"], **{"code": setup["codes"][0], **body})
    assert response.status_code == 400 and response.json["error"] == "bad_request"
    not_json = client.post(
        f"/stemdag/{setup['round'].id}/ballots", data="[1", content_type="application/json"
    )
    assert not_json.status_code == 400
    assert _ballots(setup["round"]) == 0


def test_no_csrf_token_needed_but_the_ballot_form_keeps_it(
    app: Flask, client: FlaskClient, setup: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    round_, code = setup["round"], setup["codes"][0]
    form = {"choice": str(_ids(setup, 0)[0]), "code": code}
    assert client.post(f"/stemdag/{round_.id}/vote/cast", data=form).status_code == 400
    assert _post(client, round_, code=code, choice=_ids(setup, 0)).status_code == 201


def test_failed_attempts_are_rate_limited(
    app: Flask, client: FlaskClient, setup: dict[str, Any]
) -> None:
    app.config["RATELIMIT_STEMCODE"] = "3 per minute"
    round_ = setup["round"]
    statuses = [
        _post(client, round_, code="ABCD-EFGH-JKMN", choice=_ids(setup, 0)).status_code
        for _ in range(4)
    ]
    assert statuses == [422, 422, 422, 429]
    limited = _post(client, round_, code=setup["codes"][0], choice=_ids(setup, 0))
    assert limited.status_code == 429 and limited.json["error"] == "too_many"
    assert _ballots(round_) == 0


# --- under concurrency (PostgreSQL) -------------------------------------------------------

on_postgres = pytest.mark.skipif(
    not TEST_DATABASE_URL or not TEST_DATABASE_URL.startswith("postgresql"),
    reason="needs PostgreSQL (TEST_DATABASE_URL): SQLite serialises all writers",
)
THREADS = 12


@pytest.fixture
def racing(app: Flask) -> Iterator[dict[str, Any]]:
    """A voting round with THREADS codes, committed for real (every request has its own
    connection, as under gunicorn), and removed afterwards, ballots included."""
    with app.app_context():
        municipality = Municipality(name="Rendstad", slug="rendstad", cbs_code="GM9998")
        wijk = Wijk(
            municipality=municipality, name="Rendwijk", slug="rendwijk", cbs_code="WK999998"
        )
        round_ = Round(
            wijk=wijk,
            title="Race",
            budget_cents=100_000,
            ballot_type=BallotType.approval,
            min_projects=1,
            max_projects=2,
            rule=Rule.greedy,
            eligibility=Eligibility.codes,
            phase=Phase.voting,
            salt=stemcodes.new_salt(),
        )
        project = Project(
            round=round_,
            title="Bankje",
            original_locale="nl",
            cost_cents=10_000,
            status=ProjectStatus.accepted,
        )
        db.session.add_all([municipality, wijk, round_, project])
        db.session.flush()
        typed = [stemcodes.new_code() for _ in range(THREADS)]
        db.session.add_all(
            StemCode(round_id=round_.id, code_hash=stemcodes.hash_code(round_.salt, code), serial=n)
            for n, code in enumerate(typed, start=1)
        )
        db.session.commit()
        data = {"round": round_.id, "project": project.id, "codes": typed}
        db.session.remove()
    try:
        yield data
    finally:
        with app.app_context(), db.engine.begin() as conn:
            conn.execute(
                text("ALTER TABLE stemdag_ballots DISABLE TRIGGER stemdag_ballots_no_delete")
            )
            for table in ("stemdag_ballots", "stemdag_voters", "stemdag_codes", "stemdag_projects"):
                conn.execute(text(f"DELETE FROM {table} WHERE round_id = :r"), {"r": data["round"]})
            conn.execute(
                text("ALTER TABLE stemdag_ballots ENABLE TRIGGER stemdag_ballots_no_delete")
            )
            conn.execute(text("DELETE FROM stemdag_rounds WHERE id = :r"), {"r": data["round"]})
            conn.execute(text("DELETE FROM wijken WHERE slug = 'rendwijk'"))
            conn.execute(text("DELETE FROM municipalities WHERE slug = 'rendstad'"))


def _race(app: Flask, round_id: int, bodies: list[dict[str, Any]]) -> list[tuple[int, str]]:
    """POST every body at once, each from its own thread; (status, error kind) of each."""
    barrier = threading.Barrier(len(bodies))
    answers: list[tuple[int, str]] = []
    lock = threading.Lock()

    def vote(body: dict[str, Any]) -> None:
        client = app.test_client()
        barrier.wait(timeout=10)
        response = client.post(f"/stemdag/{round_id}/ballots", json=body)
        with lock:
            answers.append((response.status_code, (response.json or {}).get("error", "")))

    threads = [threading.Thread(target=vote, args=(body,)) for body in bodies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return answers


def _counts(app: Flask, round_id: int) -> tuple[int, int, int]:
    """(ballots, register rows, spent codes) of the round."""
    with app.app_context(), db.engine.connect() as conn:
        return tuple(  # type: ignore[return-value]
            conn.execute(text(sql), {"r": round_id}).scalar()
            for sql in (
                "SELECT count(*) FROM stemdag_ballots WHERE round_id = :r",
                "SELECT count(*) FROM stemdag_voters WHERE round_id = :r",
                "SELECT count(*) FROM stemdag_codes WHERE round_id = :r AND status = 'spent'",
            )
        )


@on_postgres
def test_racing_requests_with_one_code_make_exactly_one_ballot(
    app: Flask, racing: dict[str, Any]
) -> None:
    body = {"code": racing["codes"][0], "choice": [racing["project"]]}
    answers = _race(app, racing["round"], [body] * THREADS)
    assert sorted(answers) == [(201, "")] + [(409, "already_voted")] * (THREADS - 1), answers
    assert _counts(app, racing["round"]) == (1, 1, 1)


@on_postgres
def test_racing_requests_with_their_own_codes_all_count(app: Flask, racing: dict[str, Any]) -> None:
    bodies = [{"code": code, "choice": [racing["project"]]} for code in racing["codes"]]
    answers = _race(app, racing["round"], bodies)
    assert answers == [(201, "")] * THREADS
    assert _counts(app, racing["round"]) == (THREADS, THREADS, THREADS)


@on_postgres
def test_ballots_waiting_for_a_phase_change_are_refused(app: Flask, racing: dict[str, Any]) -> None:
    """Voting closes while ballots are under way: the phase change holds the round's row
    (FOR UPDATE, as `services.change_phase` does); the ballots wait for it in the very
    statement that spends their code, then see the new phase. None lands after it."""
    round_id = racing["round"]
    with app.app_context():
        queries.ballot_rules(round_id)  # this process keeps the round's rules, as when voting
        closer = db.engine.connect()
        closing = closer.begin()
        closer.execute(
            text("SELECT id FROM stemdag_rounds WHERE id = :r FOR UPDATE"), {"r": round_id}
        )
        closer.execute(
            text("UPDATE stemdag_rounds SET phase = 'counting' WHERE id = :r"), {"r": round_id}
        )
        bodies = [{"code": code, "choice": [racing["project"]]} for code in racing["codes"][:6]]
        result: list[list[tuple[int, str]]] = []
        voters = threading.Thread(target=lambda: result.append(_race(app, round_id, bodies)))
        voters.start()
        deadline = time.monotonic() + 10
        waiting = 0
        while waiting < len(bodies) and time.monotonic() < deadline:
            time.sleep(0.05)
            with db.engine.connect() as watcher:
                waiting = watcher.execute(
                    text(
                        "SELECT count(*) FROM pg_stat_activity"
                        " WHERE wait_event_type = 'Lock' AND query LIKE '%stemdag_codes%'"
                    )
                ).scalar()
        closing.commit()
        closer.close()
        voters.join(timeout=30)
    assert waiting == len(bodies)  # every ballot was under way, waiting for the round's row
    assert result == [[(409, "closed")] * len(bodies)]
    assert _counts(app, round_id) == (0, 0, 0)
