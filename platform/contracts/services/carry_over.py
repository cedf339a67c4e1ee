"""The end of the year: unfinished goals carry over into next year's draft."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from samenhang.accounts.models import User
from samenhang.audit.services import log_event
from samenhang.contracts.models import FINISHED, Contract, ContractStatus, Goal, ReviewOutcome
from samenhang.contracts.services.common import require_editable, require_writer
from samenhang.contracts.services.copying import copy_goal, copy_party
from samenhang.errors import DomainError
from samenhang.extensions import db


def is_unfinished(goal: Goal) -> bool:
    if goal.status in FINISHED:
        return False
    return goal.review is None or goal.review.outcome is not ReviewOutcome.achieved


def _next_year(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def _last_value(goal: Goal) -> Decimal:
    """Where next year starts: the closing review's value, else the last progress."""
    if goal.review is not None and goal.review.final_value is not None:
        return goal.review.final_value
    progress = [p for g in goal.lineage for p in g.progress]
    if progress:
        return max(progress, key=lambda p: (p.measured_on, p.id)).value
    return goal.baseline


def _draft_for(contract: Contract, actor: User) -> Contract:
    """Next year's open version, or a new draft with this year's parties and preamble."""
    year = contract.year + 1
    latest = db.session.scalar(
        select(Contract)
        .where(Contract.wijk_id == contract.wijk_id, Contract.year == year)
        .order_by(Contract.version.desc())
        .limit(1)
    )
    if latest is not None:
        require_editable(latest)
        return latest
    draft = Contract(
        wijk=contract.wijk,
        year=year,
        version=1,
        preamble=contract.preamble,
        created_by_id=actor.id,
    )
    db.session.add(draft)
    for party in contract.parties:
        copy_party(party, draft)
    return draft


def carry_over(contract: Contract, *, actor: User) -> tuple[Contract, int]:
    """Copy the unfinished goals of this year's contract in force into next year's draft
    (made if needed); goals carried before are not copied twice. Returns the draft and the
    number of goals carried now."""
    require_writer(actor, contract)
    if contract.status is not ContractStatus.signed:
        raise DomainError(_l("Only goals of the signed contract in force can carry over."))
    draft = _draft_for(contract, actor)
    carried = {g.carried_from_id for g in draft.goals}
    goals = [g for g in contract.goals if is_unfinished(g) and g.id not in carried]
    for goal in goals:
        copy_goal(goal, draft, amends=False, baseline=_last_value(goal), shift=_next_year)
    db.session.flush()
    log_event(
        actor,
        "contract.carried_over",
        draft,
        wijk=contract.wijk,
        after={"from": contract.id, "goals": [g.id for g in goals]},
    )
    return draft, len(goals)
