"""A donor gives through the browser: the form, the redirect to Stripe, and back.

Stripe's API is the FakeStripe network edge. Its Checkout Session URL is Stripe's own
address, which Playwright answers in Stripe's place (no request leaves the machine)
with Stripe's success redirect back to us. So the test also proves that the donate
page's Content Security Policy lets Chrome follow the form's redirect to Stripe,
which ``form-action 'self'`` alone would block.
"""

import json
import urllib.request

from playwright.sync_api import expect

from donations.models import Donation, Payment
from tests.stripe_fake import (
    PUBLISHABLE_KEY,
    SECRET_KEY,
    WEBHOOK_SECRET,
    FakeStripe,
    event,
    sign,
)


def deliver_webhook(base_url: str, payload: dict) -> int:
    body = json.dumps(payload)
    request = urllib.request.Request(
        f"{base_url}/donate/stripe/webhook/",
        data=body.encode(),
        headers={"Content-Type": "application/json", "Stripe-Signature": sign(body)},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status


def test_a_donor_gives_is_sent_to_stripe_and_comes_back_to_a_truthful_thanks_page(
    page, live_server, settings
):
    fake = FakeStripe()
    settings.STRIPE_SECRET_KEY = SECRET_KEY
    settings.STRIPE_PUBLISHABLE_KEY = PUBLISHABLE_KEY
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.STRIPE_HTTP_CLIENT = lambda: fake
    checkout_visits = []

    def play_stripe_checkout(route):
        # What Stripe does once the donor has paid: send them to the success URL.
        checkout_visits.append(route.request.url)
        [session] = fake.sessions.values()
        route.fulfill(status=303, headers={"Location": session["success_url"]})

    page.route("https://checkout.stripe.com/**", play_stripe_checkout)
    csp_violations = []
    page.on("console", lambda m: "Content Security Policy" in m.text and csp_violations.append(m))

    page.goto("/en/")
    page.get_by_role("link", name="Donate", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Give to the campaign")
    page.get_by_role("radio", name="Monthly").check()
    page.get_by_role("radio", name="Other amount").check()
    page.get_by_label("Your own amount").fill("12.50")
    page.get_by_label("First name").fill("Ji-woo")
    page.get_by_label("Last name").fill("Park")
    page.get_by_label("Email").fill("jiwoo@example.org")
    page.get_by_role("button", name="Continue to secure payment").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Confirming your gift")
    donation = Donation.objects.get()
    [session] = fake.sessions.values()
    assert checkout_visits == [session["url"]]
    assert page.url == f"{live_server.url}/en/donate/thanks/{donation.reference}/"
    assert (donation.status, donation.frequency, donation.amount) == ("pending", "monthly", 1250)
    assert fake.requests[0].params["mode"] == "subscription"

    completed = event("checkout_session_completed_subscription")
    completed["data"]["object"].update(
        id=session["id"], client_reference_id=str(donation.reference), amount_total=1250
    )
    completed["data"]["object"]["metadata"] = {"donation": str(donation.reference)}
    assert deliver_webhook(live_server.url, completed) == 200

    # The page polls (htmx) and tells the truth once Stripe has confirmed.
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you")
    expect(page.get_by_role("status")).to_contain_text("Your monthly gift of £12.50 is set up.")
    donation.refresh_from_db()
    assert donation.status == "active"
    assert Payment.objects.count() == 0  # the month's money arrives with invoice.paid
    assert csp_violations == []
    # Only "Stripe" was asked for anything (answered above; the request is reported
    # once for the navigation and once for its redirect).
    assert set(page.external_requests) == {session["url"]}
