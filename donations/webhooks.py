"""What each Stripe event means for Sori: one idempotent handler per event type.

``HANDLERS`` maps an event type to a function ``(event, obj, found) -> Donation``; it
runs inside a transaction with the donation row locked. ``LOOKUPS`` maps a type to a
function that may ask Stripe for more before that transaction opens (so the database
is never held while we wait on the network); what it finds arrives as ``found``.

Stripe delivers at least once, in any order. So every handler works from the object in
the event alone, records money by Stripe's own ids (a second delivery finds the row it
made the first time), and moves the donation's status only forward
(``Donation.advance``). Replayed or reordered events therefore end in the same state:
an ``invoice.paid`` that arrives before ``checkout.session.completed`` finds the
donation through the subscription's metadata and records the month's payment; the
late ``checkout.session.completed`` then changes nothing that matters.
"""

import logging
import uuid
from collections.abc import Callable
from datetime import UTC, datetime

import stripe
from django.conf import settings
from django.utils import timezone

from lib.tasks import after_commit

from .models import Donation, Payment, ReceiptSequence, StripeEvent
from .signals import payment_received
from .stripe_api import stripe_client

logger = logging.getLogger(__name__)


class UnknownDonation(LookupError):
    """The event concerns nothing Sori started; it is recorded and has no effect."""


# Helpers -------------------------------------------------------------------------------


def _id(value) -> str | None:
    """Stripe fields hold an id, or the object itself when expanded."""
    if isinstance(value, dict):
        value = value.get("id")
    return value if isinstance(value, str) and value else None


def from_timestamp(timestamp) -> datetime | None:
    """A Stripe timestamp as a time; None if absent or not a time Python can hold (a
    signed event with ``created`` past the year 9999 is recorded, not a crash)."""
    if isinstance(timestamp, int) and timestamp > 0:
        try:
            return datetime.fromtimestamp(timestamp, UTC)
        except (OverflowError, OSError, ValueError):
            return None
    return None


def _reference(metadata) -> uuid.UUID | None:
    value = metadata.get("donation") if isinstance(metadata, dict) else None
    try:
        return uuid.UUID(str(value)) if value else None
    except ValueError:
        return None


def find_donation(*, reference: uuid.UUID | None = None, **stripe_ids: str | None) -> Donation:
    """The donation an event is about, locked for update, by our reference or Stripe ids."""
    donations = Donation.objects.select_for_update()
    if reference is not None:
        donation = donations.filter(reference=reference).first()
        if donation is not None:
            return donation
    for field, value in stripe_ids.items():
        if value:
            donation = donations.filter(**{field: value}).first()
            if donation is not None:
                return donation
    known = ", ".join(f"{k}={v}" for k, v in stripe_ids.items() if v)
    raise UnknownDonation(f"No donation for reference={reference} {known}".strip())


def _note_ids(donation: Donation, **ids: str | None) -> None:
    """Fill in Stripe ids we did not know yet; never overwrite one we have."""
    changed = []
    for field, value in ids.items():
        if value and not getattr(donation, field):
            setattr(donation, field, value)
            changed.append(field)
    if changed:
        donation.save(update_fields=[*changed, "updated_at"])


def next_receipt_number(year: int) -> str:
    """The next number of the year's sequence (the row is locked, so there are no gaps)."""
    ReceiptSequence.objects.get_or_create(year=year)
    sequence = ReceiptSequence.objects.select_for_update().get(year=year)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return f"{settings.DONATION_RECEIPT_PREFIX}-{year}-{sequence.last:05d}"


def record_payment(
    donation: Donation,
    *,
    amount: int,
    currency: str,
    paid_at: datetime,
    payment_intent: str | None = None,
    invoice: str | None = None,
    refunded: int = 0,
) -> Payment:
    """The payment for a PaymentIntent or invoice, made once; the gift is then settled.

    A new payment gets the next receipt number and, after commit, its receipt email
    (unless it is already fully refunded: a receipt for money returned would mislead);
    the signal ``payment_received`` names it.
    """
    if not (invoice or payment_intent):
        raise ValueError("A payment needs a Stripe invoice or PaymentIntent")
    lookup = (
        {"stripe_invoice_id": invoice} if invoice else {"stripe_payment_intent_id": payment_intent}
    )
    payment = Payment.objects.select_for_update().filter(**lookup).first()
    if payment is None:
        refunded = min(refunded, amount)
        payment = Payment.objects.create(
            donation=donation,
            receipt_number=next_receipt_number(timezone.localtime(paid_at).year),
            amount=amount,
            currency=currency.upper(),
            paid_at=paid_at,
            stripe_payment_intent_id=payment_intent,
            stripe_invoice_id=invoice,
            receipt_status=(
                Payment.ReceiptStatus.NOT_SENT
                if refunded >= amount
                else Payment.ReceiptStatus.QUEUED
            ),
        )
        if payment.receipt_status == Payment.ReceiptStatus.QUEUED:
            after_commit("donations.tasks.send_receipt", payment.pk)
        payment_received.send(sender=Payment, payment_id=payment.pk)
    donation.advance(Donation.Status.ACTIVE if donation.is_monthly else Donation.Status.PAID)
    return payment


# Checkout Sessions ---------------------------------------------------------------------


def _donation_for_session(session: dict) -> Donation:
    reference = _reference({"donation": session.get("client_reference_id")}) or _reference(
        session.get("metadata")
    )
    donation = find_donation(
        reference=reference,
        stripe_checkout_session_id=_id(session.get("id")),
        stripe_subscription_id=_id(session.get("subscription")),
        stripe_payment_intent_id=_id(session.get("payment_intent")),
    )
    _note_ids(
        donation,
        stripe_checkout_session_id=_id(session.get("id")),
        stripe_customer_id=_id(session.get("customer")),
        stripe_payment_intent_id=_id(session.get("payment_intent")),
        stripe_subscription_id=_id(session.get("subscription")),
    )
    return donation


def checkout_session_completed(event: StripeEvent, session: dict, found: dict) -> Donation:
    """The donor finished Checkout. Paid now (cards) or later (bank debits)."""
    donation = _donation_for_session(session)
    paid = session.get("payment_status") in {"paid", "no_payment_required"}
    if session.get("mode") == "subscription":
        # Each month's money, the first included, is recorded from invoice.paid.
        donation.advance(Donation.Status.ACTIVE if paid else Donation.Status.PROCESSING)
    elif paid:
        intent = _id(session.get("payment_intent"))
        if intent is None or not isinstance(session.get("amount_total"), int):
            raise ValueError("A paid Checkout Session without a PaymentIntent or amount")
        record_payment(
            donation,
            payment_intent=intent,
            amount=session["amount_total"],
            currency=session.get("currency") or donation.currency,
            paid_at=event.created or timezone.now(),
        )
    else:
        donation.advance(Donation.Status.PROCESSING)
    return donation


def checkout_session_async_payment_failed(
    event: StripeEvent, session: dict, found: dict
) -> Donation:
    donation = _donation_for_session(session)
    donation.advance(Donation.Status.FAILED, failure_reason="The delayed payment failed.")
    return donation


def checkout_session_expired(event: StripeEvent, session: dict, found: dict) -> Donation:
    donation = _donation_for_session(session)
    donation.advance(Donation.Status.EXPIRED)
    return donation


# Invoices and subscriptions (monthly gifts) ----------------------------------------------


def _invoice_subscription(invoice: dict) -> tuple[str | None, uuid.UUID | None]:
    """The subscription and our reference on an invoice, in old and new API shapes."""
    parent = invoice.get("parent") or {}
    details = parent.get("subscription_details") or invoice.get("subscription_details") or {}
    subscription = _id(details.get("subscription")) or _id(invoice.get("subscription"))
    reference = _reference(details.get("metadata"))
    if reference is None:
        for line in (invoice.get("lines") or {}).get("data") or []:
            reference = _reference(line.get("metadata"))
            if reference:
                break
    return subscription, reference


def _donation_for_invoice(invoice: dict) -> Donation:
    subscription, reference = _invoice_subscription(invoice)
    donation = find_donation(reference=reference, stripe_subscription_id=subscription)
    _note_ids(
        donation,
        stripe_subscription_id=subscription,
        stripe_customer_id=_id(invoice.get("customer")),
    )
    return donation


def record_invoice_payment(
    invoice: dict, *, paid_at: datetime, refunded: int = 0
) -> tuple[Donation, Payment | None]:
    """The gift an invoice belongs to, and the month's payment (None if nothing was paid)."""
    donation = _donation_for_invoice(invoice)
    amount = invoice.get("amount_paid")
    if not donation.is_monthly or not isinstance(amount, int) or amount <= 0:
        return donation, None
    transitions = invoice.get("status_transitions") or {}
    payment = record_payment(
        donation,
        invoice=_id(invoice.get("id")),
        amount=amount,
        currency=invoice.get("currency") or donation.currency,
        paid_at=from_timestamp(transitions.get("paid_at")) or paid_at,
        refunded=refunded,
    )
    return donation, payment


def invoice_paid(event: StripeEvent, invoice: dict, found: dict) -> Donation:
    """A month of a monthly gift was paid (the first month included)."""
    donation, _payment = record_invoice_payment(invoice, paid_at=event.created or timezone.now())
    return donation


def invoice_payment_failed(event: StripeEvent, invoice: dict, found: dict) -> Donation:
    """A monthly payment failed; Stripe retries it and cancels the gift if all retries fail."""
    donation = _donation_for_invoice(invoice)
    when = event.created or timezone.now()
    if donation.last_payment_failed_at is None or when > donation.last_payment_failed_at:
        donation.last_payment_failed_at = when
        donation.save(update_fields=["last_payment_failed_at", "updated_at"])
    return donation


def customer_subscription_deleted(event: StripeEvent, subscription: dict, found: dict) -> Donation:
    """The monthly gift ended: cancelled by the donor, by staff, or after failed payments."""
    donation = find_donation(
        reference=_reference(subscription.get("metadata")),
        stripe_subscription_id=_id(subscription.get("id")),
    )
    _note_ids(donation, stripe_subscription_id=_id(subscription.get("id")))
    ended = (
        from_timestamp(subscription.get("canceled_at"))
        or from_timestamp(subscription.get("ended_at"))
        or event.created
        or timezone.now()
    )
    donation.advance(Donation.Status.CANCELLED, cancelled_at=ended)
    return donation


# Refunds -----------------------------------------------------------------------------


def lookup_charge(event: StripeEvent) -> dict:
    """For a refund of money we have not recorded yet, ask Stripe what it was for.

    A monthly payment is recorded by invoice and Stripe's charges no longer name their
    invoice, so we ask for the invoice paid by the charge's PaymentIntent. A one-off
    gift whose completion event has not arrived yet is found through the
    PaymentIntent's metadata, which Checkout copied from ours.
    """
    charge = event.data_object
    intent = _id(charge.get("payment_intent"))
    if intent is None or Payment.objects.filter(stripe_payment_intent_id=intent).exists():
        return {}
    if Donation.objects.filter(stripe_payment_intent_id=intent).exists():
        return {}
    client = stripe_client()
    payments = client.v1.invoice_payments.list(
        params={
            "payment": {"type": "payment_intent", "payment_intent": intent},
            "expand": ["data.invoice"],
        }
    )
    for item in payments.data:
        if isinstance(item.invoice, stripe.StripeObject):
            return {"invoice": item.invoice.to_dict()}
    reference = _reference(charge.get("metadata"))
    if reference is None:
        metadata = client.v1.payment_intents.retrieve(intent).metadata
        reference = _reference(metadata.to_dict() if metadata else None)
    return {"donation": str(reference)} if reference else {}


def charge_refunded(event: StripeEvent, charge: dict, found: dict) -> Donation:
    """Money was returned, in full or in part. Stripe reports the total refunded so far."""
    intent = _id(charge.get("payment_intent"))
    refunded = charge.get("amount_refunded")
    if intent is None or not isinstance(refunded, int):
        raise UnknownDonation("A refunded charge without a PaymentIntent")
    when = event.created or timezone.now()
    payment = Payment.objects.select_for_update().filter(stripe_payment_intent_id=intent).first()
    if payment is not None:
        donation = find_donation(reference=payment.donation.reference)
    elif found.get("invoice"):
        donation, payment = record_invoice_payment(
            found["invoice"], paid_at=when, refunded=refunded
        )
    else:
        donation = find_donation(reference=_reference(found), stripe_payment_intent_id=intent)
        if isinstance(charge.get("amount"), int):
            payment = record_payment(
                donation,
                payment_intent=intent,
                amount=charge["amount"],
                currency=charge.get("currency") or donation.currency,
                paid_at=from_timestamp(charge.get("created")) or when,
                refunded=refunded,
            )
    if payment is None:
        raise UnknownDonation(f"No payment for PaymentIntent {intent}")
    payment.record_refund(refunded, when)
    if payment.is_refunded and not donation.is_monthly:
        donation.advance(Donation.Status.REFUNDED)
    return donation


Handler = Callable[[StripeEvent, dict, dict], Donation]

HANDLERS: dict[str, Handler] = {
    "checkout.session.completed": checkout_session_completed,
    "checkout.session.async_payment_succeeded": checkout_session_completed,
    "checkout.session.async_payment_failed": checkout_session_async_payment_failed,
    "checkout.session.expired": checkout_session_expired,
    "invoice.paid": invoice_paid,
    "invoice.payment_failed": invoice_payment_failed,
    "customer.subscription.deleted": customer_subscription_deleted,
    "charge.refunded": charge_refunded,
}

LOOKUPS: dict[str, Callable[[StripeEvent], dict]] = {
    "charge.refunded": lookup_charge,
}
