from __future__ import annotations

import io
import json
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from factories.accounts import AdminFactory, UserFactory, WijkmanagerFactory
from factories.places import WijkFactory
from factories.vouchers import (
    ApplicationFactory,
    PotFactory,
    ResidentFactory,
    expiring_vouchers,
    grant,
    manager_of,
    pay,
    photo_bytes,
)

from samenhang.audit.models import AuditEntry
from samenhang.db import utcnow
from samenhang.errors import DomainError, PermissionDenied
from samenhang.extensions import db
from samenhang.ledger.models import JournalEntry
from samenhang.ledger.queries import check_ledger_consistency
from samenhang.localtime import local_today
from samenhang.vouchers import services
from samenhang.vouchers.models import (
    Application,
    ApplicationStatus,
    CriteriaStatus,
    Decision,
    Outcome,
    Pot,
    PotStatus,
    SourceKind,
)
from samenhang.vouchers.queries import application_money, pot_summary


def _figures(pot: Pot) -> tuple[int, int, int, int]:
    s = pot_summary(pot)
    assert s.is_consistent
    return s.budget_cents, s.committed_cents, s.paid_cents, s.remaining_cents


def _entries() -> int:
    return db.session.scalar(sa.select(sa.func.count(JournalEntry.id))) or 0


def _pot_args(**overrides: Any) -> dict[str, Any]:
    return {
        "year": 2026,
        "name": "Bewonersbudget",
        "description": "",
        "source_kind": SourceKind.fonds,
        "source_name": "Oranje Fonds",
        "amount_cents": 1000_00,
        "max_per_application_cents": 500_00,
    } | overrides


# --- pots and criteria -----------------------------------------------------------------


def test_a_pot_is_funded_from_its_source(db_session: Any) -> None:
    pot = PotFactory(amount_cents=7500_00, stage="draft")
    assert _figures(pot) == (7500_00, 0, 0, 7500_00)
    assert pot.source_account.balance_cents == -7500_00
    services.fund_pot(pot, actor=manager_of(pot), amount_cents=500_00, reason="Extra")
    assert _figures(pot) == (8000_00, 0, 0, 8000_00)
    [created] = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "pot.created")
    ).all()
    assert created.is_public and created.after["amount_cents"] == 7500_00


def test_only_a_manager_of_the_wijk_or_an_admin_makes_a_pot(db_session: Any) -> None:
    wijk = WijkFactory()
    for outsider in (UserFactory(wijk=wijk), WijkmanagerFactory(wijken=[WijkFactory()])):
        with pytest.raises(PermissionDenied, match="Only a neighbourhood manager of"):
            services.create_pot(wijk, actor=outsider, **_pot_args())
    assert db.session.scalar(sa.select(sa.func.count(Pot.id))) == 0
    assert services.create_pot(wijk, actor=AdminFactory(), **_pot_args()).wijk is wijk


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"amount_cents": 0}, "budget must be more than zero"),
        ({"amount_cents": -5}, "budget must be more than zero"),
        ({"max_per_application_cents": 2000_00}, "cannot be more than the budget"),
        ({"name": "  "}, "needs a name"),
        ({"year": 1900}, "not a valid year"),
    ],
)
def test_a_pot_needs_sensible_numbers(
    db_session: Any, overrides: dict[str, Any], message: str
) -> None:
    wijk = WijkFactory()
    with pytest.raises(DomainError, match=message):
        services.create_pot(wijk, actor=AdminFactory(), **_pot_args(**overrides))
    assert _entries() == 0


def test_criteria_are_written_with_residents_before_they_are_final(db_session: Any) -> None:
    pot = PotFactory(stage="draft")
    manager = manager_of(pot)
    fatma, piotr = (ResidentFactory(wijk=pot.wijk, display_name=n) for n in ("Fatma", "Piotr"))
    now = utcnow()
    # The last day is a day in the Netherlands (after 23:00 UTC it is tomorrow there).
    today = local_today(now)
    with pytest.raises(DomainError, match="at least one criterion"):
        services.publish_criteria_draft(pot, actor=manager, comments_close_on=today)
    services.set_criteria(
        pot, actor=manager, criteria=[services.CriterionInput("Goed voor de buurt")]
    )
    with pytest.raises(DomainError, match="closed"):
        services.comment_on_criteria(pot, actor=fatma, body="Nog niet gepubliceerd")
    with pytest.raises(DomainError, match="at least 7 days"):
        services.publish_criteria_draft(
            pot, actor=manager, comments_close_on=today + timedelta(days=5)
        )
    services.publish_criteria_draft(pot, actor=manager, comments_close_on=today + timedelta(days=7))
    assert pot.criteria_status is CriteriaStatus.consultation
    services.comment_on_criteria(pot, actor=fatma, body="Ook voor kinderen graag.")
    services.comment_on_criteria(pot, actor=fatma, body="En voor ouderen.")
    services.comment_on_criteria(pot, actor=piotr, body="Meer talen.")
    with pytest.raises(DomainError, match="empty"):
        services.comment_on_criteria(pot, actor=piotr, body="   ")
    # Rewriting the draft during the comment period is allowed.
    services.set_criteria(
        pot,
        actor=manager,
        criteria=[
            services.CriterionInput("Goed voor de buurt", weight=2),
            services.CriterionInput("Voor jong en oud"),
        ],
    )
    with pytest.raises(DomainError, match="fix the criteria after that"):
        services.fix_criteria(pot, actor=manager)
    with pytest.raises(DomainError, match="Fix the criteria with residents"):
        services.open_pot(pot, actor=manager)
    later = now + timedelta(days=9)
    with pytest.raises(DomainError, match="closed"):
        services.comment_on_criteria(pot, actor=piotr, body="Te laat", now=later)
    services.fix_criteria(
        pot,
        actor=manager,
        other_participants=["Bewonersraad", "fatma", "", "Bewonersraad"],
        now=later,
    )
    assert pot.criteria_status is CriteriaStatus.final
    assert [p.name for p in pot.participants] == ["Fatma", "Piotr", "Bewonersraad"]
    assert pot.participants[0].user_id == fatma.id
    with pytest.raises(DomainError, match="final"):
        services.set_criteria(pot, actor=manager, criteria=[services.CriterionInput("Anders")])
    services.open_pot(pot, actor=manager)
    assert pot.status is PotStatus.open


@pytest.mark.parametrize(
    ("criteria", "message"),
    [
        ([], "at least one"),
        ([services.CriterionInput("")], "at least one"),
        ([services.CriterionInput("A", weight=4)], "weight"),
        ([services.CriterionInput(str(i)) for i in range(9)], "at most 8"),
    ],
)
def test_criteria_rules(db_session: Any, criteria: list[Any], message: str) -> None:
    pot = PotFactory(stage="draft")
    with pytest.raises(DomainError, match=message):
        services.set_criteria(pot, actor=manager_of(pot), criteria=criteria)


# --- applications ------------------------------------------------------------------------


def test_an_application_asks_the_sum_of_its_budget_lines(db_session: Any) -> None:
    application = ApplicationFactory(lines=[("Hout", 123_45), ("Verf", 76_55)])
    assert application.amount_requested_cents == 200_00
    assert [line.position for line in application.budget_lines] == [1, 2]
    assert application.contributions[0].hours == 20
    [entry] = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "application.submitted")
    ).all()
    assert entry.is_public
    assert entry.after == {"pot_id": application.pot_id, "amount_requested_cents": 200_00}


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("elsewhere", "for residents of"),
        ("unverified", "confirm your e-mail"),
        ("too_much", "at most"),
        ("no_lines", "at least one budget line"),
        ("zero_line", "above zero"),
        ("closed", "not open"),
        ("draft", "not open"),
    ],
)
def test_who_can_apply_for_what(db_session: Any, setup: str, message: str) -> None:
    pot = PotFactory(
        stage={"closed": "closed", "draft": "fixed"}.get(setup, "open"),
        max_per_application_cents=500_00,
    )
    applicant = ResidentFactory(wijk=WijkFactory() if setup == "elsewhere" else pot.wijk)
    if setup == "unverified":
        applicant.email_verified_at = None
    lines = {
        "too_much": [services.BudgetLineInput("Veel", 500_01)],
        "no_lines": [services.BudgetLineInput("", 0)],
        "zero_line": [services.BudgetLineInput("Niets", 0)],
    }.get(setup, [services.BudgetLineInput("Hout", 100_00)])
    with pytest.raises(DomainError, match=message):
        services.submit_application(
            pot, actor=applicant, title="Plan", summary="Iets moois", budget_lines=lines
        )
    assert db.session.scalar(sa.select(sa.func.count(Application.id))) == 0


def test_withdraw_only_by_the_applicant_and_before_the_decision(db_session: Any) -> None:
    application = ApplicationFactory()
    with pytest.raises(PermissionDenied):
        services.withdraw_application(application, actor=manager_of(application.pot))
    services.withdraw_application(application, actor=application.applicant)
    assert application.status is ApplicationStatus.withdrawn
    with pytest.raises(DomainError, match="before the decision"):
        services.withdraw_application(application, actor=application.applicant)


# --- scoring, advice, decisions -----------------------------------------------------------


def test_scores_cover_every_criterion(db_session: Any) -> None:
    application = ApplicationFactory()
    manager = manager_of(application.pot)
    first, second = application.pot.criteria
    with pytest.raises(DomainError, match="every criterion"):
        services.score_application(application, actor=manager, points={first.id: (3, "")})
    with pytest.raises(DomainError, match="0 to 5"):
        services.score_application(
            application, actor=manager, points={first.id: (6, ""), second.id: (1, "")}
        )
    services.score_application(
        application, actor=manager, points={first.id: (4, "Mooi"), second.id: (2, "")}
    )
    services.score_application(
        application, actor=manager, points={first.id: (5, "Mooi"), second.id: (2, "")}
    )
    from samenhang.vouchers.queries import score_total

    # First criterion weighs 2, second 1: 5*2 + 2*1 of 5*3.
    assert score_total(application) == (12, 15)


def test_the_resident_panel_advises_beside_the_decision(db_session: Any) -> None:
    application = ApplicationFactory(lines=[("Plan", 400_00)])
    pot, manager = application.pot, manager_of(application.pot)
    neighbour, elsewhere = ResidentFactory(wijk=pot.wijk), ResidentFactory()
    with pytest.raises(DomainError, match="no resident panel"):
        services.request_advice(application, actor=manager)
    with pytest.raises(DomainError, match="does not live in"):
        services.add_panel_member(pot, actor=manager, member=elsewhere)
    services.add_panel_member(pot, actor=manager, member=neighbour)
    services.add_panel_member(pot, actor=manager, member=application.applicant)
    with pytest.raises(DomainError, match="already on the panel"):
        services.add_panel_member(pot, actor=manager, member=neighbour)
    with pytest.raises(DomainError, match="No advice is asked"):
        services.give_advice(
            application,
            actor=neighbour,
            recommendation=Outcome.full,
            amount_cents=None,
            reasons="Goed",
        )
    services.request_advice(application, actor=manager)
    assert application.status is ApplicationStatus.advice_requested
    with pytest.raises(PermissionDenied, match="own application"):
        services.give_advice(
            application,
            actor=application.applicant,
            recommendation=Outcome.full,
            amount_cents=None,
            reasons="Ja!",
        )
    with pytest.raises(PermissionDenied, match="resident panel"):
        services.give_advice(
            application,
            actor=elsewhere,
            recommendation=Outcome.full,
            amount_cents=None,
            reasons="x",
        )
    with pytest.raises(DomainError, match="less than"):
        services.give_advice(
            application,
            actor=neighbour,
            recommendation=Outcome.partial,
            amount_cents=400_00,
            reasons="x",
        )
    advice = services.give_advice(
        application,
        actor=neighbour,
        recommendation=Outcome.partial,
        amount_cents=300_00,
        reasons="De helft van de verf is genoeg.",
    )
    assert advice.amount_cents == 300_00
    with pytest.raises(DomainError, match="already gave"):
        services.give_advice(
            application,
            actor=neighbour,
            recommendation=Outcome.full,
            amount_cents=None,
            reasons="x",
        )
    grant(application, 300_00)
    assert application.decision.outcome is Outcome.partial
    assert [a.reasons for a in application.advice] == ["De helft van de verf is genoeg."]


@pytest.mark.parametrize(
    ("outcome", "amount", "granted", "committed"),
    [
        (Outcome.full, None, 400_00, 400_00),
        (Outcome.full, 1, 400_00, 400_00),  # in full is in full, whatever is typed
        (Outcome.partial, 250_00, 250_00, 250_00),
        (Outcome.refused, None, 0, 0),
    ],
)
def test_a_decision_reserves_what_it_grants(
    db_session: Any, outcome: Outcome, amount: int | None, granted: int, committed: int
) -> None:
    application = ApplicationFactory(lines=[("Plan", 400_00)], pot__amount_cents=1000_00)
    entries = _entries()
    decision = services.decide_application(
        application,
        actor=manager_of(application.pot),
        outcome=outcome,
        amount_cents=amount,
        reasons="Uitleg voor iedereen.",
    )
    assert decision.amount_granted_cents == granted
    assert _figures(application.pot) == (1000_00, committed, 0, 1000_00 - committed)
    assert _entries() == entries + (1 if granted else 0)
    expected = (
        ApplicationStatus.refused if outcome is Outcome.refused else ApplicationStatus.granted
    )
    assert application.status is expected
    [audit] = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "application.decided")
    ).all()
    assert audit.is_public
    assert set(audit.after) == {
        "status",
        "outcome",
        "amount_requested_cents",
        "amount_granted_cents",
    }
    personal = json.dumps([audit.before, audit.after])
    assert application.applicant.email not in personal
    assert application.applicant.display_name not in personal


@pytest.mark.parametrize(
    ("outcome", "amount", "reasons", "message"),
    [
        (Outcome.partial, None, "x", "Fill in the amount"),
        (Outcome.partial, 0, "x", "more than zero"),
        (Outcome.partial, -5, "x", "more than zero"),
        (Outcome.partial, 400_00, "x", "less than"),
        (Outcome.full, None, "   ", "reasons"),
    ],
)
def test_bad_decisions_change_nothing(
    db_session: Any, outcome: Outcome, amount: int | None, reasons: str, message: str
) -> None:
    application = ApplicationFactory(lines=[("Plan", 400_00)])
    entries = _entries()
    with pytest.raises(DomainError, match=message):
        services.decide_application(
            application,
            actor=manager_of(application.pot),
            outcome=outcome,
            amount_cents=amount,
            reasons=reasons,
        )
    assert _entries() == entries
    assert application.status is ApplicationStatus.submitted
    assert db.session.scalar(sa.select(sa.func.count(Decision.id))) == 0


def test_deciding_outside_ones_wijk_is_refused(db_session: Any) -> None:
    application = ApplicationFactory()
    other_manager = WijkmanagerFactory(wijken=[WijkFactory()])
    with pytest.raises(PermissionDenied, match="Only a neighbourhood manager of"):
        services.decide_application(
            application, actor=other_manager, outcome=Outcome.full, reasons="Ik mag dit niet"
        )
    assert application.status is ApplicationStatus.submitted
    assert _figures(application.pot)[1] == 0


def test_a_pot_is_never_over_committed(db_session: Any) -> None:
    pot = PotFactory(amount_cents=1000_00, max_per_application_cents=600_00)
    first = ApplicationFactory(pot=pot, lines=[("A", 600_00)])
    second = ApplicationFactory(pot=pot, lines=[("B", 500_00)])
    grant(first)
    entries = _entries()
    with pytest.raises(services.PotOverCommitted, match=r"only €\s?400[.,]00 left"):
        grant(second)
    assert second.status is ApplicationStatus.submitted
    assert second.reservation_account is None and second.decision is None
    assert _entries() == entries
    assert _figures(pot) == (1000_00, 600_00, 0, 400_00)
    grant(second, 400_00)  # in part, what is left
    assert _figures(pot) == (1000_00, 1000_00, 0, 0)
    with pytest.raises(DomainError, match="already decided"):
        grant(second, 100_00)


# --- payouts, receipts, returns, settling ---------------------------------------------------


def test_payouts_in_instalments_never_beyond_the_grant(db_session: Any) -> None:
    application = grant(ApplicationFactory(lines=[("Plan", 800_00)]), 600_00)
    manager = manager_of(application.pot)
    pay(application, 250_00)
    pay(application, 350_00)
    assert [(p.sequence, p.amount_cents) for p in application.payouts] == [(1, 250_00), (2, 350_00)]
    entries = _entries()
    for amount in (1, 600_00):  # paying twice
        with pytest.raises(DomainError, match="still to be paid"):
            services.pay_out(application, actor=manager, amount_cents=amount)
    with pytest.raises(DomainError, match="more than zero"):
        services.pay_out(application, actor=manager, amount_cents=-1)
    assert _entries() == entries
    assert _figures(application.pot) == (10_000_00, 0, 600_00, 9400_00)
    money = application_money(application)
    assert (money.paid_cents, money.to_pay_cents, money.held_cents) == (600_00, 0, 600_00)


def test_only_a_granted_application_is_paid(db_session: Any) -> None:
    application = ApplicationFactory()
    with pytest.raises(DomainError, match="not granted"):
        services.pay_out(application, actor=manager_of(application.pot), amount_cents=1)


def test_receipts_report_return_and_settling(db_session: Any) -> None:
    application = pay(grant(ApplicationFactory(lines=[("Plan", 1000_00)]), 800_00), 500_00)
    manager, applicant = manager_of(application.pot), application.applicant
    with pytest.raises(PermissionDenied):
        services.upload_receipt(
            application,
            actor=manager,
            description="Hout",
            amount_cents=1,
            image=services.Upload(io.BytesIO(photo_bytes())),
        )
    services.upload_receipt(
        application,
        actor=applicant,
        description="Hout",
        amount_cents=420_00,
        image=services.Upload(io.BytesIO(photo_bytes()), "image/jpeg"),
    )
    with pytest.raises(DomainError, match="report"):
        services.settle_application(application, actor=manager)
    services.submit_report(application, actor=applicant, body="Gelukt!")
    with pytest.raises(DomainError, match="already been sent"):
        services.submit_report(application, actor=applicant, body="Nog een keer")
    with pytest.raises(DomainError, match=r"€\s?80[.,]00 is not accounted"):
        services.settle_application(application, actor=manager)
    with pytest.raises(DomainError, match="holds only"):
        services.record_return(application, actor=manager, amount_cents=500_01)
    services.record_return(application, actor=manager, amount_cents=80_00)
    assert _figures(application.pot) == (10_000_00, 300_00, 420_00, 9280_00)
    services.settle_application(application, actor=manager)
    # The 300 never paid out is released: only what was spent left the pot.
    assert _figures(application.pot) == (10_000_00, 0, 420_00, 9580_00)
    assert application.status is ApplicationStatus.settled
    with pytest.raises(DomainError, match="not granted, or already settled"):
        services.record_return(application, actor=manager, amount_cents=1)
    assert check_ledger_consistency().is_consistent


# --- voucher codes ----------------------------------------------------------------------


def _issue(pot: Pot, quantity: int = 3, value: int = 25_00, **kw: Any) -> tuple[Any, list[str]]:
    name = f"Bakker {len(pot.batches) + 1}"
    supplier, _ = services.create_supplier(pot.wijk, actor=manager_of(pot), name=name)
    kw.setdefault("expires_on", (utcnow() + timedelta(days=30)).date())
    batch, codes = services.issue_vouchers(
        pot,
        actor=manager_of(pot),
        label="Buurtfeest",
        value_cents=value,
        quantity=quantity,
        suppliers=[supplier],
        **kw,
    )
    return batch, codes


def test_vouchers_are_reserved_and_their_codes_stored_only_hashed(db_session: Any) -> None:
    pot = PotFactory(amount_cents=100_00)
    batch, codes = _issue(pot, quantity=3, value=25_00)
    assert len(set(codes)) == 3 and all(len(c) == 14 for c in codes)
    assert _figures(pot) == (100_00, 75_00, 0, 25_00)
    stored = json.dumps([(v.code_hash, v.code_hint) for v in batch.vouchers])
    for code in codes:
        assert code.replace("-", "") not in stored
    with pytest.raises(services.PotOverCommitted):
        _issue(pot, quantity=2, value=13_00)
    assert _figures(pot) == (100_00, 75_00, 0, 25_00)


def test_a_code_is_spent_once_and_never_beyond_its_value(db_session: Any) -> None:
    pot = PotFactory(amount_cents=100_00)
    batch, codes = _issue(pot, quantity=2, value=25_00)
    [supplier] = batch.suppliers
    assert supplier.name == "Bakker 1"
    other = services.create_supplier(pot.wijk, actor=manager_of(pot), name="Slager")[0]
    with pytest.raises(services.VoucherRefused, match="not valid"):
        services.redeem_voucher("ABCD-EFGH-JKMN", supplier=supplier, amount_cents=1)
    with pytest.raises(services.VoucherRefused, match="worth"):
        services.redeem_voucher(codes[0], supplier=supplier, amount_cents=25_01)
    with pytest.raises(services.VoucherRefused, match="cannot be spent at Slager"):
        services.redeem_voucher(codes[0], supplier=other, amount_cents=1_00)
    # Typed sloppily, in lower case without dashes: still the same code.
    redemption = services.redeem_voucher(
        codes[0].lower().replace("-", " "), supplier=supplier, amount_cents=19_50
    )
    assert redemption.amount_cents == 19_50
    with pytest.raises(services.VoucherRefused, match="already been used"):
        services.redeem_voucher(codes[0], supplier=supplier, amount_cents=1_00)
    # 19,50 to the baker, 5,50 back into the pot; 25 still outstanding.
    assert supplier.account.balance_cents == 19_50
    assert _figures(pot) == (100_00, 25_00, 19_50, 55_50)
    assert check_ledger_consistency().is_consistent


def test_expired_codes_return_their_value_to_the_pot(db_session: Any) -> None:
    pot = PotFactory(amount_cents=100_00)
    expires_on = (utcnow() + timedelta(days=10)).date()
    batch, codes = _issue(pot, quantity=2, value=30_00, expires_on=expires_on)
    [supplier] = batch.suppliers
    services.redeem_voucher(codes[0], supplier=supplier, amount_cents=30_00)
    later = utcnow() + timedelta(days=12)
    with pytest.raises(services.VoucherRefused, match="expired"):
        services.redeem_voucher(codes[1], supplier=supplier, amount_cents=1, now=later)
    assert services.expire_vouchers(actor=manager_of(pot), pot=pot) == 0  # not yet
    assert services.expire_vouchers(actor=None, now=later) == 1
    assert services.expire_vouchers(actor=None, now=later) == 0  # once
    assert _figures(pot) == (100_00, 0, 30_00, 70_00)
    with pytest.raises(services.VoucherRefused, match="expired"):
        services.redeem_voucher(codes[1], supplier=supplier, amount_cents=1)


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"quantity": 0}, "1 to 500"),
        ({"value": 0}, "more than zero"),
        ({"expires_on": (utcnow() - timedelta(days=1)).date()}, "future"),
    ],
)
def test_voucher_issue_rules(db_session: Any, kw: dict[str, Any], message: str) -> None:
    pot = PotFactory()
    with pytest.raises(DomainError, match=message):
        _issue(pot, **kw)
    assert _figures(pot)[1] == 0


def test_a_till_link_is_a_secret_stored_hashed(db_session: Any) -> None:
    from samenhang.vouchers.queries import supplier_by_token

    pot = PotFactory()
    supplier, token = services.create_supplier(pot.wijk, actor=manager_of(pot), name="Bakker")
    assert token not in supplier.till_token_hash
    assert supplier_by_token(token) is supplier
    new_token = services.renew_till_link(supplier, actor=manager_of(pot))
    assert supplier_by_token(token) is None and supplier_by_token(new_token) is supplier
    with pytest.raises(DomainError, match="already a supplier"):
        services.create_supplier(pot.wijk, actor=manager_of(pot), name="Bakker")
    with pytest.raises(PermissionDenied):
        services.create_supplier(pot.wijk, actor=ResidentFactory(wijk=pot.wijk), name="Slager")


def test_expire_vouchers_command_returns_value_to_the_pot(
    app: Any, db_session: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from samenhang.cli import expire_vouchers_command
    from samenhang.vouchers.queries import pot_summary

    pot = PotFactory()
    remaining = pot_summary(pot).remaining_cents
    expiring_vouchers(pot, quantity=4, days=5)
    db.session.commit()
    assert pot_summary(pot).remaining_cents == remaining - 10_000
    later = utcnow() + timedelta(days=6)
    monkeypatch.setattr("samenhang.vouchers.services.voucher_codes.utcnow", lambda: later)
    result = app.test_cli_runner().invoke(expire_vouchers_command)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("4 voucher code(s) expired")
    db.session.expire_all()
    assert pot_summary(pot).remaining_cents == remaining
