"""The text of a contract version: what a signature covers (a hash of it, the same in every
language) and what an amendment changed, word by word (as the initiatives' resubmissions)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from flask_babel import format_date, pgettext
from flask_babel import gettext as _
from markupsafe import Markup

from samenhang.contracts.models import Contract, Goal, Party
from samenhang.contracts.units import format_value
from samenhang.text import word_diff


def _amount(value: Any) -> str:
    # Numeric columns give Decimal("12.50") from the database and Decimal("12.5") before:
    # the hash must not see the difference.
    return f"{value:.2f}"


def canonical(contract: Contract) -> dict[str, Any]:
    """Everything the parties agree to, without anything that changes after signing."""
    return {
        "wijk": contract.wijk.cbs_code,
        "year": contract.year,
        "version": contract.version,
        "preamble": contract.preamble,
        "amendment_reason": contract.amendment_reason,
        "parties": [
            {"kind": p.kind.value, "name": p.name, "representatives": p.representatives}
            for p in contract.parties
        ],
        "goals": [
            {
                "theme": g.theme.value,
                "title": g.title,
                "description": g.description,
                "indicator": g.indicator,
                "unit": g.unit.value,
                "source": g.source,
                "baseline": _amount(g.baseline),
                "target": _amount(g.target),
                "deadline": g.deadline.isoformat(),
                "owner": g.owner_party.name,
                "commitments": [
                    {
                        "party": c.party.name,
                        "description": c.description,
                        "due_on": c.due_on.isoformat(),
                    }
                    for c in g.commitments
                ],
            }
            for g in contract.goals
        ],
    }


def content_hash(contract: Contract) -> str:
    text = json.dumps(canonical(contract), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


# --- what an amendment changed ------------------------------------------------------------


@dataclass
class Change:
    """One part of the contract that differs: its heading and each changed field."""

    heading: str
    kind: str  # "added", "removed" or "changed"
    fields: list[tuple[str, Markup]] = field(default_factory=list)


def _diff(old: str, new: str) -> Markup:
    if not old:
        return Markup("<ins>{}</ins>").format(new)
    if not new:
        return Markup("<del>{}</del>").format(old)
    return word_diff(old, new)


def _party_fields(party: Party) -> dict[str, str]:
    return {
        _("Kind"): party.kind.label,
        pgettext("organisation", "Name"): party.name,
        _("Representatives"): " ".join(party.representatives.split()),
    }


def _goal_fields(goal: Goal) -> dict[str, str]:
    commitments = " · ".join(
        f"{c.party.name}: {' '.join(c.description.split())} ({format_date(c.due_on)})"
        for c in goal.commitments
    )
    return {
        _("Title"): goal.title,
        _("Theme"): goal.theme.label,
        _("Description"): " ".join(goal.description.split()),
        _("Indicator"): goal.indicator,
        _("Unit"): goal.unit.label,
        _("Source"): goal.source,
        _("Baseline"): format_value(goal.baseline, goal.unit),
        _("Target"): format_value(goal.target, goal.unit),
        _("Deadline"): format_date(goal.deadline),
        _("Owner"): goal.owner_party.name,
        _("Commitments"): commitments,
    }


def _compare(heading: str, old: dict[str, str] | None, new: dict[str, str] | None) -> Change | None:
    if old is None and new is not None:
        return Change(heading, "added", [(k, _diff("", v)) for k, v in new.items() if v])
    if new is None and old is not None:
        return Change(heading, "removed", [(k, _diff(v, "")) for k, v in old.items() if v])
    assert old is not None and new is not None
    fields = [(k, _diff(old[k], new[k])) for k in new if old[k] != new[k]]
    return Change(heading, "changed", fields) if fields else None


def changes(old: Contract, new: Contract) -> list[Change]:
    """What `new` changed in `old`: the preamble, parties (by name) and goals (by the goal
    each amends), in the order of the new text, removed parts last."""
    found: list[Change | None] = [
        _compare(
            _("Preamble"),
            {_("Preamble"): " ".join(old.preamble.split())},
            {_("Preamble"): " ".join(new.preamble.split())},
        )
    ]
    old_parties = {p.name: p for p in old.parties}
    new_names = {p.name for p in new.parties}
    for party in new.parties:
        before = old_parties.get(party.name)
        found.append(
            _compare(
                _("Party: {name}").format(name=party.name),
                _party_fields(before) if before else None,
                _party_fields(party),
            )
        )
    old_goals = {g.id: g for g in old.goals}
    kept = {g.amends_id for g in new.goals}
    for goal in new.goals:
        before = old_goals.get(goal.amends_id) if goal.amends_id else None
        found.append(
            _compare(
                _("Goal: {title}").format(title=goal.title),
                _goal_fields(before) if before else None,
                _goal_fields(goal),
            )
        )
    found += [
        _compare(_("Party: {name}").format(name=p.name), _party_fields(p), None)
        for p in old.parties
        if p.name not in new_names
    ]
    found += [
        _compare(_("Goal: {title}").format(title=g.title), _goal_fields(g), None)
        for g in old.goals
        if g.id not in kept
    ]
    return [c for c in found if c is not None]
