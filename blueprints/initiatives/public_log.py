"""The "about" column of the public moderation log: what each entry is about, and its page.

The sentence of an entry comes from `samenhang.audit.public_log`; this adds the link, by
the table name of the object the entry is about. A new kind of public object joins with one
line in `ABOUT`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import url_for
from flask_babel import gettext as _

from samenhang.audit.models import AuditEntry
from samenhang.budgets.models import Budget, Challenge
from samenhang.campaigns.models import Campaign
from samenhang.extensions import db
from samenhang.initiatives.models import Comment, Initiative
from samenhang.voting.models import PaperBatch, Project, Round
from samenhang.vouchers.models import Application, Criterion, Pot, Supplier, VoucherBatch


@dataclass(frozen=True)
class About:
    text: str
    url: str


def _budget_url(budget: Budget) -> str:
    return url_for(
        "budgets.show",
        municipality_slug=budget.wijk.municipality.slug,
        wijk_slug=budget.wijk.slug,
        year=budget.year,
    )


def _challenge(challenge: Challenge) -> About:
    budget = challenge.line.budget
    url = url_for(
        "budgets.line",
        municipality_slug=budget.wijk.municipality.slug,
        wijk_slug=budget.wijk.slug,
        year=budget.year,
        line_id=challenge.line_id,
    )
    return About(challenge.line.title, url)


def _round(round_: Round) -> About:
    return About(round_.title, url_for("voting.show", round_id=round_.id))


#: For each table name: the model and how to name and link one of its rows.
ABOUT: dict[str, tuple[type, Callable[[Any], About]]] = {
    Initiative.__tablename__: (
        Initiative,
        lambda o: About(o.title, url_for("initiatives.show", initiative_id=o.id)),
    ),
    Comment.__tablename__: (
        Comment,
        lambda o: About(
            _("Comment on “{title}”").format(title=o.initiative.title),
            url_for("initiatives.show", initiative_id=o.initiative_id, _anchor="comments"),
        ),
    ),
    Budget.__tablename__: (
        Budget,
        lambda o: About(_("Buurtbegroting {year}").format(year=o.year), _budget_url(o)),
    ),
    Challenge.__tablename__: (Challenge, _challenge),
    Campaign.__tablename__: (
        Campaign,
        lambda o: About(o.title, url_for("campaigns.show", campaign_id=o.id)),
    ),
    Round.__tablename__: (Round, _round),
    Project.__tablename__: (
        Project,
        lambda o: About(o.title, url_for("voting.show", round_id=o.round_id)),
    ),
    PaperBatch.__tablename__: (
        PaperBatch,
        lambda o: _round(db.session.get(Round, o.round_id)),
    ),
    Pot.__tablename__: (Pot, lambda o: About(o.name, url_for("vouchers.pot", pot_id=o.id))),
    Criterion.__tablename__: (
        Criterion,
        lambda o: About(o.pot.name, url_for("vouchers.pot", pot_id=o.pot_id)),
    ),
    Application.__tablename__: (
        Application,
        lambda o: About(o.title, url_for("vouchers.application", application_id=o.id)),
    ),
    VoucherBatch.__tablename__: (
        VoucherBatch,
        lambda o: About(o.pot.name, url_for("vouchers.pot", pot_id=o.pot_id)),
    ),
    Supplier.__tablename__: (
        Supplier,
        lambda o: About(
            o.name,
            url_for(
                "vouchers.wijk_pots",
                municipality_slug=o.wijk.municipality.slug,
                wijk_slug=o.wijk.slug,
            ),
        ),
    ),
}


def about(entry: AuditEntry) -> About | None:
    """The object `entry` is about, with its public page; None when it is gone."""
    spec = ABOUT.get(entry.object_type)
    if spec is None or not entry.object_id.isdigit():
        return None
    model, describe = spec
    obj = db.session.get(model, int(entry.object_id))
    return describe(obj) if obj is not None else None
