"""Live turnout while a round is voting (issue 19): ballots by channel and by the language
of the ballot page, for the wijkmanager's outreach, never any part of the result.

Where each figure comes from, and why there:

- channel: the register (`VoterRecord`, counts only), as the manage page already shows;
- language: a counter **outside the database**, one per round and language, increased
  once the transaction that cast an online ballot has committed (`note_ballot`, flushed by
  the session's `after_commit`; a refused or rolled-back ballot is forgotten). A counter
  row in the database, updated in the voter's transaction, would carry the same `xmin` as
  the register row on PostgreSQL and name each voter's language; the sealed ballot keeps
  the language for the count, which replaces these estimates.

The counters live in Redis when `LIVE_TURNOUT_REDIS_URL` (by default `REDIS_URL`) is set,
shared by every app server, and in the process otherwise (`make run`, one process). They
hold numbers only (no time, no ballot, no voter), expire after `TTL_SECONDS` and are dropped
when the round leaves the voting phase (`forget_round`, also after commit).

The page reads a snapshot taken at most every `LIVE_TURNOUT_REFRESH_SECONDS` (a few
minutes), so a wijkmanager who reloads the page right after a known person voted cannot
see which counter moved; and every cell goes through the one suppression rule
(`samenhang.participation.suppression`): under 10 is "fewer than 10".
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Protocol

from flask import current_app
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from samenhang.config import LOCALES
from samenhang.extensions import db
from samenhang.participation.models import WijkLanguages
from samenhang.participation.suppression import SUPPRESS_BELOW, suppress
from samenhang.voting.models import Phase, Round
from samenhang.voting.turnout import UNKNOWN, with_unknown

if TYPE_CHECKING:
    from redis import Redis

log = logging.getLogger(__name__)

#: A round's counters go away on their own after this (they are dropped sooner when the
#: round leaves the voting phase); a voting phase longer than this shows fewer live figures.
TTL_SECONDS = 60 * 24 * 3600
#: How old the snapshot the page shows may be, by default (seconds).
REFRESH_SECONDS = 300
#: The counter keys: a language of the interface, or unknown.
KEYS: tuple[str, ...] = (*LOCALES, UNKNOWN)
_PREFIX = "samenhang:live"


class Counters(Protocol):
    """Where live counts are kept: per round, language -> ballots."""

    def add(self, round_id: int, language: str) -> None: ...
    def read(self, round_id: int) -> dict[str, int]: ...
    def drop(self, round_id: int) -> None: ...
    def snapshot(self, round_id: int, max_age: float) -> tuple[dict[str, int], float]: ...


class MemoryCounters:
    """In this process: for `make run` and tests (one process, so one set of counts)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[int, dict[str, int]] = {}
        self._snapshots: dict[int, tuple[dict[str, int], float]] = {}

    def add(self, round_id: int, language: str) -> None:
        with self._lock:
            counts = self._counts.setdefault(round_id, {})
            counts[language] = counts.get(language, 0) + 1

    def read(self, round_id: int) -> dict[str, int]:
        with self._lock:
            return dict(self._counts.get(round_id, {}))

    def drop(self, round_id: int) -> None:
        with self._lock:
            self._counts.pop(round_id, None)
            self._snapshots.pop(round_id, None)

    def snapshot(self, round_id: int, max_age: float) -> tuple[dict[str, int], float]:
        now = time.time()
        with self._lock:
            kept = self._snapshots.get(round_id)
            if kept is not None and now - kept[1] < max_age:
                return dict(kept[0]), kept[1]
            counts = dict(self._counts.get(round_id, {}))
            self._snapshots[round_id] = (counts, now)
            return dict(counts), now


class RedisCounters:
    """In Redis, shared by every app server: one hash per round (`HINCRBY` per ballot)."""

    def __init__(self, url: str) -> None:
        from redis import Redis

        self.redis: Redis = Redis.from_url(url, socket_timeout=2)

    @staticmethod
    def key(round_id: int) -> str:
        return f"{_PREFIX}:{round_id}"

    def add(self, round_id: int, language: str) -> None:
        pipe = self.redis.pipeline(transaction=True)
        pipe.hincrby(self.key(round_id), language, 1)
        pipe.expire(self.key(round_id), TTL_SECONDS)
        pipe.execute()

    def read(self, round_id: int) -> dict[str, int]:
        raw = self.redis.hgetall(self.key(round_id))
        return {k.decode(): int(v) for k, v in raw.items()}  # type: ignore[union-attr]

    def drop(self, round_id: int) -> None:
        self.redis.delete(self.key(round_id), f"{self.key(round_id)}:snapshot")

    def snapshot(self, round_id: int, max_age: float) -> tuple[dict[str, int], float]:
        name = f"{self.key(round_id)}:snapshot"
        kept = self.redis.get(name)
        if kept is not None:
            data = json.loads(kept)
            return {k: int(v) for k, v in data["counts"].items()}, float(data["at"])
        counts, now = self.read(round_id), time.time()
        if max_age > 0:
            # NX: of two servers taking a snapshot at once, both show the first one's.
            stored = self.redis.set(
                name, json.dumps({"counts": counts, "at": now}), px=int(max_age * 1000), nx=True
            )
            if not stored and (kept := self.redis.get(name)) is not None:
                data = json.loads(kept)
                return {k: int(v) for k, v in data["counts"].items()}, float(data["at"])
        return counts, now


_EXTENSION = "samenhang.live_counters"


def counters() -> Counters:
    """The app's counters: Redis where configured, else this process's."""
    found = current_app.extensions.get(_EXTENSION)
    if found is None:
        url = current_app.config.get("LIVE_TURNOUT_REDIS_URL") or current_app.config.get(
            "REDIS_URL"
        )
        found = RedisCounters(url) if url else MemoryCounters()
        current_app.extensions[_EXTENSION] = found
    return found  # type: ignore[no-any-return]


# --- after commit ------------------------------------------------------------------------

_PENDING = "samenhang.live.pending"


def note_ballot(round_id: int, language: str | None) -> None:
    """An online ballot was cast in this transaction: count it once it commits."""
    key = language if language in LOCALES else UNKNOWN
    pending = db.session.info.setdefault(_PENDING, [])
    pending.append((counters(), "add", round_id, key))


def forget_round(round_id: int) -> None:
    """The round leaves the voting phase: its counters go once that commits."""
    pending = db.session.info.setdefault(_PENDING, [])
    pending.append((counters(), "drop", round_id, None))


@event.listens_for(Session, "after_commit")
def _apply_committed(session: Session) -> None:
    for store, action, round_id, language in session.info.pop(_PENDING, []):
        try:
            if action == "add":
                store.add(round_id, language)
            else:
                store.drop(round_id)
        except Exception:  # Redis is down: the ballot counts all the same; only the estimate lags
            log.exception("live turnout: could not %s for round %s", action, round_id)


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back(session: Session) -> None:
    session.info.pop(_PENDING, None)


# --- the page ------------------------------------------------------------------------------


@dataclass(frozen=True)
class LiveCell:
    key: str
    #: None: fewer than 10 (or hidden so that another small cell cannot be worked out).
    ballots: int | None
    percent: float | None
    #: Percent of the wijk's residents who speak the language (where entered).
    residents_percent: Decimal | None = None


@dataclass(frozen=True)
class LiveTurnout:
    total: int
    by_channel: list[LiveCell]
    by_language: list[LiveCell]
    taken_at: float
    refresh_seconds: int
    suppress_below: int = SUPPRESS_BELOW


def _cells(
    counts: Mapping[str, int], total: int, residents: Mapping[str, Any] | None = None
) -> list[LiveCell]:
    shown = suppress(counts)
    return [
        LiveCell(
            key=key,
            ballots=value,
            percent=(100 * value / total) if value is not None and total else None,
            residents_percent=(
                Decimal(str(residents[key])) if residents and key in residents else None
            ),
        )
        for key, value in shown.items()
    ]


def live_turnout(round_: Round) -> LiveTurnout | None:
    """The live figures of a round that is voting (None otherwise): channel from the
    register, language from the counters' snapshot; every cell suppressed."""
    # Here, not at the top: `queries` imports the ballot services, which import this module.
    from samenhang.voting import queries

    if round_.phase is not Phase.voting or round_.is_annulled:
        return None
    refresh = int(current_app.config.get("LIVE_TURNOUT_REFRESH_SECONDS", REFRESH_SECONDS))
    try:
        languages, taken_at = counters().snapshot(round_.id, refresh)
    except Exception:  # Redis is down: show the register's figures, languages unknown
        log.exception("live turnout: could not read the counters of round %s", round_.id)
        languages, taken_at = {}, time.time()
    online = queries.online_voters(round_)
    paper = queries.paper_counts(round_)["handed_out"]
    channels = {"code": online["code"], "account": online["account"], "paper": paper}
    if not round_.eligibility.uses_codes:
        channels.pop("code")
    if not round_.eligibility.uses_residents:
        channels.pop("account")
    total = sum(channels.values())
    known = {key: int(languages.get(key, 0)) for key in LOCALES}
    by_language = with_unknown(known, total)  # paper, the stemcode endpoint without a language
    spoken = db.session.scalar(
        select(WijkLanguages.shares).where(WijkLanguages.wijk_id == round_.wijk_id)
    )
    return LiveTurnout(
        total=total,
        by_channel=_cells(channels, total),
        by_language=_cells(by_language, total, spoken),
        taken_at=taken_at,
        refresh_seconds=refresh,
    )
