"""Translating what users wrote: one set of pages for every translatable kind of object."""

from __future__ import annotations

from flask import Blueprint

from samenhang.blueprints.content import views

bp = Blueprint("content", __name__, url_prefix="/translate")

bp.add_url_rule(
    "/<kind>/<int:object_id>/<locale>", view_func=views.translate, methods=["GET", "POST"]
)
bp.add_url_rule(
    "/<kind>/<int:object_id>/request", view_func=views.request_translation, methods=["POST"]
)
