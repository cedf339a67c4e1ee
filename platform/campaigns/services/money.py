"""Money of a campaign. It moves only through `samenhang.ledger.services.post_entry`:

    provider clearing ──gift received──▶ campaign ──pay out──▶ initiative
          ▲ ◀───────────refund────────────┘ ▲ │
    bewonersbudget pot ──match────────────────┘ │
          ▲ ◀──────────match released───────────┘ (refund, or the campaign fails)

Refunds after a payout. Money paid out to the initiative has left the campaign, so:
- the wijkmanager cannot pay a gift back any more (`refund_pledge` refuses, and says why);
- a refund the payment provider makes anyway (a dispute, a refund in its dashboard) is a
  fact: it is booked from what the campaign still holds and the rest from the initiative's
  account (the initiative received that money and now owes it back), in one entry, and the
  audit log says so. The matchfunding pot's share is not returned then: it was paid out to
  the initiative as intended.

A pledge's status only moves forward (pledged/pending → received → refunded, or →
cancelled), so a provider's message that comes twice or late changes nothing: a
`payment_intent.succeeded` after a refund does not bring the money back.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from samenhang import idempotency
from samenhang.accounts.models import User
from samenhang.accounts.services import user_locale
from samenhang.audit.services import log_event
from samenhang.campaigns import notifications, payments, queries
from samenhang.campaigns.models import (
    BookingKind,
    Campaign,
    CampaignPayout,
    CampaignStatus,
    ClearingAccount,
    Pledge,
    PledgeStatus,
    Provider,
)
from samenhang.campaigns.services.common import (
    MAX_GIFT_CENTS,
    PLATFORM_MIN_CENTS,
    locked_campaign,
    locked_pledge,
    money,
    require_open_for_support,
)
from samenhang.db import utcnow
from samenhang.errors import DomainError
from samenhang.extensions import db
from samenhang.ledger.models import AccountKind, LedgerAccount
from samenhang.ledger.queries import balances
from samenhang.ledger.services import (
    InsufficientFunds,
    Line,
    open_account,
    post_entry,
    transfer,
)
from samenhang.policies import can_view_pledge, require, require_confirmed_email, require_manager

#: Letters of a transfer reference: no 0/O or 1/I/L, which people mix up when typing.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CLEARING_NAMES = {
    Provider.manual: "Bank transfers (clearing)",
    Provider.stripe: "Stripe (clearing)",
}


class PledgeRefused(DomainError):
    pass


#: The token a money form carries (one mechanism for every money form: a pledge and a payout
#: keep their key on their own row, which is the result the key points to).
new_idempotency_key = idempotency.new_key
_check_key = idempotency.check_key


def _new_reference(campaign: Campaign) -> str:
    return f"SH{campaign.id}-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))


def bank_details() -> dict[str, str]:
    config = current_app.config
    return {"iban": config["CAMPAIGNS_BANK_IBAN"], "name": config["CAMPAIGNS_BANK_NAME"]}


def clearing_account(provider: Provider, currency: str) -> LedgerAccount:
    """The platform's account of money in transit at `provider`, opened on first use."""
    found = db.session.get(ClearingAccount, (provider, currency))
    if found is not None:
        return found.account
    try:
        with db.session.begin_nested():
            account = open_account(
                AccountKind.clearing,
                f"{CLEARING_NAMES[provider]} {currency}",
                currency=currency,
                is_overdraft_allowed=True,
            )
            db.session.add(ClearingAccount(provider=provider, currency=currency, account=account))
            db.session.flush()
    except IntegrityError:
        # Opened at the same moment by another transaction: use theirs.
        stmt = select(ClearingAccount).where(
            ClearingAccount.provider == provider, ClearingAccount.currency == currency
        )
        return db.session.scalars(stmt).one().account
    return account


# --- giving ---------------------------------------------------------------------------------


def pledge_money(
    campaign: Campaign,
    amount_cents: int,
    *,
    provider: Provider,
    idempotency_key: str,
    is_anonymous: bool = False,
    share_with_initiator: bool = False,
    locale: str | None = None,
    actor: User,
    now: datetime | None = None,
) -> Pledge:
    """A gift: a bank transfer promised, or an online payment started.

    The form's idempotency key makes the same form sent twice one pledge: the second call
    returns the first pledge (also when both arrive at once; the unique key decides).
    """
    key = _check_key(idempotency_key)
    existing = queries.pledge_by_key(key)
    if existing is not None:
        return _same_giver(existing, actor)
    require_open_for_support(campaign, now)
    require_confirmed_email(actor, "give")
    if isinstance(amount_cents, bool) or not isinstance(amount_cents, int):
        raise PledgeRefused(_l("This is not an amount. Write it like 12,50."))
    minimum = max(campaign.min_amount_cents, PLATFORM_MIN_CENTS)
    if amount_cents < minimum:
        raise PledgeRefused(_l("The smallest gift is {amount}."), amount=money(minimum, campaign))
    if amount_cents > MAX_GIFT_CENTS:
        raise PledgeRefused(
            _l("One gift can be at most {amount}. Please contact the wijkmanager for more."),
            amount=money(MAX_GIFT_CENTS, campaign),
        )
    if provider not in payments.available_providers():
        raise PledgeRefused(_l("This way of paying is not possible on this site."))
    # Ids, not relationships: the savepoint below flushes, and a pledge only half in the
    # session (through the campaign's collection) would be flushed outside of it.
    pledge = Pledge(
        campaign_id=campaign.id,
        supporter_id=actor.id,
        amount_cents=amount_cents,
        currency=campaign.currency,
        provider=provider,
        status=PledgeStatus.pledged if provider is Provider.manual else PledgeStatus.pending,
        reference=_new_reference(campaign),
        idempotency_key=key,
        is_anonymous=is_anonymous,
        share_with_initiator=share_with_initiator and not is_anonymous,
        # The language the receipt and other mails about this gift are written in.
        locale=locale or user_locale(actor),
    )
    try:
        with db.session.begin_nested():
            db.session.add(pledge)
            db.session.flush()
    except IntegrityError:
        # The same form, sent again while the first was on its way: that one counts.
        existing = queries.pledge_by_key(key)
        if existing is None:
            raise
        return _same_giver(existing, actor)
    payments.provider_for(provider).start(pledge)
    log_event(
        actor,
        "pledge.made",
        pledge,
        wijk=campaign.wijk,
        after={"amount_cents": amount_cents, "provider": provider.value},
    )
    notifications.pledged(pledge, bank_details())
    return pledge


def _same_giver(pledge: Pledge, actor: User) -> Pledge:
    require(pledge.supporter_id == actor.id, _l("The form had expired. Please send it again."))
    return pledge


def cancel_pledge(pledge: Pledge, *, actor: User) -> None:
    """Call off a promised transfer or an online payment not yet made."""
    require(can_view_pledge(actor, pledge))
    pledge = locked_pledge(pledge)
    if pledge.status not in (PledgeStatus.pledged, PledgeStatus.pending, PledgeStatus.failed):
        raise DomainError(_l("This gift can no longer be cancelled."))
    if not payments.provider_for(pledge.provider).cancel(pledge):
        raise DomainError(_l("This payment was just made; it can no longer be cancelled."))
    before = pledge.status.value
    pledge.status = PledgeStatus.cancelled
    log_event(
        actor,
        "pledge.cancelled",
        pledge,
        wijk=pledge.campaign.wijk,
        before={"status": before},
        after={"status": pledge.status.value},
    )


# --- money coming in -----------------------------------------------------------------------


def _receive(pledge: Pledge, *, actor: User | None) -> None:
    campaign = pledge.campaign
    post_entry(
        transfer(
            clearing_account(pledge.provider, pledge.currency),
            campaign.account,
            pledge.amount_cents,
        ),
        kind=BookingKind.gift_received,
        reason=f"{pledge.reference}: {campaign.title}",
        actor=actor,
        obj=pledge,
    )
    pledge.status = PledgeStatus.received
    pledge.received_at = utcnow()
    pledge.received_by = actor
    _book_match(pledge, actor=actor)
    log_event(
        actor,
        "pledge.received",
        pledge,
        wijk=campaign.wijk,
        after={
            "amount_cents": pledge.amount_cents,
            "matched_cents": pledge.matched_cents,
            "provider": pledge.provider.value,
        },
    )
    notifications.received(pledge)


def _book_match(pledge: Pledge, *, actor: User | None) -> None:
    """The pot adds its share of a gift while the campaign runs, within the cap and what
    the pot holds. The campaign's row lock keeps two gifts from passing the cap together."""
    campaign = locked_campaign(pledge.campaign)
    pot = campaign.match_pot
    if pot is None or campaign.status is not CampaignStatus.running:
        return
    room = int(campaign.match_cap_cents or 0) - queries.matched_total(campaign)
    wanted = pledge.amount_cents * int(campaign.match_ratio_percent or 0) // 100
    amount = min(wanted, room, balances([pot.account])[pot.account_id])
    if amount <= 0:
        return
    try:
        post_entry(
            transfer(pot.account, campaign.account, amount),
            kind=BookingKind.matched,
            reason=f"{pledge.reference}: {campaign.title}",
            actor=actor,
            obj=pledge,
        )
    except InsufficientFunds:
        return  # the pot was spent meanwhile: this gift is not matched
    pledge.matched_cents += amount


def _release_match(pledge: Pledge, *, actor: User | None, everything: bool = False) -> None:
    """Give the pot back its share of what the campaign no longer keeps of this gift."""
    held = pledge.matched_cents - pledge.match_released_cents
    keep = 0
    if not everything:
        keep = pledge.matched_cents * (pledge.amount_cents - pledge.refunded_cents)
        keep //= pledge.amount_cents
    release = held - keep
    campaign = pledge.campaign
    if release <= 0 or campaign.match_pot is None:
        return
    post_entry(
        transfer(campaign.account, campaign.match_pot.account, release),
        kind=BookingKind.match_released,
        reason=f"{pledge.reference}: {campaign.title}",
        actor=actor,
        obj=pledge,
    )
    pledge.match_released_cents += release


def mark_received(pledge: Pledge, *, actor: User) -> bool:
    """The wijkmanager saw the bank transfer arrive. False when it was already marked
    (the same button pressed twice)."""
    require_manager(actor, pledge.campaign.wijk)
    pledge = locked_pledge(pledge)
    if pledge.provider is not Provider.manual:
        raise DomainError(_l("Online payments are confirmed by the payment provider."))
    if pledge.status in (PledgeStatus.received, PledgeStatus.refunded):
        return False
    if pledge.status not in (PledgeStatus.pledged, PledgeStatus.cancelled):
        raise DomainError(_l("This gift cannot be marked as received."))
    _receive(pledge, actor=actor)
    return True


def record_payment_succeeded(pledge: Pledge, amount_cents: int, currency: str) -> str:
    """The provider says the money was paid. Returns what was done."""
    pledge = locked_pledge(pledge)
    if pledge.status not in (PledgeStatus.pending, PledgeStatus.failed):
        return "ignored"
    if amount_cents != pledge.amount_cents or currency.upper() != pledge.currency:
        log_event(
            None,
            "pledge.amount_mismatch",
            pledge,
            wijk=pledge.campaign.wijk,
            after={"amount_cents": amount_cents, "currency": currency},
        )
        return "amount_mismatch"
    refunded_before = pledge.refunded_cents
    pledge.refunded_cents = 0
    _receive(pledge, actor=None)
    if refunded_before:
        # A (partial) refund was announced before the payment itself.
        _book_refund(pledge, refunded_before, actor=None)
    if pledge.campaign.status is CampaignStatus.failed and pledge.status is PledgeStatus.received:
        # Paid after the campaign failed: it goes straight back.
        refund_pledge(pledge, actor=None)
    return "received"


def record_payment_failed(pledge: Pledge) -> str:
    pledge = locked_pledge(pledge)
    if pledge.status is not PledgeStatus.pending:
        return "ignored"
    pledge.status = PledgeStatus.failed
    return "failed"


def record_payment_cancelled(pledge: Pledge) -> str:
    pledge = locked_pledge(pledge)
    if pledge.status not in (PledgeStatus.pending, PledgeStatus.failed):
        return "ignored"
    pledge.status = PledgeStatus.cancelled
    return "cancelled"


# --- money going back ------------------------------------------------------------------------


def _book_refund(pledge: Pledge, refunded_total: int, *, actor: User | None) -> int:
    """Book what was paid back up to `refunded_total` in all; returns the new part."""
    refunded_total = min(refunded_total, pledge.amount_cents)
    delta = refunded_total - pledge.refunded_cents
    if delta <= 0:
        return 0
    campaign = pledge.campaign
    clearing = clearing_account(pledge.provider, pledge.currency)
    from_initiative = 0
    if campaign.payouts and campaign.initiative_account is not None:
        # After a payout only a provider's own refund gets here (see the module's text).
        from_initiative = max(0, delta - queries.account_balance(campaign))
    lines = [Line(clearing, delta)]
    if delta - from_initiative:
        lines.append(Line(campaign.account, -(delta - from_initiative)))
    if from_initiative:
        assert campaign.initiative_account is not None
        lines.append(Line(campaign.initiative_account, -from_initiative))
    post_entry(
        lines,
        kind=BookingKind.gift_refunded,
        reason=f"{pledge.reference}: {campaign.title}",
        actor=actor,
        obj=pledge,
    )
    pledge.refunded_cents = refunded_total
    if campaign.payouts:
        log_event(
            actor,
            "pledge.refunded_after_payout",
            pledge,
            wijk=campaign.wijk,
            after={"amount_cents": delta, "from_initiative_cents": from_initiative},
        )
    else:
        _release_match(pledge, actor=actor)
    if refunded_total == pledge.amount_cents:
        pledge.status = PledgeStatus.refunded
    log_event(
        actor,
        "pledge.refunded",
        pledge,
        wijk=campaign.wijk,
        after={"amount_cents": delta, "refunded_cents": refunded_total},
    )
    notifications.refunded(pledge, delta)
    return delta


def record_payment_refunded(pledge: Pledge, refunded_total: int) -> str:
    """The provider says `refunded_total` of the payment went back, in all."""
    pledge = locked_pledge(pledge)
    if pledge.status is PledgeStatus.received:
        return "refunded" if _book_refund(pledge, refunded_total, actor=None) else "ignored"
    if pledge.status in (PledgeStatus.pending, PledgeStatus.failed):
        # Before the payment's own message: remember it, book it when the payment is in.
        total = min(refunded_total, pledge.amount_cents)
        if total > pledge.refunded_cents:
            pledge.refunded_cents = total
            if total == pledge.amount_cents:
                pledge.status = PledgeStatus.refunded
            return "refund_before_payment"
    return "ignored"


def refund_pledge(pledge: Pledge, *, actor: User | None) -> int:
    """Pay a received gift back in full: online through the provider, a bank transfer by
    the treasurer (this records that they did). Returns the amount paid back."""
    if actor is not None:
        require_manager(actor, pledge.campaign.wijk)
    pledge = locked_pledge(pledge)
    if pledge.status is not PledgeStatus.received:
        raise DomainError(_l("Only a received gift can be paid back."))
    if pledge.campaign.payouts:
        raise DomainError(
            _l(
                "This gift can no longer be paid back here: the money has been paid out to "
                "the initiative. The initiative can pay the giver back itself."
            )
        )
    rest = pledge.amount_cents - pledge.refunded_cents
    payments.provider_for(pledge.provider).refund(pledge, rest)
    return _book_refund(pledge, pledge.amount_cents, actor=actor)


def close_money(campaign: Campaign, *, actor: User | None) -> None:
    """A campaign failed: every match goes back to the pot and every gift not yet made is
    called off. Received gifts stay due for a refund (`queries.refunds_due`)."""
    for pledge in queries.pledges_of(campaign):
        if pledge.matched_cents > pledge.match_released_cents:
            _release_match(pledge, actor=actor, everything=True)
        # An online payment made at this very moment cannot be cancelled; its succeeded
        # message comes later and pays it straight back.
        coming = (PledgeStatus.pledged, PledgeStatus.pending, PledgeStatus.failed)
        if pledge.status in coming and payments.provider_for(pledge.provider).cancel(pledge):
            pledge.status = PledgeStatus.cancelled


# --- paying out -------------------------------------------------------------------------------


def pay_out(
    campaign: Campaign, amount_cents: int, note: str = "", *, idempotency_key: str, actor: User
) -> CampaignPayout:
    """Pay an instalment of a succeeded campaign's money to the initiative (like a grant).
    The form's key makes a double click one payout."""
    require_manager(actor, campaign.wijk)
    key = _check_key(idempotency_key)
    existing = db.session.scalar(
        select(CampaignPayout).where(CampaignPayout.idempotency_key == key)
    )
    if existing is not None:
        return existing
    campaign = locked_campaign(campaign)
    if campaign.status is not CampaignStatus.succeeded or campaign.initiative_account is None:
        raise DomainError(_l("Money is paid out once the campaign has succeeded."))
    if isinstance(amount_cents, bool) or not isinstance(amount_cents, int) or amount_cents <= 0:
        raise DomainError(_l("The amount must be more than zero."))
    held = queries.account_balance(campaign)
    if amount_cents > held:
        raise DomainError(
            _l("The campaign holds only {amount}. Nothing was paid."), amount=money(held, campaign)
        )
    sequence = len(campaign.payouts) + 1
    try:
        with db.session.begin_nested():
            entry = post_entry(
                transfer(campaign.account, campaign.initiative_account, amount_cents),
                kind=BookingKind.paid_out,
                reason=f"#{sequence}: {campaign.title}",
                actor=actor,
                obj=campaign,
            )
            payout = CampaignPayout(
                campaign=campaign,
                sequence=sequence,
                amount_cents=amount_cents,
                note=note.strip()[:2000],
                idempotency_key=key,
                paid_by=actor,
                entry=entry,
            )
            db.session.add(payout)
            db.session.flush()
    except IntegrityError as exc:
        existing = db.session.scalar(
            select(CampaignPayout).where(CampaignPayout.idempotency_key == key)
        )
        if existing is not None:
            return existing
        raise DomainError(_l("This instalment was just paid by someone else.")) from exc
    except InsufficientFunds as exc:
        raise DomainError(
            _l("The campaign holds only {amount}. Nothing was paid."),
            amount=money(queries.account_balance(campaign), campaign),
        ) from exc
    log_event(
        actor,
        "campaign.paid_out",
        campaign,
        wijk=campaign.wijk,
        after={"sequence": sequence, "amount_cents": amount_cents},
        public=True,
    )
    return payout
