"""Sori's one door to Stripe: the switch, the API client and webhook verification.

Everything that talks to Stripe gets its client from ``stripe_client()``. The HTTP
layer underneath is stripe-python's own unless ``settings.STRIPE_HTTP_CLIENT`` names
another: that is the seam where tests put a fake network edge that answers like
Stripe, so the rest of the code runs exactly as in production.
"""

import json
from collections.abc import Callable

import stripe
from django.conf import settings
from django.utils.module_loading import import_string

WEBHOOK_TOLERANCE = 300  # seconds; Stripe's own default


class WebhookRejected(ValueError):
    """A webhook request that is not a genuine, fresh, well-formed Stripe event."""


def donations_enabled() -> bool:
    """Donations are on only with all three Stripe keys set."""
    return bool(
        settings.STRIPE_SECRET_KEY
        and settings.STRIPE_PUBLISHABLE_KEY
        and settings.STRIPE_WEBHOOK_SECRET
    )


def _http_client() -> stripe.HTTPClient | None:
    factory: str | Callable[[], stripe.HTTPClient] | None = settings.STRIPE_HTTP_CLIENT
    if factory is None:
        return None
    if isinstance(factory, str):
        factory = import_string(factory)
    return factory()


def stripe_client() -> stripe.StripeClient:
    """A client for Stripe's API with the secret key; network retries are safe because
    every request that creates something carries an idempotency key."""
    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY,
        http_client=_http_client(),
        max_network_retries=2,
    )


def verify_webhook(payload: bytes, signature: str | None) -> dict:
    """Check the Stripe-Signature of a raw body and return the event as a dict.

    Raises WebhookRejected for a missing, wrong or stale signature (older than
    five minutes, which stops replays of captured requests) and for a body that is not
    a JSON event.
    """
    try:
        stripe.WebhookSignature.verify_header(
            payload, signature, settings.STRIPE_WEBHOOK_SECRET, WEBHOOK_TOLERANCE
        )
    except stripe.SignatureVerificationError as error:
        raise WebhookRejected(str(error).split(".")[0]) from None
    except UnicodeDecodeError:
        raise WebhookRejected("The body is not UTF-8") from None
    try:
        event = json.loads(payload)
    except ValueError:
        raise WebhookRejected("The body is not JSON") from None
    if not (
        isinstance(event, dict)
        and event.get("object") == "event"
        and isinstance(event.get("id"), str)
        and 0 < len(event["id"]) <= 255
        and isinstance(event.get("type"), str)
        and 0 < len(event["type"]) <= 100
        and isinstance(event.get("data"), dict)
        and isinstance(event["data"].get("object"), dict)
    ):
        raise WebhookRejected("The body is not a Stripe event")
    return event
