"""Translated labels for the area's enums and ledger entry kinds, for the templates."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from samenhang.ledger.models import AccountKind
from samenhang.vouchers.models import (
    ApplicationStatus,
    ContributionKind,
    CriteriaStatus,
    Outcome,
    PotStatus,
    SourceKind,
    VoucherStatus,
)

SOURCE_LABELS = {
    SourceKind.gemeente: _l("Municipality"),
    SourceKind.woningcorporatie: _l("Housing corporation"),
    SourceKind.fonds: _l("Fund"),
}
CONTRIBUTION_LABELS = {
    ContributionKind.time: _l("Time (hours of work)"),
    ContributionKind.materials: _l("Materials or a space"),
    ContributionKind.co_funding: _l("Money of our own or from others"),
}
OUTCOME_LABELS = {
    Outcome.full: _l("Grant in full"),
    Outcome.partial: _l("Grant in part"),
    Outcome.refused: _l("Refuse"),
}
#: How a decided outcome reads in a list.
DECIDED_LABELS = {
    Outcome.full: _l("Granted in full"),
    Outcome.partial: _l("Granted in part"),
    Outcome.refused: _l("Refused"),
}
APPLICATION_STATUS_LABELS = {
    ApplicationStatus.submitted: _l("Waiting for a decision"),
    ApplicationStatus.advice_requested: _l("With the resident panel for advice"),
    ApplicationStatus.granted: _l("Granted"),
    ApplicationStatus.refused: _l("Refused"),
    ApplicationStatus.withdrawn: _l("Withdrawn"),
    ApplicationStatus.settled: _l("Done and accounted for"),
}
POT_STATUS_LABELS = {
    PotStatus.draft: _l("Being prepared"),
    PotStatus.open: _l("Open for applications"),
    PotStatus.closed: _l("Closed"),
}
CRITERIA_STATUS_LABELS = {
    CriteriaStatus.draft: _l("Draft"),
    CriteriaStatus.consultation: _l("Draft, open for comments"),
    CriteriaStatus.final: _l("Final"),
}
VOUCHER_STATUS_LABELS = {
    VoucherStatus.issued: _l("Not used yet"),
    VoucherStatus.redeemed: _l("Used"),
    VoucherStatus.expired: _l("Expired"),
}
ACCOUNT_KIND_LABELS = {
    AccountKind.source: _l("Source"),
    AccountKind.pot: _l("Pot"),
    AccountKind.reservation: _l("Reserved for a grant"),
    AccountKind.initiative: _l("Paid to an initiative"),
    AccountKind.voucher: _l("Voucher codes"),
    AccountKind.payee: _l("Supplier"),
    AccountKind.campaign: _l("Campaign"),
    AccountKind.clearing: _l("Payment provider"),
}
ENTRY_KIND_LABELS = {
    "pot.funded": _l("Money into the pot"),
    "application.granted": _l("Reserved for a grant"),
    "application.paid_out": _l("Paid out"),
    "application.returned": _l("Unspent money returned"),
    "application.released": _l("Unpaid part of a grant released"),
    "voucher.issued": _l("Vouchers issued"),
    "voucher.redeemed": _l("Voucher spent"),
    "voucher.expired": _l("Vouchers expired"),
}


def template_labels() -> dict[str, Any]:
    return {
        "source_labels": SOURCE_LABELS,
        "contribution_labels": CONTRIBUTION_LABELS,
        "outcome_labels": OUTCOME_LABELS,
        "decided_labels": DECIDED_LABELS,
        "status_labels": APPLICATION_STATUS_LABELS,
        "pot_status_labels": POT_STATUS_LABELS,
        "criteria_status_labels": CRITERIA_STATUS_LABELS,
        "voucher_status_labels": VOUCHER_STATUS_LABELS,
        "account_kind_labels": ACCOUNT_KIND_LABELS,
        "entry_kind_labels": ENTRY_KIND_LABELS,
    }
