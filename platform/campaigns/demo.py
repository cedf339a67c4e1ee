"""Demo campaigns in the Korrewegwijk, made through the services (so the ledger and the audit
log are filled as in real use). Called by `samenhang.demo.seed_demo()` after the
bewonersbudgetten, whose pot matches gifts.

- "De Bruisplaats" (after seed 004's buurtkamer): all or nothing, ended six weeks ago with
  118% of its goal, every task done, the first instalment paid out to the initiative, a
  photo and two receipts for what it paid for.
- "Moestuin op het Korrewegplein": running, with gifts received and promised, matchfunding
  from the Bewonersbudget Korrewegwijk, tasks partly filled, wanted materials and news.
"""

from __future__ import annotations

import io
from datetime import datetime, timedelta

from sqlalchemy import select

from samenhang.accounts.models import User
from samenhang.campaigns import services
from samenhang.campaigns.models import Campaign, CampaignDecision, FundingModel, NeedKind, Provider
from samenhang.db import utcnow
from samenhang.extensions import db
from samenhang.initiatives import services as initiatives
from samenhang.initiatives.models import HelpKind, Initiative, Theme
from samenhang.localtime import local_today
from samenhang.places.models import Wijk
from samenhang.vouchers.models import Pot

#: Neighbours who give and help in the demo; they sign in with the demo password too.
NEIGHBOURS = ["Anouk", "Mehmet", "Joke", "Yusuf", "Sanne", "Karim", "Ilse", "Bram"]


def _user(email: str) -> User:
    user = db.session.scalar(select(User).where(User.email == email))
    assert user is not None, email
    return user


def _neighbours(wijk: Wijk) -> list[User]:
    from samenhang.accounts.passwords import hash_password
    from samenhang.demo import DEMO_PASSWORD

    password_hash = hash_password(DEMO_PASSWORD)
    people = [
        User(
            email=f"{name.lower()}@demo.samenhang.nl",
            display_name=name,
            password_hash=password_hash,
            email_verified_at=utcnow(),
            postcode="9715EF",
            wijk=wijk,
            locale="tr" if name in ("Mehmet", "Yusuf") else None,
        )
        for name in NEIGHBOURS
    ]
    db.session.add_all(people)
    db.session.flush()
    return people


def _give(campaign: Campaign, amounts: list[tuple[User, int]], manager: User, at: datetime) -> None:
    for index, (giver, cents) in enumerate(amounts):
        pledge = services.pledge_money(
            campaign,
            cents,
            provider=Provider.manual,
            idempotency_key=f"demo-gift-{campaign.id}-{index:03d}-{giver.id:05d}",
            is_anonymous=index == 2,
            share_with_initiator=index % 2 == 0,
            actor=giver,
            now=at,
        )
        services.mark_received(pledge, actor=manager)


def _bruisplaats(wijk: Wijk, piotr: User, manager: User, people: list[User]) -> Campaign:
    """Ended six weeks ago: 118% of the goal, all tasks done."""
    start = utcnow() - timedelta(days=100)
    initiative = initiatives.create_initiative(
        wijk,
        initiatives.InitiativeData(
            title="De Bruisplaats: een buurtkamer voor iedereen",
            summary="Een lege winkel wordt een huiskamer voor de buurt, met koffie en spelletjes.",
            description=(
                "In de oude bakkerij aan de Korreweg maken we **De Bruisplaats**: een plek "
                "waar buren elkaar ontmoeten. Met een koffiehoek, een leestafel en op "
                "woensdag een spelletjesmiddag."
            ),
            public_name="Piotr",
            original_locale="nl",
            themes=[Theme.meedoen, Theme.wonen],
            help_asked=[HelpKind.money, HelpKind.time, HelpKind.materials],
            budget_lines=[("Verf en vloer", 1_800_00), ("Meubels en keuken", 1_212_00)],
        ),
        actor=piotr,
    )
    initiatives.submit_initiative(initiative, actor=piotr)
    initiatives.decide_initiative(initiative, "publish", "", actor=manager)
    campaign = services.start_campaign(
        initiative,
        services.CampaignData(
            title="De Bruisplaats opknappen",
            story=(
                "Help ons de oude bakkerij op te knappen! Met jouw gift kopen we verf, een "
                "nieuwe vloer en een keukenblok. En we zoeken handen: voor het schuren, het "
                "verven en de open dag."
            ),
            goal_cents=3_012_00,
            min_amount_cents=5_00,
            deadline=local_today(start) + timedelta(days=55),
            funding_model=FundingModel.all_or_nothing,
        ),
        actor=piotr,
        now=start,
    )
    tasks = [
        ("Muren schuren", 12, 2),
        ("Muren verven", 19, 3),
        ("Vloer leggen", 26, 2),
        ("Open dag: koffie schenken", 33, 2),
    ]
    for title, day, places in tasks:
        services.add_task(
            campaign,
            title,
            local_today(start) + timedelta(days=day),
            places,
            actor=piotr,
            now=start,
        )
    need = services.add_need(campaign, NeedKind.materials, "Stoelen en tafels", actor=piotr)
    services.submit_campaign(campaign, actor=piotr, now=start)
    services.decide_campaign(
        campaign,
        CampaignDecision.approve,
        "Een buurtkamer past bij de wijkagenda; de begroting is nagerekend.",
        actor=manager,
        now=start,
    )
    for task in campaign.tasks:
        for helper in people[: task.capacity]:
            services.sign_up(task, actor=helper, now=start)
    offer = services.offer_help(need, "Zes stoelen van de kerk", actor=people[5])
    services.confirm_offer(offer, actor=piotr)
    amounts = [550_00, 400_00, 250_00, 600_00, 300_00, 455_00, 500_00, 500_00]
    _give(campaign, list(zip(people, amounts, strict=True)), manager, start + timedelta(days=3))
    for task in campaign.tasks:
        services.confirm_task_done(task, actor=piotr)
    services.close_campaign(campaign, now=campaign.deadline_at + timedelta(hours=1))
    services.post_update(
        campaign,
        "De Bruisplaats is open!",
        "Dank aan alle gevers en helpers. Elke woensdag om 14 uur is er koffie.",
        actor=piotr,
    )
    services.pay_out(
        campaign,
        2_000_00,
        "Eerste termijn: verf, vloer en keuken",
        idempotency_key=f"demo-payout-{campaign.id}-0001",
        actor=manager,
    )
    services.add_photo(
        campaign, _picture((236, 110, 60)), "De buurtkamer, net geverfd in oranje", actor=piotr
    )
    for what, cents, colour in (
        ("Verf en kwasten (Bouwmarkt Korreweg)", 412_35, (240, 240, 230)),
        ("Vloerbedekking buurtkamer", 1_180_00, (230, 235, 240)),
    ):
        services.add_receipt(campaign, what, cents, _picture(colour), actor=piotr)
    return campaign


def _picture(colour: tuple[int, int, int]) -> services.Upload:
    """A plain generated picture for the demo's photos and receipts (no stock photos in the
    repository): a coloured field with a lighter band."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (960, 640), colour)
    ImageDraw.Draw(image).rectangle((0, 420, 960, 520), fill=(255, 255, 255))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    out.seek(0)
    return services.Upload(out, "image/jpeg")


def _garden(wijk: Wijk, fatma: User, manager: User, people: list[User]) -> Campaign | None:
    """Running: the demo garden asks for money, hands and wood."""
    garden = db.session.scalar(
        select(Initiative).where(
            Initiative.wijk_id == wijk.id, Initiative.title == "Moestuin op het Korrewegplein"
        )
    )
    if garden is None:
        return None
    start = utcnow() - timedelta(days=10)
    campaign = services.start_campaign(
        garden,
        services.CampaignData(
            title="Moestuin op het Korrewegplein",
            story=(
                "Zes moestuinbakken op het plein, voor en door de buurt. Geef een bijdrage, "
                "kom mee timmeren of breng hout of aarde. De school doet mee!"
            ),
            goal_cents=905_50,
            min_amount_cents=5_00,
            deadline=local_today() + timedelta(days=24),
            funding_model=FundingModel.all_or_nothing,
        ),
        actor=fatma,
        now=start,
    )
    build = services.add_task(
        campaign, "Bakken timmeren", local_today() + timedelta(days=30), 4, actor=fatma
    )
    services.add_task(
        campaign, "Aarde scheppen", local_today() + timedelta(days=31), 6, actor=fatma
    )
    services.add_task(
        campaign, "Zaaien met de school", local_today() + timedelta(days=40), 3, actor=fatma
    )
    wood = services.add_need(
        campaign, NeedKind.materials, "Steigerhout voor zes bakken", actor=fatma
    )
    services.add_need(campaign, NeedKind.space, "Een schuur om gereedschap te bewaren", actor=fatma)
    services.submit_campaign(campaign, actor=fatma, now=start)
    services.decide_campaign(campaign, CampaignDecision.approve, "", actor=manager, now=start)
    pot = db.session.scalar(
        select(Pot).where(Pot.wijk_id == wijk.id, Pot.name == "Bewonersbudget Korrewegwijk")
    )
    if pot is not None:
        services.set_matchfunding(campaign, pot, 50, 200_00, actor=manager)
    _give(campaign, [(people[0], 50_00), (people[1], 25_00), (people[2], 100_00)], manager, start)
    services.pledge_money(
        campaign,
        40_00,
        provider=Provider.manual,
        idempotency_key=f"demo-promise-{campaign.id}-0001",
        actor=people[3],
    )
    for helper in people[:3]:
        services.sign_up(build, actor=helper)
    services.offer_help(wood, "Ik heb nog planken in de schuur", actor=people[4])
    services.post_update(
        campaign,
        "Al ruim een kwart!",
        "Dank voor de eerste giften. Het Bewonersbudget legt de helft erbij.",
        actor=fatma,
    )
    return campaign


def seed_campaigns_demo() -> list[Campaign]:
    """Add the demo campaigns; the caller commits."""
    wijk = db.session.scalar(select(Wijk).where(Wijk.slug == "korrewegwijk"))
    if wijk is None:
        return []
    manager = _user("wijkmanager@demo.samenhang.nl")
    people = _neighbours(wijk)
    funded = _bruisplaats(wijk, _user("piotr@demo.samenhang.nl"), manager, people)
    running = _garden(wijk, _user("fatma@demo.samenhang.nl"), manager, people)
    return [funded] + ([running] if running else [])
