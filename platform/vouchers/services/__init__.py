"""Bewonersbudgetten and vouchers: the write side.

Money moves only through `samenhang.ledger.services.post_entry`:

    source ──fund──▶ pot ──grant──▶ reservation ──pay out──▶ initiative
                      ▲ ◀──release (unpaid rest)──┘              │
                      └─────────────return (unspent)─────────────┘
    pot ──issue──▶ voucher batch ──redeem──▶ supplier
                      └──rest of a redeemed code, expired codes──▶ pot

A pot's budget is what its source gave, "committed" is what sits in reservations and
voucher batches, "remaining" is the pot account; none of them can go below zero, because
the ledger refuses (a conditional UPDATE) and decisions lock the pot row first.

One module per part of the story: `pots` (pots, criteria, the resident panel),
`applications` (applying, scoring, advice, decisions), `payouts` (money after the decision)
and `voucher_codes` (suppliers and codes). Every function takes the object it acts on
first, then the data, and the acting user as the keyword `actor`.
"""

from samenhang.vouchers.services.applications import (
    MAX_BUDGET_LINES,
    BudgetLineInput,
    ContributionInput,
    decide_application,
    give_advice,
    request_advice,
    score_application,
    submit_application,
    withdraw_application,
)
from samenhang.vouchers.services.common import PotOverCommitted
from samenhang.vouchers.services.payouts import (
    MAX_REPORT_PHOTOS,
    Upload,
    pay_out,
    record_return,
    settle_application,
    submit_report,
    upload_receipt,
)
from samenhang.vouchers.services.pots import (
    MAX_CRITERIA,
    MIN_COMMENT_DAYS,
    CriterionInput,
    add_panel_member,
    close_pot,
    comment_on_criteria,
    create_pot,
    fix_criteria,
    fund_pot,
    open_pot,
    publish_criteria_draft,
    remove_panel_member,
    set_criteria,
)
from samenhang.vouchers.services.voucher_codes import (
    MAX_VOUCHERS_PER_BATCH,
    VoucherRefused,
    create_supplier,
    expire_vouchers,
    issue_vouchers,
    redeem_voucher,
    renew_till_link,
)

__all__ = [
    "MAX_BUDGET_LINES",
    "MAX_CRITERIA",
    "MAX_REPORT_PHOTOS",
    "MAX_VOUCHERS_PER_BATCH",
    "MIN_COMMENT_DAYS",
    "BudgetLineInput",
    "ContributionInput",
    "CriterionInput",
    "PotOverCommitted",
    "Upload",
    "VoucherRefused",
    "add_panel_member",
    "close_pot",
    "comment_on_criteria",
    "create_pot",
    "create_supplier",
    "decide_application",
    "expire_vouchers",
    "fix_criteria",
    "fund_pot",
    "give_advice",
    "issue_vouchers",
    "open_pot",
    "pay_out",
    "publish_criteria_draft",
    "record_return",
    "redeem_voucher",
    "remove_panel_member",
    "renew_till_link",
    "request_advice",
    "score_application",
    "set_criteria",
    "settle_application",
    "submit_application",
    "submit_report",
    "upload_receipt",
    "withdraw_application",
]
