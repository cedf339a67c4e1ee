"""Demo buurtbegrotingen, made through the services (imports, the ledger, the audit log as in
real use). Called by `samenhang.demo.seed_demo()` after the other areas' demo data.

- Korrewegwijk (Groningen), this year: the platform's pots and wijkstemdag with their ledger
  figures, lines imported from a file, published; one correction; an offer on the public task
  "Groenonderhoud" answered (accepted: it became Fatma's draft initiative) and one waiting.
  Last year's, for the comparison.
- Indische Buurt (Amsterdam Oost), this year and last: a bewonersbudget with a payout, so
  the ledger has actuals, and imported lines of the stadsdeel and the corporations.
- Every demo wijk gets a number of residents, marked as an example figure.

Line numbers follow from the order below: the Korrewegwijk lines of this year are 1 to 11
(1-3 the platform's, 4-11 imported; 5 is "Groenonderhoud"), which the browser checks use.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from samenhang.accounts import verification
from samenhang.accounts.models import Role, User
from samenhang.budgets import importing, queries, services
from samenhang.budgets.models import Budget, LineItem
from samenhang.db import utcnow
from samenhang.extensions import db
from samenhang.localtime import local_today
from samenhang.places.models import Wijk
from samenhang.vouchers import services as vouchers
from samenhang.vouchers.models import Outcome, SourceKind

#: Example numbers of residents (not CBS counts; the pages say so).
POPULATIONS = {
    "korrewegwijk": 12_400,
    "de-hoogte": 5_200,
    "oosterparkwijk": 12_900,
    "selwerd": 8_700,
    "woensel-west": 3_900,
    "doornakkers": 7_300,
    "indische-buurt": 24_300,
    "transvaalbuurt": 10_600,
    "dapperbuurt": 12_700,
    "overvecht": 34_000,
    "kanaleneiland": 16_200,
}

#: Amsterdam's demo resident, who applies to the bewonersbudget of the Indische Buurt.
SAMIRA = "samira@demo.samenhang.nl"

#: The imported lines: the template's columns (importing.COLUMNS) separated by semicolons.
KORREWEGWIJK = """
GRN-KW-01;wonen;gemeente;Gemeente Groningen;Wijkvernieuwing: groen en pleinen;;180000;64250
GRN-KW-02;wonen;gemeente;Gemeente Groningen;Groenonderhoud;Maaien, snoeien, vegen;52000;26300;ja
GRN-KW-03;meedoen;gemeente;Gemeente Groningen;Beheer buurthuis;Zes dagen open;38000;19000;ja
GRN-KW-04;veiligheid;woningcorporatie;Lefier;Verlichting en deuren portiekflats;;75000;;nee
GRN-KW-05;gezondheid;fonds;Oranje Fonds;Buurtsportcoach;;24000;12000
GRN-KW-06;leren;gemeente;Gemeente Groningen;Taal- en huiswerkhulp;;30000;14800
GRN-KW-07;werken;gemeente;Gemeente Groningen;Werkcorner in de wijk;;26000;11200
GRN-KW-08;inkomen;gemeente;Gemeente Groningen;Schuldhulp aan huis;;18000;9100
"""
KORREWEGWIJK_LAST_YEAR = """
GRN-KW-01;wonen;gemeente;Gemeente Groningen;Wijkvernieuwing: groen en pleinen;;150000;141800
GRN-KW-02;wonen;gemeente;Gemeente Groningen;Groenonderhoud;;50000;51200;ja
GRN-KW-03;meedoen;gemeente;Gemeente Groningen;Beheer buurthuis;;36000;36000;ja
GRN-KW-04;veiligheid;woningcorporatie;Lefier;Hang- en sluitwerk portieken;;40000;38600
GRN-KW-06;leren;gemeente;Gemeente Groningen;Taal- en huiswerkhulp;;28000;27500
"""
INDISCHE_BUURT = """
AMS-OOST-11;meedoen;gemeente;Stadsdeel Oost;Beheer Huis van de Wijk De Meevaart;;96000;47500;ja
AMS-OOST-12;wonen;gemeente;Stadsdeel Oost;Schoon en groen Javaplein;;64000;30150;ja
AMS-OOST-13;veiligheid;gemeente;Stadsdeel Oost;Buurtwachten en jongerenwerk;;120000;58000
AMS-OOST-14;wonen;woningcorporatie;Ymere;Opknappen binnentuinen;;85000
AMS-OOST-15;gezondheid;fonds;Kansfonds;Samen koken en eten;;15000;7200
AMS-OOST-16;leren;gemeente;Stadsdeel Oost;Voorleesexpress;;22000;10400
AMS-OOST-17;werken;overig;Ondernemers Javastraat;Stageplekken in winkels;;9000;4100
"""
INDISCHE_BUURT_LAST_YEAR = """
AMS-OOST-11;meedoen;gemeente;Stadsdeel Oost;Beheer Huis van de Wijk De Meevaart;;92000;92000;ja
AMS-OOST-12;wonen;gemeente;Stadsdeel Oost;Schoon en groen Javaplein;;60000;63900;ja
AMS-OOST-13;veiligheid;gemeente;Stadsdeel Oost;Buurtwachten en jongerenwerk;;110000;104300
"""


def _user(email: str) -> User:
    user = db.session.scalar(select(User).where(User.email == email))
    assert user is not None, email
    return user


def _wijk(slug: str) -> Wijk | None:
    return db.session.scalar(select(Wijk).where(Wijk.slug == slug))


def _budget(wijk: Wijk, year: int, lines: str, actor: User, intro: str = "") -> Budget:
    """A published buurtbegroting with `lines` imported as a CSV file."""
    budget = services.create_budget(wijk, year, actor=actor, intro=intro)
    rows = [row.split(";") for row in lines.strip().splitlines()]
    staged = services.stage_import(
        budget, f"begroting-{wijk.slug}-{year}.csv", importing.rows_to_csv(rows), actor=actor
    )
    assert staged.budget_import is not None, staged.parsed.problems
    services.apply_import(staged.budget_import, actor=actor)
    services.publish_budget(budget, actor=actor)
    return budget


def _line(budget: Budget, key: str) -> LineItem:
    return next(line for line in budget.lines if line.external_key == key)


def _amsterdam_pot(wijk: Wijk, admin: User, resident: User, year: int) -> None:
    """A bewonersbudget of the Indische Buurt with one grant partly paid out."""
    pot = vouchers.create_pot(
        wijk,
        actor=admin,
        year=year,
        name="Buurtbudget Indische Buurt",
        description="Voor plannen van bewoners die de buurt samen mooier en socialer maken.",
        source_kind=SourceKind.gemeente,
        source_name="Gemeente Amsterdam",
        amount_cents=20_000_00,
        max_per_application_cents=3_000_00,
    )
    vouchers.set_criteria(
        pot,
        actor=admin,
        criteria=[vouchers.CriterionInput("Goed voor de buurt", "Meer contact tussen buren.", 2)],
    )
    started = utcnow() - timedelta(days=30)
    vouchers.publish_criteria_draft(
        pot, actor=admin, comments_close_on=(started + timedelta(days=10)).date(), now=started
    )
    vouchers.fix_criteria(pot, actor=admin, other_participants=["Bewonersplatform Indische Buurt"])
    vouchers.open_pot(pot, actor=admin)
    festival = vouchers.submit_application(
        pot,
        actor=resident,
        title="Straatfeest Celebesstraat",
        summary="Een middag met muziek, eten van de buren en spelletjes voor kinderen.",
        budget_lines=[vouchers.BudgetLineInput("Tent, geluid en spelletjes", 1_800_00)],
    )
    vouchers.decide_application(
        festival, actor=admin, outcome=Outcome.full, reasons="Brengt buren samen."
    )
    vouchers.pay_out(festival, actor=admin, amount_cents=1_200_00, note="Eerste termijn")


def _samira(wijk: Wijk) -> User:
    """A resident of the Indische Buurt, with the demo users' password."""
    fatma = _user("fatma@demo.samenhang.nl")
    samira = User(
        email=SAMIRA,
        display_name="Samira",
        role=Role.bewoner,
        password_hash=fatma.password_hash,
        email_verified_at=utcnow(),
        postcode="1094AB",
        wijk=wijk,
    )
    db.session.add(samira)
    db.session.flush()
    return samira


def seed_budgets_demo() -> list[Budget]:
    """Add the demo buurtbegrotingen; the caller commits."""
    for slug, population in POPULATIONS.items():
        wijk = _wijk(slug)
        if wijk is not None:
            wijk.population, wijk.population_is_example = population, True
    korrewegwijk, indische_buurt = _wijk("korrewegwijk"), _wijk("indische-buurt")
    if korrewegwijk is None or indische_buurt is None:
        return []
    manager = _user("wijkmanager@demo.samenhang.nl")
    admin = _user("admin@demo.samenhang.nl")
    fatma, piotr = _user("fatma@demo.samenhang.nl"), _user("piotr@demo.samenhang.nl")
    year = local_today().year

    groningen = _budget(
        korrewegwijk,
        year,
        KORREWEGWIJK,
        manager,
        intro=(
            "Alle geld voor de Korrewegwijk dit jaar: van de gemeente, Lefier en fondsen, en wat "
            "bewoners zelf besteden via hun bewonersbudget en de wijkstemdag."
        ),
    )
    lighting = _line(groningen, "GRN-KW-04")
    services.change_line(
        lighting,
        services.LineData(
            theme=lighting.theme,
            source=lighting.source,
            source_name=lighting.source_name,
            title=lighting.title,
            description=lighting.description,
            is_public_task=lighting.is_public_task,
            planned_cents=lighting.planned_cents,
            actual_cents=31_500_00,
        ),
        actor=manager,
        reason="Lefier heeft de uitgaven van het eerste halfjaar doorgegeven.",
    )
    offer = services.submit_challenge(
        _line(groningen, "GRN-KW-02"),
        services.ChallengeData(
            proposal=(
                "Wij onderhouden het groen met mensen uit de wijk die werk zoeken, en planten "
                "meer bloemen voor bijen."
            ),
            amount_cents=46_000_00,
            partners="Buurtbedrijf Korrewegwijk en de tuingroep Gorechtkade",
        ),
        actor=fatma,
    )
    services.answer_challenge(
        offer,
        True,
        "Goedkoper en het geeft werk in de wijk. We maken er samen een initiatief van.",
        actor=manager,
    )
    services.submit_challenge(
        _line(groningen, "GRN-KW-03"),
        services.ChallengeData(
            proposal="Bewoners beheren het buurthuis zelf, met een vaste coördinator.",
            amount_cents=34_000_00,
            partners="Stichting Buurtbeheer Korrewegwijk",
        ),
        actor=piotr,
    )
    _budget(korrewegwijk, year - 1, KORREWEGWIJK_LAST_YEAR, manager)

    samira = _samira(indische_buurt)
    # Applying for money needs a checked address (samenhang.accounts.verification).
    check = verification.request_verification(
        samira, "Samira\nJavastraat 12", "1094AB", actor=samira
    )
    verification.verify_by_register(check, "Demo: staat in de BRP op dit adres.", actor=admin)
    _amsterdam_pot(indische_buurt, admin, samira, year)
    amsterdam = _budget(
        indische_buurt,
        year,
        INDISCHE_BUURT,
        admin,
        intro="Het geld van stadsdeel Oost, de corporaties en fondsen voor de Indische Buurt.",
    )
    _budget(indische_buurt, year - 1, INDISCHE_BUURT_LAST_YEAR, admin)
    db.session.flush()
    return [groningen, amsterdam]


def link_campaigns_demo() -> list[LineItem]:
    """After the demo campaigns: their crowdfunding joins the Korrewegwijk's published
    buurtbegroting (a public correction, with its reason), and the imported line "Beheer
    buurthuis" says it pays for De Bruisplaats's campaign. The caller commits."""
    wijk = _wijk("korrewegwijk")
    budget = queries.budget_for(wijk, local_today().year) if wijk else None
    if budget is None:
        return []
    manager = _user("wijkmanager@demo.samenhang.nl")
    added = services.add_platform_lines(
        budget, actor=manager, reason="De crowdfunding van de campagnes in de wijk staat er nu bij."
    )
    bruisplaats = next((line.campaign for line in added if line.campaign), None)
    if bruisplaats is not None:
        line = _line(budget, "GRN-KW-03")
        data = services.LineData(
            theme=line.theme,
            source=line.source,
            source_name=line.source_name,
            title=line.title,
            description=line.description,
            is_public_task=line.is_public_task,
            planned_cents=line.planned_cents,
            actual_cents=line.actual_cents,
            campaign_id=bruisplaats.id,
        )
        services.change_line(
            line, data, actor=manager, reason="Het buurthuis betaalt mee aan De Bruisplaats."
        )
    return added
