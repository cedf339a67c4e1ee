"""Demo bewonersbudgetten for Korrewegwijk, made through the services (so the ledger and the
audit log are filled as in real use). Called by `samenhang.demo.seed_demo()`.

- "Bewonersbudget Korrewegwijk" (gemeente): criteria final, written with residents; open,
  with one grant partly paid out and one application waiting for a decision.
- "Leefbaarheidsfonds Lefier" (woningcorporatie): draft criteria whose comment period just
  ended, so the demo wijkmanager can make them final and open the pot.
- A supplier, "Bakkerij De Korrel", whose till is at
  /bewonersbudgetten/till/demo-kassa-korrewegwijk.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from samenhang.accounts.models import User
from samenhang.db import utcnow
from samenhang.extensions import db
from samenhang.localtime import local_date
from samenhang.places.models import Wijk
from samenhang.vouchers import services
from samenhang.vouchers.codes import hash_secret
from samenhang.vouchers.models import ContributionKind, Outcome, Pot, SourceKind

#: A fixed till secret for the demo only; real till links are random and shown once.
DEMO_TILL_TOKEN = "demo-kassa-korrewegwijk"

CRITERIA = [
    services.CriterionInput(
        "Goed voor de buurt",
        "Het plan maakt de Korrewegwijk schoner, groener, veiliger of gezelliger.",
        2,
    ),
    services.CriterionInput(
        "Bewoners doen zelf mee",
        "Bewoners organiseren het zelf en steken er tijd, spullen of geld in.",
        2,
    ),
    services.CriterionInput(
        "Iedereen kan meedoen",
        "Jong en oud, nieuwe en oude bewoners, ook wie weinig Nederlands spreekt.",
        1,
    ),
]


def _user(email: str) -> User:
    user = db.session.scalar(select(User).where(User.email == email))
    assert user is not None, email
    return user


def seed_vouchers_demo() -> list[Pot]:
    """Add the demo pots; the caller commits."""
    wijk = db.session.scalar(select(Wijk).where(Wijk.slug == "korrewegwijk"))
    if wijk is None:
        return []
    manager = _user("wijkmanager@demo.samenhang.nl")
    fatma = _user("fatma@demo.samenhang.nl")
    piotr = _user("piotr@demo.samenhang.nl")
    now = utcnow()
    year = now.year

    gemeente = services.create_pot(
        wijk,
        actor=manager,
        year=year,
        name="Bewonersbudget Korrewegwijk",
        description=(
            "Heeft u een idee voor de buurt? Een buurtfeest, een moestuin, een taalcafé? "
            "Vraag een bijdrage aan. Bewoners hebben de criteria mee bepaald."
        ),
        source_kind=SourceKind.gemeente,
        source_name="Gemeente Groningen",
        amount_cents=15_000_00,
        max_per_application_cents=2_500_00,
    )
    services.set_criteria(gemeente, actor=manager, criteria=CRITERIA)
    published = now - timedelta(days=40)
    services.publish_criteria_draft(
        gemeente,
        actor=manager,
        comments_close_on=local_date(published + timedelta(days=14)),
        now=published,
    )
    services.comment_on_criteria(
        gemeente,
        actor=fatma,
        body="Graag ook iets voor kinderen: dat de buurt er samen beter van wordt.",
        now=published + timedelta(days=2),
    )
    services.comment_on_criteria(
        gemeente,
        actor=piotr,
        body="Zet erbij dat plannen in meer talen mogen worden ingediend.",
        now=published + timedelta(days=5),
    )
    services.fix_criteria(
        gemeente,
        actor=manager,
        other_participants=["Bewonersraad Korrewegwijk", "Bewonersavond 12 maart"],
        now=published + timedelta(days=16),
    )
    services.open_pot(gemeente, actor=manager)

    garden = services.submit_application(
        gemeente,
        actor=piotr,
        title="Buurtmoestuin Gorechtkade",
        summary=(
            "Zes moestuinbakken op het pleintje, samen met de basisschool. "
            "Iedere woensdag tuinieren we met wie wil."
        ),
        group_name="Tuingroep Gorechtkade",
        budget_lines=[
            services.BudgetLineInput("Zes houten moestuinbakken", 720_00),
            services.BudgetLineInput("Aarde, zaden en plantjes", 280_00),
        ],
        contributions=[
            services.ContributionInput(
                ContributionKind.time, "Bakken bouwen en onderhoud", hours=60
            ),
        ],
    )
    services.decide_application(
        garden,
        actor=manager,
        outcome=Outcome.full,
        reasons="Goed voor de buurt en bewoners doen zelf veel. Kinderen doen mee.",
    )
    services.pay_out(garden, actor=manager, amount_cents=500_00, note="Eerste termijn")

    services.submit_application(
        gemeente,
        actor=piotr,
        title="Taalcafé in het buurthuis",
        summary="Elke donderdag koffie en oefenen met Nederlands praten, met vrijwilligers.",
        budget_lines=[
            services.BudgetLineInput("Koffie, thee en koek voor een jaar", 600_00),
            services.BudgetLineInput("Lesmateriaal", 150_00),
        ],
    )

    lefier = services.create_pot(
        wijk,
        actor=manager,
        year=year,
        name="Leefbaarheidsfonds Lefier",
        description="Voor plannen die de portiekflats en hun omgeving mooier en veiliger maken.",
        source_kind=SourceKind.woningcorporatie,
        source_name="Woningcorporatie Lefier",
        amount_cents=5_000_00,
        max_per_application_cents=750_00,
    )
    services.set_criteria(
        lefier,
        actor=manager,
        criteria=[
            services.CriterionInput(
                "Goed voor het complex", "Het plan helpt de bewoners van de flats.", 2
            ),
            services.CriterionInput(
                "Samen met de buren", "Meerdere buren zijn betrokken bij het plan.", 1
            ),
        ],
    )
    # Published eight days ago for seven days: the comment period ended yesterday.
    started = now - timedelta(days=8)
    services.publish_criteria_draft(
        lefier,
        actor=manager,
        # The day in the Netherlands: after 23:00 UTC it is already tomorrow there.
        comments_close_on=local_date(started + timedelta(days=7)),
        now=started,
    )
    services.comment_on_criteria(
        lefier,
        actor=fatma,
        body="Ook geveltuintjes en bankjes bij de entree zouden mooi zijn.",
        now=started + timedelta(days=1),
    )

    supplier, _ = services.create_supplier(
        wijk, actor=manager, name="Bakkerij De Korrel", address="Korreweg 1, Groningen"
    )
    supplier.till_token_hash = hash_secret(DEMO_TILL_TOKEN)
    db.session.flush()
    return [gemeente, lefier]
