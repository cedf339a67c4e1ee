"""Sealed ballots (issue 12): online ballots sealed to the round's counting key, the key in
2-of-3 shares, opening and mixing them at the count, annulling a round whose shares are
lost, and a receipt check that says only counted / replaced / not known.

The database tests run on SQLite and, with TEST_DATABASE_URL, on PostgreSQL, where they
also look at what an attacker with the database sees: `xmin` (the transaction that wrote
a row) and the order of the rows."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

import pytest
from factories.accounts import UserFactory, WijkmanagerFactory
from factories.places import WijkFactory
from factories.voting import ProjectFactory, RoundFactory
from flask.testing import FlaskClient
from sqlalchemy import func, select, text

from samenhang.audit.models import AuditEntry
from samenhang.errors import DomainError
from samenhang.extensions import db
from samenhang.voting import counting, queries, sealing, services
from samenhang.voting.models import Ballot, BallotType, Channel, Phase, Round, VoterRecord
from samenhang.voting.sealing import ShareError

COSTS = (100_000, 200_000, 300_000, 400_000, 500_000)


# --- the key and its shares (no database) ------------------------------------------------


@pytest.mark.pure
def test_a_sealed_ballot_opens_with_the_rounds_key_only() -> None:
    key = sealing.new_counting_key(7)
    other = sealing.new_counting_key(7)
    sealed = sealing.seal(key.public_key, [3, 1], [2, 5], False, project_count=5)
    blank = sealing.seal(key.public_key, [], None, True, project_count=5)
    # Padded: a blank vote and a long list are as long as each other.
    assert len(sealed) == len(blank)
    private = sealing.combine(list(key.shares[:2]), 7, key.public_key)
    opened = sealing.unseal(private, sealed)
    assert (opened.selection, opened.points, opened.is_blank) == ([3, 1], [2, 5], False)
    assert sealing.unseal(private, blank).is_blank
    wrong = sealing.combine(list(other.shares[1:]), 7, other.public_key)
    with pytest.raises(ValueError, match="cannot open"):
        sealing.unseal(wrong, sealed)
    assert b"[3,1]" not in sealed


@pytest.mark.pure
def test_any_two_shares_rebuild_the_key_and_one_does_not() -> None:
    key = sealing.new_counting_key(12)
    texts = [share.text for share in key.shares]
    assert [t[:6] for t in texts] == ["S1-12-", "S2-12-", "S3-12-"]
    expected = None
    for pair in itertools.permutations(texts, 2):
        private = sealing.combine([sealing.parse_share(t) for t in pair], 12, key.public_key)
        assert bytes(private.public_key) == key.public_key
        expected = expected or bytes(private)
        assert bytes(private) == expected
    # What people type: lower case, spaces, 0 for O.
    typed = texts[0].lower().replace("-", " - ", 3).replace("o", "0")
    assert sealing.parse_share(typed) == key.shares[0]
    with pytest.raises(ShareError, match="too_few"):
        sealing.combine([key.shares[1]], 12, key.public_key)
    with pytest.raises(ShareError, match="same_twice"):
        sealing.combine([key.shares[1], key.shares[1]], 12, key.public_key)
    # One character wrong: the checksum says it is mistyped, not that the key is wrong.
    body = texts[2][-1]
    mistyped = texts[2][:-1] + ("A" if body != "A" else "B")
    with pytest.raises(ShareError, match="mistyped"):
        sealing.parse_share(mistyped)
    # A share of another round (or another key) is told apart.
    stranger = sealing.new_counting_key(13).shares[0]
    with pytest.raises(ShareError, match="other_round"):
        sealing.combine([key.shares[0], stranger], 12, key.public_key)


# --- rounds ------------------------------------------------------------------------------


def _open_round(**settings: Any) -> dict[str, Any]:
    """A round opened for voting the way a wijkmanager opens it: with a counting key."""
    wijk = WijkFactory()
    manager = WijkmanagerFactory(wijken=[wijk])
    values = {
        "ballot_type": BallotType.approval,
        "min_projects": 1,
        "max_projects": 5,
        "allows_changes": True,
        **settings,
    }
    round_ = RoundFactory(wijk=wijk, phase=Phase.review, **values)
    projects = [ProjectFactory(round=round_, cost_cents=cost) for cost in COSTS]
    db.session.flush()
    key = services.change_phase(round_, Phase.voting, actor=manager)
    return {"round": round_, "manager": manager, "key": key, "projects": projects}


def _shares(setup: dict[str, Any]) -> list[str]:
    return [share.text for share in setup["key"].shares]


def _codes(setup: dict[str, Any], count: int) -> list[str]:
    return [c for _, c in services.generate_codes(setup["round"], count, actor=setup["manager"])]


def _cast(round_: Round, code: str, selection: list[int]) -> str:
    credential = services.Credential(code=services.find_code(round_, code))
    return services.cast_ballot(
        round_,
        queries.ballot_projects(round_),
        services.Choice(selection),
        credential,
        age_confirmed=True,
    )


def _choices(setup: dict[str, Any], count: int) -> list[list[int]]:
    """`count` different choices of projects (subsets of the five, smallest first)."""
    ids = [p.id for p in setup["projects"]]
    subsets = [list(c) for n in (1, 2, 3) for c in itertools.combinations(ids, n)]
    return subsets[:count]


def test_opening_the_vote_creates_a_key_and_stores_only_its_public_half(
    db_session: Any,
) -> None:
    setup = _open_round()
    round_, key = setup["round"], setup["key"]
    assert round_.public_key == key.public_key
    assert round_.counting_key_fingerprint == key.fingerprint
    assert len(key.shares) == 3
    logged = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "stemdag.key_created")
    ).one()
    assert logged.after["fingerprint"] == key.fingerprint and logged.is_public
    # No share, nor the secret, is anywhere in the database.
    dump = " ".join(
        str(value)
        for table in ("stemdag_rounds", "audit_entries")
        for row in db.session.execute(text(f"SELECT * FROM {table}"))
        for value in row
    )
    for share in key.shares:
        assert share.text not in dump and share.value.hex() not in dump


def test_a_cast_ballot_holds_no_choice_until_the_count(db_session: Any) -> None:
    setup = _open_round()
    round_ = setup["round"]
    [code] = _codes(setup, 1)
    receipt = _cast(round_, code, [setup["projects"][0].id, setup["projects"][2].id])
    row = db.session.execute(
        text("SELECT selection, points, is_blank, sealed FROM stemdag_ballots WHERE round_id = :r"),
        {"r": round_.id},
    ).one()
    assert row.selection is None and row.points is None and not row.is_blank
    assert row.sealed is not None
    assert queries.receipt_status(round_, receipt).is_counted
    assert queries.counted_ballots(round_) == []
    # The database refuses a row that is sealed and plain at once.
    with pytest.raises(Exception, match="sealed_or_plain"), db.session.begin_nested():
        db.session.execute(
            text("UPDATE stemdag_ballots SET selection = '[1]' WHERE round_id = :r"),
            {"r": round_.id},
        )


def _count_errors(setup: dict[str, Any], shares: list[str]) -> str:
    with pytest.raises(services.KeyShareError) as refused, db.session.begin_nested():
        counting.count_round(setup["round"], shares=shares, actor=setup["manager"])
    return str(refused.value)


def test_the_count_needs_two_right_shares_and_says_what_is_wrong(db_session: Any) -> None:
    setup = _open_round()
    round_ = setup["round"]
    [code] = _codes(setup, 1)
    _cast(round_, code, [setup["projects"][1].id])
    services.change_phase(round_, Phase.counting, actor=setup["manager"])
    first, second, third = _shares(setup)
    assert "two of the three" in _count_errors(setup, [first, ""])
    assert "two of the three" in _count_errors(setup, [])
    assert "same key share twice" in _count_errors(setup, [second, second.lower()])
    assert "box 2 is not typed correctly" in _count_errors(setup, [first, _mistype(second)])
    other = _open_round()
    stranger = _shares(other)[0]
    assert "box 1 belongs to another round" in _count_errors(setup, [stranger, third])
    assert round_.result is None
    assert db.session.scalar(select(func.count()).where(Ballot.sealed.is_not(None))) == 1


@pytest.mark.parametrize("pair", [(0, 1), (0, 2), (1, 2), (2, 0)])
def test_the_count_with_shares_equals_the_tally_of_the_same_plain_ballots(
    db_session: Any, pair: tuple[int, int]
) -> None:
    sealed = _open_round(ballot_type=BallotType.knapsack, budget_cents=700_000)
    # The same round with the same ballots, unsealed (as rounds were before): the twin.
    plain = RoundFactory(
        wijk=sealed["round"].wijk,
        phase=Phase.voting,
        ballot_type=BallotType.knapsack,
        budget_cents=700_000,
    )
    plain_projects = [ProjectFactory(round=plain, cost_cents=cost) for cost in COSTS]
    db.session.flush()
    twin = {"round": plain, "manager": sealed["manager"], "projects": plain_projects}
    picks = [
        [index for index, _ in enumerate(COSTS) if index in combo]
        for combo in ((0,), (0, 1), (1, 3), (2, 3), (0, 4), (4,), (3,), (0, 1, 2), (1,))
    ]
    for setup in (sealed, twin):
        codes = _codes(setup, len(picks))
        for code, pick in zip(codes, picks, strict=True):
            _cast(setup["round"], code, [setup["projects"][i].id for i in pick])
        services.change_phase(setup["round"], Phase.counting, actor=setup["manager"])
    shares = _shares(sealed)
    counting.count_round(
        sealed["round"], shares=[shares[pair[0]], shares[pair[1]]], actor=sealed["manager"]
    )
    counting.count_round(plain, actor=sealed["manager"])

    def by_position(setup: dict[str, Any], ids: list[str]) -> list[int]:
        positions = {p.engine_id: n for n, p in enumerate(setup["projects"])}
        return sorted(positions[i] for i in ids)

    sealed_result, plain_result = sealed["round"].result, plain.result
    assert by_position(sealed, sealed_result["tally"]["selected"]) == by_position(
        twin, plain_result["tally"]["selected"]
    )
    assert [sealed_result["votes"][p.engine_id] for p in sealed["projects"]] == [
        plain_result["votes"][p.engine_id] for p in plain_projects
    ]
    assert sealed_result["turnout"]["online"] == len(picks)
    unsealed = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "stemdag.unsealed")
    ).one()
    assert unsealed.after["ballots"] == len(picks)
    # The open data hold the opened ballots; a recount needs no shares.
    assert len(counting.export_csv(sealed["round"]).splitlines()) == len(picks) + 1
    counting.count_round(sealed["round"], actor=sealed["manager"])


def test_a_changed_vote_stays_changeable_and_only_the_latest_counts(db_session: Any) -> None:
    setup = _open_round()
    round_ = setup["round"]
    a, b, c = (p.id for p in setup["projects"][:3])
    [code, other] = _codes(setup, 2)
    first = _cast(round_, code, [a])
    _cast(round_, other, [c])
    credential = services.Credential(code=services.find_code(round_, code))
    projects = queries.ballot_projects(round_)
    second = services.change_ballot(
        round_, projects, services.Choice([b]), credential, first, age_confirmed=True
    )
    third = services.change_ballot(
        round_, projects, services.Choice([a, b]), credential, second, age_confirmed=True
    )
    services.change_phase(round_, Phase.counting, actor=setup["manager"])
    counting.count_round(round_, shares=_shares(setup)[1:], actor=setup["manager"])
    assert sorted(sorted(x.selection) for x in queries.counted_ballots(round_)) == [
        sorted([a, b]),
        [c],
    ]
    assert round_.result["turnout"]["total"] == 2
    # The receipts still answer after the ballots were opened.
    assert queries.receipt_status(round_, first).is_superseded
    assert queries.receipt_status(round_, second).is_superseded
    assert queries.receipt_status(round_, third).is_counted


def test_key_loss_leaves_only_annulment(db_session: Any, client: FlaskClient, login: Any) -> None:
    setup = _open_round()
    round_, manager = setup["round"], setup["manager"]
    [code] = _codes(setup, 1)
    _cast(round_, code, [setup["projects"][0].id])
    services.change_phase(round_, Phase.counting, actor=manager)
    db.session.commit()
    login(manager)
    page = client.get(f"/stemdag/{round_.id}/manage").text
    assert "Without two key shares, nobody can count the online votes" in page
    assert 'name="share_1"' in page and 'action="/stemdag/' in page
    # One share is all that is left: the count is refused, nothing is opened.
    refused = client.post(
        f"/stemdag/{round_.id}/count", data={"share_1": _shares(setup)[0], "share_2": ""}
    )
    assert refused.status_code == 302
    db.session.expire_all()
    assert round_.result is None
    # Annulling needs reasons; then it is final, public and logged.
    assert client.post(f"/stemdag/{round_.id}/annul", data={"reason": ""}).status_code == 302
    assert db.session.get(Round, round_.id).annulled_at is None
    reason = "Twee van de drie sleuteldelen zijn kwijt; de online stemmen kunnen niet open."
    assert client.post(f"/stemdag/{round_.id}/annul", data={"reason": reason}).status_code == 302
    db.session.expire_all()
    round_ = db.session.get(Round, round_.id)
    assert round_.is_annulled and round_.annulled_reason == reason
    logged = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "stemdag.annulled")
    ).one()
    assert logged.is_public and logged.after["reason"] == reason
    assert services.allowed_phases(round_) == []
    with pytest.raises(DomainError, match="annulled"):
        counting.count_round(round_, shares=_shares(setup), actor=manager)
    with pytest.raises(DomainError, match="already annulled"):
        services.annul_round(round_, reason, actor=manager)
    assert reason in client.get(f"/stemdag/{round_.id}").text


def test_annulling_while_voting_stops_the_vote(db_session: Any) -> None:
    setup = _open_round()
    round_ = setup["round"]
    [code] = _codes(setup, 1)
    with pytest.raises(DomainError, match="reasons"):
        services.annul_round(round_, " ", actor=setup["manager"])
    with pytest.raises(DomainError):
        services.annul_round(round_, "Fraude met codes.", actor=UserFactory())
    services.annul_round(round_, "Fraude met codes.", actor=setup["manager"])
    assert round_.phase is Phase.counting and round_.is_annulled
    with pytest.raises(services.VotingClosed):
        _cast(round_, code, [setup["projects"][0].id])


def test_the_receipt_check_says_counted_replaced_or_unknown_and_nothing_more(
    db_session: Any, client: FlaskClient
) -> None:
    setup = _open_round()
    round_ = setup["round"]
    chosen = setup["projects"][3]
    [code] = _codes(setup, 1)
    first = _cast(round_, code, [chosen.id])
    credential = services.Credential(code=services.find_code(round_, code))
    second = services.change_ballot(
        round_,
        queries.ballot_projects(round_),
        services.Choice([chosen.id]),
        credential,
        first,
        age_confirmed=True,
    )
    db.session.commit()
    page = f"/stemdag/{round_.id}/check"
    # A receipt in the address is never answered: the address is dropped.
    old_link = client.get(page, query_string={"receipt": second})
    assert old_link.status_code == 303 and old_link.location.endswith(page)

    def answer(receipt: str) -> str:
        response = client.post(page, data={"receipt": receipt})
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "no-store"
        return response.text

    assert "This vote is counted." in answer(second)
    assert "replaced by a newer vote" in answer(first)
    assert "do not know this receipt" in answer("ABCD-EFGH-JKMN")
    # Counted and published: still only the status, never what was chosen nor amounts.
    services.change_phase(round_, Phase.counting, actor=setup["manager"])
    counting.count_round(round_, shares=_shares(setup)[:2], actor=setup["manager"])
    services.change_phase(round_, Phase.results, actor=setup["manager"])
    db.session.commit()
    published = answer(second)
    assert "This vote is counted." in published
    for leak in (chosen.title, "went to projects you voted for", "funded", "€"):
        assert leak not in published


# --- what someone holding the database sees ----------------------------------------------


def _is_postgres() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def test_no_plain_choice_shares_a_transaction_or_an_order_with_the_register(
    db_session: Any,
) -> None:
    setup = _open_round()
    round_ = setup["round"]
    choices = _choices(setup, 10)
    codes = _codes(setup, len(choices))
    for code, choice in zip(codes, choices, strict=True):
        # Each ballot in a transaction of its own, as each request is (a savepoint here:
        # on PostgreSQL its rows get their own xmin, as a transaction's would).
        with db.session.begin_nested():
            _cast(round_, code, choice)
    params = {"r": round_.id}
    if _is_postgres():
        paired = (
            "SELECT count(*) FROM stemdag_ballots b JOIN stemdag_voters v"
            " ON v.xmin::text = b.xmin::text WHERE b.round_id = :r"
        )
        # The attack of the issue still pairs rows (each ballot with its voter) ...
        assert db.session.scalar(text(paired), params) == len(choices)
        # ... but none of those rows holds a choice.
        plain = db.session.scalar(text(paired + " AND b.selection IS NOT NULL"), params)
        assert plain == 0
    stored = db.session.execute(
        text("SELECT selection, sealed FROM stemdag_ballots WHERE round_id = :r"), params
    ).all()
    assert len(stored) == len(choices)
    assert all(selection is None and sealed is not None for selection, sealed in stored)
    cast_ids = set(db.session.scalars(select(Ballot.id).where(Ballot.round_id == round_.id)))

    services.change_phase(round_, Phase.counting, actor=setup["manager"])
    with db.session.begin_nested():
        counting.count_round(round_, shares=_shares(setup)[:2], actor=setup["manager"])

    # The opened ballots: new ids, no receipt, the count's day, and a random order.
    plain_rows = db.session.execute(
        text(
            "SELECT id, selection, receipt_hash, cast_on FROM stemdag_ballots"
            " WHERE round_id = :r AND selection IS NOT NULL"
            + (" ORDER BY ctid" if _is_postgres() else " ORDER BY id")
        ),
        params,
    ).all()
    assert len(plain_rows) == len(choices)
    assert not {row.id for row in plain_rows} & cast_ids
    assert all(row.receipt_hash is None for row in plain_rows)
    assert {str(row.cast_on) for row in plain_rows} == {date.today().isoformat()}
    as_stored = [_selection(row.selection) for row in plain_rows]
    register_order = [
        choices[codes.index(code)] for code in _codes_in_register_order(round_, codes)
    ]
    assert sorted(as_stored) == sorted(register_order)
    assert as_stored != register_order  # 1 in 10! by chance
    if _is_postgres():
        paired_plain = db.session.scalar(
            text(
                "SELECT count(*) FROM stemdag_ballots b JOIN stemdag_voters v"
                " ON v.xmin::text = b.xmin::text"
                " WHERE b.round_id = :r AND b.selection IS NOT NULL"
            ),
            params,
        )
        assert paired_plain == 0
    # No ciphertext is left to open later.
    left = select(func.count()).where(Ballot.round_id == round_.id, Ballot.sealed.is_not(None))
    assert db.session.scalar(left) == 0
    assert db.session.scalar(
        select(func.count(VoterRecord.id)).where(VoterRecord.round_id == round_.id)
    ) == len(choices)
    assert all(b.channel is Channel.online for b in queries.counted_ballots(round_))


def _selection(value: Any) -> list[int]:
    import json

    return sorted(json.loads(value) if isinstance(value, str) else value)


def _codes_in_register_order(round_: Round, codes: list[str]) -> list[str]:
    """The codes in the order their register rows were written (the register's ids)."""
    from samenhang.voting import codes as stemcodes
    from samenhang.voting.models import StemCode

    by_hash = {stemcodes.hash_code(round_.salt, code): code for code in codes}
    rows = db.session.execute(
        select(StemCode.code_hash)
        .join(VoterRecord, VoterRecord.stemcode_id == StemCode.id)
        .where(VoterRecord.round_id == round_.id)
        .order_by(VoterRecord.id)
    )
    return [by_hash[code_hash] for (code_hash,) in rows]


def _mistype(share: str) -> str:
    """The share with its last character typed wrong."""
    return share[:-1] + ("B" if share.endswith("A") else "A")


def test_the_demo_round_can_be_counted_with_the_shares_it_wrote(db_session: Any) -> None:
    import re

    from samenhang.accounts.models import User
    from samenhang.demo import seed_demo
    from samenhang.voting.demo import DEMO_CODES, key_shares_path

    seed_demo()
    round_ = db.session.scalars(select(Round).where(Round.phase == Phase.voting)).one()
    written = key_shares_path().read_text(encoding="utf-8")
    shares = re.findall(r"S[123]-\d+-[A-Z2-7-]+", written)
    assert len(shares) == 3 and round_.counting_key_fingerprint in written
    cheapest = min(queries.ballot_projects(round_).values(), key=lambda p: p.cost_cents)
    _cast(round_, DEMO_CODES[0], [cheapest.id])
    manager = db.session.scalars(
        select(User).where(User.email == "wijkmanager@demo.samenhang.nl")
    ).one()
    services.change_phase(round_, Phase.counting, actor=manager)
    counting.count_round(round_, shares=[shares[2], shares[1]], actor=manager)
    assert round_.result["turnout"]["online"] == 1
    engine_id = next(p.engine_id for p in round_.projects if p.id == cheapest.id)
    assert engine_id in round_.result["tally"]["selected"]


def test_the_receipt_check_is_an_html_page(client: Any, db_session: Any) -> None:
    round_ = RoundFactory(phase=Phase.voting)
    db_session.commit()
    page = client.get(f"/stemdag/{round_.id}/check")
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert page.headers["Cache-Control"] == "no-store"
