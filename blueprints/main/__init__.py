from __future__ import annotations

from flask import Blueprint

from samenhang.blueprints.main import views

bp = Blueprint("main", __name__)

bp.add_url_rule("/", view_func=views.home)
bp.add_url_rule("/healthz", view_func=views.healthz)
bp.add_url_rule("/readyz", view_func=views.readyz)
bp.add_url_rule("/privacy", view_func=views.privacy)
bp.add_url_rule("/contact", view_func=views.contact)
bp.add_url_rule("/language", view_func=views.set_language, methods=["POST"])
