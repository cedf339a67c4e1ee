"""Writing the draft: the bewonersraad starts it, sets out parties, goals and commitments, and
publishes it for residents' comments for a set period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from sqlalchemy import select

from samenhang import policies
from samenhang.accounts.models import User
from samenhang.audit.services import log_event
from samenhang.contracts.models import (
    Commitment,
    Contract,
    ContractComment,
    ContractStatus,
    Goal,
    Party,
    PartyKind,
    Unit,
)
from samenhang.contracts.queries import comments_are_open
from samenhang.contracts.services.common import (
    clean_text,
    require_editable,
    require_writer,
)
from samenhang.contracts.units import check_value
from samenhang.db import utcnow
from samenhang.errors import DomainError
from samenhang.extensions import db
from samenhang.initiatives.models import Theme
from samenhang.localtime import comments_close_at, local_today
from samenhang.places.models import Wijk
from samenhang.policies import is_member

#: Residents get at least this long to comment on a draft (a paper letter takes days).
MIN_COMMENT_DAYS = 14
MAX_GOALS = 20
MAX_COMMITMENTS = 10


@dataclass(frozen=True)
class GoalInput:
    theme: Theme
    title: str
    indicator: str
    unit: Unit
    source: str
    baseline: Decimal
    target: Decimal
    deadline: date
    owner: Party
    description: str = ""


def start_draft(wijk: Wijk, year: int, *, actor: User, now: datetime | None = None) -> Contract:
    """A new buurtcontract for `year`, with the bewonersraad and the gemeente as parties."""
    policies.require_writer(actor, wijk)
    this_year = local_today(now).year
    if not this_year - 1 <= year <= this_year + 1:
        raise DomainError(
            _l("A buurtcontract can be started for {first} to {last}."),
            first=this_year - 1,
            last=this_year + 1,
        )
    exists = db.session.scalar(
        select(Contract.id).where(Contract.wijk_id == wijk.id, Contract.year == year)
    )
    if exists is not None:
        raise DomainError(_l("There is already a buurtcontract for {year}."), year=year)
    contract = Contract(wijk=wijk, year=year, version=1, created_by_id=actor.id)
    contract.parties = [
        Party(position=0, kind=PartyKind.bewonersraad, name=f"Bewonersraad {wijk.name}"),
        Party(position=1, kind=PartyKind.gemeente, name=f"Gemeente {wijk.municipality.name}"),
    ]
    db.session.add(contract)
    db.session.flush()
    log_event(actor, "contract.started", contract, wijk=wijk, after={"year": year})
    return contract


def update_draft(contract: Contract, preamble: str, *, actor: User) -> None:
    require_writer(actor, contract)
    require_editable(contract)
    before = contract.preamble
    contract.preamble = (preamble or "").strip()
    log_event(
        actor,
        "contract.edited",
        contract,
        wijk=contract.wijk,
        before={"preamble": before},
        after={"preamble": contract.preamble},
    )


def add_party(
    contract: Contract, kind: PartyKind, name: str, representatives: str, *, actor: User
) -> Party:
    require_writer(actor, contract)
    require_editable(contract)
    name = clean_text(name, _l("Give the party a name."), 120)
    if any(p.name == name for p in contract.parties):
        raise DomainError(_l("{party} is already a party to this contract."), party=name)
    party = Party(
        position=len(contract.parties),
        kind=kind,
        name=name,
        representatives=(representatives or "").strip(),
    )
    contract.parties.append(party)
    db.session.flush()
    log_event(actor, "contract.party_added", party, wijk=contract.wijk, after={"name": name})
    return party


def update_party(party: Party, representatives: str, *, actor: User) -> None:
    contract = party.contract
    require_writer(actor, contract)
    require_editable(contract)
    before = party.representatives
    party.representatives = (representatives or "").strip()
    log_event(
        actor,
        "contract.party_edited",
        party,
        wijk=contract.wijk,
        before={"representatives": before},
        after={"representatives": party.representatives},
    )


def remove_party(party: Party, *, actor: User) -> None:
    contract = party.contract
    require_writer(actor, contract)
    require_editable(contract)
    if any(
        g.owner_party_id == party.id or any(c.party_id == party.id for c in g.commitments)
        for g in contract.goals
    ):
        raise DomainError(
            _l("{party} still owns goals or commitments; change those first."), party=party.name
        )
    contract.parties.remove(party)
    log_event(
        actor, "contract.party_removed", contract, wijk=contract.wijk, before={"name": party.name}
    )


def _checked_goal(contract: Contract, data: GoalInput) -> dict[str, object]:
    if data.owner.contract is not contract:
        raise DomainError(_l("The owner must be a party to this contract."))
    if data.deadline.year < contract.year:
        raise DomainError(_l("The deadline must be in {year} or later."), year=contract.year)
    return {
        "theme": Theme(data.theme),
        "title": clean_text(data.title, _l("Give the goal a title."), 200),
        "description": (data.description or "").strip(),
        "indicator": clean_text(data.indicator, _l("Say what is measured."), 200),
        "unit": Unit(data.unit),
        "source": clean_text(data.source, _l("Say where the figures come from."), 200),
        "baseline": check_value(data.unit, data.baseline),
        "target": check_value(data.unit, data.target),
        "deadline": data.deadline,
        "owner_party": data.owner,
    }


def add_goal(contract: Contract, data: GoalInput, *, actor: User) -> Goal:
    require_writer(actor, contract)
    require_editable(contract)
    if len(contract.goals) >= MAX_GOALS:
        raise DomainError(
            lazy_ngettext(
                "A contract has at most {count} goal.",
                "A contract has at most {count} goals.",
                MAX_GOALS,
            ),
            count=MAX_GOALS,
        )
    goal = Goal(position=len(contract.goals), **_checked_goal(contract, data))
    contract.goals.append(goal)
    db.session.flush()
    log_event(actor, "contract.goal_added", goal, wijk=contract.wijk, after={"title": goal.title})
    return goal


def update_goal(goal: Goal, data: GoalInput, *, actor: User) -> None:
    contract = goal.contract
    require_writer(actor, contract)
    require_editable(contract)
    values = _checked_goal(contract, data)
    before = {"title": goal.title, "target": str(goal.target), "deadline": str(goal.deadline)}
    for name, value in values.items():
        setattr(goal, name, value)
    log_event(
        actor,
        "contract.goal_edited",
        goal,
        wijk=contract.wijk,
        before=before,
        after={"title": goal.title, "target": str(goal.target), "deadline": str(goal.deadline)},
    )


def remove_goal(goal: Goal, *, actor: User) -> None:
    contract = goal.contract
    require_writer(actor, contract)
    require_editable(contract)
    contract.goals.remove(goal)
    for position, kept in enumerate(contract.goals):
        kept.position = position
    log_event(
        actor, "contract.goal_removed", contract, wijk=contract.wijk, before={"title": goal.title}
    )


def add_commitment(
    goal: Goal, party: Party, description: str, due_on: date, *, actor: User
) -> Commitment:
    contract = goal.contract
    require_writer(actor, contract)
    require_editable(contract)
    if party.contract is not contract:
        raise DomainError(_l("Who does it must be a party to this contract."))
    if len(goal.commitments) >= MAX_COMMITMENTS:
        raise DomainError(
            lazy_ngettext(
                "A goal has at most {count} commitment.",
                "A goal has at most {count} commitments.",
                MAX_COMMITMENTS,
            ),
            count=MAX_COMMITMENTS,
        )
    if due_on.year < contract.year:
        raise DomainError(_l("The date must be in {year} or later."), year=contract.year)
    commitment = Commitment(
        position=len(goal.commitments),
        party=party,
        description=clean_text(description, _l("Say what the party will do.")),
        due_on=due_on,
    )
    goal.commitments.append(commitment)
    db.session.flush()
    log_event(
        actor,
        "contract.commitment_added",
        commitment,
        wijk=contract.wijk,
        after={"party": party.name},
    )
    return commitment


def remove_commitment(commitment: Commitment, *, actor: User) -> None:
    goal = commitment.goal
    require_writer(actor, goal.contract)
    require_editable(goal.contract)
    goal.commitments.remove(commitment)
    log_event(actor, "contract.commitment_removed", goal, wijk=goal.contract.wijk)


def publish_for_comments(
    contract: Contract, comments_close_on: date, *, actor: User, now: datetime | None = None
) -> None:
    """Make the draft public; residents comment until the end of `comments_close_on`."""
    require_writer(actor, contract)
    now = now or utcnow()
    if contract.status is not ContractStatus.draft:
        raise DomainError(_l("This draft is already published."))
    if not contract.goals:
        raise DomainError(_l("Write at least one goal first."))
    kinds = {p.kind for p in contract.parties}
    if PartyKind.bewonersraad not in kinds or len(contract.parties) < 2:
        raise DomainError(_l("A buurtcontract has the bewonersraad and at least one other party."))
    closes_at = comments_close_at(comments_close_on, now, MIN_COMMENT_DAYS)
    contract.status = ContractStatus.consultation
    contract.comments_close_at = closes_at
    log_event(
        actor,
        "contract.published",
        contract,
        wijk=contract.wijk,
        after={"comments_close_at": closes_at.isoformat()},
    )


def comment_on_draft(
    contract: Contract, body: str, *, author: User, now: datetime | None = None
) -> ContractComment:
    if not is_member(author):
        raise DomainError(_l("Sign in to comment"))
    if not comments_are_open(contract, now):
        raise DomainError(_l("The comment period of this draft is closed."))
    comment = ContractComment(
        contract=contract, author=author, body=clean_text(body, _l("Write your comment."), 2000)
    )
    db.session.add(comment)
    return comment
