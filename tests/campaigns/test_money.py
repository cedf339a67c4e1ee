"""Money of a campaign: pledges, receipts, matchfunding, refunds and payouts, every euro a
balanced ledger entry (the autouse fixture checks the whole ledger after each test)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from factories.accounts import UserFactory
from factories.campaigns import CampaignFactory, give, manager_of
from factories.vouchers import PotFactory

from samenhang.campaigns import queries, services
from samenhang.campaigns.models import CampaignStatus, PledgeStatus, Provider
from samenhang.errors import DomainError, PermissionDenied
from samenhang.ledger.queries import balances, entries_for

KEY = "k" * 32


def _pledge(campaign: Any, amount: Any, key: str = KEY, user: Any = None, **kw: Any) -> Any:
    return services.pledge_money(
        campaign,
        amount,
        provider=kw.pop("provider", Provider.manual),
        idempotency_key=key,
        actor=user or campaign.initiator,
        **kw,
    )


def _balance(account: Any) -> int:
    return balances([account])[account.id]


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        (4_99, "The smallest gift is"),
        (0, "The smallest gift is"),
        (-5_00, "The smallest gift is"),
        (25_000_01, "One gift can be at most"),
        (10**15, "One gift can be at most"),
        ("12,50", "This is not an amount"),
        (12.5, "This is not an amount"),
        (True, "This is not an amount"),
    ],
)
def test_a_bad_amount_is_refused_and_nothing_is_stored(
    db_session: Any, amount: Any, message: str
) -> None:
    campaign = CampaignFactory()
    with pytest.raises(DomainError, match=message):
        _pledge(campaign, amount)
    assert queries.pledges_of(campaign) == []


@pytest.mark.parametrize("stage", ["draft", "submitted", "rejected"])
def test_no_gifts_before_approval(db_session: Any, stage: str) -> None:
    campaign = CampaignFactory(stage=stage)
    with pytest.raises(DomainError, match="does not take support now"):
        _pledge(campaign, 10_00)


def test_no_gifts_after_the_deadline(db_session: Any) -> None:
    campaign = CampaignFactory()
    campaign.deadline_at = campaign.deadline_at - timedelta(days=40)
    with pytest.raises(DomainError, match="deadline of this campaign has passed"):
        _pledge(campaign, 10_00)


def test_online_payment_is_refused_when_stripe_is_not_set_up(db_session: Any) -> None:
    campaign = CampaignFactory()
    with pytest.raises(DomainError, match="not possible on this site"):
        _pledge(campaign, 10_00, provider=Provider.stripe)


def test_the_same_form_sent_twice_is_one_pledge(db_session: Any, outbox: list[Any]) -> None:
    campaign = CampaignFactory()
    first = _pledge(campaign, 10_00)
    again = _pledge(campaign, 99_00)
    assert again.id == first.id and again.amount_cents == 10_00
    assert len(queries.pledges_of(campaign)) == 1
    assert sum("how to transfer" in m.subject for m in outbox) == 1
    with pytest.raises(PermissionDenied):
        _pledge(campaign, 10_00, user=UserFactory())
    with pytest.raises(DomainError, match="form had expired"):
        _pledge(campaign, 10_00, key="short")


def test_a_promise_is_pledged_not_raised_until_received(db_session: Any, outbox: list[Any]) -> None:
    campaign = CampaignFactory()
    pledge = _pledge(campaign, 40_00, is_anonymous=True, share_with_initiator=True)
    assert pledge.status is PledgeStatus.pledged and pledge.reference.startswith("SH")
    assert not pledge.share_with_initiator  # anonymity wins
    figures = queries.summary(campaign)
    assert (figures.raised_cents, figures.pledged_cents, figures.supporters) == (0, 40_00, 1)
    assert pledge.reference in outbox[-1].body and "NL91 ABNA 0417 1643 00" in outbox[-1].body

    assert services.mark_received(pledge, actor=manager_of(campaign)) is True
    assert services.mark_received(pledge, actor=manager_of(campaign)) is False
    figures = queries.summary(campaign)
    assert (figures.raised_cents, figures.pledged_cents) == (40_00, 0)
    assert _balance(campaign.account) == 40_00
    assert [e.kind for e in entries_for(pledge)] == ["campaign.gift_received"]
    assert outbox[-1].subject.startswith("Receipt")


def test_only_a_manager_marks_a_transfer_received(db_session: Any) -> None:
    campaign = CampaignFactory()
    pledge = give(campaign, 10_00, received=False)
    with pytest.raises(PermissionDenied):
        services.mark_received(pledge, actor=campaign.initiator)
    assert pledge.status is PledgeStatus.pledged


def test_the_giver_cancels_a_promise(db_session: Any) -> None:
    campaign = CampaignFactory()
    pledge = give(campaign, 10_00, received=False)
    with pytest.raises(PermissionDenied):
        services.cancel_pledge(pledge, actor=UserFactory())
    services.cancel_pledge(pledge, actor=pledge.supporter)
    assert pledge.status is PledgeStatus.cancelled
    with pytest.raises(DomainError, match="can no longer be cancelled"):
        services.cancel_pledge(pledge, actor=pledge.supporter)


def _matched_campaign(ratio: int = 100, cap: int = 50_00, pot_cents: int = 10_000_00) -> Any:
    campaign = CampaignFactory(goal_cents=500_00)
    pot = PotFactory(wijk=campaign.wijk, amount_cents=pot_cents, max_per_application_cents=1_00)
    services.set_matchfunding(campaign, pot, ratio, cap, actor=manager_of(campaign))
    return campaign, pot


def test_a_pot_matches_gifts_when_received_up_to_its_cap(db_session: Any) -> None:
    campaign, pot = _matched_campaign(ratio=100, cap=50_00)
    before = _balance(pot.account)
    promised = give(campaign, 30_00, received=False)
    assert _balance(pot.account) == before  # a promise is not matched
    services.mark_received(promised, actor=manager_of(campaign))
    second = give(campaign, 30_00)
    assert (promised.matched_cents, second.matched_cents) == (30_00, 20_00)
    assert _balance(pot.account) == before - 50_00
    figures = queries.summary(campaign)
    assert (figures.raised_cents, figures.matched_cents) == (110_00, 50_00)
    with pytest.raises(DomainError, match="cannot change after money has been matched"):
        services.set_matchfunding(campaign, pot, 200, 80_00, actor=manager_of(campaign))


def test_a_match_is_limited_by_what_the_pot_holds(db_session: Any) -> None:
    campaign, pot = _matched_campaign(ratio=200, cap=1_000_00, pot_cents=15_00)
    pledge = give(campaign, 10_00)
    assert pledge.matched_cents == 15_00 and _balance(pot.account) == 0


def test_matchfunding_rules(db_session: Any) -> None:
    campaign = CampaignFactory()
    other = PotFactory()
    manager = manager_of(campaign)
    with pytest.raises(PermissionDenied):
        services.set_matchfunding(campaign, other, 100, 10_00, actor=manager)
    own = PotFactory(wijk=campaign.wijk, manager=manager, stage="draft")
    with pytest.raises(DomainError, match="not open"):
        services.set_matchfunding(campaign, own, 100, 10_00, actor=manager)
    own = PotFactory(wijk=campaign.wijk, manager=manager)
    with pytest.raises(DomainError, match="percentage between 1 and 500"):
        services.set_matchfunding(campaign, own, 0, 10_00, actor=manager)
    with pytest.raises(PermissionDenied):
        services.set_matchfunding(campaign, own, 100, 10_00, actor=campaign.initiator)


def test_a_refund_by_bank_releases_the_match(db_session: Any, outbox: list[Any]) -> None:
    campaign, pot = _matched_campaign(ratio=50, cap=100_00)
    before = _balance(pot.account)
    pledge = give(campaign, 40_00)
    assert pledge.matched_cents == 20_00
    services.refund_pledge(pledge, actor=manager_of(campaign))
    assert pledge.status is PledgeStatus.refunded and pledge.match_released_cents == 20_00
    assert _balance(pot.account) == before and _balance(campaign.account) == 0
    assert "paid back" in outbox[-1].subject
    with pytest.raises(DomainError, match="Only a received gift"):
        services.refund_pledge(pledge, actor=manager_of(campaign))


def test_a_failed_campaign_gives_the_pot_its_money_back(db_session: Any) -> None:
    campaign, pot = _matched_campaign(ratio=100, cap=100_00)
    before = _balance(pot.account)
    bank = give(campaign, 60_00)
    services.close_campaign(campaign, now=campaign.deadline_at + timedelta(minutes=1))
    assert campaign.status is CampaignStatus.failed
    assert _balance(pot.account) == before
    assert _balance(campaign.account) == 60_00  # the treasurer pays the transfer back
    assert queries.refunds_due(Provider.manual, campaign) == [bank]
    services.refund_pledge(bank, actor=manager_of(campaign))
    assert _balance(campaign.account) == 0 and queries.refunds_due(Provider.manual) == []


def _succeeded(goal: int = 100_00) -> Any:
    campaign = CampaignFactory(goal_cents=goal)
    give(campaign, goal)
    services.close_campaign(campaign, now=campaign.deadline_at + timedelta(minutes=1))
    return campaign


def test_payouts_go_to_the_initiative_in_instalments(db_session: Any) -> None:
    campaign = _succeeded(100_00)
    manager = manager_of(campaign)
    first = services.pay_out(campaign, 60_00, "Verf", idempotency_key="a" * 32, actor=manager)
    again = services.pay_out(campaign, 60_00, "Verf", idempotency_key="a" * 32, actor=manager)
    assert again.id == first.id
    with pytest.raises(DomainError, match="holds only"):
        services.pay_out(campaign, 50_00, idempotency_key="b" * 32, actor=manager)
    second = services.pay_out(campaign, 40_00, idempotency_key="c" * 32, actor=manager)
    assert second.sequence == 2
    assert _balance(campaign.initiative_account) == 100_00 and _balance(campaign.account) == 0
    with pytest.raises(PermissionDenied):
        services.pay_out(campaign, 1_00, idempotency_key="d" * 32, actor=campaign.initiator)


def test_no_payout_before_success(db_session: Any) -> None:
    campaign = CampaignFactory()
    give(campaign, 50_00)
    with pytest.raises(DomainError, match="once the campaign has succeeded"):
        services.pay_out(campaign, 10_00, idempotency_key="a" * 32, actor=manager_of(campaign))


# --- refunds after a payout -------------------------------------------------------------------


def test_a_gift_cannot_be_paid_back_once_money_was_paid_out(
    db_session: Any, client: Any, login: Any
) -> None:
    campaign = _succeeded(100_00)
    [pledge] = campaign.pledges
    manager = manager_of(campaign)
    services.pay_out(campaign, 30_00, idempotency_key="p" * 32, actor=manager)
    before = _balance(campaign.account)
    with pytest.raises(DomainError, match="The initiative can pay the giver back itself"):
        services.refund_pledge(pledge, actor=manager)
    assert pledge.status is PledgeStatus.received and _balance(campaign.account) == before
    login(manager)
    page = client.get(f"/campaigns/{campaign.id}/manage").text
    assert 'id="refund-rule"' in page and f"/campaigns/pledges/{pledge.id}/refund" not in page


def _paid_online(campaign: Any, amount: int, monkeypatch: Any, app: Any) -> Any:
    from campaigns.stripe_peer import configure_stripe

    from samenhang.campaigns import payments

    configure_stripe(monkeypatch, app, None)
    monkeypatch.setattr(
        payments.StripeProvider,
        "start",
        lambda self, pledge: setattr(pledge, "provider_ref", f"pi_after_{pledge.id}"),
    )
    pledge = _pledge(
        campaign,
        amount,
        key=services.new_idempotency_key(),
        user=UserFactory(),
        provider=Provider.stripe,
    )
    intent = {"id": pledge.provider_ref, "amount": amount, "currency": "eur"}
    event = {"id": f"evt_paid_{pledge.id}", "type": "payment_intent.succeeded"}
    assert services.handle_stripe_event({**event, "data": {"object": intent}}) == "received"
    return pledge


def _stripe_refund(pledge: Any, refunded: int) -> str:
    charge = {"payment_intent": pledge.provider_ref, "amount_refunded": refunded}
    event = {"id": f"evt_refund_{pledge.id}_{refunded}", "type": "charge.refunded"}
    return services.handle_stripe_event({**event, "data": {"object": charge}})


def test_a_provider_refund_after_a_payout_is_booked_from_the_initiative(
    db_session: Any, app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A dispute or a refund in Stripe's dashboard after the money went to the initiative:
    the campaign's rest first, the initiative owes the remainder; the pot keeps its match
    paid out. Booked once, the ledger stays balanced (the autouse check)."""
    from samenhang.audit.models import AuditEntry
    from samenhang.extensions import db

    campaign, pot = _matched_campaign(ratio=50, cap=100_00)
    campaign.goal_cents = 60_00
    online = _paid_online(campaign, 40_00, monkeypatch, app)
    give(campaign, 20_00)
    services.close_campaign(campaign, now=campaign.deadline_at + timedelta(minutes=1))
    assert campaign.status is CampaignStatus.succeeded
    held = _balance(campaign.account)
    assert held == 40_00 + 20_00 + 30_00  # gifts and the pot's half
    manager = manager_of(campaign)
    services.pay_out(campaign, held - 10_00, idempotency_key="q" * 32, actor=manager)
    pot_before = _balance(pot.account)

    assert _stripe_refund(online, 40_00) == "refunded"
    assert _stripe_refund(online, 40_00) == "duplicate"
    assert online.status is PledgeStatus.refunded and online.match_released_cents == 0
    assert _balance(campaign.account) == 0
    assert _balance(campaign.initiative_account) == held - 10_00 - 30_00
    assert _balance(pot.account) == pot_before
    entry = db.session.scalars(
        db.select(AuditEntry).where(AuditEntry.action == "pledge.refunded_after_payout")
    ).one()
    assert entry.after == {"amount_cents": 40_00, "from_initiative_cents": 30_00}
