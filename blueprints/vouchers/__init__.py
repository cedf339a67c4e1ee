"""Bewonersbudgetten and vouchers: pots, criteria, applications, decisions, payouts, codes.

Everything lives under `/bewonersbudgetten` (and a wijk's `/g/<gemeente>/<wijk>/
bewonersbudgetten`); the addresses under `/budgets` from before redirect there."""

from __future__ import annotations

from flask import Blueprint, current_app, request

from samenhang.blueprints.vouchers import views
from samenhang.extensions import csrf, limiter

bp = Blueprint("vouchers", __name__)

GET_POST = ["GET", "POST"]
POST = ["POST"]
_wijk = "/g/<municipality_slug>/<wijk_slug>/bewonersbudgetten"
_area = "/bewonersbudgetten"
_pot = f"{_area}/pots/<int:pot_id>"
_one = f"{_area}/applications/<int:application_id>"


def _till_limit() -> str:
    return current_app.config.get("RATELIMIT_VOUCHER_TILL", "30 per minute;300 per hour")


def _not_post() -> bool:
    return request.method != "POST"


# Guessing codes at a till must be slow.
till = limiter.limit(_till_limit, exempt_when=_not_post)(views.till)

bp.add_url_rule(_wijk, view_func=views.wijk_pots)
bp.add_url_rule(f"{_wijk}/new", view_func=views.new_pot, methods=GET_POST)
bp.add_url_rule(f"{_wijk}/suppliers", view_func=views.suppliers, methods=GET_POST)
bp.add_url_rule(
    f"{_area}/suppliers/<int:supplier_id>/renew", view_func=views.renew_till_link, methods=POST
)
bp.add_url_rule(_pot, view_func=views.pot)
bp.add_url_rule(f"{_pot}/ledger", view_func=views.pot_ledger)
bp.add_url_rule(f"{_pot}/fund", view_func=views.fund_pot, methods=POST)
bp.add_url_rule(f"{_pot}/criteria", view_func=views.edit_criteria, methods=GET_POST)
bp.add_url_rule(f"{_pot}/criteria/publish", view_func=views.publish_criteria, methods=POST)
bp.add_url_rule(f"{_pot}/criteria/comments", view_func=views.comment_on_criteria, methods=POST)
bp.add_url_rule(f"{_pot}/criteria/fix", view_func=views.fix_criteria, methods=GET_POST)
bp.add_url_rule(f"{_pot}/open", view_func=views.open_pot, methods=POST)
bp.add_url_rule(f"{_pot}/close", view_func=views.close_pot, methods=POST)
bp.add_url_rule(f"{_pot}/panel", view_func=views.panel, methods=GET_POST)
bp.add_url_rule(
    f"{_pot}/panel/<int:user_id>/remove", view_func=views.remove_panel_member, methods=POST
)
bp.add_url_rule(f"{_pot}/apply", view_func=views.apply, methods=GET_POST)
bp.add_url_rule(f"{_pot}/apply/address", view_func=views.apply_address, methods=POST)
bp.add_url_rule(f"{_pot}/vouchers", view_func=views.vouchers, methods=GET_POST)
bp.add_url_rule(f"{_pot}/vouchers/expire", view_func=views.expire_vouchers, methods=POST)
bp.add_url_rule(f"{_pot}/decisions.<any(csv, json):fmt>", view_func=views.export_decisions)
bp.add_url_rule(f"{_area}/decisions.<any(csv, json):fmt>", view_func=views.export_decisions)
bp.add_url_rule(_one, view_func=views.application)
bp.add_url_rule(f"{_one}/withdraw", view_func=views.withdraw, methods=POST)
bp.add_url_rule(f"{_one}/scores", view_func=views.score, methods=POST)
bp.add_url_rule(f"{_one}/advice-request", view_func=views.request_advice, methods=POST)
bp.add_url_rule(f"{_one}/advice", view_func=views.give_advice, methods=POST)
bp.add_url_rule(f"{_one}/decision", view_func=views.decide, methods=POST)
bp.add_url_rule(f"{_one}/payouts", view_func=views.pay_out, methods=POST)
bp.add_url_rule(f"{_one}/receipts", view_func=views.upload_receipt, methods=POST)
bp.add_url_rule(f"{_one}/report", view_func=views.submit_report, methods=POST)
bp.add_url_rule(f"{_one}/returns", view_func=views.record_return, methods=POST)
bp.add_url_rule(f"{_one}/settle", view_func=views.settle, methods=POST)
bp.add_url_rule(
    "/media/bewonersbudgetten/<any(receipts, reports):kind>/<name>.jpg",
    view_func=views.uploaded_image,
)
bp.add_url_rule(f"{_area}/my", view_func=views.my_applications)
bp.add_url_rule(f"{_area}/manage", view_func=views.dashboard)
bp.add_url_rule(f"{_area}/till/<token>", view_func=till, methods=GET_POST)

# The redirect only sends the request on; the view it lands on checks the CSRF token.
csrf.exempt(views.moved)
for _old in views.MOVED:
    bp.add_url_rule(_old, endpoint="moved", view_func=views.moved, methods=GET_POST)
