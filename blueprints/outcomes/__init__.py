"""Wijk outcomes: indicators over the years against the city average."""

from __future__ import annotations

from flask import Blueprint

from samenhang.blueprints.outcomes import views
from samenhang.outcomes.queries import format_distance, format_statistic

bp = Blueprint("outcomes", __name__)
bp.add_app_template_filter(format_statistic, "statistic")
bp.add_app_template_filter(format_distance, "distance")

_wijk = "/g/<municipality_slug>/<wijk_slug>"
_municipality = "/g/<municipality_slug>"

bp.add_url_rule(f"{_wijk}/outcomes", view_func=views.wijk)
bp.add_url_rule(f"{_wijk}/outcomes.<any(csv, json):fmt>", view_func=views.wijk_export)
bp.add_url_rule(f"{_municipality}/outcomes", view_func=views.municipality)
bp.add_url_rule(
    f"{_municipality}/outcomes.<any(csv, json):fmt>", view_func=views.municipality_export
)
bp.add_url_rule(
    f"{_municipality}/outcomes/import", view_func=views.import_figures, methods=["GET", "POST"]
)
