"""A city in use for `samenhang seed-demo`: residents of every demo wijk, writing in their own
language, with initiatives in every state, each with a generated photo, and neighbours who
support and discuss them.

Called last by `samenhang.demo.seed_demo()`, so the objects the other demos make (and the
browser tests open by id: /initiatives/1, /campaigns/2, ...) keep their ids. Everything goes
through the services, so the audit log and the moderation history are filled as in real use.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

from samenhang.accounts.models import Role, User
from samenhang.db import utcnow
from samenhang.extensions import db
from samenhang.initiatives import services
from samenhang.initiatives.models import HelpKind, Initiative, State, Theme
from samenhang.places.models import Wijk

#: Residents of the other demo wijken: (name, postcode, language they write and read in).
RESIDENTS = [
    ("Ayşe", "9713AA", "tr"),
    ("Henk", "9741BB", "nl"),
    ("Marieke", "9716CC", "nl"),
    ("Kasia", "5621BC", "pl"),
    ("Dirk", "5642DE", "nl"),
    ("Yasmina", "1094AB", "ar"),
    ("Omar", "1092CD", "ar"),
    ("Lotte", "1093EF", "nl"),
    ("Oksana", "3562GH", "uk"),
    ("Tom", "3526JK", "en"),
    ("Hatice", "3563LM", "tr"),
]

#: Where each initiative ends up, in the order of the moderation path.
PATHS: dict[State, tuple[str, ...]] = {
    State.draft: (),
    State.submitted: ("submit",),
    State.in_review: ("submit", "start_review"),
    State.returned: ("submit", "start_review", "return"),
    State.rejected: ("submit", "reject"),
    State.published: ("submit", "start_review", "publish"),
    State.funded: ("submit", "publish", "fund"),
    State.realised: ("submit", "publish", "fund", "realise"),
}

#: Gentle colours for the generated photos: (sky top, sky bottom, ground).
PALETTES = [
    ((120, 180, 230), (220, 235, 245), (110, 170, 90)),
    ((250, 170, 120), (255, 225, 180), (150, 120, 90)),
    ((90, 140, 200), (190, 215, 240), (80, 140, 120)),
    ((170, 150, 220), (240, 215, 235), (130, 160, 100)),
    ((100, 190, 200), (215, 245, 240), (200, 170, 110)),
]


@dataclass(frozen=True)
class DemoInitiative:
    wijk: str
    author: str
    state: State
    locale: str
    title: str
    summary: str
    themes: tuple[Theme, ...]
    budget: tuple[tuple[str, int], ...]
    #: What the generated photo shows: trees, houses, a sun, water, people (circles).
    subject: str
    reason: str = ""


T = Theme
DEMO_INITIATIVES = [
    # Oosterparkwijk, Selwerd and De Hoogte (Groningen)
    DemoInitiative(
        "oosterparkwijk",
        "Ayşe",
        State.published,
        "tr",
        "Pazar kahvaltısı herkese açık",
        "Her ayın ilk pazarı mahalle evinde ortak kahvaltı; herkes bir şey getirir.",
        (T.meedoen,),
        (("Kahvaltı malzemeleri", 30000),),
        "people",
    ),
    DemoInitiative(
        "oosterparkwijk",
        "Ayşe",
        State.funded,
        "nl",
        "Bloembakken langs de Oosterparkstraat",
        "Twintig bloembakken die de bewoners zelf onderhouden.",
        (T.wonen,),
        (("Bakken en planten", 140000),),
        "trees",
    ),
    DemoInitiative(
        "oosterparkwijk",
        "Henk",
        State.draft,
        "nl",
        "Jeu-de-boulesbaan in het park",
        "Een baan voor jong en oud, met een bankje erbij.",
        (T.meedoen, T.gezondheid),
        (("Grind en randen", 220000),),
        "sun",
    ),
    DemoInitiative(
        "selwerd",
        "Henk",
        State.realised,
        "nl",
        "Opknapdag speeltuin Selwerd",
        "Samen de speeltuin schilderen en de zandbak vullen.",
        (T.wonen, T.meedoen),
        (("Verf en zand", 65000),),
        "people",
        "De speeltuin is op 14 september met 40 buren opgeknapt.",
    ),
    DemoInitiative(
        "selwerd",
        "Henk",
        State.submitted,
        "nl",
        "Repair Café in de bibliotheek",
        "Elke maand repareren vrijwilligers kapotte spullen van de buren.",
        (T.meedoen, T.werken),
        (("Gereedschap", 48000),),
        "houses",
    ),
    DemoInitiative(
        "selwerd",
        "Marieke",
        State.rejected,
        "nl",
        "Parkeerplaatsen in het park",
        "Van een deel van het park parkeerplaatsen maken.",
        (T.wonen,),
        (("Bestrating", 2500000),),
        "houses",
        "Het park is van iedereen; parkeren valt buiten het bewonersbudget. Praat mee over het parkeerplan van de gemeente.",  # noqa: E501
    ),
    DemoInitiative(
        "de-hoogte",
        "Marieke",
        State.in_review,
        "nl",
        "Zwemles voor volwassenen",
        "Les voor buren die nooit hebben leren zwemmen.",
        (T.gezondheid, T.leren),
        (("Badhuur en les", 180000),),
        "water",
    ),
    DemoInitiative(
        "de-hoogte",
        "Marieke",
        State.published,
        "nl",
        "Buurtbieb in een oude telefooncel",
        "Boeken ruilen op de hoek van de straat.",
        (T.leren, T.meedoen),
        (("Telefooncel en planken", 35000),),
        "houses",
    ),
    # Woensel-West and Doornakkers (Eindhoven)
    DemoInitiative(
        "woensel-west",
        "Kasia",
        State.published,
        "pl",
        "Sąsiedzka kuchnia w każdy czwartek",
        "Gotujemy razem dania z całego świata i jemy przy jednym stole.",
        (T.meedoen, T.gezondheid),
        (("Garnki i produkty", 95000),),
        "people",
    ),
    DemoInitiative(
        "woensel-west",
        "Kasia",
        State.returned,
        "pl",
        "Rowery dla dzieci",
        "Naprawiamy stare rowery i dajemy je dzieciom z dzielnicy.",
        (T.meedoen,),
        (("Części", 60000),),
        "sun",
        "Goed idee! Schrijf erbij waar de fietsen worden gerepareerd en wie de sleutel van die ruimte heeft.",  # noqa: E501
    ),
    DemoInitiative(
        "woensel-west",
        "Olena",
        State.realised,
        "uk",
        "Розмовний клуб нідерландської мови",
        "Щотижня сусіди допомагають одне одному говорити нідерландською.",
        (T.leren, T.meedoen),
        (("Кава та матеріали", 25000),),
        "people",
        "De taalclub komt sinds maart elke dinsdag samen; gemiddeld 14 deelnemers.",
    ),
    DemoInitiative(
        "doornakkers",
        "Dirk",
        State.funded,
        "nl",
        "Muurschildering bij de sporthal",
        "Kunstenaars en kinderen maken samen een muurschildering.",
        (T.wonen, T.leren),
        (("Verf en steiger", 320000),),
        "sun",
    ),
    DemoInitiative(
        "doornakkers",
        "Dirk",
        State.draft,
        "nl",
        "Buurtapp voor boodschappenhulp",
        "Buren die boodschappen doen voor wie slecht ter been is.",
        (T.gezondheid, T.meedoen),
        (),
        "houses",
    ),
    # Indische Buurt, Transvaalbuurt and Dapperbuurt (Amsterdam)
    DemoInitiative(
        "indische-buurt",
        "Yasmina",
        State.published,
        "ar",
        "مساعدة في الواجبات المدرسية",
        "طلاب جامعيون يساعدون أطفال الحي في واجباتهم مرتين في الأسبوع.",
        (T.leren,),
        (("مواد وكتب", 40000),),
        "houses",
    ),
    DemoInitiative(
        "indische-buurt",
        "Yasmina",
        State.in_review,
        "nl",
        "Schaduwbomen op het Javaplein",
        "Vier bomen, zodat het plein in de zomer koel blijft.",
        (T.wonen, T.gezondheid),
        (("Vier bomen", 480000),),
        "trees",
    ),
    DemoInitiative(
        "indische-buurt",
        "Lotte",
        State.realised,
        "nl",
        "Geveltuintjes in de Balistraat",
        "Dertig buren legden een geveltuin aan.",
        (T.wonen,),
        (("Tegels eruit, planten erin", 90000),),
        "trees",
        "Dertig geveltuinen liggen er; de buurt onderhoudt ze samen.",
    ),
    DemoInitiative(
        "transvaalbuurt",
        "Omar",
        State.funded,
        "ar",
        "دوري كرة قدم للشباب",
        "مباريات كل يوم سبت في الملعب مع مدربين متطوعين.",
        (T.gezondheid, T.meedoen),
        (("كرات وقمصان", 75000),),
        "sun",
    ),
    DemoInitiative(
        "transvaalbuurt",
        "Omar",
        State.submitted,
        "nl",
        "Verlichting in de Transvaalstraat",
        "Meer licht op de donkere stukken van de straat.",
        (T.veiligheid,),
        (("Lampen", 260000),),
        "houses",
    ),
    DemoInitiative(
        "transvaalbuurt",
        "Lotte",
        State.returned,
        "nl",
        "Buurtfeest in het Oosterpark",
        "Een dag met muziek, eten en spelletjes voor de hele buurt.",
        (T.meedoen,),
        (("Podium en geluid", 450000),),
        "people",
        "Het bedrag is hoger dan wat een plan mag vragen. Kun je het feest kleiner maken of een deel anders betalen?",  # noqa: E501
    ),
    DemoInitiative(
        "dapperbuurt",
        "Lotte",
        State.published,
        "nl",
        "Marktkraam voor de voedselbank",
        "Elke zaterdag groente die de markt overhoudt naar de voedselbank.",
        (T.inkomen, T.gezondheid),
        (("Kraam en kratten", 55000),),
        "trees",
    ),
    DemoInitiative(
        "dapperbuurt",
        "Yasmina",
        State.draft,
        "ar",
        "ورشة خياطة للنساء",
        "نتعلم الخياطة معًا ونصلح ملابس الجيران.",
        (T.werken, T.leren),
        (("ماكينات خياطة", 120000),),
        "people",
    ),
    # Overvecht and Kanaleneiland (Utrecht)
    DemoInitiative(
        "overvecht",
        "Oksana",
        State.published,
        "uk",
        "Дитячий театр у дворі",
        "Літні вистави для дітей з усіх будинків навколо.",
        (T.meedoen, T.leren),
        (("Костюми та декорації", 70000),),
        "sun",
    ),
    DemoInitiative(
        "overvecht",
        "Hatice",
        State.submitted,
        "tr",
        "Kadınlar için yürüyüş grubu",
        "Haftada iki kez parkta birlikte yürüyoruz.",
        (T.gezondheid,),
        (),
        "trees",
    ),
    DemoInitiative(
        "overvecht",
        "Oksana",
        State.rejected,
        "uk",
        "Платна парковка для гостей",
        "Окремі місця для гостей будинку.",
        (T.wonen,),
        (("Знаки", 80000),),
        "houses",
        "Parkeren regelt de gemeente niet met het bewonersbudget. Kijk op de pagina over parkeren in Overvecht.",  # noqa: E501
    ),
    DemoInitiative(
        "kanaleneiland",
        "Tom",
        State.published,
        "en",
        "Canal clean-up with kayaks",
        "Once a month neighbours paddle out and take litter out of the canal.",
        (T.wonen, T.meedoen),
        (("Kayak hire and grabbers", 85000),),
        "water",
    ),
    DemoInitiative(
        "kanaleneiland",
        "Hatice",
        State.in_review,
        "nl",
        "Huiswerkklas in het wijkcentrum",
        "Een rustige plek om huiswerk te maken, met hulp.",
        (T.leren,),
        (("Begeleiding", 150000),),
        "houses",
    ),
    DemoInitiative(
        "kanaleneiland",
        "Tom",
        State.funded,
        "en",
        "Community fridge at the mosque",
        "A fridge where anyone can leave or take food, kept clean by volunteers.",
        (T.inkomen, T.gezondheid),
        (("Fridge and cleaning rota", 110000),),
        "houses",
    ),
]

#: Comments in the residents' own languages: (who, text).
COMMENTS = [
    ("Ayşe", "Harika bir fikir! Ben de yardım ederim."),
    ("Kasia", "Świetny pomysł, chętnie pomogę w sobotę."),
    ("Yasmina", "فكرة رائعة، أنا مستعدة للمساعدة."),
    ("Oksana", "Чудова ідея! Я можу допомогти."),
    ("Tom", "Great idea, count me in."),
    ("Henk", "Mooi plan. Wanneer begint het?"),
    ("Omar", "متى يبدأ المشروع؟"),
    ("Marieke", "Ik breng koffie mee!"),
]
REPLY = "Dank je! We beginnen zodra het geld er is. / Thank you!"


def _photo(seed: int, subject: str) -> io.BytesIO:
    """A pleasant generated picture: a sky gradient, the ground and a few simple shapes for
    the subject (no text, no stock photos in the repository)."""
    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    top, bottom, ground = PALETTES[seed % len(PALETTES)]
    width, height = 800, 532
    horizon = int(height * 0.62)
    image = Image.new("RGB", (width, height), ground)
    draw = ImageDraw.Draw(image)
    for y in range(horizon):
        t = y / horizon
        draw.line(
            [(0, y), (width, y)],
            fill=tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)),
        )
    draw.ellipse((620, 50, 720, 150), fill=(255, 230, 140))
    if subject == "water":
        draw.rectangle((0, horizon, width, height), fill=(70, 130, 180))
        for _ in range(8):
            x, y = rng.randrange(width), rng.randrange(horizon + 10, height - 10)
            draw.line([(x, y), (x + 60, y)], fill=(200, 225, 245), width=3)
    for _ in range(4 if subject in ("houses", "people") else 2):
        x = rng.randrange(20, width - 160)
        w, h = rng.randrange(90, 150), rng.randrange(90, 170)
        colour = (rng.randrange(150, 230), rng.randrange(90, 160), rng.randrange(80, 140))
        draw.rectangle((x, horizon - h, x + w, horizon), fill=colour)
        draw.polygon(
            [(x - 10, horizon - h), (x + w / 2, horizon - h - 50), (x + w + 10, horizon - h)],
            fill=(120, 60, 50),
        )
    for _ in range(6 if subject == "trees" else 2):
        x = rng.randrange(30, width - 30)
        draw.rectangle((x - 6, horizon - 40, x + 6, horizon + 10), fill=(100, 70, 40))
        draw.ellipse(
            (x - 40, horizon - 110, x + 40, horizon - 30), fill=(60, 140 + rng.randrange(60), 70)
        )
    if subject in ("people", "sun"):
        for _ in range(7):
            x, y = rng.randrange(40, width - 40), rng.randrange(horizon + 30, height - 40)
            colour = (rng.randrange(60, 250), rng.randrange(60, 250), rng.randrange(60, 250))
            draw.ellipse((x - 14, y - 60, x + 14, y - 32), fill=(230, 190, 150))
            draw.rounded_rectangle((x - 20, y - 30, x + 20, y + 30), 12, fill=colour)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    out.seek(0)
    return out


def _residents(password_hash: str) -> dict[str, User]:
    """The residents of the other wijken, with a confirmed e-mail; the existing demo residents
    (Fatma, Piotr, Olena, ...) and the campaigns' neighbours take part too."""
    by_pc4 = {pc.postcode4: w for w in db.session.scalars(select(Wijk)) for pc in w.postcodes}
    people = {
        name: User(
            email=f"{name.lower().replace('ş', 's')}@demo.samenhang.nl",
            display_name=name,
            role=Role.bewoner,
            password_hash=password_hash,
            email_verified_at=utcnow(),
            postcode=postcode,
            wijk=by_pc4[postcode[:4]],
            locale=locale,
        )
        for name, postcode, locale in RESIDENTS
    }
    db.session.add_all(people.values())
    db.session.flush()
    for user in db.session.scalars(
        select(User).where(User.email.like("%@demo.samenhang.nl"), User.role == Role.bewoner)
    ):
        people.setdefault(user.display_name, user)
    return people


def _manager_of(wijk: Wijk, admin: User) -> User:
    managers = db.session.scalars(select(User).where(User.role == Role.wijkmanager)).all()
    return next((m for m in managers if wijk in m.managed_wijken), admin)


def seed_city_initiatives() -> list[Initiative]:
    """Add the city's initiatives; the caller commits."""
    admin = db.session.scalar(select(User).where(User.role == Role.admin))
    if admin is None:
        return []
    wijken = {w.slug: w for w in db.session.scalars(select(Wijk))}
    people = _residents(admin.password_hash)
    supporters = list(people.values())
    made: list[Initiative] = []
    now = utcnow()
    for index, demo in enumerate(DEMO_INITIATIVES):
        wijk, author = wijken[demo.wijk], people[demo.author]
        manager = _manager_of(wijk, admin)
        initiative = services.create_initiative(
            wijk,
            services.InitiativeData(
                title=demo.title,
                summary=demo.summary,
                description=demo.summary,
                public_name=author.display_name,
                original_locale=demo.locale,
                themes=list(demo.themes),
                help_asked=[HelpKind.money, HelpKind.time] if demo.budget else [HelpKind.time],
                budget_lines=list(demo.budget),
            ),
            actor=author,
        )
        services.add_photo(initiative, _photo(index, demo.subject), demo.title, actor=author)
        for action in PATHS[demo.state]:
            if action == "submit":
                services.submit_initiative(initiative, actor=author)
            elif action == "fund":
                services.mark_funded(initiative, "Bewonersbudget", actor=manager)
            elif action == "realise":
                # the "after" photo, taken once the money was there
                services.add_photo(
                    initiative, _photo(index + 100, demo.subject), demo.title, actor=author
                )
                services.mark_realised(initiative, demo.reason, actor=author)
            else:
                reason = demo.reason if action in ("return", "reject") else ""
                services.decide_initiative(initiative, action, reason, actor=manager)
        # spread over the last months, so the lists read as a city's history
        age = timedelta(days=3 + (len(DEMO_INITIATIVES) - index) * 4)
        initiative.created_at = now - age
        if initiative.published_at is not None:
            initiative.published_at = now - age + timedelta(days=2)
        if initiative.is_public:
            rng = random.Random(index)
            for supporter in rng.sample(supporters, k=min(len(supporters), 3 + index % 9)):
                if supporter is not author:
                    services.support_initiative(initiative, actor=supporter)
            for who, text in rng.sample(COMMENTS, k=1 + index % 3):
                if people[who] is not author:
                    services.add_comment(initiative, text, actor=people[who])
            if index % 2 == 0 and initiative.comments:
                services.add_comment(initiative, REPLY, initiative.comments[0], actor=author)
        made.append(initiative)
    return made
