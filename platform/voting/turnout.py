"""Who took part in a round, without identifying anyone (issue 19): ballots by channel,
by the interface language the ballot was cast in, by device class and by age band.

Where each figure comes from, and why there:

- channel: online with a stemcode or with an account from the register (`VoterRecord`,
  counts only), paper from the confirmed paper ballots;
- language, device class and age band: from inside the sealed ballot (`BallotProfile`,
  sealed with the choice by `sealing.seal`). They are never written next to the register
  nor in a counter updated in the voter's transaction: on PostgreSQL such a row would
  carry the same `xmin` as the register row and name the voter's language and age. They
  are added up when the ballots are opened at the count (`add_up`, written once on the
  round by `services.keys.unseal_ballots`), and never written beside an opened choice.

Every figure shown or downloaded goes through `suppress` (one implementation, in
`samenhang.participation.suppression`, shared with the applicants and initiators): a cell
under 10 is "fewer than 10", and where that would leave one hidden cell next to a known
total, the next smallest is hidden too, so the hidden one cannot be worked out by
subtraction.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

from samenhang.config import LOCALES
from samenhang.enums import LabelledEnum
from samenhang.participation.suppression import SUPPRESS_BELOW, csv_cell, suppress

#: The ballot page's width hint (CSS pixels) up to which the device counts as a phone.
PHONE_MAX_WIDTH = 767
#: The interface languages a ballot can be cast in.
LANGUAGES: tuple[str, ...] = tuple(LOCALES)
UNKNOWN = "unknown"


class Device(LabelledEnum):
    phone = "phone"
    desktop = "desktop"

    __labels__ = {phone: _l("Phone"), desktop: _l("Computer or tablet")}


class AgeBand(LabelledEnum):
    a12_17 = "12-17"
    a18_29 = "18-29"
    a30_49 = "30-49"
    a50_64 = "50-64"
    a65 = "65+"

    __labels__ = {
        a12_17: _l("12 to 17"),
        a18_29: _l("18 to 29"),
        a30_49: _l("30 to 49"),
        a50_64: _l("50 to 64"),
        a65: _l("65 or older"),
    }

    @property
    def lowest(self) -> int:
        return int(self.value.rstrip("+").split("-")[0])

    @property
    def highest(self) -> int | None:
        parts = self.value.split("-")
        return int(parts[1]) if len(parts) == 2 else None

    @classmethod
    def for_min_age(cls, min_age: int | None) -> list[AgeBand]:
        """The bands a voter of the round can be in (none wholly under its minimum age)."""
        return [b for b in cls if b.highest is None or b.highest >= (min_age or 0)]


class Dimension(LabelledEnum):
    channel = "channel"
    language = "language"
    device = "device"
    age_band = "age_band"

    __labels__ = {
        channel: _l("How they voted"),
        language: _l("Language of the ballot"),
        device: _l("Device"),
        age_band: _l("Age"),
    }


#: The channel cells: online with a stemcode, online with an account, paper; `online`
#: only for imported rounds, whose files do not tell codes from accounts.
CHANNELS = ("code", "account", "online", "paper")
_CHANNEL_LABELS = {
    "code": _l("Online with a stemcode"),
    "account": _l("Online with an account"),
    "online": _l("Online"),
    "paper": _l("On paper"),
}
_UNKNOWN_LABELS = {
    Dimension.channel: _l("Not known"),
    Dimension.language: _l("Not known (paper, or not asked)"),
    Dimension.device: _l("Not known (paper, or not sent)"),
    Dimension.age_band: _l("Not answered (or paper)"),
}


@dataclass(frozen=True)
class BallotProfile:
    """Who cast an online ballot, as far as the ballot page knows: sealed with its choice."""

    language: str | None = None
    device: str | None = None
    age_band: str | None = None

    def sealed(self) -> dict[str, str]:
        """The profile in the sealed ballot: one-letter keys, known values only."""
        values = {"l": self.language, "d": self.device, "a": self.age_band}
        return {key: value for key, value in values.items() if value}


def device_class(width_hint: str | None) -> str | None:
    """Phone or desktop from the width the ballot page's script reported (nothing is
    sent without JavaScript: unknown). Never the user agent."""
    try:
        width = int((width_hint or "").strip())
    except ValueError:
        return None
    if not 100 <= width <= 10_000:
        return None
    return Device.phone.value if width <= PHONE_MAX_WIDTH else Device.desktop.value


def make_profile(
    *, language: str | None, width_hint: str | None, age_band: str | None, asks_age_band: bool
) -> BallotProfile:
    """The profile of a ballot from what the page sent; anything unexpected is unknown."""
    band = age_band if asks_age_band and age_band in set(AgeBand) else None
    return BallotProfile(
        language=language if language in LANGUAGES else None,
        device=device_class(width_hint),
        age_band=band,
    )


def add_up(profiles: Iterable[Mapping[str, str]], *, asks_age_band: bool) -> dict[str, Any]:
    """Counts of the known values of opened ballots' profiles (what `unseal_ballots` keeps
    on the round); unknown ones are what is left of the total when shown."""
    languages = dict.fromkeys(LANGUAGES, 0)
    devices = dict.fromkeys((d.value for d in Device), 0)
    bands = dict.fromkeys((b.value for b in AgeBand), 0)
    opened = 0
    for profile in profiles:
        opened += 1
        if profile.get("l") in languages:
            languages[profile["l"]] += 1
        if profile.get("d") in devices:
            devices[profile["d"]] += 1
        if asks_age_band and profile.get("a") in bands:
            bands[profile["a"]] += 1
    return {
        "opened": opened,
        "language": languages,
        "device": devices,
        "age_band": bands if asks_age_band else None,
    }


def with_unknown(known: Mapping[str, int], total: int) -> dict[str, int]:
    """The known counts and, as `unknown`, the ballots none of them covers."""
    counts = {key: int(value) for key, value in known.items()}
    counts[UNKNOWN] = max(total - sum(counts.values()), 0)
    return counts


@dataclass(frozen=True)
class Cell:
    key: str
    label: str
    #: None: fewer than 10 (or hidden so that another small cell cannot be worked out).
    ballots: int | None
    percent: float | None


@dataclass(frozen=True)
class Table:
    dimension: Dimension
    cells: list[Cell]


def _label(dimension: Dimension, key: str) -> str:
    if key == UNKNOWN:
        return str(_UNKNOWN_LABELS[dimension])
    if dimension is Dimension.channel:
        return str(_CHANNEL_LABELS[key])
    if dimension is Dimension.language:
        return LOCALES[key]
    if dimension is Dimension.device:
        return Device(key).label
    return AgeBand(key).label


def tables(turnout: Mapping[str, Any]) -> list[Table]:
    """The stored turnout of a count (`counting._turnout`) as suppressed tables, one per
    dimension the round has."""
    total = int(turnout.get("total") or 0)
    found = []
    for dimension in Dimension:
        counts = turnout.get(f"by_{dimension.value}")
        if counts is None:
            continue
        shown = suppress({key: int(value) for key, value in counts.items()})
        cells = [
            Cell(
                key=key,
                label=_label(dimension, key),
                ballots=value,
                percent=(100 * value / total) if value is not None and total else None,
            )
            for key, value in shown.items()
        ]
        found.append(Table(dimension=dimension, cells=cells))
    return found


def turnout_percent(turnout: Mapping[str, Any]) -> float | None:
    eligible = turnout.get("eligible")
    return (100 * int(turnout.get("total") or 0) / int(eligible)) if eligible else None


def summary(turnout: Mapping[str, Any]) -> dict[str, Any]:
    """The round's figures that are not cells: ballots, eligible and turnout."""
    percent = turnout_percent(turnout)
    return {
        "ballots": int(turnout.get("total") or 0),
        "eligible": turnout.get("eligible"),
        "turnout_percent": round(percent, 1) if percent is not None else None,
    }


def as_json(turnout: Mapping[str, Any], previous: list[dict[str, Any]]) -> dict[str, Any]:
    """The open data of who took part: suppressed cells are null with `suppressed`."""
    return {
        **summary(turnout),
        "suppressed_below": SUPPRESS_BELOW,
        "cells": [
            {
                "dimension": table.dimension.value,
                "category": cell.key,
                "ballots": cell.ballots,
                "suppressed": cell.ballots is None,
            }
            for table in tables(turnout)
            for cell in table.cells
        ],
        "previous_rounds": previous,
    }


def as_csv(turnout: Mapping[str, Any]) -> str:
    """One line per cell; a suppressed cell reads `<10`."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["dimension", "category", "ballots", "percent_of_ballots"])
    figures = summary(turnout)
    writer.writerow(["total", "ballots", figures["ballots"], ""])
    writer.writerow(["total", "eligible", figures["eligible"] or "", ""])
    percent = figures["turnout_percent"]
    writer.writerow(["total", "turnout_percent", "" if percent is None else percent, ""])
    for table in tables(turnout):
        for cell in table.cells:
            writer.writerow(
                [
                    table.dimension.value,
                    cell.key,
                    csv_cell(cell.ballots),
                    "" if cell.percent is None else f"{cell.percent:.1f}",
                ]
            )
    return out.getvalue()
