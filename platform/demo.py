"""Demo data for `samenhang seed-demo`: real wijken from the policy documents, demo users."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from samenhang.accounts import verification
from samenhang.accounts.models import Role, User
from samenhang.accounts.passwords import hash_password
from samenhang.budgets.demo import link_campaigns_demo, seed_budgets_demo
from samenhang.campaigns.demo import seed_campaigns_demo
from samenhang.contracts.demo import seed_contracts_demo
from samenhang.db import utcnow
from samenhang.extensions import db
from samenhang.initiatives.city_demo import seed_city_initiatives
from samenhang.initiatives.demo import seed_initiatives
from samenhang.outcomes.demo import seed_outcomes_demo
from samenhang.participation.demo import seed_participation_demo
from samenhang.places.models import Municipality, Wijk, WijkPostcode
from samenhang.themes import DEFAULT_THEME
from samenhang.voting import services as voting_services
from samenhang.voting.demo import seed_stemdagen
from samenhang.vouchers.demo import seed_vouchers_demo

#: (municipality, CBS gemeentecode, slug, [(wijk, CBS wijkcode, slug, [PC4, ...])]).
#: The wijken are the ones the seeds discuss; codes follow the CBS pattern WKggggww.
DEMO_PLACES = [
    (
        "Groningen",
        "GM0014",
        "groningen",
        [
            ("Korrewegwijk", "WK001405", "korrewegwijk", ["9715"]),
            ("De Hoogte", "WK001406", "de-hoogte", ["9716"]),
            ("Oosterparkwijk", "WK001404", "oosterparkwijk", ["9713"]),
            ("Selwerd", "WK001412", "selwerd", ["9741"]),
        ],
    ),
    (
        "Eindhoven",
        "GM0772",
        "eindhoven",
        [
            ("Woensel-West", "WK077230", "woensel-west", ["5621"]),
            ("Doornakkers", "WK077251", "doornakkers", ["5642"]),
        ],
    ),
    (
        "Amsterdam",
        "GM0363",
        "amsterdam",
        [
            ("Indische Buurt", "WK036385", "indische-buurt", ["1094", "1093"]),
            ("Transvaalbuurt", "WK036383", "transvaalbuurt", ["1092"]),
            ("Dapperbuurt", "WK036382", "dapperbuurt", ["1093"]),
        ],
    ),
    (
        "Utrecht",
        "GM0344",
        "utrecht",
        [
            ("Overvecht", "WK034402", "overvecht", ["3562", "3563"]),
            ("Kanaleneiland", "WK034408", "kanaleneiland", ["3526"]),
        ],
    ),
]

#: The demo municipalities' looks (samenhang.themes): two token sets of our own; the others
#: keep NL Design System's example theme (Amsterdam's and Utrecht's own tokens are not
#: licensed for others to ship).
DEMO_THEMES = {"groningen": "groningen-demo", "eindhoven": "eindhoven-demo"}

DEMO_PASSWORD = "samenhang-demo"  # printed on the console by seed-demo


@dataclass(frozen=True)
class DemoUser:
    email: str
    display_name: str
    role: Role
    postcode: str | None
    managed: tuple[str, ...] = ()


DEMO_USERS = [
    DemoUser("admin@demo.samenhang.nl", "Gemeente (beheer)", Role.admin, None),
    DemoUser(
        "wijkmanager@demo.samenhang.nl",
        "Wijkmanager Korrewegwijk",
        Role.wijkmanager,
        None,
        ("korrewegwijk", "de-hoogte"),
    ),
    DemoUser(
        "wijkmanager.eindhoven@demo.samenhang.nl",
        "Wijkmanager Woensel-West",
        Role.wijkmanager,
        None,
        ("woensel-west",),
    ),
    DemoUser("fatma@demo.samenhang.nl", "Fatma", Role.bewoner, "9715AB"),
    DemoUser("piotr@demo.samenhang.nl", "Piotr", Role.bewoner, "9715CD"),
    DemoUser("olena@demo.samenhang.nl", "Olena", Role.bewoner, "5621AA"),
    # has asked for a check of her address: the wijkmanager's list shows it
    DemoUser("noor@demo.samenhang.nl", "Noor", Role.bewoner, "9715CD"),
    # buurtcontract: signs and reports for the corporatie Trudo in Woensel-West
    DemoUser("trudo@demo.samenhang.nl", "Trudo (gebiedsbeheer)", Role.bewoner, None),
]


#: The demo residents' addresses: (e-mail, address lines, how the address is checked).
DEMO_ADDRESSES = [
    ("fatma@demo.samenhang.nl", "Fatma Yilmaz\nBloemstraat 3", "register"),
    ("piotr@demo.samenhang.nl", "Piotr Nowak\nKorreweg 120", "letter"),
    ("olena@demo.samenhang.nl", "Olena Shevchenko\nEdisonstraat 7", "register"),
    ("noor@demo.samenhang.nl", "Noor Bakker\nOosterhamrikkade 40", None),
]


def _check_addresses(users: dict[str, User]) -> None:
    """Residents who vote or apply for money need a checked address: Fatma and Olena by the
    municipal register, Piotr by a letter with a code; Noor's request is waiting."""
    for email, address, method in DEMO_ADDRESSES:
        user = users[email]
        assert user.postcode is not None and user.wijk is not None
        check = verification.request_verification(user, address, user.postcode, actor=user)
        manager = next(u for u in users.values() if user.wijk in u.managed_wijken)
        if method == "register":
            verification.verify_by_register(
                check, "Demo: staat in de BRP op dit adres.", actor=manager
            )
        elif method == "letter":
            [(_, code)] = verification.send_verification_letters([check], actor=manager)
            verification.confirm_address_code(user, code, actor=user)


def is_seeded() -> bool:
    return db.session.scalar(select(User.id).where(User.email == DEMO_USERS[0].email)) is not None


def seed_demo() -> list[DemoUser]:
    """Add the demo places and users; the caller commits. Returns the users created."""
    wijken: dict[str, Wijk] = {}
    for name, code, slug, wijk_rows in DEMO_PLACES:
        municipality = Municipality(
            name=name, cbs_code=code, slug=slug, theme=DEMO_THEMES.get(slug, DEFAULT_THEME)
        )
        db.session.add(municipality)
        for wijk_name, wijk_code, wijk_slug, postcodes in wijk_rows:
            wijk = Wijk(name=wijk_name, cbs_code=wijk_code, slug=wijk_slug)
            municipality.wijken.append(wijk)
            wijk.postcodes = [WijkPostcode(postcode4=pc) for pc in postcodes]
            wijken[wijk_slug] = wijk
    by_postcode4 = {pc.postcode4: w for w in wijken.values() for pc in w.postcodes}
    password_hash = hash_password(DEMO_PASSWORD)
    users: dict[str, User] = {}
    for demo in DEMO_USERS:
        user = User(
            email=demo.email,
            display_name=demo.display_name,
            role=demo.role,
            password_hash=password_hash,
            email_verified_at=utcnow(),
            postcode=demo.postcode,
            wijk=by_postcode4.get(demo.postcode[:4]) if demo.postcode else None,
        )
        user.managed_wijken = [wijken[slug] for slug in demo.managed]
        db.session.add(user)
        users[demo.email] = user
    db.session.flush()
    _check_addresses(users)
    seed_initiatives(
        wijken["korrewegwijk"],
        users["fatma@demo.samenhang.nl"],
        users["piotr@demo.samenhang.nl"],
        users["wijkmanager@demo.samenhang.nl"],
    )
    rounds = seed_stemdagen(
        wijken["korrewegwijk"],
        users["wijkmanager@demo.samenhang.nl"],
        users["piotr@demo.samenhang.nl"],
        wijken["dapperbuurt"],
        users["admin@demo.samenhang.nl"],
    )
    # Fatma got no letter with a stemcode: she asked for one, the wijkmanager has yet to issue it.
    voting_services.request_code(rounds[0], actor=users["fatma@demo.samenhang.nl"])
    seed_vouchers_demo()
    seed_budgets_demo()
    # buurtcontract and outcomes: Woensel-West's contract, example figures for every wijk
    seed_contracts_demo()
    seed_outcomes_demo()
    seed_campaigns_demo()
    # who takes part: example figures of the languages spoken in each wijk
    seed_participation_demo()
    # the buurtbegroting's crowdfunding lines, once the campaigns exist
    link_campaigns_demo()
    # last, so that the objects above keep their ids: a city's worth of initiatives
    seed_city_initiatives()
    return DEMO_USERS
