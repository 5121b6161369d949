"""The Stripe webhook: verification, storing each event once, and every handler."""

import itertools
import json
import time
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from donations.models import Donation, Payment, ReceiptSequence, StripeEvent
from tests.factories import DonationFactory, SupporterFactory
from tests.stripe_fake import (
    MONTHLY_REFERENCE,
    ONE_OFF_REFERENCE,
    event,
    post_event,
    sign,
)

WEBHOOK = "/donate/stripe/webhook/"


@pytest.fixture
def jiwoo(db):
    return SupporterFactory(email="jiwoo@example.org", first_name="Ji-woo", last_name="Park")


@pytest.fixture
def one_off(jiwoo):
    """The one-off gift the saved events are about, waiting at Checkout."""
    return DonationFactory(
        reference=ONE_OFF_REFERENCE,
        supporter=jiwoo,
        amount=2500,
        stripe_checkout_session_id="cs_test_oneOffSession0001",
    )


@pytest.fixture
def monthly(jiwoo):
    """The £10 monthly gift the saved events are about, waiting at Checkout."""
    return DonationFactory(
        reference=MONTHLY_REFERENCE,
        supporter=jiwoo,
        amount=1000,
        frequency="monthly",
        stripe_checkout_session_id="cs_test_monthlySession0001",
    )


def at(timestamp: int) -> datetime:
    return datetime.fromtimestamp(timestamp, UTC)


def state() -> dict:
    """Everything the webhooks decide, to compare runs in different orders."""
    return {
        "donations": list(
            Donation.objects.order_by("pk").values(
                "reference",
                "status",
                "stripe_payment_intent_id",
                "stripe_subscription_id",
                "stripe_customer_id",
                "cancelled_at",
                "last_payment_failed_at",
            )
        ),
        "payments": list(
            Payment.objects.order_by("receipt_number").values(
                "receipt_number",
                "amount",
                "currency",
                "paid_at",
                "stripe_payment_intent_id",
                "stripe_invoice_id",
                "amount_refunded",
                "refunded_at",
                "receipt_status",
            )
        ),
    }


# Verification ------------------------------------------------------------------------


def test_a_paid_checkout_is_stored_processed_and_receipted(webhook, one_off, outbox):
    response = webhook(event("checkout_session_completed_payment"))

    one_off.refresh_from_db()
    stored = StripeEvent.objects.get()
    payment = Payment.objects.get()
    assert response.status_code == 200
    assert response.json() == {"received": True, "duplicate": False}
    assert (stored.id, stored.type, stored.error, stored.attempts) == (
        "evt_1QoneOffCompleted01",
        "checkout.session.completed",
        "",
        1,
    )
    assert stored.payload == event("checkout_session_completed_payment")
    assert stored.processed_at is not None
    assert stored.created == at(1795168860)
    assert stored.donation == one_off
    assert one_off.status == "paid"
    assert one_off.stripe_payment_intent_id == "pi_3QoneOffGift00001"
    assert (payment.receipt_number, payment.amount, payment.currency, payment.paid_at) == (
        "SORI-2026-00001",
        2500,
        "GBP",
        at(1795168860),
    )
    assert payment.receipt_status == "sent"
    [mail] = outbox
    assert mail.to == ["jiwoo@example.org"]
    assert mail.subject == "Your receipt SORI-2026-00001: thank you for your gift"
    assert [(name, kind) for name, _content, kind in mail.attachments] == [
        ("SORI-2026-00001.pdf", "application/pdf")
    ]


def test_the_same_event_delivered_three_times_counts_once(webhook, one_off, outbox):
    payload = event("checkout_session_completed_payment")

    responses = [webhook(payload) for _ in range(3)]

    assert [r.json()["duplicate"] for r in responses] == [False, True, True]
    assert [r.status_code for r in responses] == [200, 200, 200]
    assert StripeEvent.objects.get().attempts == 1
    assert Payment.objects.count() == 1
    assert len(outbox) == 1


def test_a_whole_monthly_history_replayed_three_times_ends_the_same(webhook, monthly, outbox):
    history = [
        event("checkout_session_completed_subscription"),
        event("invoice_paid"),
        event("invoice_payment_failed"),
        event("customer_subscription_deleted"),
    ]
    for payload in history:
        webhook(payload)
    once = state()

    for _ in range(3):
        for payload in history:
            webhook(payload)

    assert state() == once
    assert once["donations"][0]["status"] == "cancelled"
    assert len(once["payments"]) == 1
    assert StripeEvent.objects.count() == 4
    assert len(outbox) == 1


def test_a_repeat_under_a_new_event_id_records_no_second_payment(webhook, one_off, outbox):
    first = event("checkout_session_completed_payment")
    second = event("checkout_session_completed_payment")
    second["id"] = "evt_1QoneOffCompleted02"
    second["type"] = "checkout.session.async_payment_succeeded"

    webhook(first)
    webhook(second)

    assert StripeEvent.objects.count() == 2
    assert Payment.objects.count() == 1
    assert len(outbox) == 1


@pytest.mark.parametrize(
    "header",
    [
        lambda body: sign(body, secret="whsec_someone_elses_secret"),
        lambda body: sign(body + " "),
        lambda body: "t=1795168860,v1=" + "0" * 64,
        lambda body: "garbage",
        lambda body: "",
    ],
    ids=["wrong-secret", "tampered-body", "forged", "garbage", "missing"],
)
def test_a_bad_signature_is_refused_and_nothing_is_stored(client, stripe_fake, one_off, header):
    body = json.dumps(event("checkout_session_completed_payment"))

    response = client.post(
        WEBHOOK, data=body, content_type="application/json", HTTP_STRIPE_SIGNATURE=header(body)
    )

    assert response.status_code == 400
    assert StripeEvent.objects.count() == 0
    assert Donation.objects.get().status == "pending"


def test_a_stale_signature_is_refused(client, stripe_fake, one_off):
    stale = int(time.time()) - 301

    response = post_event(client, event("checkout_session_completed_payment"), timestamp=stale)

    assert response.status_code == 400
    assert response.content.decode() == f"Timestamp outside the tolerance zone ({stale})"
    assert StripeEvent.objects.count() == 0


def test_a_signature_within_five_minutes_is_accepted(webhook, one_off):
    response = webhook(
        event("checkout_session_completed_payment"), timestamp=int(time.time()) - 290
    )

    assert response.status_code == 200


NOT_AN_EVENT = "The body is not a Stripe event"


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("this is not json", "The body is not JSON"),
        ("[]", NOT_AN_EVENT),
        ('{"id": "evt_1", "type": "invoice.paid"}', NOT_AN_EVENT),
        ('{"id": 5, "object": "event", "type": "x", "data": {"object": {}}}', NOT_AN_EVENT),
        ('{"id": "evt_1", "object": "event", "type": "x", "data": {"object": []}}', NOT_AN_EVENT),
    ],
)
def test_a_signed_body_that_is_not_an_event_is_refused(client, stripe_fake, body, reason):
    response = client.post(
        WEBHOOK, data=body, content_type="application/json", HTTP_STRIPE_SIGNATURE=sign(body)
    )

    assert response.status_code == 400
    assert response.content.decode() == reason
    assert StripeEvent.objects.count() == 0


def test_a_body_that_is_not_utf8_is_refused(client, stripe_fake):
    response = client.post(
        WEBHOOK,
        data=b"\xff\xfe{}",
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE="t=1,v1=0",
    )

    assert response.status_code == 400
    assert StripeEvent.objects.count() == 0


def test_the_webhook_needs_no_csrf_token(stripe_fake, one_off):
    client = Client(enforce_csrf_checks=True)

    response = post_event(client, event("checkout_session_completed_payment"))

    assert response.status_code == 200


def test_the_webhook_takes_only_post(client, stripe_fake):
    assert client.get(WEBHOOK).status_code == 405


def test_without_stripe_keys_the_webhook_does_not_exist(client, db):
    response = post_event(client, event("checkout_session_completed_payment"))

    assert response.status_code == 404
    assert StripeEvent.objects.count() == 0


def test_unknown_event_types_are_stored_and_ignored(webhook, one_off):
    before = state()

    response = webhook(event("customer_created"))

    stored = StripeEvent.objects.get()
    assert response.status_code == 200
    assert (stored.type, stored.error, stored.donation) == ("customer.created", "", None)
    assert stored.processed_at is not None
    assert state() == before


def test_an_event_for_a_donation_we_do_not_know_is_recorded_without_effect(webhook, jiwoo):
    response = webhook(event("checkout_session_completed_payment"))

    stored = StripeEvent.objects.get()
    assert response.status_code == 200
    assert stored.processed_at is not None
    assert stored.error == (
        "No donation for reference=0f5c3a8e-6d2b-4c1a-9e7f-1a2b3c4d5e6f "
        "stripe_checkout_session_id=cs_test_oneOffSession0001, "
        "stripe_payment_intent_id=pi_3QoneOffGift00001"
    )
    assert Payment.objects.count() == 0
    assert Donation.objects.count() == 0


@pytest.mark.parametrize("created", [10**20, 253402300800])
def test_an_event_created_past_the_calendar_is_recorded_not_a_crash(
    webhook, one_off, outbox, created
):
    payload = event("checkout_session_completed_payment")
    payload["created"] = created

    response = webhook(payload)

    stored = StripeEvent.objects.get()
    one_off.refresh_from_db()
    assert response.status_code == 200
    assert (stored.created, stored.error, stored.donation) == (None, "", one_off)
    assert stored.processed_at is not None
    assert one_off.status == "paid"


# One-off gifts ---------------------------------------------------------------------------


def test_a_bank_payment_stays_processing_until_it_succeeds(webhook, one_off, outbox):
    completed = event("checkout_session_completed_payment")
    completed["data"]["object"]["payment_status"] = "unpaid"
    succeeded = event("checkout_session_completed_payment")
    succeeded["id"] = "evt_1QoneOffAsyncSucceeded01"
    succeeded["type"] = "checkout.session.async_payment_succeeded"

    webhook(completed)
    one_off.refresh_from_db()
    status_after_completion = one_off.status
    webhook(succeeded)
    one_off.refresh_from_db()

    assert status_after_completion == "processing"
    assert one_off.status == "paid"
    assert Payment.objects.get().amount == 2500
    assert len(outbox) == 1


def test_a_failed_bank_payment_fails_the_gift(webhook, one_off, outbox):
    completed = event("checkout_session_completed_payment")
    completed["data"]["object"]["payment_status"] = "unpaid"

    webhook(completed)
    webhook(event("checkout_session_async_payment_failed"))

    one_off.refresh_from_db()
    assert (one_off.status, one_off.failure_reason) == ("failed", "The delayed payment failed.")
    assert Payment.objects.count() == 0
    assert outbox == []


def test_an_abandoned_checkout_expires(webhook, one_off):
    webhook(event("checkout_session_expired"))

    one_off.refresh_from_db()
    assert one_off.status == "expired"


def test_won_are_recorded_and_receipted_as_whole_won(webhook, jiwoo, outbox):
    donation = DonationFactory(
        reference=ONE_OFF_REFERENCE, supporter=jiwoo, amount=50000, currency="KRW"
    )
    payload = event("checkout_session_completed_payment")
    payload["data"]["object"].update(currency="krw", amount_total=50000, amount_subtotal=50000)

    webhook(payload)

    donation.refresh_from_db()
    payment = Payment.objects.get()
    assert (payment.amount, payment.currency, payment.display_amount) == (50000, "KRW", "₩50,000")
    assert donation.status == "paid"
    assert len(outbox) == 1


# Refunds -----------------------------------------------------------------------------


def test_a_refund_after_payment_refunds_the_gift(webhook, one_off, stripe_fake):
    webhook(event("checkout_session_completed_payment"))

    webhook(event("charge_refunded"))

    one_off.refresh_from_db()
    payment = Payment.objects.get()
    assert one_off.status == "refunded"
    assert (payment.amount_refunded, payment.refunded_at) == (2500, at(1795428000))
    assert payment.is_refunded
    assert stripe_fake.requests == []


def test_a_partial_refund_of_a_month_is_found_through_its_invoice(webhook, monthly, stripe_fake):
    webhook(event("checkout_session_completed_subscription"))
    webhook(event("invoice_paid"))

    webhook(event("charge_refunded_monthly"))

    monthly.refresh_from_db()
    payment = Payment.objects.get()
    [lookup] = stripe_fake.requests
    assert (lookup.method, lookup.path) == ("GET", "/v1/invoice_payments")
    assert lookup.params == {
        "payment[type]": "payment_intent",
        "payment[payment_intent]": "pi_3QmonthlyGift00001",
        "expand[0]": "data.invoice",
    }
    assert (payment.stripe_invoice_id, payment.amount_refunded) == ("in_1QmonthlyInvoice01", 400)
    assert not payment.is_refunded
    assert monthly.status == "active"


def test_a_refund_that_overtakes_the_payment_still_ends_refunded(
    webhook, one_off, stripe_fake, outbox
):
    webhook(event("charge_refunded"))
    webhook(event("checkout_session_completed_payment"))

    one_off.refresh_from_db()
    payment = Payment.objects.get()
    assert [(r.method, r.path) for r in stripe_fake.requests] == [
        ("GET", "/v1/invoice_payments"),
        ("GET", "/v1/payment_intents/pi_3QoneOffGift00001"),
    ]
    assert one_off.status == "refunded"
    assert (payment.amount, payment.amount_refunded, payment.receipt_status) == (
        2500,
        2500,
        "not_sent",
    )
    assert outbox == []


def test_when_stripe_cannot_be_asked_the_event_waits_for_a_retry(webhook, monthly, stripe_fake):
    webhook(event("checkout_session_completed_subscription"))
    webhook(event("invoice_paid"))
    stripe_fake.fail("GET", "/v1/invoice_payments", status=500)

    response = webhook(event("charge_refunded_monthly"))

    stored = StripeEvent.objects.get(pk="evt_3QmonthlyRefunded01")
    assert response.status_code == 200
    assert stored.processed_at is None
    assert stored.error == (
        "APIError: Request req_fake: An error occurred with our connection to Stripe. "
        "Request was retried 2 times."
    )
    assert Payment.objects.get().amount_refunded == 0

    stripe_fake.failures.clear()
    call_command("process_stripe_events", "--older-than=0", stdout=StringIO())

    stored.refresh_from_db()
    assert stored.processed_at is not None
    assert (stored.error, stored.attempts) == ("", 2)
    assert Payment.objects.get().amount_refunded == 400


def test_stripes_own_retry_of_a_failed_event_processes_it(webhook, monthly, stripe_fake):
    webhook(event("checkout_session_completed_subscription"))
    webhook(event("invoice_paid"))
    stripe_fake.fail("GET", "/v1/invoice_payments", status=500)
    webhook(event("charge_refunded_monthly"))
    stripe_fake.failures.clear()

    response = webhook(event("charge_refunded_monthly"))

    assert response.json() == {"received": True, "duplicate": True}
    assert StripeEvent.objects.get(pk="evt_3QmonthlyRefunded01").processed_at is not None
    assert Payment.objects.get().amount_refunded == 400


# Monthly gifts ---------------------------------------------------------------------------


def test_a_monthly_gift_starts_and_each_paid_month_is_a_payment(webhook, monthly, outbox):
    second_month = event("invoice_paid")
    second_month["id"] = "evt_1QmonthlyInvoicePaid02"
    second_month["data"]["object"].update(id="in_1QmonthlyInvoice02")
    second_month["data"]["object"]["status_transitions"]["paid_at"] = 1797760920

    webhook(event("checkout_session_completed_subscription"))
    webhook(event("invoice_paid"))
    webhook(second_month)

    monthly.refresh_from_db()
    assert monthly.status == "active"
    assert (monthly.stripe_subscription_id, monthly.stripe_customer_id) == (
        "sub_1QmonthlyGift0001",
        "cus_Rdonor0001",
    )
    assert list(
        Payment.objects.order_by("paid_at").values_list(
            "receipt_number", "stripe_invoice_id", "paid_at"
        )
    ) == [
        ("SORI-2026-00001", "in_1QmonthlyInvoice01", at(1795168920)),
        ("SORI-2026-00002", "in_1QmonthlyInvoice02", at(1797760920)),
    ]
    assert [mail.subject for mail in outbox] == [
        "Your receipt SORI-2026-00001: thank you for your gift",
        "Your receipt SORI-2026-00002: thank you for your gift",
    ]


IN_ORDER_MONTHLY = {
    "status": "active",
    "stripe_payment_intent_id": None,
    "stripe_subscription_id": "sub_1QmonthlyGift0001",
    "stripe_customer_id": "cus_Rdonor0001",
}


@pytest.mark.parametrize(
    "names",
    list(itertools.permutations(["checkout_session_completed_subscription", "invoice_paid"])),
    ids=lambda names: " then ".join(names),
)
def test_invoice_paid_before_checkout_completed_ends_the_same(webhook, monthly, names):
    for name in names:
        webhook(event(name))

    result = state()
    assert {key: result["donations"][0][key] for key in IN_ORDER_MONTHLY} == IN_ORDER_MONTHLY
    assert [
        (p["stripe_invoice_id"], p["amount"], p["receipt_status"]) for p in result["payments"]
    ] == [("in_1QmonthlyInvoice01", 1000, "sent")]


def test_every_order_of_a_monthly_life_ends_in_the_same_state(webhook, monthly):
    names = [
        "checkout_session_completed_subscription",
        "invoice_paid",
        "invoice_payment_failed",
        "customer_subscription_deleted",
    ]
    results = []
    for order in itertools.permutations(names):
        Payment.objects.all().delete()
        StripeEvent.objects.all().delete()
        Donation.objects.filter(pk=monthly.pk).update(
            status="pending",
            stripe_subscription_id=None,
            stripe_customer_id="",
            cancelled_at=None,
            last_payment_failed_at=None,
        )
        ReceiptSequence.objects.all().delete()
        for name in order:
            webhook(event(name))
        results.append(state())

    assert all(result == results[0] for result in results)
    final = results[0]["donations"][0]
    assert (final["status"], final["cancelled_at"], final["last_payment_failed_at"]) == (
        "cancelled",
        at(1796000000),
        at(1797760960),
    )


def test_a_failed_monthly_payment_is_noted_and_an_older_one_does_not_undo_it(webhook, monthly):
    newer = event("invoice_payment_failed")
    older = event("invoice_payment_failed")
    older["id"] = "evt_1QmonthlyPaymentFailed00"
    older["created"] = 1795168950

    webhook(event("checkout_session_completed_subscription"))
    webhook(newer)
    webhook(older)

    monthly.refresh_from_db()
    assert monthly.last_payment_failed_at == at(1797760960)
    assert monthly.status == "active"


def test_a_deleted_subscription_ends_the_monthly_gift(webhook, monthly):
    webhook(event("checkout_session_completed_subscription"))

    webhook(event("customer_subscription_deleted"))

    monthly.refresh_from_db()
    assert (monthly.status, monthly.cancelled_at) == ("cancelled", at(1796000000))


def test_a_late_invoice_after_cancellation_is_recorded_but_does_not_restart_the_gift(
    webhook, monthly
):
    webhook(event("checkout_session_completed_subscription"))
    webhook(event("customer_subscription_deleted"))

    webhook(event("invoice_paid"))

    monthly.refresh_from_db()
    assert monthly.status == "cancelled"
    assert Payment.objects.count() == 1


def test_payloads_are_emptied_some_days_after_processing_and_replays_still_count_once(
    webhook, one_off, outbox, settings
):
    settings.DONATION_EVENT_PAYLOAD_DAYS = 90
    webhook(event("checkout_session_completed_payment"))
    long_ago = timezone.now() - timedelta(days=91)
    StripeEvent.objects.update(processed_at=long_ago)
    now = timezone.now()  # a recent event, and an old one still waiting
    StripeEvent.objects.create(
        id="evt_recent", type="invoice.paid", payload={"id": "evt_recent"}, processed_at=now
    )
    StripeEvent.objects.create(
        id="evt_waiting", type="invoice.paid", payload={"id": "evt_waiting"}, received_at=long_ago
    )
    out = StringIO()

    call_command("purge_stripe_events", stdout=out)
    call_command("purge_stripe_events", stdout=out)
    replay = webhook(event("checkout_session_completed_payment"))

    payloads = dict(StripeEvent.objects.values_list("id", "payload"))
    assert payloads == {
        "evt_1QoneOffCompleted01": {"purged": True},
        "evt_recent": {"id": "evt_recent"},
        "evt_waiting": {"id": "evt_waiting"},
    }
    assert out.getvalue().splitlines() == [
        "Emptied the payloads of 1 event(s) processed over 90 days ago.",
        "Emptied the payloads of 0 event(s) processed over 90 days ago.",
    ]
    assert replay.json() == {"received": True, "duplicate": True}
    assert Payment.objects.count() == 1 and len(outbox) == 1


def test_purging_needs_at_least_a_day(db):
    with pytest.raises(CommandError, match="at least 1"):
        call_command("purge_stripe_events", "--days=0", stdout=StringIO())
