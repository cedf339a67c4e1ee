from __future__ import annotations

from flask import Blueprint

from samenhang.blueprints.api import views
from samenhang.extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)

bp.add_url_rule("/openapi.json", view_func=views.openapi)
bp.add_url_rule("/initiatives", view_func=views.initiatives)
bp.add_url_rule("/initiatives/<int:initiative_id>", view_func=views.initiative)
bp.add_url_rule("/budgets", view_func=views.budgets)
bp.add_url_rule("/outcomes", view_func=views.outcomes)
bp.add_url_rule("/participation", view_func=views.participation)
