"""Donations in "My activity" and "my data": receipts, cancelling, export, erasure."""

from urllib.parse import urlencode

import pytest
from django.urls import reverse

from accounts import services as account_services
from accounts.services import make_data_token
from donations.models import Donation, Payment, StripeEvent
from tests.factories import DonationFactory, PaymentFactory
from tests.stripe_fake import MONTHLY_REFERENCE, event


@pytest.fixture
def alices_monthly(alice, stripe_fake):
    donation = DonationFactory(
        reference=MONTHLY_REFERENCE,
        supporter=alice.supporter,
        frequency="monthly",
        amount=1000,
        status="active",
        stripe_subscription_id="sub_1QmonthlyGift0001",
    )
    PaymentFactory(
        donation=donation,
        receipt_number="SORI-2026-00003",
        stripe_payment_intent_id=None,
        stripe_invoice_id="in_1QmonthlyInvoice01",
    )
    return donation


def cancel_url(donation) -> str:
    return reverse("donations:cancel_monthly", args=[donation.reference])


def test_my_activity_lists_gifts_with_receipts_and_a_cancel_link(client, alice, alices_monthly):
    PaymentFactory(donation__supporter=alice.supporter, receipt_number="SORI-2026-00001")
    DonationFactory(supporter=alice.supporter, status="pending")
    client.force_login(alice)

    response = client.get(reverse("accounts:activity"))

    html = response.content.decode()
    [section] = [s for s in response.context["sections"] if s.title == "Donations"]
    assert [d.status for d in section.context["donations"]] == ["paid", "active"]
    assert 'href="/en/donate/receipts/SORI-2026-00001.pdf"' in html
    assert 'href="/en/donate/receipts/SORI-2026-00003.pdf"' in html
    assert f'href="{cancel_url(alices_monthly)}"' in html


def test_my_activity_has_no_donations_section_for_someone_who_never_gave(client, alice):
    client.force_login(alice)

    response = client.get(reverse("accounts:activity"))

    assert [s.title for s in response.context["sections"]] == []


def test_my_data_page_links_receipts_and_cancelling_with_its_token(client, alice, alices_monthly):
    token = make_data_token(alice.supporter)

    html = client.get(reverse("accounts:data", args=[token])).content.decode()

    query = urlencode({"token": token})
    assert f'href="/en/donate/receipts/SORI-2026-00003.pdf?{query}"' in html
    assert f'href="{cancel_url(alices_monthly)}?{query}"' in html


def test_a_donor_cancels_their_monthly_gift(client, alice, alices_monthly, stripe_fake):
    client.force_login(alice)

    page = client.get(cancel_url(alices_monthly))
    response = client.post(cancel_url(alices_monthly))

    alices_monthly.refresh_from_db()
    [request] = stripe_fake.requests
    assert page.status_code == 200
    assert "You give £10.00 every month" in page.content.decode()
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:activity")
    assert (request.method, request.path) == ("DELETE", "/v1/subscriptions/sub_1QmonthlyGift0001")
    assert request.headers["Idempotency-Key"] == f"sori-donation-{MONTHLY_REFERENCE}-cancel"
    assert alices_monthly.status == "cancelled"
    assert alices_monthly.cancelled_at is not None


def test_the_webhook_after_cancelling_changes_nothing(client, alice, alices_monthly, webhook):
    client.force_login(alice)
    client.post(cancel_url(alices_monthly))
    alices_monthly.refresh_from_db()
    cancelled_at = alices_monthly.cancelled_at

    webhook(event("customer_subscription_deleted"))

    alices_monthly.refresh_from_db()
    assert (alices_monthly.status, alices_monthly.cancelled_at) == ("cancelled", cancelled_at)


def test_a_donor_without_an_account_cancels_from_their_my_data_link(
    client, alice, alices_monthly, stripe_fake
):
    token = make_data_token(alice.supporter)

    response = client.post(cancel_url(alices_monthly), {"token": token})

    alices_monthly.refresh_from_db()
    assert response["Location"] == reverse("accounts:data", args=[token])
    assert alices_monthly.status == "cancelled"


def test_cancelling_a_gift_already_cancelled_at_stripe_still_cancels_it_here(
    client, alice, alices_monthly, stripe_fake
):
    stripe_fake.fail(
        "DELETE",
        "/v1/subscriptions/sub_1QmonthlyGift0001",
        status=400,
        body="error_subscription_canceled.json",
    )
    client.force_login(alice)

    client.post(cancel_url(alices_monthly))

    alices_monthly.refresh_from_db()
    assert alices_monthly.status == "cancelled"


def test_when_stripe_is_down_the_gift_keeps_running_and_the_donor_is_told(
    client, alice, alices_monthly, stripe_fake
):
    stripe_fake.fail("DELETE", "/v1/subscriptions/sub_1QmonthlyGift0001", status=500)
    client.force_login(alice)

    response = client.post(cancel_url(alices_monthly), follow=True)

    alices_monthly.refresh_from_db()
    assert alices_monthly.status == "active"
    assert [str(m) for m in response.context["messages"]] == [
        "We could not reach our payment provider. Your gift is unchanged; try later."
    ]


def test_nobody_else_can_cancel_a_gift(client, alices_monthly, mallory, carol, stripe_fake):
    url = cancel_url(alices_monthly)

    anonymous = client.post(url)
    with_bad_token = client.post(url, {"token": "forged"})
    client.force_login(mallory)
    as_mallory = client.post(url)
    client.force_login(carol)
    as_staff = client.get(url)

    alices_monthly.refresh_from_db()
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/accounts/login/")
    assert [r.status_code for r in (with_bad_token, as_mallory, as_staff)] == [404, 404, 404]
    assert alices_monthly.status == "active"
    assert stripe_fake.requests == []


def test_a_one_off_gift_has_nothing_to_cancel(client, alice, stripe_fake):
    donation = DonationFactory(supporter=alice.supporter, status="paid")
    client.force_login(alice)

    response = client.post(cancel_url(donation))

    donation.refresh_from_db()
    assert response.status_code == 200
    assert "There is nothing to cancel." in response.content.decode()
    assert donation.status == "paid"
    assert stripe_fake.requests == []


def test_export_includes_every_gift_and_payment(alice, alices_monthly):
    data = account_services.export_supporter(alice.supporter)

    assert data["donations"] == [
        {
            "reference": MONTHLY_REFERENCE,
            "created_at": alices_monthly.created_at.isoformat(),
            "amount": "10.00",
            "currency": "GBP",
            "frequency": "monthly",
            "status": "active",
            "campaign": "",
            "name": "Alice Kim",
            "email": "alice@example.org",
            "payments": [
                {
                    "receipt_number": "SORI-2026-00003",
                    "paid_at": "2026-11-20T10:00:00+00:00",
                    "amount": "10.00",
                    "currency": "GBP",
                    "refunded": "0.00",
                }
            ],
        }
    ]


def test_erasure_keeps_the_money_records_without_the_name_and_stops_the_gift(
    alice, alices_monthly, webhook, django_capture_on_commit_callbacks, stripe_fake
):
    webhook(event("invoice_payment_failed"))

    with django_capture_on_commit_callbacks(execute=True):
        account_services.erase_supporter(supporter=alice.supporter)

    donation = Donation.objects.get()
    payment = Payment.objects.get()
    assert (donation.supporter, donation.first_name, donation.last_name, donation.email) == (
        None,
        "",
        "",
        "",
    )
    assert donation.anonymised_at is not None
    assert donation.status == "cancelled"
    assert [(r.method, r.path) for r in stripe_fake.requests] == [
        ("DELETE", "/v1/subscriptions/sub_1QmonthlyGift0001")
    ]
    assert (payment.receipt_number, payment.amount) == ("SORI-2026-00003", 1000)
    assert StripeEvent.objects.get().payload == {"erased": True}


def test_erasure_empties_an_event_that_never_found_its_donation(alice, webhook):
    unlinked = event("checkout_session_completed_payment")
    unlinked["data"]["object"]["customer_details"]["email"] = "ALICE@example.org"
    unlinked["data"]["object"]["customer_email"] = "alice@example.org"
    someone_else = event("invoice_payment_failed")
    webhook(unlinked)
    webhook(someone_else)

    account_services.erase_supporter(supporter=alice.supporter)

    assert StripeEvent.objects.get(id=unlinked["id"]).payload == {"erased": True}
    assert StripeEvent.objects.get(id=someone_else["id"]).payload == someone_else


def test_events_arriving_after_erasure_keep_no_personal_data(alice, alices_monthly, webhook):
    account_services.erase_supporter(supporter=alice.supporter)

    webhook(event("customer_subscription_deleted"))

    stored = StripeEvent.objects.get()
    assert stored.payload == {"erased": True}
    assert stored.donation.status == "cancelled"
