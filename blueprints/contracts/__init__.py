"""Buurtcontract: a wijk's yearly contract, its goals and what came of them."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask_login import current_user

from samenhang.blueprints.contracts.views import drafting, manage, progress, public
from samenhang.contracts import queries
from samenhang.contracts.models import Unit
from samenhang.contracts.units import format_value

bp = Blueprint("contracts", __name__)

GET_POST = ["GET", "POST"]
POST = ["POST"]
_wijk = "/g/<municipality_slug>/<wijk_slug>"
_bc = f"{_wijk}/buurtcontract"
_year = f"{_bc}/<int:year>"
_v = f"{_year}/v<int:version>"
_party = f"{_v}/parties/<int:party_id>"
_goal = f"{_year}/goals/<int:goal_id>"


@bp.app_template_filter("goal_value")
def goal_value(value: object, unit: Unit) -> str:
    """`{{ progress.value|goal_value(goal.unit) }}`: '61,5%' in nl."""
    return format_value(value, unit)  # type: ignore[arg-type]


# residents
bp.add_url_rule(_bc, view_func=public.index)
bp.add_url_rule(f"{_bc}/follow", view_func=public.follow, methods=POST)
bp.add_url_rule(f"{_bc}/unfollow", view_func=public.unfollow, methods=POST)
bp.add_url_rule(f"{_bc}/photos/<name>-<int:width>.jpg", view_func=public.photo)
bp.add_url_rule(_year, view_func=public.year)
bp.add_url_rule(_v, view_func=public.version)
bp.add_url_rule(f"{_v}/changes", view_func=public.changes)
bp.add_url_rule(f"{_v}/comments", view_func=public.comment, methods=POST)
bp.add_url_rule(_goal, view_func=public.goal)
bp.add_url_rule(f"{_goal}/questions", view_func=public.ask, methods=POST)
# the bewonersraad writes; the parties sign
bp.add_url_rule(f"{_bc}/new", view_func=drafting.start, methods=POST)
bp.add_url_rule(f"{_v}/edit", view_func=drafting.edit, methods=GET_POST)
bp.add_url_rule(f"{_v}/parties", view_func=drafting.add_party, methods=POST)
bp.add_url_rule(f"{_party}/edit", view_func=drafting.edit_party, methods=POST)
bp.add_url_rule(f"{_party}/remove", view_func=drafting.remove_party, methods=POST)
bp.add_url_rule(f"{_party}/sign", view_func=drafting.sign, methods=POST)
bp.add_url_rule(f"{_v}/goals/new", view_func=drafting.new_goal, methods=GET_POST)
bp.add_url_rule(f"{_v}/goals/<int:goal_id>/edit", view_func=drafting.edit_goal, methods=GET_POST)
bp.add_url_rule(f"{_v}/goals/<int:goal_id>/remove", view_func=drafting.remove_goal, methods=POST)
bp.add_url_rule(
    f"{_v}/goals/<int:goal_id>/commitments", view_func=drafting.add_commitment, methods=POST
)
bp.add_url_rule(
    f"{_v}/commitments/<int:commitment_id>/remove",
    view_func=drafting.remove_commitment,
    methods=POST,
)
bp.add_url_rule(f"{_v}/publish", view_func=drafting.publish, methods=POST)
bp.add_url_rule(f"{_v}/open-signing", view_func=drafting.open_signing, methods=POST)
bp.add_url_rule(f"{_v}/amend", view_func=drafting.amend, methods=POST)
bp.add_url_rule(f"{_v}/carry-over", view_func=drafting.carry_over, methods=POST)
# goal owners
bp.add_url_rule(f"{_goal}/progress", view_func=progress.post_progress, methods=POST)
bp.add_url_rule(f"{_goal}/status", view_func=progress.set_status, methods=POST)
bp.add_url_rule(f"{_goal}/review", view_func=progress.review, methods=POST)
bp.add_url_rule(
    f"{_goal}/questions/<int:question_id>/answer", view_func=progress.answer, methods=POST
)
bp.add_url_rule(
    f"{_goal}/commitments/<int:commitment_id>/done",
    view_func=progress.commitment_done,
    methods=POST,
)
bp.add_url_rule(f"{_goal}/links", view_func=progress.add_link, methods=POST)
bp.add_url_rule(f"{_goal}/links/<int:link_id>/remove", view_func=progress.remove_link, methods=POST)
# the wijkmanager
bp.add_url_rule(f"{_wijk}/bewonersraad", view_func=manage.bewonersraad, methods=GET_POST)
bp.add_url_rule(
    f"{_wijk}/bewonersraad/<int:user_id>/remove", view_func=manage.end_membership, methods=POST
)
bp.add_url_rule(f"{_party}/signatories", view_func=manage.authorise, methods=POST)
bp.add_url_rule(f"{_party}/signatories/<int:user_id>/remove", view_func=manage.revoke, methods=POST)


@bp.app_template_global()
def goals_served_by(target: Any) -> Any:
    """The buurtcontract goals an initiative, campaign or budget line serves that the reader
    may see, for the notice on its page (templates/contracts/_serves.html)."""
    return queries.goals_served_by(target, current_user)
