"""The web layer: one blueprint per area, registered in this order by the app factory."""

from __future__ import annotations

from flask import Blueprint

from samenhang.blueprints.accounts import bp as accounts_bp
from samenhang.blueprints.admin import bp as admin_bp
from samenhang.blueprints.api import bp as api_bp
from samenhang.blueprints.budgets import bp as budgets_bp
from samenhang.blueprints.campaigns import bp as campaigns_bp
from samenhang.blueprints.content import bp as content_bp
from samenhang.blueprints.contracts import bp as contracts_bp
from samenhang.blueprints.initiatives import bp as initiatives_bp
from samenhang.blueprints.main import bp as main_bp
from samenhang.blueprints.outcomes import bp as outcomes_bp
from samenhang.blueprints.participation import bp as participation_bp
from samenhang.blueprints.places import bp as places_bp
from samenhang.blueprints.theming import bp as themes_bp
from samenhang.blueprints.voting import bp as voting_bp
from samenhang.blueprints.vouchers import bp as vouchers_bp

BLUEPRINTS: list[Blueprint] = [
    main_bp,
    accounts_bp,
    places_bp,
    initiatives_bp,
    content_bp,
    voting_bp,
    vouchers_bp,
    budgets_bp,
    api_bp,
    admin_bp,
    themes_bp,
    # buurtcontract and outcomes
    contracts_bp,
    outcomes_bp,
    participation_bp,
    campaigns_bp,
]
