"""The admin shows money records read-only; staff may resend receipts and reprocess events."""

import pytest

from donations.models import Payment, StripeEvent
from tests.factories import PaymentFactory
from tests.stripe_fake import event


@pytest.mark.parametrize("model", ["donation", "payment", "stripeevent"])
def test_staff_see_donations_in_the_admin_and_cannot_add_any(client, carol, model):
    PaymentFactory()
    client.force_login(carol)

    listing = client.get(f"/admin/donations/{model}/")
    adding = client.get(f"/admin/donations/{model}/add/")

    assert listing.status_code == 200
    assert adding.status_code == 403


def test_staff_resend_a_failed_receipt(client, carol, outbox):
    payment = PaymentFactory(receipt_status=Payment.ReceiptStatus.FAILED)
    client.force_login(carol)

    client.post(
        "/admin/donations/payment/",
        {"action": "send_receipt_again", "_selected_action": [payment.pk]},
    )

    payment.refresh_from_db()
    assert payment.receipt_status == "sent"
    assert [mail.subject for mail in outbox] == [
        f"Your receipt {payment.receipt_number}: thank you for your gift"
    ]


def test_staff_reprocess_an_event_that_failed(client, carol, stripe_fake):
    stored = StripeEvent.objects.create(
        id="evt_1QcustomerCreated01", type="customer.created", payload=event("customer_created")
    )
    client.force_login(carol)

    client.post(
        "/admin/donations/stripeevent/",
        {"action": "process_again", "_selected_action": [stored.pk]},
    )

    stored.refresh_from_db()
    assert stored.processed_at is not None
