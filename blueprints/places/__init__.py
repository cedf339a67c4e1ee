from __future__ import annotations

from flask import Blueprint

from samenhang.blueprints.places import views

bp = Blueprint("places", __name__)

bp.add_url_rule("/find", view_func=views.find_by_postcode)
bp.add_url_rule("/g/<municipality_slug>", view_func=views.municipality)
bp.add_url_rule("/g/<municipality_slug>/<wijk_slug>", view_func=views.wijk)
