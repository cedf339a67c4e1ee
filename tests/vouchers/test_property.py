"""Random sequences of grants, payouts, returns, settlements and voucher redemptions: after
every step each pot's balance equals its ledger, nothing is below zero, and the services
refuse exactly what a simple model of the money says they must."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from factories.accounts import WijkmanagerFactory
from factories.places import WijkFactory
from factories.vouchers import ResidentFactory
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from samenhang.db import utcnow
from samenhang.errors import DomainError
from samenhang.extensions import db
from samenhang.ledger.models import LedgerAccount
from samenhang.ledger.queries import check_ledger_consistency, computed_balance
from samenhang.vouchers import services
from samenhang.vouchers.models import Outcome, Pot, Receipt, Report, SourceKind, VoucherStatus
from samenhang.vouchers.queries import pot_summary

BUDGET = 3000_00
MAX = 400_00

#: Which application or voucher: odd picks among the live ones (granted, unspent), even
#: among all of them (so dead ones get tried too).
index = st.integers(0, 50)
#: An amount as a percentage of what the model says is possible: above 100 must be refused.
percent = st.integers(0, 130)
step = st.one_of(
    st.tuples(st.just("grant"), st.integers(1, MAX), st.integers(0, 100)),
    # Paying and returning weigh more: they need a grant (and a payout) before them.
    *[st.tuples(st.just("pay"), index, percent)] * 3,
    *[st.tuples(st.just("return"), index, percent)] * 2,
    st.tuples(st.just("settle"), index, percent),
    st.tuples(st.just("issue"), st.integers(1, 50_00), st.integers(1, 4)),
    st.tuples(st.just("redeem"), index, percent),
    st.tuples(st.just("expire"), st.just(0), st.just(0)),
)


def _part(total: int, pct: int) -> int:
    """pct percent of total, at least one cent (zero only when asked for 0 %)."""
    return max(1 if pct else 0, total * pct // 100)


@dataclass
class Model:
    """What the pot should hold, kept by hand."""

    remaining: int = BUDGET
    #: Per application: [reserved not yet paid, paid and not returned].
    grants: list[list[int]] = field(default_factory=list)
    #: Per voucher: [value, status].
    vouchers: list[list[Any]] = field(default_factory=list)


def _check(pot: Pot, model: Model) -> None:
    db.session.flush()
    db.session.expire_all()
    pot = db.session.get(Pot, pot.id)
    summary = pot_summary(pot)
    assert summary.remaining_cents == model.remaining
    assert pot.account.balance_cents == computed_balance(pot.account) == model.remaining
    assert summary.remaining_cents >= 0 and summary.committed_cents >= 0
    assert summary.budget_cents == BUDGET
    assert summary.budget_cents == (
        summary.remaining_cents + summary.committed_cents + summary.paid_cents
    )
    negative = db.session.scalar(
        sa.select(sa.func.count(LedgerAccount.id)).where(
            LedgerAccount.balance_cents < 0, LedgerAccount.is_overdraft_allowed.is_(False)
        )
    )
    assert negative == 0


def _apply(pot: Pot, model: Model, action: str, a: int, b: int, people: dict[str, Any]) -> None:
    manager, resident, supplier = people["manager"], people["resident"], people["supplier"]
    applications = pot.applications
    if action == "grant":
        application = services.submit_application(
            pot,
            actor=resident,
            title="Plan",
            summary="Iets moois",
            budget_lines=[services.BudgetLineInput("Alles", a)],
        )
        amount = a if b == 100 or a == 1 else max(1, a * b // 100)
        outcome = Outcome.full if amount == a else Outcome.partial
        if amount > model.remaining:
            try:
                services.decide_application(
                    application, actor=manager, outcome=outcome, amount_cents=amount, reasons="x"
                )
            except services.PotOverCommitted:
                model.grants.append([0, 0])
                return
            raise AssertionError("over-committed the pot")
        services.decide_application(
            application, actor=manager, outcome=outcome, amount_cents=amount, reasons="x"
        )
        model.remaining -= amount
        model.grants.append([amount, 0])
    elif action in {"pay", "return", "settle"}:
        if not applications:
            return
        live = [i for i, x in enumerate(applications) if x.status.value == "granted"]
        candidates = live if a % 2 and live else list(range(len(applications)))
        a = candidates[a % len(candidates)]
        application, state = applications[a], model.grants[a]
        granted = application.decision is not None and application.status.value == "granted"
        if action == "pay":
            b = _part(state[0] or 1_00, b)
            ok = granted and 0 < b <= state[0]
            call = lambda: services.pay_out(application, actor=manager, amount_cents=b)  # noqa: E731
        elif action == "return":
            b = _part(state[1] or 1_00, b)
            ok = granted and 0 < b <= state[1]
            call = lambda: services.record_return(application, actor=manager, amount_cents=b)  # noqa: E731
        else:
            b = _part(state[1], min(b, 100))
            # Receipts for b (capped at what the initiative holds) and a report; the rest of
            # what it holds is returned first, so the books can close.
            ok = granted
            if granted:
                spent = min(b, state[1])
                if spent:
                    db.session.add(
                        Receipt(
                            application=application,
                            description="Bon",
                            amount_cents=spent,
                            image_name="0" * 32,
                        )
                    )
                if application.report is None:
                    db.session.add(Report(application=application, body="Klaar"))
                if state[1] - spent:
                    services.record_return(
                        application, actor=manager, amount_cents=state[1] - spent
                    )
                    model.remaining += state[1] - spent
                    state[1] = spent
                db.session.flush()
                db.session.expire(application)
            call = lambda: services.settle_application(application, actor=manager)  # noqa: E731
        try:
            call()
        except DomainError:
            assert not ok, (action, a, b, state)
            return
        assert ok, (action, a, b, state)
        if action == "pay":
            state[0] -= b
            state[1] += b
        elif action == "return":
            state[1] -= b
            model.remaining += b
        else:
            model.remaining += state[0]
            state[0] = 0
    elif action == "issue":
        total = a * b
        try:
            _, codes = services.issue_vouchers(
                pot,
                actor=manager,
                label="Feest",
                value_cents=a,
                quantity=b,
                expires_on=(utcnow() + timedelta(days=5)).date(),
                suppliers=[supplier],
            )
        except services.PotOverCommitted:
            assert total > model.remaining
            return
        assert total <= model.remaining
        model.remaining -= total
        model.vouchers += [[a, "issued", code] for code in codes]
    elif action == "redeem":
        if not model.vouchers:
            return
        live = [i for i, v in enumerate(model.vouchers) if v[1] == "issued"]
        candidates = live if a % 2 and live else list(range(len(model.vouchers)))
        a = candidates[a % len(candidates)]
        value, status, code = model.vouchers[a]
        b = _part(value, b)
        ok = status == "issued" and 0 < b <= value
        try:
            services.redeem_voucher(code, supplier=supplier, amount_cents=b)
        except services.VoucherRefused:
            assert not ok
            return
        assert ok
        model.vouchers[a][1] = "redeemed"
        model.remaining += value - b
    elif action == "expire":
        later = utcnow() + timedelta(days=6)
        expired = services.expire_vouchers(actor=manager, now=later)
        issued = [v for v in model.vouchers if v[1] == "issued"]
        assert expired == len(issued)
        for voucher in issued:
            voucher[1] = "expired"
            model.remaining += voucher[0]


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(step, min_size=6, max_size=24))
def test_every_pot_balance_equals_its_ledger(db_session: Any, steps: list[Any]) -> None:
    wijk = WijkFactory()
    people = {
        "manager": WijkmanagerFactory(wijken=[wijk]),
        "resident": ResidentFactory(wijk=wijk),
    }
    savepoint = db.session.begin_nested()
    try:
        pot = services.create_pot(
            wijk,
            actor=people["manager"],
            year=2026,
            name="Eigenschap",
            description="",
            source_kind=SourceKind.gemeente,
            source_name="Gemeente",
            amount_cents=BUDGET,
            max_per_application_cents=MAX,
        )
        services.set_criteria(
            pot, actor=people["manager"], criteria=[services.CriterionInput("Goed")]
        )
        started = utcnow() - timedelta(days=20)
        services.publish_criteria_draft(
            pot,
            actor=people["manager"],
            comments_close_on=(started + timedelta(days=8)).date(),
            now=started,
        )
        services.fix_criteria(pot, actor=people["manager"])
        services.open_pot(pot, actor=people["manager"])
        people["supplier"] = services.create_supplier(wijk, actor=people["manager"], name="Winkel")[
            0
        ]
        model = Model()
        for action, a, b in steps:
            _apply(pot, model, action, a, b, people)
            _check(pot, model)
        # Every entry balanced, every cached balance equal to its lines, none below zero.
        assert check_ledger_consistency().is_consistent
        statuses = {v.status for batch in pot.batches for v in batch.vouchers}
        assert statuses <= set(VoucherStatus)
    finally:
        savepoint.rollback()
