"""The donate page and start_donation(): from the form to Stripe Checkout."""

import pytest
from django.urls import reverse

from accounts.models import ConsentRecord, Supporter
from donations.models import Donation
from tests.factories import CampaignFactory, DonationFactory

DONATE = "/en/donate/"


def form_data(**changes) -> dict:
    data = {
        "currency": "GBP",
        "frequency": "once",
        "preset": "2500",
        "other_amount": "",
        "first_name": "Ji-woo",
        "last_name": "Park",
        "email": " JiWoo@Example.org ",
    }
    data.update(changes)
    return data


def test_donate_page_offers_presets_and_lets_the_form_post_on_to_stripe(client, stripe_fake):
    response = client.get(DONATE)

    assert response.status_code == 200
    form = response.context["form"]
    assert form.fields["preset"].choices == [
        ("500", "£5.00"),
        ("1000", "£10.00"),
        ("2500", "£25.00"),
        ("5000", "£50.00"),
        ("other", "Other amount"),
    ]
    assert form.fields["other_amount"].help_text == "Between £1.00 and £10,000.00."
    policy = response.headers["Content-Security-Policy"]
    assert "form-action 'self' https://checkout.stripe.com" in policy
    assert "script-src 'self';" in policy


def test_other_pages_keep_form_action_self_only(client, stripe_fake):
    response = client.get("/en/")

    assert "form-action 'self'" in response.headers["Content-Security-Policy"]
    assert "checkout.stripe.com" not in response.headers["Content-Security-Policy"]


def test_korean_pages_start_in_won(client, stripe_fake):
    response = client.get("/ko/donate/")

    assert response.context["currency"] == "KRW"
    # Korean writes won after the number.
    assert response.context["form"].fields["preset"].choices[0] == ("10000", "10,000원")


def test_one_off_gift_makes_a_pending_donation_and_a_checkout_session(client, stripe_fake):
    response = client.post(DONATE, form_data())

    donation = Donation.objects.get()
    reference = str(donation.reference)
    assert response.status_code == 303
    assert response.headers["Location"] == (
        f"https://checkout.stripe.com/c/pay/{donation.stripe_checkout_session_id}"
    )
    assert (donation.status, donation.amount, donation.currency, donation.frequency) == (
        "pending",
        2500,
        "GBP",
        "once",
    )
    assert (donation.first_name, donation.last_name, donation.email) == (
        "Ji-woo",
        "Park",
        "jiwoo@example.org",
    )
    [request] = stripe_fake.requests
    assert (request.method, request.path) == ("POST", "/v1/checkout/sessions")
    assert request.headers["Idempotency-Key"] == f"sori-donation-{reference}-checkout"
    assert request.headers["Authorization"] == "Bearer sk_test_sori_fake_secret_key"
    assert request.params == {
        "line_items[0][price_data][currency]": "gbp",
        "line_items[0][price_data][unit_amount]": "2500",
        "line_items[0][price_data][product_data][name]": "Donation to Sori Human Rights Network",
        "line_items[0][quantity]": "1",
        "customer_email": "jiwoo@example.org",
        "client_reference_id": reference,
        "metadata[donation]": reference,
        "success_url": f"http://testserver/en/donate/thanks/{reference}/",
        "cancel_url": f"http://testserver/en/donate/?cancelled={reference}",
        "locale": "en",
        "adaptive_pricing[enabled]": "false",
        "mode": "payment",
        "submit_type": "donate",
        "payment_intent_data[description]": "Donation to Sori Human Rights Network",
        "payment_intent_data[metadata][donation]": reference,
    }


def test_giving_records_the_supporter_and_their_consent(client, stripe_fake):
    client.post(DONATE, form_data())

    supporter = Supporter.objects.get()
    consent = ConsentRecord.objects.get()
    assert (supporter.email, supporter.first_name, supporter.last_name) == (
        "jiwoo@example.org",
        "Ji-woo",
        "Park",
    )
    assert Donation.objects.get().supporter == supporter
    assert (consent.supporter, consent.purpose, consent.granted, consent.notice_version) == (
        supporter,
        "donation",
        True,
        "2026-12-donation-v2",
    )


def test_monthly_gift_uses_a_subscription_with_an_inline_monthly_price(client, stripe_fake):
    client.post(DONATE, form_data(frequency="monthly", preset="1000"))

    donation = Donation.objects.get()
    reference = str(donation.reference)
    params = stripe_fake.requests[0].params
    assert donation.frequency == "monthly"
    assert params["mode"] == "subscription"
    assert params["line_items[0][price_data][unit_amount]"] == "1000"
    assert params["line_items[0][price_data][recurring][interval]"] == "month"
    assert params["subscription_data[metadata][donation]"] == reference
    assert params["subscription_data[description]"] == "Donation to Sori Human Rights Network"
    assert "submit_type" not in params
    assert "payment_intent_data[metadata][donation]" not in params


@pytest.mark.parametrize(
    ("typed", "minor"),
    [("10000", 10000), ("10,000", 10000), ("₩50,000", 50000), ("1000000", 1000000)],
)
def test_won_are_sent_to_stripe_as_whole_won(client, stripe_fake, typed, minor):
    client.post(DONATE, form_data(currency="KRW", preset="other", other_amount=typed))

    donation = Donation.objects.get()
    params = stripe_fake.requests[0].params
    assert (donation.amount, donation.currency) == (minor, "KRW")
    assert params["line_items[0][price_data][currency]"] == "krw"
    assert params["line_items[0][price_data][unit_amount]"] == str(minor)


def test_another_amount_wins_over_a_preset_and_is_sent_in_pence(client, stripe_fake):
    client.post(DONATE, form_data(preset="1000", other_amount="12.50"))

    assert Donation.objects.get().amount == 1250
    assert stripe_fake.requests[0].params["line_items[0][price_data][unit_amount]"] == "1250"


@pytest.mark.parametrize(
    ("currency", "typed", "message"),
    [
        ("GBP", "-5", "Enter an amount in figures, such as 12.50."),
        ("GBP", "0", "The smallest gift we can take is £1.00."),
        ("GBP", "0.99", "The smallest gift we can take is £1.00."),
        ("GBP", "1e9", "Enter an amount in figures, such as 12.50."),
        ("GBP", "12,50", "Enter an amount in figures, such as 12.50."),
        ("GBP", "10000.01", "The largest gift we can take online is £10,000.00."),
        ("GBP", "1000000000", "The largest gift we can take online is £10,000.00."),
        ("GBP", "12.345", "GBP amounts have at most 2 decimal places."),
        ("GBP", "NaN", "Enter an amount in figures, such as 12.50."),
        ("GBP", "½", "Enter an amount in figures, such as 12.50."),
        ("GBP", "١٢", "Enter an amount in figures, such as 12.50."),
        ("KRW", "1000.5", "KRW amounts are whole numbers, without decimals."),
        ("KRW", "999", "The smallest gift we can take is ₩1,000."),
        ("KRW", "10,000,001", "The largest gift we can take online is ₩10,000,000."),
        ("KRW", "1,0000", "Enter an amount in figures, such as 10000."),
        ("GBP", "", "Choose an amount or enter another."),
    ],
)
def test_bad_amounts_get_a_clear_error_and_create_nothing(
    client, stripe_fake, currency, typed, message
):
    response = client.post(DONATE, form_data(currency=currency, preset="other", other_amount=typed))

    assert response.status_code == 400
    assert response.context["form"].errors == {"other_amount": [message]}
    assert Donation.objects.count() == 0
    assert Supporter.objects.count() == 0
    assert ConsentRecord.objects.count() == 0
    assert stripe_fake.requests == []


def invalid(value: str) -> list[str]:
    return [f"Select a valid choice. {value} is not one of the available choices."]


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        (
            {"preset": "999999"},
            {"preset": invalid("999999"), "other_amount": ["Choose an amount or enter another."]},
        ),
        ({"frequency": "weekly"}, {"frequency": invalid("weekly")}),
        ({"currency": "XYZ", "preset": "other", "other_amount": "5"}, {"currency": invalid("XYZ")}),
        ({"email": "not-an-email"}, {"email": ["Enter a valid email address."]}),
        ({"first_name": ""}, {"first_name": ["This field is required."]}),
        (
            {"last_name": "evil.c\u043em/pay"},  # Cyrillic o
            {
                "last_name": [
                    "Please enter just your name, without web addresses or email addresses."
                ]
            },
        ),
        (
            {"first_name": "Ji\u202ewoo"},
            {
                "first_name": [
                    "Your name contains invisible or control characters. "
                    "Please type it again without them."
                ]
            },
        ),
    ],
)
def test_other_bad_input_creates_nothing(client, stripe_fake, changes, errors):
    response = client.post(DONATE, form_data(**changes))

    assert response.status_code == 400
    assert response.context["form"].errors == errors
    assert Donation.objects.count() == 0
    assert stripe_fake.requests == []


def test_gift_for_a_campaign_names_it_at_checkout(client, stripe_fake):
    campaign = CampaignFactory(slug="reform-the-nsl", title="Reform the NSL")

    page = client.get(f"{DONATE}?campaign=reform-the-nsl")
    client.post(DONATE, form_data(campaign="reform-the-nsl"))

    donation = Donation.objects.get()
    params = stripe_fake.requests[0].params
    assert page.context["campaign"] == campaign
    assert donation.campaign == campaign
    assert params["line_items[0][price_data][product_data][name]"] == (
        "Donation to Sori Human Rights Network: Reform the NSL"
    )
    assert params["cancel_url"] == (
        f"http://testserver/en/donate/?cancelled={donation.reference}&campaign=reform-the-nsl"
    )


def test_a_draft_campaign_cannot_be_given_to(client, stripe_fake):
    CampaignFactory(slug="secret-draft", status="draft")

    response = client.post(DONATE, form_data(campaign="secret-draft"))

    assert response.status_code == 400
    assert Donation.objects.count() == 0


def test_korean_donors_see_stripe_in_korean(client, stripe_fake):
    client.post("/ko/donate/", form_data(currency="KRW", preset="30000"))

    donation = Donation.objects.get()
    assert donation.language == "ko"
    assert stripe_fake.requests[0].params["locale"] == "ko"


def test_stripe_down_means_a_clear_message_and_nothing_charged(client, stripe_fake):
    stripe_fake.fail("POST", "/v1/checkout/sessions", status=500)

    response = client.post(DONATE, form_data())

    donation = Donation.objects.get()
    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [
        "We could not reach our payment provider, and nothing was charged. "
        "Please try again in a few minutes."
    ]
    assert donation.status == "failed"
    assert donation.stripe_checkout_session_id is None


def test_checkout_sessions_per_address_are_capped(client, stripe_fake, settings):
    settings.DONATION_RATE_LIMIT = 2

    codes = [client.post(DONATE, form_data()).status_code for _ in range(3)]

    assert codes == [303, 303, 400]
    assert Donation.objects.count() == 2
    assert len(stripe_fake.requests) == 2


def test_leaving_checkout_says_nothing_was_charged(client, stripe_fake):
    response = client.get(f"{DONATE}?cancelled=0f5c3a8e-6d2b-4c1a-9e7f-1a2b3c4d5e6f")

    assert "You left the payment page, so nothing was charged." in response.content.decode()


def test_signed_in_supporters_find_their_name_filled_in(client, stripe_fake, alice):
    client.force_login(alice)

    response = client.get(DONATE)

    form = response.context["form"]
    assert (form["first_name"].value(), form["last_name"].value(), form["email"].value()) == (
        "Alice",
        "Kim",
        "alice@example.org",
    )


def test_thanks_page_says_processing_until_the_webhook_confirms(client, db):
    donation = DonationFactory()

    response = client.get(reverse("donations:thanks", args=[donation.reference]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Confirming your gift" in html
    assert "Thank you" not in html
    assert 'data-hx-trigger="every 3s"' in html


@pytest.mark.parametrize(
    ("frequency", "status", "heading", "text"),
    [
        ("once", "paid", "Thank you", "We have received your gift of £25.00. Thank you."),
        ("monthly", "active", "Thank you", "Your monthly gift of £25.00 is set up."),
        ("once", "failed", "Your gift did not go through", "nothing was charged"),
        ("once", "expired", "Your gift did not go through", "nothing was charged"),
        ("once", "refunded", "This gift was refunded", "returned to you"),
        ("monthly", "cancelled", "This monthly gift has ended", "No further payments"),
    ],
)
def test_thanks_page_tells_the_truth(client, db, frequency, status, heading, text):
    donation = DonationFactory(frequency=frequency, status=status)

    html = client.get(reverse("donations:thanks", args=[donation.reference])).content.decode()

    assert f"<h1>{heading}</h1>" in html
    assert text in html
    assert "hx-trigger" not in html


def test_thanks_page_polled_by_htmx_returns_only_the_status(client, db):
    donation = DonationFactory(status="paid")

    response = client.get(
        reverse("donations:thanks", args=[donation.reference]), headers={"HX-Request": "true"}
    )

    html = response.content.decode().strip()
    assert html.startswith('<div id="donation-status"')
    assert "<h1>Thank you</h1>" in html
    assert "<html" not in html


def test_thanks_page_of_an_unknown_gift_is_404(client, db):
    response = client.get("/en/donate/thanks/00000000-0000-4000-8000-000000000000/")

    assert response.status_code == 404
