"""Bewonersbudget test data, made through the services so the ledger is always right."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import factory

from factories.accounts import UserFactory, WijkmanagerFactory, verify_address
from factories.places import WijkFactory
from samenhang.accounts.models import User
from samenhang.db import utcnow
from samenhang.extensions import db
from samenhang.vouchers import services
from samenhang.vouchers.models import Application, ContributionKind, Outcome, Pot, SourceKind

CRITERIA = [
    services.CriterionInput("Goed voor de buurt", "Schoner, groener, veiliger.", 2),
    services.CriterionInput("Bewoners doen mee", "Eigen tijd, spullen of geld.", 1),
]


def _commit() -> None:
    # Only releases the test's savepoint: a request that answers 4xx keeps this data.
    db.session.commit()


def manager_of(pot: Pot) -> User:
    assert pot.created_by is not None
    return pot.created_by


class ResidentFactory(UserFactory):
    """A verified resident of `wijk`: confirmed e-mail, and an address checked there."""

    wijk = factory.SubFactory(WijkFactory)
    postcode = "9715AB"

    @factory.post_generation
    def verified(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            verify_address(self)


class PotFactory(factory.Factory):
    """A pot made by a wijkmanager of its wijk. `stage`: "draft" (no criteria),
    "consultation" (draft criteria open for comments), "fixed" (criteria final, pot still
    draft), "open" (the default) or "closed"."""

    class Meta:
        model = Pot

    stage = "open"
    wijk = factory.SubFactory(WijkFactory)
    manager = factory.LazyAttribute(lambda o: WijkmanagerFactory(wijken=[o.wijk]))
    year = 2026
    name = factory.Sequence(lambda n: f"Bewonersbudget {n}")
    description = "Geld voor plannen van bewoners."
    source_kind = SourceKind.gemeente
    source_name = "Gemeente Groningen"
    amount_cents = 10_000_00
    max_per_application_cents = factory.LazyAttribute(lambda o: min(2_000_00, o.amount_cents))

    @classmethod
    def _create(cls, model_class: type, **kw: Any) -> Pot:
        stage = kw.pop("stage", "open")
        manager = kw.pop("manager")
        wijk = kw.pop("wijk")
        pot = services.create_pot(wijk, actor=manager, **kw)
        if stage != "draft":
            services.set_criteria(pot, actor=manager, criteria=CRITERIA)
            started = utcnow() - timedelta(days=30)
            services.publish_criteria_draft(
                pot,
                actor=manager,
                comments_close_on=(started + timedelta(days=10)).date()
                if stage != "consultation"
                else (utcnow() + timedelta(days=10)).date(),
                now=started,
            )
        if stage in {"fixed", "open", "closed"}:
            services.fix_criteria(pot, actor=manager, other_participants=["Bewonersraad"])
        if stage in {"open", "closed"}:
            services.open_pot(pot, actor=manager)
        if stage == "closed":
            services.close_pot(pot, actor=manager)
        _commit()
        return pot


class ApplicationFactory(factory.Factory):
    """An application by a resident of the pot's wijk. `lines`: [(description, cents)]."""

    class Meta:
        model = Application

    pot = factory.SubFactory(PotFactory)
    applicant = factory.LazyAttribute(lambda o: ResidentFactory(wijk=o.pot.wijk))
    title = factory.Sequence(lambda n: f"Buurtmoestuin {n}")
    summary = "Zes moestuinbakken op het plein."
    group_name = None
    lines = (("Moestuinbakken", 700_00), ("Aarde en zaden", 300_00))

    @classmethod
    def _create(cls, model_class: type, **kw: Any) -> Application:
        lines = [services.BudgetLineInput(d, c) for d, c in kw.pop("lines")]
        application = services.submit_application(
            kw.pop("pot"),
            actor=kw.pop("applicant"),
            budget_lines=lines,
            contributions=[services.ContributionInput(ContributionKind.time, "Bouwen", hours=20)],
            **kw,
        )
        _commit()
        return application


def grant(
    application: Application, amount_cents: int | None = None, reasons: str = "Past goed."
) -> Application:
    """Decide: in full, or in part when `amount_cents` is given."""
    services.decide_application(
        application,
        actor=manager_of(application.pot),
        outcome=Outcome.full if amount_cents is None else Outcome.partial,
        amount_cents=amount_cents,
        reasons=reasons,
    )
    _commit()
    return application


def pay(application: Application, amount_cents: int) -> Application:
    services.pay_out(application, actor=manager_of(application.pot), amount_cents=amount_cents)
    _commit()
    return application


def photo_bytes(
    fmt: str = "JPEG", size: tuple[int, int] = (64, 48), with_gps: bool = True
) -> bytes:
    """A small photo; as a camera would, with EXIF and a GPS position in it."""
    import io

    from PIL import Image

    image = Image.new("RGB", size, (200, 120, 40))
    out = io.BytesIO()
    exif = Image.Exif()
    exif[0x010F] = "Camera maker"  # Make
    if with_gps:
        exif[0x8825] = {1: "N", 2: (53.0, 13.0, 30.0), 3: "E", 4: (6.0, 34.0, 0.0)}
    image.save(out, fmt, exif=exif.tobytes())
    return out.getvalue()


def expiring_vouchers(pot: Pot, quantity: int = 4, value_cents: int = 2_500, days: int = 5) -> Any:
    """`quantity` codes of the pot for a new supplier, valid `days` more days."""
    manager = manager_of(pot)
    supplier = services.create_supplier(pot.wijk, actor=manager, name="Winkel")[0]
    return services.issue_vouchers(
        pot,
        actor=manager,
        label="Feest",
        value_cents=value_cents,
        quantity=quantity,
        expires_on=(utcnow() + timedelta(days=days)).date(),
        suppliers=[supplier],
    )
