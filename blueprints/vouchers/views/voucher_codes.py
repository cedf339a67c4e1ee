"""Voucher codes: the suppliers of a wijk and their till links, issuing codes from a pot,
and the till where a supplier takes a code."""

from __future__ import annotations

from typing import Any

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_babel import ngettext
from flask_login import current_user, login_required

from samenhang import idempotency
from samenhang.blueprints.forms import FORM_ERROR_STATUS, claim_once, render_form
from samenhang.blueprints.handling import form_errors
from samenhang.blueprints.places.views import get_wijk_or_404
from samenhang.blueprints.vouchers.forms import SupplierForm, TillForm, VoucherBatchForm
from samenhang.blueprints.vouchers.views.common import View, get_pot_or_404, get_supplier_or_404
from samenhang.places.models import Wijk
from samenhang.policies import require_manager
from samenhang.vouchers import queries, services
from samenhang.vouchers.models import Pot, Supplier


def _no_store(response: Response) -> Response:
    """For pages with a secret shown once (a till link, codes): keep them out of caches."""
    response.headers["Cache-Control"] = "no-store"
    return response


def _suppliers_page(wijk: Wijk, form: SupplierForm, status: int = 200, **extra: Any) -> Response:
    page = render_template(
        "vouchers/suppliers.html",
        wijk=wijk,
        suppliers=queries.suppliers_for_wijk(wijk),
        form=form,
        **extra,
    )
    return Response(page, status=status)


def _till_link_page(supplier: Supplier, token: str) -> Response:
    till_url = url_for("vouchers.till", token=token, _external=True)
    page = _suppliers_page(
        supplier.wijk, SupplierForm(formdata=None), supplier=supplier, till_url=till_url
    )
    return _no_store(page)


@login_required
def suppliers(municipality_slug: str, wijk_slug: str) -> View:
    wijk = get_wijk_or_404(municipality_slug, wijk_slug)
    require_manager(current_user, wijk)
    form = SupplierForm()
    if form.validate_on_submit():
        with form_errors(form, "name"):
            supplier, token = services.create_supplier(
                wijk, form.name.data, form.address.data or "", actor=current_user
            )
            return _till_link_page(supplier, token)
    return _suppliers_page(wijk, form, FORM_ERROR_STATUS if form.is_submitted() else 200)


@login_required
def renew_till_link(supplier_id: int) -> View:
    supplier = get_supplier_or_404(supplier_id)
    require_manager(current_user, supplier.wijk)
    token = services.renew_till_link(supplier, actor=current_user)
    return _till_link_page(supplier, token)


def _batch_form(pot: Pot) -> VoucherBatchForm:
    form = VoucherBatchForm()
    form.set_suppliers([s for s in queries.suppliers_for_wijk(pot.wijk) if s.is_active])
    return form


@login_required
def vouchers(pot_id: int) -> View:
    pot = get_pot_or_404(pot_id)
    require_manager(current_user, pot.wijk)
    form = _batch_form(pot)
    if form.validate_on_submit():
        chosen = [s for s in queries.suppliers_for_wijk(pot.wijk) if s.id in form.suppliers.data]
        with form_errors(form, "value"):
            if (first := claim_once(form)) is not None:
                return first
            batch, codes = services.issue_vouchers(
                pot,
                label=form.label.data,
                value_cents=form.value.data,
                quantity=form.quantity.data,
                expires_on=form.expires_on.data,
                suppliers=chosen,
                actor=current_user,
            )
            # The codes are shown once, never stored readable: a second send of this form
            # goes to the pot's vouchers page, where the batch is listed.
            idempotency.record_result(
                form.idempotency_key.data or "",
                url=url_for("vouchers.vouchers", pot_id=pot.id),
                obj=batch,
            )
            page = render_template("vouchers/codes.html", pot=pot, batch=batch, codes=codes)
            return _no_store(Response(page))
    return render_form(
        form,
        "vouchers/vouchers.html",
        pot=pot,
        form=form,
        summary=queries.pot_summary(pot),
        counts=queries.voucher_counts(pot),
    )


@login_required
def expire_vouchers(pot_id: int) -> View:
    pot = get_pot_or_404(pot_id)
    require_manager(current_user, pot.wijk)
    count = services.expire_vouchers(pot, actor=current_user)
    flash(
        ngettext(
            "%(num)d expired voucher; its value is back in the pot.",
            "%(num)d expired vouchers; their value is back in the pot.",
            count,
        ),
        "success",
    )
    return redirect(url_for("vouchers.vouchers", pot_id=pot.id))


def till(token: str) -> View:
    """A supplier's till page: the secret link is the key, no account needed."""
    supplier = queries.supplier_by_token(token)
    if supplier is None:
        abort(404)
    form = TillForm()
    context: dict[str, Any] = {"supplier": supplier, "form": form, "token": token}
    if form.validate_on_submit():
        with form_errors(form, "code"):
            key = (form.idempotency_key.raw_data or [""])[0]
            first = idempotency.earlier(key, endpoint="vouchers.till", actor=None)
            if first is not None:
                # Sent again (a lost connection at the till): show the first payment.
                context["redemption"] = queries.redemption_of_claim(first, supplier)
            else:
                context["redemption"] = services.redeem_voucher(
                    form.code.data, form.amount.data, supplier=supplier
                )
                idempotency.record_result(
                    key or "", url=url_for("vouchers.till", token=token), obj=context["redemption"]
                )
            context["form"] = TillForm(formdata=None)
    status = FORM_ERROR_STATUS if form.errors else 200
    response = _no_store(Response(render_template("vouchers/till.html", **context), status=status))
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
