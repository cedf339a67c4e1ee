"""The daily work (digests, voucher expiry, closing campaigns and their refunds, reminders)
as jobs of `samenhang.jobs`: cron asks for it, a worker does it.

    samenhang jobs enqueue digests expire-vouchers campaigns     # from cron, once a day
    samenhang jobs enqueue --all

With `REDIS_URL` each routine goes on the RQ queue and a worker runs it in a transaction of
its own; a routine that fails (the database, the mail server or the payment provider
unreachable, a refund refused) is tried again with back-off, and after the last try the
admin sees it at /admin/jobs. Without `REDIS_URL` the command runs the routines at once.
Each routine may run again safely: what it did is not done twice (sent digests are marked
sent, expired codes are expired, a refunded gift is no longer due).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from flask import current_app

from samenhang import jobs
from samenhang.extensions import db

T = TypeVar("T")


class Incomplete(Exception):
    """Some of a routine's items failed; what succeeded is committed. Raised so that the
    queue tries the routine again later (and lists it as failed after the last try)."""


def send_digests() -> list[str]:
    """The daily digest mail to everyone who chose it."""
    from samenhang.initiatives.notifications import send_digests

    return [f"{send_digests()} digest mail(s) sent."]


def expire_vouchers() -> list[str]:
    """Return the value of expired, unspent voucher codes to their pots."""
    from samenhang.vouchers.services import expire_vouchers

    expired = expire_vouchers(actor=None)
    return [f"{expired} voucher code(s) expired; their value is back in the pots."]


def close_campaigns() -> list[str]:
    """Close campaigns past their deadline; refund online gifts of those that failed."""
    from samenhang.campaigns import queries, services
    from samenhang.campaigns.models import Campaign, Pledge, Provider
    from samenhang.errors import DomainError

    lines: list[str] = []
    failures: list[str] = []

    def each(items: Iterable[T], act: Callable[[T], str], refused: str) -> None:
        # One item per transaction: what failed is tried again at the next run (a refund:
        # the provider's idempotency key keeps it from being paid twice).
        for item in items:
            try:
                line = act(item)
                db.session.commit()
            except DomainError as exc:
                db.session.rollback()
                failures.append(refused.format(item=item, error=exc))
            else:
                lines.append(line)

    def close(campaign: Campaign) -> str:
        status = services.close_campaign(campaign, actor=None)
        return f"Campaign {campaign.id} ({campaign.title}): {status.value}."

    def refund(pledge: Pledge) -> str:
        services.refund_pledge(pledge, actor=None)
        return f"Refunded gift {pledge.reference} online."

    each(queries.due_campaigns(), close, "Campaign {item.id} could not be closed: {error}")
    each(
        queries.refunds_due(Provider.stripe),
        refund,
        "Refund of gift {item.reference} failed: {error}",
    )
    for pledge in queries.refunds_due(Provider.manual):
        lines.append(
            f"To pay back by bank transfer (treasurer): {pledge.reference}, "
            f"{pledge.amount_cents - pledge.refunded_cents} cents, campaign {pledge.campaign_id}."
        )
    if failures:
        raise Incomplete("; ".join(failures))
    return lines


def remind_campaign_tasks() -> list[str]:
    """Mail everyone who signed up for a campaign task tomorrow."""
    from samenhang.campaigns.services import send_task_reminders

    return [f"{send_task_reminders()} reminder(s) sent."]


def remind_contracts() -> list[str]:
    """Remind parties of buurtcontract commitments due soon; followers' monthly digest."""
    from samenhang.contracts.reminders import send_deadline_reminders, send_digests

    reminders = send_deadline_reminders()
    digests = send_digests()
    return [f"{reminders} deadline reminder(s) and {digests} monthly digest(s) sent."]


def remind_budgets() -> list[str]:
    """E-mail wijkmanagers about offers on public tasks they have to answer."""
    from samenhang.budgets.services import send_reminders

    return [f"{send_reminders()} reminder e-mail(s) sent."]


#: The routines by the name cron gives; each returns the lines that say what it did.
ROUTINES: dict[str, Callable[[], list[str]]] = {
    "digests": send_digests,
    "expire-vouchers": expire_vouchers,
    "campaigns": close_campaigns,
    "campaign-reminders": remind_campaign_tasks,
    "contract-reminders": remind_contracts,
    "budget-reminders": remind_budgets,
}


def run(name: str) -> list[str]:
    """Run a routine now and commit what it did; returns what it says it did."""
    try:
        lines = ROUTINES[name]()
    except BaseException:
        db.session.rollback()
        raise
    db.session.commit()
    return lines


def enqueue(name: str) -> list[str] | None:
    """Put the routine on the queue (None), or run it now when there is no queue."""
    if name not in ROUTINES:  # a typo fails here, not in a worker later
        raise KeyError(name)
    if not jobs.queued():
        return run(name)
    jobs.enqueue("samenhang.daily.perform", name, description=f"daily: {name}")
    return None


def perform(name: str) -> None:
    """What the RQ worker runs: the routine in an app context and transaction of its own.
    An exception makes RQ try again later (see `jobs.RETRY_INTERVALS`)."""
    with current_app.app_context():
        try:
            for line in run(name):
                current_app.logger.info("daily %s: %s", name, line)
        finally:
            db.session.remove()
