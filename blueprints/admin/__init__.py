from __future__ import annotations

from flask import Blueprint

from samenhang.blueprints.admin import views

bp = Blueprint("admin", __name__, url_prefix="/admin")
bp.before_request(views.require_admin)

bp.add_url_rule("/users", view_func=views.users)
bp.add_url_rule("/users/<int:user_id>", view_func=views.edit_user, methods=["GET", "POST"])
bp.add_url_rule("/municipalities", view_func=views.municipalities)
bp.add_url_rule("/jobs", view_func=views.failed_jobs)
bp.add_url_rule(
    "/municipalities/<int:municipality_id>/theme", view_func=views.set_theme, methods=["POST"]
)
