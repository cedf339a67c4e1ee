"""What the area's views start with: loading an object the visitor may know about."""

from __future__ import annotations

from flask import abort
from flask_login import current_user
from werkzeug.wrappers import Response

from samenhang.policies import can_view_application, can_view_pot
from samenhang.vouchers import queries
from samenhang.vouchers.models import Application, Pot, Supplier

View = str | Response | tuple[str, int]


def get_pot_or_404(pot_id: int) -> Pot:
    pot = queries.pot_by_id(pot_id)
    if pot is None or not can_view_pot(current_user, pot):
        abort(404)
    return pot


def get_application_or_404(application_id: int) -> Application:
    application = queries.application_by_id(application_id)
    if application is None or not can_view_application(current_user, application):
        abort(404)
    return application


def get_supplier_or_404(supplier_id: int) -> Supplier:
    supplier = queries.supplier_by_id(supplier_id)
    if supplier is None:
        abort(404)
    return supplier
