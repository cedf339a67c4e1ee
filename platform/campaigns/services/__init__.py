"""Campaigns: the write side, split by sub-domain; the public names are re-exported here.

- `lifecycle`: start, change, submit, approve or reject, matchfunding, news, close;
- `money`: pledges, receipts, refunds, matches, payouts (every euro through the ledger);
- `help`: tasks, sign-ups, wanted materials and space, offers, confirmations;
- `media`: photos of the plan, receipts for the paid-out money;
- `webhooks`: the payment provider's messages, each handled once.
"""

from samenhang.campaigns.services.help import (
    add_need,
    add_task,
    cancel_signup,
    confirm_offer,
    confirm_task_done,
    offer_help,
    remove_need,
    remove_task,
    send_task_reminders,
    sign_up,
    withdraw_offer,
)
from samenhang.campaigns.services.lifecycle import (
    CampaignData,
    close_campaign,
    decide_campaign,
    post_update,
    set_matchfunding,
    start_campaign,
    submit_campaign,
    update_campaign,
)
from samenhang.campaigns.services.media import Upload, add_photo, add_receipt, remove_photo
from samenhang.campaigns.services.money import (
    PledgeRefused,
    bank_details,
    cancel_pledge,
    clearing_account,
    mark_received,
    new_idempotency_key,
    pay_out,
    pledge_money,
    record_payment_cancelled,
    record_payment_failed,
    record_payment_refunded,
    record_payment_succeeded,
    refund_pledge,
)
from samenhang.campaigns.services.webhooks import handle_stripe_event

__all__ = [
    "CampaignData",
    "PledgeRefused",
    "Upload",
    "add_need",
    "add_photo",
    "add_receipt",
    "add_task",
    "bank_details",
    "cancel_pledge",
    "cancel_signup",
    "clearing_account",
    "close_campaign",
    "confirm_offer",
    "confirm_task_done",
    "decide_campaign",
    "handle_stripe_event",
    "mark_received",
    "new_idempotency_key",
    "offer_help",
    "pay_out",
    "pledge_money",
    "post_update",
    "record_payment_cancelled",
    "record_payment_failed",
    "record_payment_refunded",
    "record_payment_succeeded",
    "refund_pledge",
    "remove_need",
    "remove_photo",
    "remove_task",
    "send_task_reminders",
    "set_matchfunding",
    "sign_up",
    "start_campaign",
    "submit_campaign",
    "update_campaign",
    "withdraw_offer",
]
