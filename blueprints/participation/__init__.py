"""Who takes part (issue 19): participation of a wijk and a municipality over the years,
with open data; applicants and initiators for the wijkmanager."""

from __future__ import annotations

from flask import Blueprint

from samenhang.blueprints.participation import views

bp = Blueprint("participation", __name__)

_wijk = "/g/<municipality_slug>/<wijk_slug>/participation"
_municipality = "/g/<municipality_slug>/participation"

bp.add_url_rule(_wijk, view_func=views.wijk)
bp.add_url_rule(f"{_wijk}.<any(csv, json):fmt>", view_func=views.wijk_export)
bp.add_url_rule(f"{_wijk}/people", view_func=views.people)
bp.add_url_rule(f"{_wijk}/languages", view_func=views.languages, methods=["GET", "POST"])
bp.add_url_rule(_municipality, view_func=views.municipality)
bp.add_url_rule(f"{_municipality}.<any(csv, json):fmt>", view_func=views.municipality_export)
