"""Demo wijkstemdagen: a round in Korrewegwijk that is open for voting, and Amsterdam's
Buurtbudget round 166 imported from its pabulib file, with results.

The voting round is opened like any other (`change_phase`), so it has a counting key; its
three key shares are written to `instance/demo-key-shares.txt` (and printed by
`samenhang seed-demo`), so the demo round can be counted. Never do this in a real round:
real shares are shown once, to the wijkmanager, and kept by three different people."""

from __future__ import annotations

import logging
from datetime import date, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from samenhang.accounts.models import User
from samenhang.db import utcnow
from samenhang.errors import DomainError
from samenhang.extensions import db
from samenhang.initiatives.models import Initiative
from samenhang.places.models import Wijk
from samenhang.voting import codes
from samenhang.voting.counting import import_pb
from samenhang.voting.models import (
    BallotType,
    CodeStatus,
    Eligibility,
    Phase,
    Round,
    Rule,
    StemCode,
)
from samenhang.voting.sealing import CountingKey
from samenhang.voting.services import (
    ProjectData,
    RoundData,
    add_volunteer,
    change_phase,
    create_round,
    propose_project,
    review_project,
)
from samenhang.voting.services.keys import HOLDERS

log = logging.getLogger(__name__)

#: A copy of pabulib's Netherlands_Amsterdam_166.pb, so the demo needs nothing outside the repo.
AMSTERDAM_PB = Path(__file__).parent / "data" / "Netherlands_Amsterdam_166.pb"
#: Known stemcodes of the demo round, so a demo (and the browser checks) can vote with a
#: code. Never do this in a real round: real codes are random and shown only once.
DEMO_CODES = [
    codes.group("DEMKDEMK" + f"{n:04d}".translate(str.maketrans("0123456789", "ABCDEFGHJK")))
    for n in range(1, 41)
]

DEMO_PROJECTS = [
    (
        "Moestuin op het Korrewegplein",
        "Zes moestuinbakken op het plein. Buren en de school tuinieren samen en delen de oogst.",
        90550,
        True,
    ),
    (
        "Speeltuin aan de Bloemstraat opknappen",
        "Nieuwe schommels, een zandbak en een bankje voor ouders.",
        1200000,
        False,
    ),
    (
        "Licht op het pad door het park",
        "Lantaarns langs het wandelpad, zodat het 's avonds veilig voelt.",
        950000,
        False,
    ),
    (
        "Buurtfeest in september",
        "Een dag met muziek, eten uit alle keukens van de wijk en spelletjes voor kinderen.",
        300000,
        False,
    ),
    (
        "Taalcafé in het buurthuis",
        "Elke week samen Nederlands oefenen met koffie, voor iedereen die dat wil.",
        240000,
        False,
    ),
]


def seed_stemdagen(
    korrewegwijk: Wijk, manager: User, volunteer: User, amsterdam: Wijk, admin: User
) -> list[Round]:
    rounds = [_voting_round(korrewegwijk, manager, volunteer)]
    imported = _amsterdam_round(amsterdam, admin)
    if imported is not None:
        rounds.append(imported)
    return rounds


def _voting_round(wijk: Wijk, manager: User, volunteer: User) -> Round:
    today = date.today()
    round_ = create_round(
        wijk,
        RoundData(
            title="Wijkstemdag Korrewegwijk",
            description=(
                "Er is **€ 25.000** voor de wijk. Kies de projecten die u wilt, samen niet"
                " duurder dan het budget. Stem online met de code uit uw brief (ook met een"
                " account), of op papier op de stemdag in het buurthuis. Geen brief gehad?"
                " Vraag hieronder een code aan."
            ),
            budget_cents=2500000,
            ballot_type=BallotType.knapsack,
            rule=Rule.greedy,
            eligibility=Eligibility.both,
            min_age=12,
            allows_changes=True,
            allows_blank=True,
            asks_age_band=True,
            ideas_on=today - timedelta(days=40),
            review_on=today - timedelta(days=20),
            voting_on=today - timedelta(days=1),
            counting_on=today + timedelta(days=14),
            results_on=today + timedelta(days=16),
        ),
        actor=manager,
    )
    garden = db.session.scalar(
        select(Initiative).where(
            Initiative.wijk_id == wijk.id, Initiative.title == DEMO_PROJECTS[0][0]
        )
    )
    change_phase(round_, Phase.ideas, actor=manager)
    for title, summary, cost, linked in DEMO_PROJECTS:
        project = propose_project(
            round_,
            ProjectData(
                title=title,
                summary=summary,
                cost_cents=cost,
                original_locale="nl",
                initiative_id=garden.id if linked and garden is not None else None,
            ),
            actor=manager,
        )
        review_project(project, True, "Haalbaar; de kosten zijn nagerekend.", actor=manager)
    change_phase(round_, Phase.review, actor=manager)
    key = change_phase(round_, Phase.voting, actor=manager)
    assert key is not None
    write_key_shares(round_, key)
    add_volunteer(round_, volunteer, actor=manager)
    db.session.execute(
        StemCode.__table__.insert(),
        [
            {
                "round_id": round_.id,
                "code_hash": codes.hash_code(round_.salt, code),
                "serial": serial,
                "status": CodeStatus.issued,
                "issued_at": utcnow(),
            }
            for serial, code in enumerate(DEMO_CODES, start=1)
        ],
    )
    round_.next_serial = len(DEMO_CODES) + 1
    return round_


def key_shares_path() -> Path:
    """Where the demo keeps the key shares of its voting round."""
    return Path(current_app.instance_path) / "demo-key-shares.txt"


def write_key_shares(round_: Round, key: CountingKey) -> None:
    """The demo round's key shares in a file, so that `make run` can count the round."""
    lines = [
        f"Key shares of demo round {round_.id} ({round_.title}), key {key.fingerprint}.",
        "Move the round to counting, then type two of these on /stemdag/"
        f"{round_.id}/manage. Demo only: real shares are shown once and never stored.",
    ]
    lines += [f"  {HOLDERS[share.index]}: {share.text}" for share in key.shares]
    path = key_shares_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    path.chmod(0o600)


def _amsterdam_round(wijk: Wijk, admin: User) -> Round | None:
    path = Path(AMSTERDAM_PB)
    if not path.is_file():
        log.warning("%s not found: the imported demo round is left out", path)
        return None
    try:
        return import_pb(wijk, path.read_bytes(), path.name, actor=admin)
    except DomainError as exc:  # pragma: no cover - the file is checked in
        log.warning("could not import %s: %s", path, exc)
        return None
