"""What the public moderation log of a wijk says about each kind of public audit entry.

Every action written with `log_event(..., public=True)` needs a sentence here: the log shows
it instead of the dotted key. `tests/audit/test_public_log.py` reads every `log_event` call
in the code and fails when a public action has no sentence.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from samenhang.audit.models import AuditEntry

#: The sentence for each public action, in the reader's language.
PUBLIC_EVENTS: dict[str, Any] = {
    # Initiatives (the targets of public transitions in `initiatives.services.TRANSITIONS`).
    "initiative.in_review": _l("Review started"),
    "initiative.published": _l("Published"),
    "initiative.returned": _l("Returned for changes"),
    "initiative.rejected": _l("Rejected"),
    "initiative.funded": _l("Funded"),
    "initiative.realised": _l("Realised"),
    "initiative.flags_dismissed": _l("Reports closed"),
    "comment.hidden": _l("Comment hidden"),
    # Translations of what residents wrote.
    "content.translated": _l("Translation added"),
    "content.machine_translated": _l("Machine translation suggested"),
    "content.machine_translation_approved": _l("Machine translation checked"),
    # Buurtbegroting.
    "budget.published": _l("Buurtbegroting published"),
    "budget.corrected": _l("Buurtbegroting corrected"),
    "budget.imported": _l("Buurtbegroting figures imported"),
    "challenge.submitted": _l("Offer on a budget line sent"),
    "challenge.answered": _l("Offer on a budget line answered"),
    # Campaigns.
    "campaign.running": _l("Campaign approved"),
    "campaign.rejected": _l("Campaign not approved"),
    "campaign.succeeded": _l("Campaign reached its goal"),
    "campaign.failed": _l("Campaign did not reach its goal"),
    "campaign.task_done": _l("Campaign task done"),
    "campaign.offer_confirmed": _l("Offer of help confirmed"),
    "campaign.matchfunding_set": _l("Matchfunding set for a campaign"),
    "campaign.paid_out": _l("Campaign money paid out"),
    "campaign.receipt_added": _l("Receipt added for campaign money"),
    # Stemdag.
    "stemdag.created": _l("Stemdag created"),
    "stemdag.edited": _l("Stemdag changed"),
    "stemdag.phase_changed": _l("Stemdag moved to a new phase"),
    "stemdag.counted": _l("Votes counted"),
    "stemdag.key_created": _l("Counting key made; its shares went to the count officials"),
    "stemdag.unsealed": _l("Sealed online ballots opened for the count"),
    "stemdag.annulled": _l("Stemdag annulled"),
    "stemdag.letters_voided": _l("A batch of letters was voided; its unused codes no longer work"),
    "stemdag.imported": _l("Stemdag results imported"),
    "stemdag.codes_generated": _l("Stemcodes made"),
    "stemdag.code_revoked": _l("Stemcode cancelled"),
    "stemdag.paper_batch_entered": _l("Paper ballots entered"),
    "stemdag.paper_batch_confirmed": _l("Paper ballots checked"),
    "stemdag.paper_batch_rejected": _l("Paper ballots rejected"),
    "stemdag.project_proposed": _l("Project proposed"),
    "stemdag.project_edited": _l("Project changed"),
    "stemdag.project_accepted": _l("Project placed on the ballot"),
    "stemdag.project_rejected": _l("Project not placed on the ballot"),
    # Bewonersbudgetten.
    "pot.created": _l("Pot created"),
    "pot.funded": _l("Money added to the pot"),
    "pot.criteria_changed": _l("Criteria changed"),
    "pot.criteria_published": _l("Criteria published for comments"),
    "pot.criteria_fixed": _l("Criteria fixed"),
    "pot.opened": _l("Pot opened for applications"),
    "pot.closed": _l("Pot closed for applications"),
    "application.submitted": _l("Application sent"),
    "application.withdrawn": _l("Application withdrawn"),
    "application.scored": _l("Application scored"),
    "application.advice_requested": _l("Advice on an application asked"),
    "application.decided": _l("Application decided"),
    "application.paid_out": _l("Money paid out"),
    "application.reported": _l("Report with photos sent"),
    "application.money_returned": _l("Money returned"),
    "application.settled": _l("Application settled"),
    "supplier.created": _l("Supplier added"),
    "voucher.batch_issued": _l("Vouchers issued"),
    "voucher.batch_expired": _l("Vouchers expired"),
}

#: Said of an action that has no sentence yet (a test keeps this from happening).
UNKNOWN_EVENT = _l("Decision")


def describe(entry: AuditEntry) -> str:
    """The sentence the public log shows for `entry`, never its dotted key."""
    sentence = str(PUBLIC_EVENTS.get(entry.action, UNKNOWN_EVENT))
    if entry.action == "stemdag.phase_changed" and entry.after:
        # Imported here: the audit area sits below voting, which writes to the log.
        from samenhang.voting.models import Phase

        phase = entry.after.get("phase")
        if phase in Phase._value2member_map_:
            return f"{sentence}: {Phase(phase).label}"
    return sentence
