"""Bewonersbudgetten in the browser. Each view: load (a `get_..._or_404` that asks
`samenhang.policies`) → check access (a policy) → validate the form → one service call →
redirect or render. Refused service calls follow `samenhang.blueprints.handling`."""

from samenhang.blueprints.vouchers.views.applications import (
    application,
    apply,
    apply_address,
    decide,
    give_advice,
    request_advice,
    score,
    withdraw,
)
from samenhang.blueprints.vouchers.views.common import (
    get_application_or_404,
    get_pot_or_404,
    get_supplier_or_404,
)
from samenhang.blueprints.vouchers.views.moved import MOVED, moved
from samenhang.blueprints.vouchers.views.overview import (
    dashboard,
    export_decisions,
    my_applications,
)
from samenhang.blueprints.vouchers.views.payouts import (
    pay_out,
    record_return,
    settle,
    submit_report,
    upload_receipt,
    uploaded_image,
)
from samenhang.blueprints.vouchers.views.pots import (
    close_pot,
    comment_on_criteria,
    edit_criteria,
    fix_criteria,
    fund_pot,
    new_pot,
    open_pot,
    panel,
    pot,
    pot_ledger,
    publish_criteria,
    remove_panel_member,
    wijk_pots,
)
from samenhang.blueprints.vouchers.views.voucher_codes import (
    expire_vouchers,
    renew_till_link,
    suppliers,
    till,
    vouchers,
)

__all__ = [
    "MOVED",
    "application",
    "apply",
    "apply_address",
    "close_pot",
    "comment_on_criteria",
    "dashboard",
    "decide",
    "edit_criteria",
    "expire_vouchers",
    "export_decisions",
    "fix_criteria",
    "fund_pot",
    "get_application_or_404",
    "get_pot_or_404",
    "get_supplier_or_404",
    "give_advice",
    "moved",
    "my_applications",
    "new_pot",
    "open_pot",
    "panel",
    "pay_out",
    "pot",
    "pot_ledger",
    "publish_criteria",
    "record_return",
    "remove_panel_member",
    "renew_till_link",
    "request_advice",
    "score",
    "settle",
    "submit_report",
    "suppliers",
    "till",
    "upload_receipt",
    "uploaded_image",
    "vouchers",
    "wijk_pots",
    "withdraw",
]
