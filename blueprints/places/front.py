"""What the wijk page shows as a front page: what is open now, the newest initiatives, the
current wijkstemdag and recent decisions.

The wijk page belongs to the places area, the lowest one; what it shows comes from the
areas above it. It only reads their queries, here in the web layer, so that no area's
core imports another's to make a page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from samenhang.campaigns import queries as campaign_queries
from samenhang.campaigns.models import Campaign, CampaignStatus
from samenhang.content.queries import localize_many
from samenhang.extensions import db
from samenhang.i18n import current_locale, format_money
from samenhang.initiatives import queries as initiative_queries
from samenhang.places.models import Wijk
from samenhang.voting import queries as voting_queries
from samenhang.voting.models import Phase, Round
from samenhang.vouchers.models import Application, Decision, Outcome, Pot, PotStatus
from samenhang.vouchers.queries import pots_for_wijk

#: How many of the newest initiatives and of the recent decisions the page shows.
NEWEST_INITIATIVES = 4
RECENT_DECISIONS = 5


@dataclass(frozen=True)
class RecentDecision:
    at: datetime
    text: str
    url: str


def _pot_decisions(wijk: Wijk) -> list[RecentDecision]:
    stmt = (
        select(Decision)
        .join(Decision.application)
        .join(Application.pot)
        .where(Pot.wijk_id == wijk.id)
        # Both are many-to-one and already joined: loaded by this query, not two more.
        .options(contains_eager(Decision.application).contains_eager(Application.pot))
        .order_by(Decision.decided_at.desc(), Decision.id.desc())
        .limit(RECENT_DECISIONS)
    )
    found = []
    for decision in db.session.scalars(stmt):
        application = decision.application
        if decision.outcome is Outcome.refused:
            text = _("“{title}”: no money from {pot}.").format(
                title=application.title, pot=application.pot.name
            )
        else:
            text = _("“{title}” gets {amount} from {pot}.").format(
                title=application.title,
                amount=format_money(decision.amount_granted_cents, application.pot.currency),
                pot=application.pot.name,
            )
        found.append(
            RecentDecision(
                decision.decided_at, text, url_for("vouchers.pot", pot_id=application.pot_id)
            )
        )
    return found


def _counted_rounds(wijk: Wijk) -> list[RecentDecision]:
    stmt = (
        select(Round)
        .where(
            Round.wijk_id == wijk.id,
            Round.phase == Phase.results,
            Round.counted_at.is_not(None),
        )
        .order_by(Round.counted_at.desc())
        .limit(RECENT_DECISIONS)
    )
    return [
        RecentDecision(
            r.counted_at,  # type: ignore[arg-type]  # filtered on above
            _("The results of “{title}” are in.").format(title=r.title),
            url_for("voting.results", round_id=r.id),
        )
        for r in db.session.scalars(stmt)
    ]


def _closed_campaigns(listed: list[Campaign]) -> list[RecentDecision]:
    """The newest closed campaigns, from the wijk's listed campaigns the page has loaded."""
    closed = sorted(
        (
            c
            for c in listed
            if c.status in (CampaignStatus.succeeded, CampaignStatus.failed)
            and c.closed_at is not None
        ),
        key=lambda c: c.closed_at,  # type: ignore[arg-type,return-value]  # filtered on above
        reverse=True,
    )[:RECENT_DECISIONS]
    found = []
    for c in closed:
        if c.status is CampaignStatus.succeeded:
            text = _("The campaign “{title}” reached its goal.").format(title=c.title)
        else:
            text = _("The campaign “{title}” did not reach its goal.").format(title=c.title)
        found.append(
            RecentDecision(c.closed_at, text, url_for("campaigns.show", campaign_id=c.id))  # type: ignore[arg-type]
        )
    return found


def recent_decisions(wijk: Wijk, campaigns: list[Campaign]) -> list[RecentDecision]:
    """Decided money, counted votes and closed campaigns (of the wijk's listed
    `campaigns`) of the wijk, newest first."""
    found = _pot_decisions(wijk) + _counted_rounds(wijk) + _closed_campaigns(campaigns)
    return sorted(found, key=lambda d: d.at, reverse=True)[:RECENT_DECISIONS]


def front_page(wijk: Wijk) -> dict[str, Any]:
    """The template values of the wijk page."""
    newest = initiative_queries.public_initiatives(
        initiative_queries.InitiativeFilter(wijk=wijk), 1, NEWEST_INITIATIVES
    )
    # Every listed campaign, once: the running ones are shown, the closed ones are recent
    # decisions, and all of them are counted.
    campaigns = campaign_queries.campaigns_in_wijk(wijk)
    running = [c for c in campaigns if c.status is CampaignStatus.running]
    return {
        "open_round": voting_queries.open_round(wijk),
        "current_round": voting_queries.current_round(wijk),
        "open_pots": [p for p in pots_for_wijk(wijk) if p.status is PotStatus.open],
        "running_campaigns": running,
        "campaign_figures": campaign_queries.summaries(running),
        "newest": newest,
        "newest_text": localize_many(newest.items, current_locale()),
        "newest_supporters": initiative_queries.support_counts(newest.items),
        "campaign_count": len(campaigns),
        "decisions": recent_decisions(wijk, campaigns),
    }
