"""The buurtbegroting: a wijk's money per year, theme and source, planned against actual,
as pages and open data; residents' challenges of public tasks (maatschappelijk aanbesteden).

Under `/g/<gemeente>/<wijk>/buurtbegroting` and `/g/<gemeente>/buurtbegroting`; never under
`/budgets` (the bewonersbudgetten had those addresses and redirect them)."""

from __future__ import annotations

from flask import Blueprint

from samenhang.blueprints.budgets import views

bp = Blueprint("budgets", __name__)

GET_POST = ["GET", "POST"]
POST = ["POST"]
_wijk = "/g/<municipality_slug>/<wijk_slug>/buurtbegroting"
_year = f"{_wijk}/<int:year>"
_line = f"{_year}/lines/<int:line_id>"
_city = "/g/<municipality_slug>/buurtbegroting"

bp.add_url_rule(_wijk, view_func=views.wijk_index)
bp.add_url_rule(_year, view_func=views.show)
bp.add_url_rule(f"{_year}.<any(csv, json):fmt>", view_func=views.export_budget)
bp.add_url_rule(_line, view_func=views.line)
bp.add_url_rule(f"{_line}/challenge", view_func=views.challenge, methods=GET_POST)
bp.add_url_rule(_city, view_func=views.municipality_index)
bp.add_url_rule(f"{_city}/<int:year>", view_func=views.municipality)
bp.add_url_rule(f"{_city}/<int:year>.<any(csv, json):fmt>", view_func=views.export_municipality)
bp.add_url_rule("/buurtbegroting/data-dictionary", view_func=views.data_dictionary)
bp.add_url_rule(
    "/buurtbegroting/import-template.<any(csv, xlsx):fmt>", view_func=views.import_template
)
bp.add_url_rule(f"{_wijk}/manage", view_func=views.manage_wijk, methods=GET_POST)
bp.add_url_rule(f"{_year}/manage", view_func=views.manage, methods=GET_POST)
bp.add_url_rule(f"{_year}/platform-lines", view_func=views.add_platform_lines, methods=POST)
bp.add_url_rule(f"{_year}/publish", view_func=views.publish, methods=POST)
bp.add_url_rule(f"{_year}/import", view_func=views.upload, methods=GET_POST)
bp.add_url_rule(f"{_year}/import/<int:import_id>", view_func=views.review_import, methods=GET_POST)
bp.add_url_rule(f"{_line}/edit", view_func=views.edit_line, methods=GET_POST)
bp.add_url_rule(
    f"{_year}/challenges/<int:challenge_id>/answer", view_func=views.answer, methods=GET_POST
)
