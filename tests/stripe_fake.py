"""Stripe's network edge, replaced: an HTTP client that answers like Stripe's API.

stripe-python builds and sends real requests through ``FakeStripe.request``, which
records them and answers with the saved JSON in ``tests/data/stripe/`` (filled in from
the request, as Stripe echoes what it was sent). Nothing else is mocked: our code, the
SDK's encoding, error mapping and object conversion all run for real. Webhook
payloads are the saved events in ``tests/data/stripe/events/``, signed with the test
secret exactly as Stripe signs them.
"""

import copy
import json
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import stripe
from django.urls import reverse

DATA = Path(__file__).resolve().parent / "data" / "stripe"
SECRET_KEY = "sk_test_sori_fake_secret_key"
PUBLISHABLE_KEY = "pk_test_sori_fake_publishable_key"
WEBHOOK_SECRET = "whsec_sori_test_webhook_secret"

# The donations the saved events are about (see tests/data/stripe/events/).
ONE_OFF_REFERENCE = "0f5c3a8e-6d2b-4c1a-9e7f-1a2b3c4d5e6f"
MONTHLY_REFERENCE = "7b9d2e4f-8a1c-4b3d-a5e6-f7a8b9c0d1e2"


def load(name: str) -> dict:
    return json.loads((DATA / name).read_text())


def event(name: str) -> dict:
    return load(f"events/{name}.json")


@dataclass
class Recorded:
    method: str
    path: str
    params: dict[str, str]
    headers: dict[str, str]


class FakeStripe(stripe.HTTPClient):
    """Answers the few endpoints Sori calls; anything else is a 404 like Stripe's."""

    name = "sori-fake-stripe"

    def __init__(self, *, checkout_url: str = "https://checkout.stripe.com/c/pay/{id}"):
        super().__init__()
        self.checkout_url = checkout_url
        self.requests: list[Recorded] = []
        self.failures: dict[tuple[str, str], tuple[int, dict]] = {}
        self._idempotent: dict[str, tuple[int, dict]] = {}
        self.sessions: dict[str, dict] = {}

    # stripe.HTTPClient interface
    def request(self, method, url, headers, post_data=None, *, _usage=None):
        parts = urlsplit(url)
        raw = post_data.decode() if isinstance(post_data, bytes) else (post_data or parts.query)
        recorded = Recorded(
            method.upper(), parts.path, dict(parse_qsl(raw, keep_blank_values=True)), dict(headers)
        )
        self.requests.append(recorded)
        key = recorded.headers.get("Idempotency-Key")
        if key and key in self._idempotent:
            status, body = self._idempotent[key]
        else:
            status, body = self.respond(recorded)
            if key and recorded.method in {"POST", "DELETE"}:
                self._idempotent[key] = (status, body)
        return json.dumps(body), status, {"request-id": "req_fake", "stripe-should-retry": "false"}

    def close(self):
        pass

    # Stripe's behaviour
    def fail(self, method: str, path: str, status: int = 500, body: str = "error_api.json"):
        self.failures[(method.upper(), path)] = (status, load(body))

    def respond(self, request: Recorded) -> tuple[int, dict]:
        if (request.method, request.path) in self.failures:
            return self.failures[(request.method, request.path)]
        if request.method == "POST" and request.path == "/v1/checkout/sessions":
            return 200, self.create_session(request.params)
        if request.path.startswith("/v1/subscriptions/"):
            subscription = load("subscription_canceled.json")
            subscription["id"] = request.path.rsplit("/", 1)[-1]
            return 200, subscription
        if request.method == "GET" and request.path == "/v1/invoice_payments":
            listing = load("invoice_payments.json")
            wanted = request.params.get("payment[payment_intent]")
            listing["data"] = [
                item for item in listing["data"] if item["payment"]["payment_intent"] == wanted
            ]
            return 200, listing
        if request.method == "GET" and request.path.startswith("/v1/payment_intents/"):
            intent = load("payment_intent.json")
            intent["id"] = request.path.rsplit("/", 1)[-1]
            return 200, intent
        return 404, {
            "error": {
                "type": "invalid_request_error",
                "message": f"Unrecognized request URL ({request.method}: {request.path}).",
            }
        }

    def create_session(self, params: dict[str, str]) -> dict:
        session = copy.deepcopy(load("checkout_session.json"))
        session_id = f"cs_test_{len(self.sessions) + 1:04d}{params['client_reference_id'][:8]}"
        mode = params["mode"]
        amount = int(params["line_items[0][price_data][unit_amount]"])
        session.update(
            id=session_id,
            mode=mode,
            amount_subtotal=amount,
            amount_total=amount,
            currency=params["line_items[0][price_data][currency]"],
            client_reference_id=params["client_reference_id"],
            customer_email=params["customer_email"],
            metadata={"donation": params["metadata[donation]"]},
            success_url=params["success_url"],
            cancel_url=params["cancel_url"],
            locale=params.get("locale"),
            submit_type=params.get("submit_type"),
            url=self.checkout_url.format(id=session_id, **params),
        )
        self.sessions[session_id] = session
        return session

    def calls(self, method: str, path_start: str) -> list[Recorded]:
        return [r for r in self.requests if r.method == method and r.path.startswith(path_start)]


def sign(body: str, *, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    return stripe.WebhookSignature.generate_signature_header(body, secret, timestamp=timestamp)


def post_event(client, payload: dict | str, **signing):
    """POST a webhook as Stripe does: the raw JSON body with its Stripe-Signature."""
    body = payload if isinstance(payload, str) else json.dumps(payload)
    return client.post(
        reverse("stripe_webhook"),
        data=body,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=sign(body, **signing),
    )
