"""Reading the buurtcontract: versions per year, goals with their history, who acts for a
party, what can be linked to a goal, and the progress chart."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from samenhang.accounts.models import User
from samenhang.budgets.models import Budget, BudgetStatus, LineItem
from samenhang.campaigns.models import LISTED_STATUSES, Campaign
from samenhang.charts import LineChart, Series, line_chart
from samenhang.contracts.models import (
    BewonersraadMember,
    Commitment,
    Contract,
    ContractStatus,
    Follower,
    Goal,
    GoalLink,
    Party,
    PartyKind,
    Progress,
    Question,
)
from samenhang.contracts.units import format_value
from samenhang.db import utcnow
from samenhang.extensions import db
from samenhang.initiatives.models import PUBLIC_STATES, Initiative
from samenhang.places.models import Wijk
from samenhang.policies import can_view_contract, is_pot_public
from samenhang.voting.models import Phase, Round
from samenhang.vouchers.models import Pot


def members(wijk: Wijk) -> list[User]:
    stmt = (
        select(User)
        .join(BewonersraadMember, BewonersraadMember.user_id == User.id)
        .where(BewonersraadMember.wijk_id == wijk.id, User.is_deleted.is_(False))
        .order_by(User.display_name)
    )
    return list(db.session.scalars(stmt))


def active_user_by_email(email: str) -> User | None:
    return db.session.scalar(
        select(User).where(User.email == email.strip().lower(), User.is_deleted.is_(False))
    )


def user_by_id(user_id: int) -> User | None:
    return db.session.get(User, user_id)


# --- versions -----------------------------------------------------------------------------


def versions(wijk: Wijk, year: int) -> list[Contract]:
    """Every version of the year's contract, oldest first."""
    stmt = (
        select(Contract)
        .where(Contract.wijk_id == wijk.id, Contract.year == year)
        .order_by(Contract.version)
        .options(selectinload(Contract.parties), selectinload(Contract.goals))
    )
    return list(db.session.scalars(stmt))


def shown_version(found: list[Contract], user: Any) -> Contract | None:
    """The version a reader sees first: the one in force, else the newest they may see."""
    for contract in found:
        if contract.status is ContractStatus.signed:
            return contract
    visible = [c for c in found if can_view_contract(user, c)]
    return visible[-1] if visible else None


@dataclass(frozen=True)
class Year:
    year: int
    shown: Contract
    #: A newer version than the one shown, still being written or signed.
    pending: Contract | None


def years(wijk: Wijk, user: Any) -> list[Year]:
    """The wijk's contracts per year, newest year first, as `user` may see them."""
    stmt = (
        select(Contract)
        .where(Contract.wijk_id == wijk.id)
        .order_by(Contract.year.desc(), Contract.version)
    )
    by_year: dict[int, list[Contract]] = {}
    for contract in db.session.scalars(stmt):
        by_year.setdefault(contract.year, []).append(contract)
    result = []
    for year, found in by_year.items():
        shown = shown_version(found, user)
        if shown is None:
            continue
        newer = [c for c in found if c.version > shown.version and can_view_contract(user, c)]
        result.append(Year(year, shown, newer[-1] if newer else None))
    return result


def version(wijk: Wijk, year: int, number: int) -> Contract | None:
    return db.session.scalar(
        select(Contract).where(
            Contract.wijk_id == wijk.id, Contract.year == year, Contract.version == number
        )
    )


def comments_are_open(contract: Contract, now: datetime | None = None) -> bool:
    return (
        contract.status is ContractStatus.consultation
        and contract.comments_close_at is not None
        and (now or utcnow()) <= contract.comments_close_at
    )


def is_following(user: Any, wijk: Wijk) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return db.session.get(Follower, (wijk.id, user.id)) is not None


# --- parts of a contract ------------------------------------------------------------------


def goal_by_id(goal_id: int) -> Goal | None:
    return db.session.get(Goal, goal_id)


def party_by_id(party_id: int) -> Party | None:
    return db.session.get(Party, party_id)


def commitment_by_id(commitment_id: int) -> Commitment | None:
    return db.session.get(Commitment, commitment_id)


def question_by_id(question_id: int) -> Question | None:
    return db.session.get(Question, question_id)


def link_by_id(link_id: int) -> GoalLink | None:
    return db.session.get(GoalLink, link_id)


def progress_by_photo(name: str) -> Progress | None:
    return db.session.scalar(select(Progress).where(Progress.photo_name == name))


def newer_goal(goal: Goal) -> Goal | None:
    """The goal that amends this one in a later version, if any."""
    return db.session.scalar(select(Goal).where(Goal.amends_id == goal.id))


def history(goal: Goal) -> list[Progress]:
    """Progress given on this goal and on the goals it amends, oldest first."""
    found = [p for g in goal.lineage for p in g.progress]
    return sorted(found, key=lambda p: (p.measured_on, p.id))


def latest_progress(goal: Goal) -> Progress | None:
    found = history(goal)
    return found[-1] if found else None


def questions(goal: Goal) -> list[Question]:
    found = [q for g in goal.lineage for q in g.questions]
    return sorted(found, key=lambda q: q.id)


def people_of(party: Party) -> list[User]:
    """Everyone who may act for the party: authorised users, and the bewonersraad's members
    or the wijk's managers for those parties."""
    wijk = party.contract.wijk
    people = {s.user.id: s.user for s in party.signatories}
    if party.kind is PartyKind.bewonersraad:
        people.update({u.id: u for u in members(wijk)})
    if party.kind is PartyKind.gemeente:
        people.update({u.id: u for u in wijk.managers})
    return sorted((u for u in people.values() if u.is_active), key=lambda u: u.display_name)


@dataclass(frozen=True)
class Linkable:
    initiatives: list[Initiative]
    rounds: list[Round]
    pots: list[Pot]
    campaigns: list[Campaign]
    lines: list[LineItem]


def linkable(wijk: Wijk) -> Linkable:
    """The wijk's public initiatives, stemdag rounds, pots, campaigns and lines of published
    buurtbegrotingen, to link to a goal."""
    initiatives = db.session.scalars(
        select(Initiative)
        .where(Initiative.wijk_id == wijk.id, Initiative.state.in_(PUBLIC_STATES))
        .order_by(Initiative.title)
    )
    rounds = db.session.scalars(
        select(Round).where(Round.wijk_id == wijk.id, Round.phase != Phase.draft).order_by(Round.id)
    )
    pots = [
        p
        for p in db.session.scalars(select(Pot).where(Pot.wijk_id == wijk.id).order_by(Pot.id))
        if is_pot_public(p)
    ]
    campaigns = db.session.scalars(
        select(Campaign)
        .where(Campaign.wijk_id == wijk.id, Campaign.status.in_(LISTED_STATUSES))
        .order_by(Campaign.title)
    )
    lines = db.session.scalars(
        select(LineItem)
        .join(LineItem.budget)
        .where(Budget.wijk_id == wijk.id, Budget.status == BudgetStatus.published)
        .order_by(Budget.year.desc(), LineItem.position)
    )
    return Linkable(list(initiatives), list(rounds), pots, list(campaigns), list(lines))


def initiative_by_id(initiative_id: int) -> Initiative | None:
    return db.session.get(Initiative, initiative_id)


def round_by_id(round_id: int) -> Round | None:
    return db.session.get(Round, round_id)


def pot_by_id(pot_id: int) -> Pot | None:
    return db.session.get(Pot, pot_id)


def campaign_by_id(campaign_id: int) -> Campaign | None:
    return db.session.get(Campaign, campaign_id)


def line_by_id(line_id: int) -> LineItem | None:
    return db.session.get(LineItem, line_id)


# --- the progress chart -------------------------------------------------------------------


def progress_chart(goal: Goal, progress: Iterable[Progress]) -> LineChart:
    """The measured values over time from the baseline, with the target as a line."""
    start = date(goal.contract.year, 1, 1)
    values: dict[int, Any] = {start.toordinal(): goal.baseline}
    for p in progress:
        values[p.measured_on.toordinal()] = p.value
    ticks = sorted(values)
    if goal.deadline.toordinal() not in values:
        ticks.append(goal.deadline.toordinal())
    return line_chart(
        [Series(goal.indicator, "series-wijk", values)],
        x_text=lambda x: format_date(date.fromordinal(x), "d MMM yy"),
        y_text=lambda v: format_value(v, goal.unit),
        references=[(goal.target, "reference-target", _("Target"))],
        x_ticks=[ticks[0], ticks[-1]] if len(ticks) > 1 else ticks,
    )


# --- what serves a goal ----------------------------------------------------------------


def current_links(line: LineItem) -> list[GoalLink]:
    """The line's links to goals of contracts that are not replaced by an amendment."""
    found = db.session.scalars(
        select(GoalLink)
        .join(GoalLink.goal)
        .join(Goal.contract)
        .where(GoalLink.line_id == line.id, Contract.status != ContractStatus.superseded)
        .order_by(GoalLink.id)
    )
    return list(found)


def goals_to_serve(wijk: Wijk) -> list[Goal]:
    """Goals a buurtbegroting line of the wijk may serve: those of its contracts that no
    amendment replaced, newest year first."""
    stmt = (
        select(Goal)
        .join(Goal.contract)
        .where(Contract.wijk_id == wijk.id, Contract.status != ContractStatus.superseded)
        .order_by(Contract.year.desc(), Contract.version.desc(), Goal.position)
    )
    return list(db.session.scalars(stmt))


def same_goal(a: Goal, b: Goal) -> bool:
    """The same goal, perhaps in another version of the contract (an amendment)."""
    return a is b or a in b.lineage or b in a.lineage


def served_goal(line: LineItem) -> Goal | None:
    """The buurtcontract goal a buurtbegroting line pays for (at most one, see `link`)."""
    links = current_links(line)
    return links[-1].goal if links else None


def goals_served_by(
    target: Initiative | Round | Pot | Campaign | LineItem, user: Any
) -> list[Goal]:
    """The goals `target` serves that `user` may see, newest contract first: for the
    "serves buurtcontract goal" notice on its page."""
    column = {
        Initiative: GoalLink.initiative_id,
        Round: GoalLink.round_id,
        Pot: GoalLink.pot_id,
        Campaign: GoalLink.campaign_id,
        LineItem: GoalLink.line_id,
    }[type(target)]
    goals = db.session.scalars(
        select(Goal)
        .join(GoalLink, GoalLink.goal_id == Goal.id)
        .join(Goal.contract)
        .where(column == target.id, Contract.status != ContractStatus.superseded)
        .order_by(Contract.year.desc(), Goal.position)
    )
    return [g for g in goals if can_view_contract(user, g.contract)]
