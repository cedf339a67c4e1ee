"""The demo buurtcontract of Woensel-West (Eindhoven), made through the services, so the
rules and the audit log are as in real use. Called by `samenhang.demo.seed_demo()`.

- This year's contract, written by the bewonersraad (Olena) with Gemeente Eindhoven and
  the corporatie Trudo: four goals with commitments and progress, signed by all three.
- An amendment (version 2) that lowers one target, signed too: its page shows what changed.
- A question answered by the gemeente, a link to a residents' initiative, closing reviews.
- Next year's draft with the goals that are not finished, carried over.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select

from samenhang.accounts.models import User
from samenhang.content import services as content
from samenhang.contracts import services
from samenhang.contracts.models import Contract, GoalStatus, Party, PartyKind, ReviewOutcome, Unit
from samenhang.db import utcnow
from samenhang.extensions import db
from samenhang.initiatives.models import Initiative, InitiativeTheme, State, Theme
from samenhang.localtime import local_today
from samenhang.places.models import Wijk
from samenhang.text import normalise_for_search

PREAMBLE = (
    "Woensel-West is onze wijk. De afgelopen jaren is er veel veranderd, en dat willen we "
    "samen vasthouden. In dit buurtcontract staat wat de bewonersraad, de gemeente en Trudo "
    "dit jaar doen, en hoe we meten of het lukt.\n\n"
    "Bewoners schreven dit contract zelf. Iedereen kan volgen wat er van terechtkomt."
)


@dataclass(frozen=True)
class DemoGoal:
    theme: Theme
    title: str
    description: str
    indicator: str
    unit: Unit
    source: str
    baseline: str
    target: str
    owner: PartyKind
    #: (party, what, month due)
    commitments: tuple[tuple[PartyKind, str, int], ...]
    #: (days ago, value, note)
    progress: tuple[tuple[int, str, str], ...]
    status: GoalStatus
    status_reason: str = ""


GOALS = [
    DemoGoal(
        Theme.veiligheid,
        "Meer bewoners voelen zich 's avonds veilig",
        "Betere verlichting, een buurtpreventieteam en portieken die 's avonds licht zijn.",
        "Bewoners die zich 's avonds veilig voelen op straat",
        Unit.percent,
        "Veiligheidsmonitor Eindhoven",
        "58",
        "65",
        PartyKind.gemeente,
        (
            (PartyKind.gemeente, "Twintig extra lantaarnpalen in de Edisonstraat en omgeving", 6),
            (PartyKind.corporatie, "Portiekverlichting in alle flats vervangen door ledlampen", 9),
            (PartyKind.bewonersraad, "Het buurtpreventieteam loopt elke week twee avondrondes", 12),
        ),
        (
            (150, "59", "De eerste tien lantaarnpalen staan."),
            (45, "61,5", "Alle lantaarnpalen staan; de portieken volgen."),
        ),
        GoalStatus.on_track,
    ),
    DemoGoal(
        Theme.wonen,
        "Schone en hele straten",
        "Minder zwerfafval en opgeknapte achterpaden en bergingen.",
        "Rapportcijfer schoon en heel in de wijkschouw",
        Unit.grade,
        "Wijkschouw van de bewonersraad",
        "5,9",
        "7",
        PartyKind.corporatie,
        ((PartyKind.corporatie, "Achterpaden en bergingen van de Celsiusstraat opknappen", 10),),
        ((120, "6,2", "Na de voorjaarsschoonmaak."), (30, "6,4", "")),
        GoalStatus.at_risk,
        "Het opknappen van de achterpaden is uitgesteld tot na de zomer.",
    ),
    DemoGoal(
        Theme.meedoen,
        "Meer bewoners doen mee",
        "Activiteiten waar oude en nieuwe bewoners elkaar leren kennen.",
        "Deelnemers aan buurtactiviteiten",
        Unit.count,
        "Eigen telling van de Buurtonderneming",
        "120",
        "200",
        PartyKind.bewonersraad,
        ((PartyKind.bewonersraad, "Elke maand een buurtmaaltijd in het buurthuis", 12),),
        ((160, "150", "Drie buurtmaaltijden."), (60, "185", ""), (20, "212", "Buurtfeest.")),
        GoalStatus.achieved,
        "Het doel is in oktober gehaald.",
    ),
    DemoGoal(
        Theme.werken,
        "Jongeren aan het werk of op school",
        "Stageplekken en begeleiding voor jongeren uit de wijk.",
        "Jongeren van 18 tot 27 jaar met werk of een opleiding",
        Unit.percent,
        "Gemeente Eindhoven, Werk en Inkomen",
        "78",
        "85",
        PartyKind.gemeente,
        ((PartyKind.gemeente, "Dertig stageplekken bij bedrijven in Strijp", 11),),
        ((90, "79", "Twaalf stageplekken gevonden."),),
        GoalStatus.behind,
        "Er zijn minder stageplekken dan verwacht.",
    ),
]


def _user(email: str) -> User:
    user = db.session.scalar(select(User).where(User.email == email))
    assert user is not None, email
    return user


def _party(contract: Contract, kind: PartyKind) -> Party:
    return next(p for p in contract.parties if p.kind is kind)


def _month_end(year: int, month: int) -> date:
    return (date(year, month % 12 + 1, 1) if month < 12 else date(year + 1, 1, 1)) - timedelta(
        days=1
    )


def _sign_all(contract: Contract, signers: dict[PartyKind, User], now: datetime) -> None:
    for party in contract.parties:
        services.sign(party, actor=signers[party.kind], now=now)


def _initiative(wijk: Wijk, author: User, now: datetime) -> Initiative:
    """A published residents' initiative the participation goal links to."""
    initiative = Initiative(
        wijk=wijk,
        author=author,
        public_name="Olena",
        title="Buurtmaaltijd in het buurthuis",
        summary="Elke maand samen koken en eten, voor iedereen uit Woensel-West.",
        description="Iedereen kookt mee of schuift aan. Kinderen eten gratis.",
        original_locale="nl",
        state=State.published,
        submitted_at=now,
        published_at=now,
        themes=[InitiativeTheme(theme=Theme.meedoen)],
    )
    initiative.search_text = normalise_for_search(
        initiative.title, initiative.summary, initiative.description, "Olena"
    )
    db.session.add(initiative)
    return initiative


def seed_contracts_demo() -> Contract | None:
    """Add the demo buurtcontract; the caller commits. Returns next year's draft."""
    wijk = db.session.scalar(select(Wijk).where(Wijk.slug == "woensel-west"))
    if wijk is None:
        return None
    manager = _user("wijkmanager.eindhoven@demo.samenhang.nl")
    olena = _user("olena@demo.samenhang.nl")
    trudo = _user("trudo@demo.samenhang.nl")
    resident = _user("piotr@demo.samenhang.nl")
    now = utcnow()
    year = local_today(now).year
    started = now - timedelta(days=300)

    services.grant_membership(wijk, olena, actor=manager)
    contract = services.start_draft(wijk, year, actor=olena, now=started)
    services.update_draft(contract, PREAMBLE, actor=olena)
    bewonersraad, gemeente = contract.parties
    services.update_party(bewonersraad, "Olena (voorzitter) en vier andere bewoners", actor=olena)
    services.update_party(gemeente, "Wijkmanager Woensel-West, namens de wethouder", actor=olena)
    corporatie = services.add_party(
        contract, PartyKind.corporatie, "Trudo", "Gebiedsbeheerder Woensel-West", actor=olena
    )
    services.authorise_signatory(corporatie, trudo, actor=manager)
    for demo in GOALS:
        goal = services.add_goal(
            contract,
            services.GoalInput(
                theme=demo.theme,
                title=demo.title,
                description=demo.description,
                indicator=demo.indicator,
                unit=demo.unit,
                source=demo.source,
                baseline=Decimal(demo.baseline.replace(",", ".")),
                target=Decimal(demo.target),
                deadline=date(year, 12, 31),
                owner=_party(contract, demo.owner),
            ),
            actor=olena,
        )
        for kind, what, month in demo.commitments:
            services.add_commitment(
                goal, _party(contract, kind), what, _month_end(year, month), actor=olena
            )
    services.publish_for_comments(
        contract, (started + timedelta(days=20)).date(), actor=olena, now=started
    )
    services.comment_on_draft(
        contract, "Graag ook verlichting in het Edisonpark.", author=resident, now=started
    )
    services.open_signing(contract, actor=olena, now=started + timedelta(days=22))
    signers = {
        PartyKind.bewonersraad: olena,
        PartyKind.gemeente: manager,
        PartyKind.corporatie: trudo,
    }
    _sign_all(contract, signers, started + timedelta(days=24))

    # Progress on version 1, then an amendment that lowers the target for young people.
    for goal, demo in zip(contract.goals, GOALS, strict=True):
        owner = signers[demo.owner]
        for days_ago, value, note in demo.progress:
            if days_ago > 60:
                services.post_progress(
                    goal,
                    Decimal(value.replace(",", ".")),
                    demo.unit,
                    (now - timedelta(days=days_ago)).date(),
                    actor=owner,
                    note=note,
                )
    amendment = services.amend(
        contract,
        "Er zijn minder stageplekken dan gedacht. De partijen stellen het doel voor jongeren "
        "bij naar 82 procent.",
        actor=olena,
    )
    young = amendment.goals[3]
    services.update_goal(
        young,
        services.GoalInput(
            theme=young.theme,
            title=young.title,
            description=young.description + " Met extra begeleiding op school.",
            indicator=young.indicator,
            unit=young.unit,
            source=young.source,
            baseline=young.baseline,
            target=Decimal(82),
            deadline=young.deadline,
            owner=young.owner_party,
        ),
        actor=olena,
    )
    amended = now - timedelta(days=60)
    services.publish_for_comments(
        amendment, (amended + timedelta(days=15)).date(), actor=olena, now=amended
    )
    services.open_signing(amendment, actor=olena, now=amended + timedelta(days=17))
    _sign_all(amendment, signers, amended + timedelta(days=18))

    for goal, demo in zip(amendment.goals, GOALS, strict=True):
        owner = signers[demo.owner]
        for days_ago, value, note in demo.progress:
            if days_ago <= 60:
                services.post_progress(
                    goal,
                    Decimal(value.replace(",", ".")),
                    demo.unit,
                    (now - timedelta(days=days_ago)).date(),
                    actor=owner,
                    note=note,
                )
        services.set_status(goal, demo.status, demo.status_reason, actor=owner)
    safety, clean, participation, _young = amendment.goals
    services.complete_commitment(safety.commitments[0], "Alle twintig staan er.", actor=manager)
    question = services.ask_question(
        safety, "Komen er ook lampen in het Edisonpark?", author=resident
    )
    services.answer_question(
        question, "Ja, vier lampen bij de ingangen van het park, voor de winter.", actor=manager
    )
    services.link(participation, _initiative(wijk, olena, now), actor=olena)
    if local_today(now) >= services.review_opens_on(participation):
        services.review_goal(
            participation,
            ReviewOutcome.achieved,
            "Meer dan tweehonderd bewoners deden mee. De buurtmaaltijd gaat door.",
            actor=olena,
            final_value=Decimal(212),
        )
        services.review_goal(
            clean,
            ReviewOutcome.partly,
            "De straten zijn schoner, de achterpaden volgen volgend jaar.",
            actor=trudo,
            final_value=Decimal("6.4"),
        )
    services.follow(wijk, user=resident)
    # The goals are translatable like initiatives: the first one already is, into English.
    content.save_translation(
        safety,
        "en",
        {
            "title": "More residents feel safe in the evening",
            "description": "Better lighting, a neighbourhood watch team and porches that are "
            "lit in the evening.",
            "indicator": "Residents who feel safe on the street in the evening",
        },
        actor=manager,
    )
    draft, _carried = services.carry_over(amendment, actor=olena)
    return draft
