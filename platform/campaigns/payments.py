"""Payment providers: how money for a pledge is asked for, paid back and called off.

Two providers share one small interface:

- `manual` (the default; the app runs without any keys): the supporter transfers the money
  with the pledge's reference; a wijkmanager marks it received, and pays refunds by hand.
- `stripe` (when STRIPE_SECRET_KEY is set): a PaymentIntent in EUR for card and iDEAL, paid
  in the browser with Stripe's Payment Element; Stripe's signed webhook says it succeeded.

The provider never books anything: `samenhang.campaigns.services.money` does, once the
provider says the money moved.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any, Protocol

import stripe
from flask import current_app
from flask_babel import lazy_gettext as _l

from samenhang.campaigns.models import Pledge, Provider
from samenhang.errors import DomainError

log = logging.getLogger(__name__)

#: How old a signed webhook may be before it counts as a replay (Stripe's own default).
WEBHOOK_TOLERANCE_SECONDS = 300


class PaymentUnavailable(DomainError):
    status = 503
    kind = "payment_unavailable"


class InvalidWebhook(DomainError):
    status = 400
    kind = "invalid_webhook"


@dataclass(frozen=True)
class Checkout:
    """What the supporter's browser needs to pay online."""

    publishable_key: str
    client_secret: str
    #: Where Stripe.js comes from; a test server may serve its own copy.
    script_url: str


class PaymentProvider(Protocol):
    name: Provider

    def start(self, pledge: Pledge) -> None:
        """Ask for the money; sets `pledge.provider_ref` where the provider has one."""

    def refund(self, pledge: Pledge, amount_cents: int) -> None:
        """Send `amount_cents` of a received gift back to the supporter."""

    def cancel(self, pledge: Pledge) -> bool:
        """Call off a payment that has not been made; False when it can no longer be."""


class ManualProvider:
    """Bank transfers: nothing to ask a machine; people do the work."""

    name = Provider.manual

    def start(self, pledge: Pledge) -> None:
        return None

    def refund(self, pledge: Pledge, amount_cents: int) -> None:
        return None

    def cancel(self, pledge: Pledge) -> bool:
        return True


def _unavailable(exc: Exception) -> PaymentUnavailable:
    log.warning("Stripe call failed: %r", exc)
    return PaymentUnavailable(
        _l("Paying online is not possible right now. Try again later, or choose a bank transfer.")
    )


class StripeProvider:
    """PaymentIntents through the official client. Only parameters that both Stripe and the
    test peer (localstripe) know are sent; idempotency keys make retries safe at Stripe."""

    name = Provider.stripe

    def __init__(self, secret_key: str, api_base: str | None = None) -> None:
        base_addresses: Any = {"api": api_base} if api_base else None
        self.client = stripe.StripeClient(
            secret_key, base_addresses=base_addresses, max_network_retries=2
        )

    def start(self, pledge: Pledge) -> None:
        try:
            intent = self.client.v1.payment_intents.create(
                params={
                    "amount": pledge.amount_cents,
                    "currency": pledge.currency.lower(),
                    "payment_method_types": ["card", "ideal"],
                    "metadata": {
                        "pledge_id": str(pledge.id),
                        "campaign_id": str(pledge.campaign_id),
                        "reference": pledge.reference,
                    },
                },
                options={"idempotency_key": f"pledge-{pledge.idempotency_key}"},
            )
        except stripe.StripeError as exc:
            raise _unavailable(exc) from exc
        pledge.provider_ref = intent.id

    def client_secret(self, pledge: Pledge) -> str:
        try:
            intent = self.client.v1.payment_intents.retrieve(str(pledge.provider_ref))
        except stripe.StripeError as exc:
            raise _unavailable(exc) from exc
        return str(intent.client_secret)

    def refund(self, pledge: Pledge, amount_cents: int) -> None:
        try:
            self.client.v1.refunds.create(
                params={"payment_intent": str(pledge.provider_ref), "amount": amount_cents},
                options={"idempotency_key": f"refund-{pledge.id}-{pledge.refunded_cents}"},
            )
        except stripe.StripeError as exc:
            raise _unavailable(exc) from exc

    def cancel(self, pledge: Pledge) -> bool:
        try:
            self.client.v1.payment_intents.cancel(str(pledge.provider_ref))
        except stripe.InvalidRequestError:
            # Paid meanwhile (its webhook is on its way) or already cancelled.
            log.info("PaymentIntent %s could not be cancelled", pledge.provider_ref)
            return False
        except stripe.StripeError as exc:
            raise _unavailable(exc) from exc
        return True


def stripe_is_configured() -> bool:
    return bool(current_app.config.get("STRIPE_SECRET_KEY"))


def available_providers() -> list[Provider]:
    """Bank transfer always; online payment when Stripe is configured."""
    return [Provider.stripe, Provider.manual] if stripe_is_configured() else [Provider.manual]


def provider_for(name: Provider) -> PaymentProvider:
    if name is Provider.stripe:
        return stripe_provider()
    return ManualProvider()


def stripe_provider() -> StripeProvider:
    config = current_app.config
    if not config.get("STRIPE_SECRET_KEY"):
        raise PaymentUnavailable(_l("Paying online is not possible on this site."))
    return StripeProvider(config["STRIPE_SECRET_KEY"], config.get("STRIPE_API_BASE"))


def checkout(pledge: Pledge) -> Checkout:
    config = current_app.config
    return Checkout(
        publishable_key=config.get("STRIPE_PUBLISHABLE_KEY") or "",
        client_secret=stripe_provider().client_secret(pledge),
        script_url=config.get("STRIPE_JS_URL") or "https://js.stripe.com/v3/",
    )


def verify_stripe_event(payload: bytes, signature: str) -> dict[str, Any]:
    """The event of a webhook whose signature is right and recent, or `InvalidWebhook`."""
    secret = current_app.config.get("STRIPE_WEBHOOK_SECRET")
    if not secret:
        raise InvalidWebhook(_l("Online payments are not set up on this site."))
    try:
        stripe.WebhookSignature.verify_header(
            payload.decode("utf-8"), signature, secret, WEBHOOK_TOLERANCE_SECONDS
        )
        event = json.loads(payload)
    except (stripe.SignatureVerificationError, UnicodeDecodeError, ValueError) as exc:
        raise InvalidWebhook(_l("The signature of this message is not valid.")) from exc
    if not isinstance(event, dict) or not isinstance(event.get("id"), str):
        raise InvalidWebhook(_l("This is not a payment message."))
    if not isinstance(event.get("type"), str) or not isinstance(event.get("data"), dict):
        raise InvalidWebhook(_l("This is not a payment message."))
    return event
