"""A realistic city for benchmarks: `samenhang seed-load [--scale 1.0]`.

At scale 1 one municipality ("Loadstad", slug `loadstad`) with 50 wijken, 2,000 residents,
10,000 initiatives (most of them published), 200 stemdag rounds of 10 projects each with
300,000 plain (not sealed) approval ballots, and 100,000 balanced ledger entries between
each wijk's source and pot accounts. A few rounds (`COUNTED_ROUNDS`) are counted and
published, so that their results pages have something to show; the others wait in the
counting phase.

Rows are written with bulk Core inserts (SQLAlchemy's insertmanyvalues), not the ORM, so a
full city takes about a minute on PostgreSQL; only the counts use the real services. It
is benchmark data: nobody can sign in as its residents (no password hash matches).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Table, func, insert, select, update

from samenhang.accounts.models import Role, User
from samenhang.extensions import db
from samenhang.initiatives.models import Initiative, InitiativeTheme, State, Theme
from samenhang.ledger.models import AccountKind, JournalEntry, JournalLine, LedgerAccount
from samenhang.places.models import Municipality, Wijk
from samenhang.voting import counting
from samenhang.voting.codes import new_salt
from samenhang.voting.models import (
    Ballot,
    BallotType,
    Channel,
    Eligibility,
    Phase,
    Project,
    ProjectStatus,
    Round,
    Rule,
)

SLUG = "loadstad"
#: Full-scale figures, multiplied by --scale (at least one of each).
WIJKEN = 50
RESIDENTS = 2_000
INITIATIVES = 10_000
ROUNDS = 200
PROJECTS_PER_ROUND = 10
BALLOTS = 300_000
LEDGER_ENTRIES = 100_000
#: Rounds counted and published by the real count (the rest stays in "counting").
COUNTED_ROUNDS = 3
#: Rows per INSERT statement batch.
CHUNK = 5_000

WORDS = [
    "speeltuin",
    "bankjes",
    "moestuin",
    "buurtfeest",
    "bomen",
    "fietsenstalling",
    "zwemles",
    "buurthuis",
    "muurschildering",
    "repaircafé",
    "voedselbank",
    "taalcafé",
    "jeugdhonk",
    "geveltuin",
    "kerstmarkt",
    "schaakclub",
    "hardloopgroep",
    "bibliotheek",
    "picknick",
    "straatvoetbal",
]
LOCALES = ("nl", "nl", "nl", "en", "tr", "ar", "pl", "uk")


class AlreadyLoaded(Exception):
    pass


def _scaled(full: int, scale: float) -> int:
    return max(1, round(full * scale))


def _chunks(rows: Iterable[dict[str, Any]], size: int = CHUNK) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _insert(model: Any, rows: Iterable[dict[str, Any]]) -> int:
    """Bulk insert through Core: one executemany per chunk; column defaults still apply."""
    table: Table = model.__table__
    count = 0
    for batch in _chunks(rows):
        db.session.execute(insert(table), batch)
        count += len(batch)
    return count


def _ids(model: Any, *where: Any) -> list[int]:
    return list(db.session.scalars(select(model.id).where(*where).order_by(model.id)))


def seed_load(
    scale: float = 1.0, *, seed: int = 18, echo: Callable[[str], None] = lambda _: None
) -> dict[str, int]:
    """Build the city in the current transaction (the caller commits); the counts made."""
    if db.session.scalar(select(Municipality.id).where(Municipality.slug == SLUG)):
        raise AlreadyLoaded(SLUG)
    rng = random.Random(seed)
    started = time.perf_counter()
    now = datetime(2026, 10, 1, 12, 0, tzinfo=UTC)

    def step(name: str, count: int) -> None:
        echo(f"{name:16} {count:>9,} ({time.perf_counter() - started:5.1f} s)")

    municipality = Municipality(
        name="Loadstad", slug=SLUG, cbs_code="GM9999", contact_email="info@loadstad.example"
    )
    admin = User(
        email="admin@loadstad.example",
        password_hash="!",  # no password matches: benchmark data only
        display_name="Loadstad admin",
        role=Role.admin,
    )
    db.session.add_all([municipality, admin])
    db.session.flush()

    n_wijken = _scaled(WIJKEN, scale)
    _insert(
        Wijk,
        (
            {
                "municipality_id": municipality.id,
                "name": f"Wijk {i:02d}",
                "slug": f"wijk-{i:02d}",
                "cbs_code": f"WK99{i:04d}",
                "population": rng.randint(2_000, 20_000),
            }
            for i in range(1, n_wijken + 1)
        ),
    )
    wijken = _ids(Wijk, Wijk.municipality_id == municipality.id)
    step("wijken", len(wijken))

    n_users = _scaled(RESIDENTS, scale)
    _insert(
        User,
        (
            {
                "email": f"bewoner{i}@loadstad.example",
                "password_hash": "!",
                "display_name": f"Bewoner {i}",
                "locale": rng.choice(LOCALES),
                "wijk_id": wijken[i % len(wijken)],
                "email_verified_at": now,
            }
            for i in range(n_users)
        ),
    )
    users = _ids(User, User.email.like("bewoner%@loadstad.example"))
    step("residents", len(users))

    def title() -> str:
        return f"{rng.choice(WORDS).capitalize()} {rng.choice(WORDS)} {rng.randint(1, 999)}"

    n_initiatives = _scaled(INITIATIVES, scale)
    states = [State.published] * 8 + [State.funded, State.realised, State.draft, State.rejected]

    def initiatives() -> Iterator[dict[str, Any]]:
        for i in range(n_initiatives):
            text = title()
            state = rng.choice(states)
            published = now - timedelta(days=rng.randint(0, 700), minutes=i)
            yield {
                "wijk_id": wijken[i % len(wijken)],
                "author_id": rng.choice(users),
                "public_name": f"Bewoner {i}",
                "title": text,
                "summary": f"{text}: samen maken we de wijk mooier.",
                "description": f"{text}.\n\nWe zoeken buren die mee willen doen.",
                "original_locale": "nl",
                "state": state,
                "search_text": text.casefold(),
                "created_at": published,
                "updated_at": published,
                "submitted_at": published,
                "published_at": published if state is not State.draft else None,
            }

    _insert(Initiative, initiatives())
    initiative_ids = _ids(Initiative, Initiative.wijk_id.in_(wijken))
    themes = list(Theme)
    _insert(
        InitiativeTheme,
        ({"initiative_id": i, "theme": themes[i % len(themes)]} for i in initiative_ids),
    )
    step("initiatives", len(initiative_ids))

    n_rounds = _scaled(ROUNDS, scale)
    _insert(
        Round,
        (
            {
                "wijk_id": wijken[i % len(wijken)],
                "title": f"Wijkstemdag {2020 + i // len(wijken)} {i}",
                "budget_cents": 5_000_000,
                "ballot_type": BallotType.approval,
                "min_projects": 1,
                "max_projects": 5,
                "rule": Rule.greedy,
                "eligibility": Eligibility.both,
                "phase": Phase.counting,
                "salt": new_salt(),
                "voting_closes_at": now - timedelta(days=i),
            }
            for i in range(n_rounds)
        ),
    )
    rounds = _ids(Round, Round.wijk_id.in_(wijken))
    _insert(
        Project,
        (
            {
                "round_id": round_id,
                "initiative_id": initiative_ids[(r * PROJECTS_PER_ROUND + p) % len(initiative_ids)],
                "title": title(),
                "summary": "Iets moois voor de wijk.",
                "original_locale": "nl",
                "cost_cents": rng.randint(5, 40) * 50_000,
                "status": ProjectStatus.accepted,
                "position": p,
            }
            for r, round_id in enumerate(rounds)
            for p in range(PROJECTS_PER_ROUND)
        ),
    )
    projects: dict[int, list[int]] = {}
    for round_id, project_id in db.session.execute(
        select(Project.round_id, Project.id).where(Project.round_id.in_(rounds))
    ):
        projects.setdefault(round_id, []).append(project_id)
    step("rounds", len(rounds))

    n_ballots = _scaled(BALLOTS, scale)
    cast_on = date(2026, 9, 1)

    def ballots() -> Iterator[dict[str, Any]]:
        for i in range(n_ballots):
            choices = projects[rounds[i % len(rounds)]]
            yield {
                "id": f"{rng.getrandbits(128):032x}",
                "round_id": rounds[i % len(rounds)],
                # Online and plain, as before sealing: paper ballots need confirmed batches.
                "channel": Channel.online,
                "selection": rng.sample(choices, rng.randint(1, min(5, len(choices)))),
                "cast_on": cast_on,
            }

    step("ballots", _insert(Ballot, ballots()))

    accounts: list[tuple[int, int]] = []
    for wijk_id in wijken:
        source = LedgerAccount(
            kind=AccountKind.source,
            name=f"Gemeente Loadstad, wijk {wijk_id}",
            wijk_id=wijk_id,
            is_overdraft_allowed=True,
        )
        pot = LedgerAccount(kind=AccountKind.pot, name=f"Wijkpot {wijk_id}", wijk_id=wijk_id)
        db.session.add_all([source, pot])
        db.session.flush()
        accounts.append((source.id, pot.id))
    n_entries = _scaled(LEDGER_ENTRIES, scale)
    first_entry = (db.session.scalar(select(func.max(JournalEntry.id))) or 0) + 1
    amounts = [rng.randint(1, 500) * 100 for _ in range(n_entries)]
    _insert(
        JournalEntry,
        (
            {
                "id": first_entry + i,
                "kind": "load.deposit",
                "reason": "Wijkbudget (benchmark data)",
                "object_type": "wijk",
                "object_id": str(wijken[i % len(wijken)]),
                "actor_id": admin.id,
                "created_at": now - timedelta(minutes=n_entries - i),
            }
            for i in range(n_entries)
        ),
    )
    _insert(
        JournalLine,
        (
            {
                "entry_id": first_entry + i,
                "account_id": accounts[i % len(accounts)][side],
                "amount_cents": sign * amounts[i],
                "currency": "EUR",
            }
            for i in range(n_entries)
            for side, sign in ((0, -1), (1, 1))
        ),
    )
    _fix_entry_sequence(first_entry + n_entries)
    for source, pot in accounts:
        for account_id in (source, pot):
            total = select(func.coalesce(func.sum(JournalLine.amount_cents), 0)).where(
                JournalLine.account_id == account_id
            )
            db.session.execute(
                update(LedgerAccount)
                .where(LedgerAccount.id == account_id)
                .values(balance_cents=total.scalar_subquery())
            )
    step("ledger entries", n_entries)

    counted = _count(rounds[: min(COUNTED_ROUNDS, len(rounds))], admin)
    step("counted rounds", counted)
    return {
        "wijken": len(wijken),
        "residents": len(users),
        "initiatives": len(initiative_ids),
        "rounds": len(rounds),
        "ballots": n_ballots,
        "ledger_entries": n_entries,
        "counted_rounds": counted,
    }


def _fix_entry_sequence(next_id: int) -> None:
    """Ids were given explicitly (lines need them): move PostgreSQL's sequence past them."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(
            select(func.setval(func.pg_get_serial_sequence("journal_entries", "id"), next_id))
        )


def _count(round_ids: Sequence[int], admin: User) -> int:
    for round_id in round_ids:
        round_ = db.session.get(Round, round_id)
        assert round_ is not None
        counting.count_round(round_, actor=admin)
        round_.phase = Phase.results
    db.session.flush()
    return len(round_ids)
