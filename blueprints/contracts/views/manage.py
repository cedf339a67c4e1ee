"""The wijkmanager's part: who is on the bewonersraad, and who may act for a party."""

from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from samenhang.blueprints.contracts.forms import EmailForm
from samenhang.blueprints.contracts.views.common import (
    View,
    contract_context,
    contract_url,
    get_contract_or_404,
    party_of,
    wijk_values,
)
from samenhang.blueprints.forms import render_form
from samenhang.blueprints.handling import flash_errors, form_errors
from samenhang.blueprints.places.views import get_wijk_or_404
from samenhang.contracts import queries, services
from samenhang.policies import require_manager


@login_required
def bewonersraad(municipality_slug: str, wijk_slug: str) -> View:
    wijk = get_wijk_or_404(municipality_slug, wijk_slug)
    require_manager(current_user, wijk)
    form = EmailForm()
    if form.validate_on_submit():
        with form_errors(form, "email"):
            member = services.grant_membership(
                wijk, queries.active_user_by_email(form.email.data), actor=current_user
            )
            flash(
                _("{name} is now on the bewonersraad.").format(name=member.user.display_name),
                "success",
            )
            return redirect(url_for("contracts.bewonersraad", **wijk_values(wijk)))
    return render_form(
        form, "contracts/bewonersraad.html", wijk=wijk, form=form, members=queries.members(wijk)
    )


@login_required
def end_membership(municipality_slug: str, wijk_slug: str, user_id: int) -> Response:
    wijk = get_wijk_or_404(municipality_slug, wijk_slug)
    require_manager(current_user, wijk)
    user = queries.user_by_id(user_id) or abort(404)
    with flash_errors():
        services.end_membership(wijk, user, actor=current_user)
        flash(
            _("{name} is no longer on the bewonersraad.").format(name=user.display_name), "success"
        )
    return redirect(url_for("contracts.bewonersraad", **wijk_values(wijk)))


@login_required
def authorise(
    municipality_slug: str, wijk_slug: str, year: int, version: int, party_id: int
) -> View:
    contract = get_contract_or_404(municipality_slug, wijk_slug, year, version)
    require_manager(current_user, contract.wijk)
    party = party_of(contract, party_id)
    form = EmailForm()
    if form.validate_on_submit():
        with form_errors(form, "email"):
            services.authorise_signatory(
                party, queries.active_user_by_email(form.email.data), actor=current_user
            )
            flash(
                _("They may now sign and report for {party}.").format(party=party.name), "success"
            )
            return redirect(contract_url(contract, _anchor="parties"))
    context = contract_context(contract, signatory_form=form, signatory_party_id=party.id)
    return render_form(form, "contracts/contract.html", **context)


@login_required
def revoke(
    municipality_slug: str, wijk_slug: str, year: int, version: int, party_id: int, user_id: int
) -> Response:
    contract = get_contract_or_404(municipality_slug, wijk_slug, year, version)
    require_manager(current_user, contract.wijk)
    party = party_of(contract, party_id)
    user = queries.user_by_id(user_id) or abort(404)
    with flash_errors():
        services.revoke_signatory(party, user, actor=current_user)
        flash(
            _("{name} may no longer act for {party}.").format(
                name=user.display_name, party=party.name
            ),
            "success",
        )
    return redirect(contract_url(contract, _anchor="parties"))
