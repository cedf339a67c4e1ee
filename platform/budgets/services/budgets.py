"""Preparing, publishing and correcting a buurtbegroting.

While a budget is a draft its lines change freely (the audit log keeps each change). Once
published, every change is a public correction with a reason: `change_line` and the
imports write a `BudgetCorrection` and a public audit entry, never a silent edit.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from sqlalchemy import select, update

from samenhang.accounts.models import User
from samenhang.audit.services import log_event
from samenhang.budgets import queries
from samenhang.budgets.models import (
    Budget,
    BudgetCorrection,
    BudgetImport,
    BudgetStatus,
    LineItem,
    LineOrigin,
    Source,
)
from samenhang.campaigns.models import LISTED_STATUSES, Campaign
from samenhang.contracts import queries as contract_queries
from samenhang.contracts import services as contracts
from samenhang.contracts.models import ContractStatus, Goal
from samenhang.db import utcnow
from samenhang.errors import DomainError
from samenhang.extensions import db
from samenhang.initiatives.models import Initiative, Theme
from samenhang.ledger.money import MAX_CENTS
from samenhang.places.models import Wijk
from samenhang.policies import (
    can_view_campaign,
    can_view_initiative,
    can_view_pot,
    can_view_round,
    require_manager,
)
from samenhang.voting.models import Round
from samenhang.vouchers.models import Pot

MAX_REASON_LENGTH = 2000
#: Residents' own initiatives: the theme a pot's line starts with (the manager may change it).
POT_THEME = Theme.meedoen


@dataclass(frozen=True)
class LineData:
    """A line as the wijkmanager edits it. Amounts only for imported lines."""

    theme: Theme
    source: Source
    source_name: str
    title: str
    description: str
    is_public_task: bool
    planned_cents: int | None = None
    actual_cents: int | None = None
    initiative_id: int | None = None
    #: The campaign an imported line pays for (a platform line's campaign is its money).
    campaign_id: int | None = None
    #: The buurtcontract goal the line serves (any line); kept as a goal link.
    goal_id: int | None = None


def clean_reason(budget: Budget, reason: str) -> str:
    reason = (reason or "").strip()
    if budget.is_published and not reason:
        raise DomainError(
            _l("This buurtbegroting is published: say why you correct it. The reason is public.")
        )
    if len(reason) > MAX_REASON_LENGTH:
        raise DomainError(
            lazy_ngettext(
                "At most {count} character.", "At most {count} characters.", MAX_REASON_LENGTH
            ),
            count=MAX_REASON_LENGTH,
        )
    return reason


def record_change(
    budget: Budget,
    line: LineItem | None,
    changes: list[dict[str, Any]],
    *,
    actor: User | None,
    reason: str,
) -> BudgetCorrection | None:
    """Log a change; on a published budget it is also a public correction."""
    if budget.is_published:
        correction = BudgetCorrection(
            budget=budget, line=line, reason=reason, changes=changes, created_by=actor
        )
        db.session.add(correction)
        db.session.flush()
        log_event(
            actor,
            "budget.corrected",
            budget,
            wijk=budget.wijk,
            after={"line_id": line.id if line else None, "reason": reason, "changes": changes},
            public=True,
        )
        return correction
    log_event(
        actor,
        "budget.line_changed",
        budget,
        wijk=budget.wijk,
        after={"line_id": line.id if line else None, "changes": changes},
    )
    return None


def diff(line: LineItem, values: dict[str, Any]) -> list[dict[str, Any]]:
    """The fields of `line` that `values` changes, before and after (enums as their value)."""

    def plain(value: Any) -> Any:
        return getattr(value, "value", value)

    return [
        {"field": name, "before": plain(getattr(line, name)), "after": plain(value)}
        for name, value in values.items()
        if getattr(line, name) != value
    ]


def added(line: LineItem) -> list[dict[str, Any]]:
    return [{"field": "line", "before": None, "after": line.title}]


def check_initiative(wijk: Wijk, initiative_id: int | None) -> Initiative | None:
    """An initiative a line may link to: one of the wijk that anyone may see."""
    if initiative_id is None:
        return None
    initiative = db.session.get(Initiative, initiative_id)
    if (
        initiative is None
        or initiative.wijk_id != wijk.id
        or not can_view_initiative(None, initiative)
    ):
        raise DomainError(
            _l("There is no public initiative {number} in this wijk."), number=initiative_id
        )
    return initiative


def check_campaign(wijk: Wijk, campaign_id: int | None) -> Campaign | None:
    """A campaign a line may link to: one of the wijk that anyone may see."""
    if campaign_id is None:
        return None
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None or campaign.wijk_id != wijk.id or not can_view_campaign(None, campaign):
        raise DomainError(
            _l("There is no public campaign {number} in this wijk."), number=campaign_id
        )
    return campaign


def check_goal(wijk: Wijk, goal_id: int | None) -> Goal | None:
    """A goal a line may serve: one of the wijk's buurtcontract that is not replaced."""
    if goal_id is None:
        return None
    goal = db.session.get(Goal, goal_id)
    if (
        goal is None
        or goal.contract.wijk_id != wijk.id
        or goal.contract.status is ContractStatus.superseded
    ):
        raise DomainError(
            _l("There is no goal {number} in the buurtcontract of this wijk."), number=goal_id
        )
    return goal


# --- budgets ------------------------------------------------------------------------------


def create_budget(wijk: Wijk, year: int, *, actor: User, intro: str = "") -> Budget:
    """A draft buurtbegroting for `year`, with the platform's money of that year in it."""
    require_manager(actor, wijk)
    if not 2000 <= year <= 2100:
        raise DomainError(_l("This is not a valid year."))
    if queries.budget_for(wijk, year) is not None:
        raise DomainError(
            _l("{wijk} already has a buurtbegroting for {year}."), wijk=wijk.name, year=year
        )
    budget = Budget(wijk=wijk, year=year, intro=intro.strip(), created_by=actor)
    db.session.add(budget)
    db.session.flush()
    log_event(actor, "budget.created", budget, wijk=wijk, after={"year": year})
    add_platform_lines(budget, actor=actor)
    return budget


def update_intro(budget: Budget, intro: str, *, actor: User, reason: str = "") -> None:
    require_manager(actor, budget.wijk)
    intro = intro.strip()
    if intro == budget.intro:
        return
    reason = clean_reason(budget, reason)
    changes = [{"field": "intro", "before": budget.intro, "after": intro}]
    budget.intro = intro
    record_change(budget, None, changes, actor=actor, reason=reason)


def publish_budget(budget: Budget, *, actor: User) -> None:
    """Make the draft public, with every platform budget of the year in it."""
    require_manager(actor, budget.wijk)
    add_platform_lines(budget, actor=actor)
    db.session.flush()
    if not budget.lines:
        raise DomainError(_l("Add lines before you publish: import a file first."))
    now = utcnow()
    # Conditional, so a second click or a second manager publishes nothing twice.
    result = db.session.execute(
        update(Budget)
        .where(Budget.id == budget.id, Budget.status == BudgetStatus.draft)
        .values(status=BudgetStatus.published, published_at=now, published_by_id=actor.id)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise DomainError(_l("This buurtbegroting is already published."))
    db.session.expire(budget)
    log_event(
        actor,
        "budget.published",
        budget,
        wijk=budget.wijk,
        after={"year": budget.year, "lines": len(budget.lines)},
        public=True,
    )


# --- lines from the platform --------------------------------------------------------------


def round_year(round_: Round) -> int:
    """The budget year of a wijkstemdag round: the year it votes (or was made)."""
    return round_.voting_on.year if round_.voting_on else round_.created_at.year


def campaign_year(campaign: Campaign) -> int:
    """The budget year of a campaign: the year of its deadline, when the money is in."""
    return campaign.deadline_at.year


@dataclass(frozen=True)
class Candidates:
    """Money of the wijk and year that runs through the platform and has no line yet."""

    pots: list[Pot]
    rounds: list[Round]
    campaigns: list[Campaign]

    @property
    def names(self) -> list[str]:
        return (
            [p.name for p in self.pots]
            + [r.title for r in self.rounds]
            + [c.title for c in self.campaigns]
        )

    def __bool__(self) -> bool:
        return bool(self.pots or self.rounds or self.campaigns)


def platform_candidates(budget: Budget) -> Candidates:
    """Public pots, rounds and campaigns of the wijk and year that no line holds yet.
    Imported rounds are left out: their money never ran through the platform. A campaign's
    crowdfunding is counted once, by its platform line; imported lines that link to it
    only say what they pay for."""
    linked_pots = select(LineItem.pot_id).where(LineItem.pot_id.is_not(None))
    linked_rounds = select(LineItem.round_id).where(LineItem.round_id.is_not(None))
    linked_campaigns = select(LineItem.campaign_id).where(
        LineItem.campaign_id.is_not(None), LineItem.origin == LineOrigin.platform
    )
    pots = db.session.scalars(
        select(Pot)
        .where(Pot.wijk_id == budget.wijk_id, Pot.year == budget.year, Pot.id.not_in(linked_pots))
        .order_by(Pot.id)
    )
    rounds = db.session.scalars(
        select(Round)
        .where(
            Round.wijk_id == budget.wijk_id,
            Round.imported_pb.is_(None),
            Round.id.not_in(linked_rounds),
        )
        .order_by(Round.id)
    )
    campaigns = db.session.scalars(
        select(Campaign)
        .where(
            Campaign.wijk_id == budget.wijk_id,
            Campaign.status.in_(LISTED_STATUSES),
            Campaign.id.not_in(linked_campaigns),
        )
        .order_by(Campaign.id)
    )
    return Candidates(
        [p for p in pots if can_view_pot(None, p)],
        [r for r in rounds if can_view_round(None, r) and round_year(r) == budget.year],
        [c for c in campaigns if campaign_year(c) == budget.year],
    )


def _round_theme(round_: Round) -> Theme:
    """The theme most of the round's money went to (or would go to), by its projects'
    initiatives; residents' taking part when none is linked."""
    weights: dict[Theme, int] = defaultdict(int)
    for project in round_.accepted_projects:
        if project.initiative is not None:
            for theme in project.initiative.theme_values:
                weights[Theme(theme)] += project.cost_cents
    if not weights:
        return Theme.meedoen
    return max(Theme, key=lambda t: (weights.get(t, 0), -list(Theme).index(t)))


def _initiative_theme(campaign: Campaign) -> Theme:
    """A campaign's line starts with its initiative's first theme (the manager may change
    it); residents' taking part when it has none."""
    themes = campaign.initiative.theme_values
    return Theme(themes[0]) if themes else Theme.meedoen


def add_platform_lines(budget: Budget, *, actor: User, reason: str = "") -> list[LineItem]:
    """A line for each public pot and round of the year that has none yet. Their theme and
    source are derived from what they pay for; the figures stay in the ledger."""
    require_manager(actor, budget.wijk)
    found = platform_candidates(budget)
    if not found:
        return []
    reason = clean_reason(budget, reason)
    municipality = budget.wijk.municipality.name
    drafts = (
        [
            {
                "theme": POT_THEME,
                "source": Source(pot.source_kind.value),
                "source_name": pot.source_name,
                "title": pot.name,
                "description": pot.description,
                "pot": pot,
            }
            for pot in found.pots
        ]
        + [
            {
                "theme": _round_theme(round_),
                "source": Source.gemeente,
                # The funder's own (Dutch) name, stored as data, not translated.
                "source_name": f"Gemeente {municipality}",
                "title": round_.title,
                "round": round_,
            }
            for round_ in found.rounds
        ]
        + [
            {
                "theme": _initiative_theme(campaign),
                "source": Source.crowdfunding,
                # Data, like the funders' names above: who gave is the neighbourhood itself.
                "source_name": "Steun via Samenhang",
                "title": campaign.title,
                "campaign": campaign,
            }
            for campaign in found.campaigns
        ]
    )
    position = queries.next_position(budget)
    new = []
    for offset, values in enumerate(drafts):
        line = LineItem(
            budget=budget, origin=LineOrigin.platform, position=position + offset, **values
        )
        db.session.add(line)
        new.append(line)
    db.session.flush()
    for line in new:
        record_change(budget, line, added(line), actor=actor, reason=reason)
    return new


# --- editing a line -----------------------------------------------------------------------


def change_line(line: LineItem, data: LineData, *, actor: User, reason: str = "") -> bool:
    """Change a line; returns whether anything changed. A platform line's figures are the
    ledger's and cannot be typed."""
    budget = line.budget
    require_manager(actor, budget.wijk)
    title, source_name = data.title.strip(), data.source_name.strip()
    if not title or not source_name:
        raise DomainError(_l("A line needs a description and who gives the money."))
    values: dict[str, Any] = {
        "theme": data.theme,
        "source": data.source,
        "source_name": source_name[:200],
        "title": title[:200],
        "description": data.description.strip(),
        "is_public_task": data.is_public_task,
    }
    if not line.is_from_platform:
        if data.planned_cents is None:
            raise DomainError(_l("Fill in the planned amount."))
        for amount in (data.planned_cents, data.actual_cents):
            if amount is not None and not 0 <= amount <= MAX_CENTS:
                raise DomainError(_l("This amount is too large."))
        check_initiative(budget.wijk, data.initiative_id)
        check_campaign(budget.wijk, data.campaign_id)
        values.update(
            planned_cents=data.planned_cents,
            actual_cents=data.actual_cents,
            initiative_id=data.initiative_id,
            campaign_id=data.campaign_id,
        )
    goal = check_goal(budget.wijk, data.goal_id)
    changes = diff(line, values) + goal_change(line, goal)
    if not changes:
        return False
    reason = clean_reason(budget, reason)
    for name, value in values.items():
        setattr(line, name, value)
    db.session.flush()
    db.session.expire(line, ["initiative", "campaign"])
    contracts.serve_goal(line, goal, actor=actor)
    record_change(budget, line, changes, actor=actor, reason=reason)
    return True


def goal_change(line: LineItem, goal: Goal | None) -> list[dict[str, Any]]:
    """The change of the goal a line serves, in the form of `diff`."""
    before = contract_queries.served_goal(line)
    if before is goal or (before and goal and contract_queries.same_goal(before, goal)):
        return []
    return [
        {
            "field": "goal_id",
            "before": before.id if before else None,
            "after": goal.id if goal else None,
        }
    ]


def apply_row_values(
    line: LineItem, values: dict[str, Any], budget_import: BudgetImport
) -> list[dict[str, Any]]:
    """Set an imported row's values on its line; returns what changed."""
    changes = diff(line, values)
    for name, value in values.items():
        setattr(line, name, value)
    if changes:
        line.budget_import = budget_import
        # The related objects follow their ids at the next load.
        db.session.flush()
        db.session.expire(line, ["initiative", "campaign"])
    return changes
