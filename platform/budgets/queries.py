"""Reading the buurtbegroting: each line's figures, totals and breakdowns, comparisons.

Figures of a platform line come from the ledger, never from a typed amount:

- its *internal* accounts are where the line's money waits: a pot's source, the pot itself,
  its reservations and its voucher batches; a wijkstemdag round's source;
- *actual* is what left them for good: to initiatives and suppliers, net of money returned,
  which is minus the sum of every journal line on the internal accounts;
- *planned* is what the source gave the pot (minus its source's lines), or a round's budget.

Every euro that reaches a spending account of the wijk (kind `initiative` or `payee`) left
the internal accounts of exactly one line, so the actuals of a wijk's platform lines add up
to those accounts' balances: `ledger_spent_cents` is that check.

A campaign's crowdfunding is a platform line too (source crowdfunding): its money waits in
the campaign's account, *planned* is the campaign's goal and *actual* what was paid out to
the initiative. When a pot matches gifts, a matched euro moves pot → campaign → initiative:
it is counted once, as the pot's, when the campaign pays it out (matched money counts as
paid out first); until then it waits, and the pot's actual leaves it out.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select

from samenhang.budgets.models import (
    Budget,
    BudgetStatus,
    Challenge,
    ChallengeStatus,
    LineItem,
    LineOrigin,
    Source,
)
from samenhang.campaigns.models import BookingKind, Campaign
from samenhang.extensions import db
from samenhang.initiatives.models import Theme
from samenhang.ledger.models import AccountKind, JournalEntry, JournalLine, LedgerAccount
from samenhang.places.models import Municipality, Wijk

#: Accounts where money has been spent: it left the wijk's budgets.
SPENDING_KINDS = (AccountKind.initiative, AccountKind.payee)
#: Ledger objects a payment can link to on the page.
LINKED_OBJECTS = ("pot_applications", "stemdag_projects")


@dataclass(frozen=True)
class LineFigures:
    line: LineItem
    planned_cents: int
    #: None while an imported line's spending is not reported.
    actual_cents: int | None


@dataclass(frozen=True)
class Share:
    """One bar of a breakdown: a theme or a source, or a year or a wijk."""

    key: Any
    planned_cents: int
    actual_cents: int


@dataclass
class BudgetFigures:
    budget: Budget
    lines: list[LineFigures]

    @property
    def planned_cents(self) -> int:
        return sum(f.planned_cents for f in self.lines)

    @property
    def actual_cents(self) -> int:
        return sum(f.actual_cents or 0 for f in self.lines)

    @property
    def unknown_actuals(self) -> int:
        """Lines whose spending is not reported yet (counted as zero in the totals)."""
        return sum(1 for f in self.lines if f.actual_cents is None)

    @property
    def platform_actual_cents(self) -> int:
        return sum(f.actual_cents or 0 for f in self.lines if f.line.is_from_platform)

    def by(self, attribute: str, order: Iterable[Any]) -> list[Share]:
        """Totals per theme or source, in the enum's order; only those with money."""
        planned: dict[Any, int] = defaultdict(int)
        actual: dict[Any, int] = defaultdict(int)
        for f in self.lines:
            key = getattr(f.line, attribute)
            planned[key] += f.planned_cents
            actual[key] += f.actual_cents or 0
        return [Share(k, planned[k], actual[k]) for k in order if planned[k] or actual[k]]

    @property
    def by_theme(self) -> list[Share]:
        return self.by("theme", Theme)

    @property
    def by_source(self) -> list[Share]:
        return self.by("source", Source)


# --- the ledger side ------------------------------------------------------------------------


def internal_account_ids(line: LineItem) -> list[int]:
    """The ledger accounts where the line's money waits until it is spent."""
    if line.pot is not None:
        pot = line.pot
        return [
            pot.source_account_id,
            pot.account_id,
            *(a.reservation_account_id for a in pot.applications if a.reservation_account_id),
            *(batch.account_id for batch in pot.batches),
        ]
    if line.round is not None and line.round.ledger_account_id is not None:
        return [line.round.ledger_account_id]
    if line.is_from_platform and line.campaign is not None:
        return [line.campaign.account_id]
    return []


def _sums(account_ids: Iterable[int]) -> dict[int, int]:
    """The sum of every journal line per account: the ledger itself, not a cached balance."""
    ids = sorted(set(account_ids))
    if not ids:
        return {}
    stmt = (
        select(JournalLine.account_id, func.sum(JournalLine.amount_cents))
        .where(JournalLine.account_id.in_(ids))
        .group_by(JournalLine.account_id)
    )
    return {account_id: int(total) for account_id, total in db.session.execute(stmt)}


@dataclass(frozen=True)
class CampaignMoney:
    """A campaign's money as its account's journal lines say."""

    #: What matchfunding pots put in, less what went back to them.
    matched_cents: int
    #: What was paid out to the initiative.
    paid_out_cents: int

    @property
    def matched_paid_out_cents(self) -> int:
        """The pot's part of the payouts: matched money is paid out first."""
        return min(self.matched_cents, self.paid_out_cents)

    @property
    def matched_waiting_cents(self) -> int:
        return self.matched_cents - self.matched_paid_out_cents

    @property
    def crowdfunding_paid_out_cents(self) -> int:
        return self.paid_out_cents - self.matched_paid_out_cents


def campaign_money(campaigns: Iterable[Campaign]) -> dict[int, CampaignMoney]:
    """Per campaign id, from one query over the campaigns' accounts."""
    by_account = {c.account_id: c.id for c in campaigns}
    if not by_account:
        return {}
    match_kinds = (BookingKind.matched.value, BookingKind.match_released.value)
    stmt = (
        select(JournalLine.account_id, JournalEntry.kind, func.sum(JournalLine.amount_cents))
        .join(JournalLine.entry)
        .where(
            JournalLine.account_id.in_(sorted(by_account)),
            JournalEntry.kind.in_((*match_kinds, BookingKind.paid_out.value)),
        )
        .group_by(JournalLine.account_id, JournalEntry.kind)
    )
    matched: dict[int, int] = defaultdict(int)
    paid: dict[int, int] = defaultdict(int)
    for account_id, kind, total in db.session.execute(stmt):
        if kind in match_kinds:
            matched[by_account[account_id]] += int(total)
        else:
            paid[by_account[account_id]] -= int(total)
    return {i: CampaignMoney(matched[i], paid[i]) for i in by_account.values()}


def _matched_by(pots: Iterable[Any]) -> dict[int, list[Campaign]]:
    """The campaigns each pot matches gifts for."""
    ids = sorted({p.id for p in pots})
    if not ids:
        return {}
    found: dict[int, list[Campaign]] = defaultdict(list)
    for campaign in db.session.scalars(
        select(Campaign).where(Campaign.match_pot_id.in_(ids)).order_by(Campaign.id)
    ):
        assert campaign.match_pot_id is not None
        found[campaign.match_pot_id].append(campaign)
    return found


def _platform_figures(lines: list[LineItem]) -> dict[int, tuple[int, int]]:
    """(planned, actual) of each platform line, from one query over all their accounts."""
    internal = {line.id: internal_account_ids(line) for line in lines}
    sums = _sums(i for ids in internal.values() for i in ids)
    matched_by = _matched_by(line.pot for line in lines if line.pot is not None)
    campaigns = [c for found in matched_by.values() for c in found]
    campaigns += [line.campaign for line in lines if line.campaign is not None]
    money = campaign_money(campaigns)
    figures = {}
    for line in lines:
        actual = -sum(sums.get(i, 0) for i in internal[line.id])
        if line.pot is not None:
            planned = -sums.get(line.pot.source_account_id, 0)
            actual -= sum(
                money[c.id].matched_waiting_cents for c in matched_by.get(line.pot.id, [])
            )
        elif line.round is not None:
            planned = line.round.budget_cents
        else:
            assert line.campaign is not None
            planned = line.campaign.goal_cents
            actual = money[line.campaign.id].crowdfunding_paid_out_cents
        figures[line.id] = (planned, actual)
    return figures


def budget_figures(budget: Budget) -> BudgetFigures:
    platform = _platform_figures([line for line in budget.lines if line.is_from_platform])
    lines = []
    for line in budget.lines:
        if line.is_from_platform:
            planned, actual = platform[line.id]
            lines.append(LineFigures(line, planned, actual))
        else:
            lines.append(LineFigures(line, line.planned_cents or 0, line.actual_cents))
    return BudgetFigures(budget, lines)


def line_figures(line: LineItem) -> LineFigures:
    if line.is_from_platform:
        planned, actual = _platform_figures([line])[line.id]
        return LineFigures(line, planned, actual)
    return LineFigures(line, line.planned_cents or 0, line.actual_cents)


@dataclass(frozen=True)
class Payment:
    """Where money of a platform line went, net per receiving account."""

    account_name: str
    account_kind: AccountKind
    amount_cents: int
    #: The ledger object the money was for (an application, a stemdag project), if any.
    object_type: str | None = None
    object_id: int | None = None


def payments(line: LineItem) -> list[Payment]:
    """What a platform line paid for: the ledger lines on accounts outside the line's own,
    in entries that touched the line's accounts. They add up to the line's actual."""
    internal = internal_account_ids(line)
    if not internal:
        return []
    if line.campaign is not None and line.is_from_platform:
        return _campaign_payments(line.campaign)
    # Matched money counts when the campaign pays it out (see the module's docstring).
    pots = [line.pot] if line.pot is not None else []
    matched = {c.account_id: c for c in _matched_by(pots).get(line.pot_id or 0, [])}
    money = campaign_money(matched.values())
    touching = select(JournalLine.entry_id).where(JournalLine.account_id.in_(internal))
    stmt = (
        select(
            LedgerAccount.id,
            LedgerAccount.name,
            LedgerAccount.kind,
            JournalEntry.object_type,
            JournalEntry.object_id,
            func.sum(JournalLine.amount_cents),
        )
        .join(JournalLine.account)
        .join(JournalLine.entry)
        .where(JournalLine.entry_id.in_(touching), JournalLine.account_id.not_in(internal))
        .group_by(
            LedgerAccount.id,
            LedgerAccount.name,
            LedgerAccount.kind,
            JournalEntry.object_type,
            JournalEntry.object_id,
        )
        .order_by(LedgerAccount.id)
    )
    totals: dict[int, int] = defaultdict(int)
    about: dict[int, tuple[str, AccountKind, str | None, int | None]] = {}
    for account_id, name, kind, object_type, object_id, amount in db.session.execute(stmt):
        totals[account_id] += int(amount)
        linked = object_type in LINKED_OBJECTS and object_id is not None
        if account_id not in about or (linked and about[account_id][2] is None):
            about[account_id] = (
                name,
                AccountKind(kind),
                object_type if linked else None,
                int(object_id) if linked else None,
            )
    for account_id, campaign in matched.items():
        if account_id in totals:
            totals[account_id] -= money[campaign.id].matched_waiting_cents
            name, kind, _type, _id = about[account_id]
            about[account_id] = (name, kind, "campaigns", campaign.id)
    return [
        Payment(about[i][0], about[i][1], totals[i], about[i][2], about[i][3])
        for i in sorted(totals)
        if totals[i]
    ]


def _campaign_payments(campaign: Campaign) -> list[Payment]:
    """What a campaign's crowdfunding paid: its part of the payouts to the initiative."""
    amount = campaign_money([campaign])[campaign.id].crowdfunding_paid_out_cents
    account = campaign.initiative_account
    if not amount or account is None:
        return []
    return [Payment(account.name, AccountKind(account.kind), amount, "campaigns", campaign.id)]


def ledger_spent_cents(wijk: Wijk) -> int:
    """What the ledger says reached the wijk's spending accounts, from the journal lines."""
    stmt = (
        select(func.coalesce(func.sum(JournalLine.amount_cents), 0))
        .join(JournalLine.account)
        .where(LedgerAccount.wijk_id == wijk.id, LedgerAccount.kind.in_(SPENDING_KINDS))
    )
    return int(db.session.scalar(stmt) or 0)


# --- budgets ------------------------------------------------------------------------------


def budget_for(wijk: Wijk, year: int) -> Budget | None:
    return db.session.scalar(select(Budget).where(Budget.wijk_id == wijk.id, Budget.year == year))


def budgets_of(wijk: Wijk, *, published_only: bool = True) -> list[Budget]:
    """The wijk's budgets, newest year first."""
    stmt = select(Budget).where(Budget.wijk_id == wijk.id).order_by(Budget.year.desc())
    if published_only:
        stmt = stmt.where(Budget.status == BudgetStatus.published)
    return list(db.session.scalars(stmt))


def published_budgets(
    *, municipality: Municipality | None = None, wijk: Wijk | None = None, year: int | None = None
) -> list[Budget]:
    """Published buurtbegrotingen for the API, by municipality, wijk and year."""
    stmt = (
        select(Budget)
        .join(Budget.wijk)
        .join(Wijk.municipality)
        .where(Budget.status == BudgetStatus.published)
        .order_by(Budget.year.desc(), Municipality.name, Wijk.name)
    )
    if municipality is not None:
        stmt = stmt.where(Wijk.municipality_id == municipality.id)
    if wijk is not None:
        stmt = stmt.where(Budget.wijk_id == wijk.id)
    if year is not None:
        stmt = stmt.where(Budget.year == year)
    return list(db.session.scalars(stmt))


def line_by_id(line_id: int) -> LineItem | None:
    return db.session.get(LineItem, line_id)


def challenge_by_id(challenge_id: int) -> Challenge | None:
    return db.session.get(Challenge, challenge_id)


def open_challenges(budget: Budget) -> list[Challenge]:
    stmt = (
        select(Challenge)
        .join(Challenge.line)
        .where(LineItem.budget_id == budget.id, Challenge.status == ChallengeStatus.open)
        .order_by(Challenge.answer_due_on, Challenge.id)
    )
    return list(db.session.scalars(stmt))


def history(wijk: Wijk) -> list[Share]:
    """Planned and actual of every published year of the wijk, oldest first."""
    shares = []
    for budget in reversed(budgets_of(wijk)):
        figures = budget_figures(budget)
        shares.append(Share(budget.year, figures.planned_cents, figures.actual_cents))
    return shares


def next_position(budget: Budget) -> int:
    stmt = select(func.coalesce(func.max(LineItem.position), 0)).where(
        LineItem.budget_id == budget.id
    )
    return int(db.session.scalar(stmt) or 0) + 1


def imported_keys(budget: Budget) -> dict[str, LineItem]:
    return {
        line.external_key: line
        for line in budget.lines
        if line.origin is LineOrigin.imported and line.external_key
    }


# --- municipality --------------------------------------------------------------------------


def per_resident(amount_cents: int, population: int | None) -> int | None:
    """Cents per resident, rounded half up; None without a population."""
    if not population:
        return None
    return (2 * amount_cents + population) // (2 * population)


@dataclass(frozen=True)
class WijkRow:
    wijk: Wijk
    figures: BudgetFigures | None

    @property
    def planned_cents(self) -> int:
        return self.figures.planned_cents if self.figures else 0

    @property
    def actual_cents(self) -> int:
        return self.figures.actual_cents if self.figures else 0

    @property
    def planned_per_resident(self) -> int | None:
        return per_resident(self.planned_cents, self.wijk.population) if self.figures else None

    @property
    def actual_per_resident(self) -> int | None:
        return per_resident(self.actual_cents, self.wijk.population) if self.figures else None


@dataclass
class MunicipalityFigures:
    municipality: Municipality
    year: int
    rows: list[WijkRow] = field(default_factory=list)

    @property
    def published(self) -> list[WijkRow]:
        return [r for r in self.rows if r.figures is not None]

    @property
    def planned_cents(self) -> int:
        return sum(r.planned_cents for r in self.published)

    @property
    def actual_cents(self) -> int:
        return sum(r.actual_cents for r in self.published)

    @property
    def counted(self) -> list[WijkRow]:
        """Wijken with a published budget and a population: the per-resident average."""
        return [r for r in self.published if r.wijk.population]

    @property
    def population(self) -> int:
        return sum(r.wijk.population or 0 for r in self.counted)

    @property
    def planned_per_resident(self) -> int | None:
        return per_resident(sum(r.planned_cents for r in self.counted), self.population)

    @property
    def actual_per_resident(self) -> int | None:
        return per_resident(sum(r.actual_cents for r in self.counted), self.population)

    @property
    def has_example_population(self) -> bool:
        return any(r.wijk.population_is_example for r in self.counted)


def municipality_years(municipality: Municipality) -> list[int]:
    """Years with a published buurtbegroting in any wijk, newest first."""
    stmt = (
        select(Budget.year)
        .join(Budget.wijk)
        .where(Wijk.municipality_id == municipality.id, Budget.status == BudgetStatus.published)
        .distinct()
        .order_by(Budget.year.desc())
    )
    return list(db.session.scalars(stmt))


def municipality_figures(municipality: Municipality, year: int) -> MunicipalityFigures:
    stmt = (
        select(Budget)
        .join(Budget.wijk)
        .where(
            Wijk.municipality_id == municipality.id,
            Budget.year == year,
            Budget.status == BudgetStatus.published,
        )
    )
    by_wijk = {budget.wijk_id: budget for budget in db.session.scalars(stmt)}
    result = MunicipalityFigures(municipality, year)
    for wijk in municipality.wijken:
        budget = by_wijk.get(wijk.id)
        result.rows.append(WijkRow(wijk, budget_figures(budget) if budget else None))
    return result
