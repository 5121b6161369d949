"""Donation workflows: starting a gift at Stripe, recording what Stripe reports,
receipts, cancelling a monthly gift, and a supporter's data."""

import logging
from datetime import timedelta
from urllib.parse import urlencode

import stripe
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts import notices
from accounts.models import ConsentRecord, Supporter
from accounts.services import get_or_create_supporter, record_consent
from lib.emails import describe_failure
from lib.tasks import after_commit

from . import emails, webhooks
from .models import Donation, Payment, StripeEvent
from .money import from_minor
from .stripe_api import stripe_client

logger = logging.getLogger(__name__)


class StripeUnavailable(RuntimeError):
    """Stripe could not be reached or refused the request; nothing was charged."""


# Giving --------------------------------------------------------------------------------


@transaction.atomic
def _create_pending_donation(*, email: str, language: str, source: str, **gift) -> Donation:
    """The Supporter (if new), the donation consent and a pending Donation of ``gift``
    (names, amount, currency, frequency, campaign)."""
    names = {"first_name": gift["first_name"], "last_name": gift["last_name"]}
    supporter, _created = get_or_create_supporter(
        email=email, defaults={**names, "language": language}
    )
    record_consent(
        supporter=supporter,
        purpose=ConsentRecord.Purpose.DONATION,
        granted=True,
        notice=notices.DONATION,
        source=source,
        language=language,
    )
    return Donation.objects.create(
        supporter=supporter,
        email=supporter.email,
        language=language,
        **gift,
    )


def checkout_params(donation: Donation, *, base_url: str) -> dict:
    """The Checkout Session for a donation: one line, our reference everywhere."""
    reference = str(donation.reference)
    with translation.override(donation.language):
        if donation.campaign:
            name = _("Donation to %(organisation)s: %(campaign)s") % {
                "organisation": settings.ORGANISATION_NAME,
                "campaign": donation.campaign.title,
            }
        else:
            name = _("Donation to %(organisation)s") % {"organisation": settings.ORGANISATION_NAME}
    price_data: dict = {
        "currency": donation.currency.lower(),
        "unit_amount": donation.amount,
        "product_data": {"name": name[:250]},
    }
    back = {"cancelled": reference}
    if donation.campaign:
        back["campaign"] = donation.campaign.slug
    params: dict = {
        "line_items": [{"price_data": price_data, "quantity": 1}],
        "customer_email": donation.email,
        "client_reference_id": reference,
        "metadata": {"donation": reference},
        "success_url": base_url + reverse("donations:thanks", args=[reference]),
        "cancel_url": f"{base_url}{reverse('donations:donate')}?{urlencode(back)}",
        "locale": "ko" if donation.language == "ko" else "en",
        # The donor pays in the currency they chose, so the receipt says what was paid.
        "adaptive_pricing": {"enabled": False},
    }
    if donation.is_monthly:
        price_data["recurring"] = {"interval": "month"}
        params["mode"] = "subscription"
        params["subscription_data"] = {"description": name, "metadata": {"donation": reference}}
    else:
        params["mode"] = "payment"
        params["submit_type"] = "donate"
        params["payment_intent_data"] = {"description": name, "metadata": {"donation": reference}}
    return params


def start_donation(
    *,
    first_name: str,
    last_name: str,
    email: str,
    amount: int,
    currency: str,
    frequency: str,
    campaign=None,
    language: str = "en",
    base_url: str,
    source: str = "",
) -> tuple[Donation, str]:
    """Make a pending donation and its Stripe Checkout Session; return the Checkout URL.

    Side effects: the Supporter for the address (if new) and a ConsentRecord for the
    donation notice; a Donation(pending); one Checkout Session created at Stripe with
    the idempotency key ``sori-donation-<reference>-checkout``. Nothing is paid or
    fulfilled here: only webhooks do that.

    Deliberately two steps, not one transaction: the rows commit before the network
    call, so no database lock is held while Stripe answers, and the idempotency key
    makes stripe-python's retries of that call safe. If Stripe cannot be reached, the
    donation is marked failed and StripeUnavailable is raised.
    """
    donation = _create_pending_donation(
        first_name=first_name,
        last_name=last_name,
        email=email,
        amount=amount,
        currency=currency,
        frequency=frequency,
        campaign=campaign,
        language=language,
        source=source,
    )
    try:
        session = stripe_client().v1.checkout.sessions.create(
            params=checkout_params(donation, base_url=base_url),
            options={"idempotency_key": f"sori-donation-{donation.reference}-checkout"},
        )
    except stripe.StripeError as error:
        logger.warning("Stripe refused a Checkout Session for %s: %s", donation.reference, error)
        donation.advance(Donation.Status.FAILED, failure_reason=str(error)[:200])
        raise StripeUnavailable(str(error)) from error
    donation.stripe_checkout_session_id = session.id
    donation.save(update_fields=["stripe_checkout_session_id", "updated_at"])
    return donation, session.url


# Webhook events -----------------------------------------------------------------------


def record_stripe_event(*, event: dict) -> tuple[StripeEvent, bool]:
    """Store a verified event once by its id and schedule its processing.

    Side effects: one StripeEvent row (none when the id is known); after commit, the
    ``process_stripe_event`` task unless the event was processed already. Returns the
    row and whether it is new.
    """
    with transaction.atomic():
        stored, created = StripeEvent.objects.get_or_create(
            id=event["id"],
            defaults={
                "type": event["type"],
                "payload": event,
                "livemode": bool(event.get("livemode")),
                "created": webhooks.from_timestamp(event.get("created")),
            },
        )
        if stored.processed_at is None:
            after_commit("donations.tasks.process_stripe_event", stored.id)
    return stored, created


PURGED_PAYLOAD = {"purged": True}


def purge_stripe_payloads(*, days: int) -> int:
    """Empty the payloads of events processed more than ``days`` days ago.

    A payload holds the donor's name, address and email as Stripe sent them; once the
    event is processed, the donation and payment rows hold what Sori needs. The event's
    id, type and times stay, so a replay from Stripe is still recognised and ignored.
    Unprocessed events keep their payload: they still need it. Returns how many were
    emptied (already emptied or erased ones are not counted again).
    """
    cutoff = timezone.now() - timedelta(days=days)
    stale = StripeEvent.objects.filter(processed_at__lt=cutoff, payload__has_key="id")
    return stale.update(payload=PURGED_PAYLOAD)


def process_stripe_event(*, event_id: str) -> bool:
    """Apply one stored event through its handler; True when it needs no retry.

    Side effects: whatever the handler does (donation status, payments, refunds,
    receipts after commit), all in one transaction, and the event's
    ``processed_at``/``error``. An event of a type we do not handle, or about a
    donation we do not know, is marked processed with no effect. Any other failure
    rolls the handler back, keeps the error on the event and leaves it unprocessed
    for a retry. Events about an anonymised donation keep no payload.
    """
    event = StripeEvent.objects.filter(pk=event_id, processed_at__isnull=True).first()
    if event is None:
        return True
    handler = webhooks.HANDLERS.get(event.type)
    found: dict = {}
    error = ""
    retry = False
    try:
        lookup = webhooks.LOOKUPS.get(event.type)
        if handler is not None and lookup is not None:
            found = lookup(event)
    except Exception as failure:
        logger.exception("Looking up Stripe event %s failed", event_id)
        error, retry = f"{type(failure).__name__}: {failure}", True
    with transaction.atomic():
        event = StripeEvent.objects.select_for_update().get(pk=event_id)
        if event.processed_at is not None:
            return True
        event.attempts += 1
        if handler is not None and not retry:
            try:
                with transaction.atomic():
                    event.donation = handler(event, event.data_object, found)
            except webhooks.UnknownDonation as unknown:
                error = str(unknown)
            except Exception as failure:
                logger.exception("Processing Stripe event %s failed", event_id)
                error, retry = f"{type(failure).__name__}: {failure}", True
        event.error = error[:2000]
        event.processed_at = None if retry else timezone.now()
        if event.donation is not None and event.donation.anonymised_at is not None:
            event.payload = {"erased": True}
        event.save()
    return not retry


# Receipts ------------------------------------------------------------------------------


def send_receipt(*, payment_id: int) -> bool:
    """Email the donor their PDF receipt for one payment; True when done or not needed.

    Side effects: one email with the PDF attached; the payment's receipt status set
    to sent, or to failed with the error so staff see it (and a retry can follow).
    """
    payment = Payment.objects.select_related("donation__campaign").get(pk=payment_id)
    donation = payment.donation
    if payment.receipt_status in {Payment.ReceiptStatus.SENT, Payment.ReceiptStatus.NOT_SENT}:
        return True
    if not donation.email:
        payment.receipt_status = Payment.ReceiptStatus.NOT_SENT
        payment.save(update_fields=["receipt_status"])
        return True
    try:
        emails.send_receipt(payment)
    except Exception as failure:
        logger.exception("The receipt for payment %s could not be sent", payment_id)
        payment.receipt_status = Payment.ReceiptStatus.FAILED
        payment.receipt_error = describe_failure(failure)[:300]
        payment.save(update_fields=["receipt_status", "receipt_error"])
        return False
    payment.receipt_status = Payment.ReceiptStatus.SENT
    payment.receipt_sent_at = timezone.now()
    payment.receipt_error = ""
    payment.save(update_fields=["receipt_status", "receipt_sent_at", "receipt_error"])
    return True


# Monthly gifts -------------------------------------------------------------------------


def cancel_monthly_donation(*, donation: Donation) -> None:
    """Stop a monthly gift now: Stripe takes no further payment.

    Side effects: one request to Stripe cancelling the subscription (idempotency key
    ``sori-donation-<reference>-cancel``); the donation marked cancelled. The
    ``customer.subscription.deleted`` webhook that follows changes nothing more.
    Raises StripeUnavailable if Stripe cannot confirm it, and then nothing changes.
    """
    if not donation.can_cancel:
        return
    if donation.stripe_subscription_id:
        client = stripe_client()
        try:
            client.v1.subscriptions.cancel(
                donation.stripe_subscription_id,
                options={"idempotency_key": f"sori-donation-{donation.reference}-cancel"},
            )
        except stripe.InvalidRequestError as error:
            # Already cancelled at Stripe (say, from the dashboard) is what we wanted.
            try:
                status = client.v1.subscriptions.retrieve(donation.stripe_subscription_id).status
            except stripe.StripeError:
                status = None
            if status != "canceled":
                raise StripeUnavailable(str(error)) from error
        except stripe.StripeError as error:
            raise StripeUnavailable(str(error)) from error
    with transaction.atomic():
        locked = Donation.objects.select_for_update().get(pk=donation.pk)
        locked.advance(Donation.Status.CANCELLED, cancelled_at=timezone.now())
    donation.refresh_from_db()


# A supporter's data ---------------------------------------------------------------------


def export_donations(supporter: Supporter) -> list[dict]:
    donations = Donation.objects.for_supporter(supporter).select_related("campaign")
    return [
        {
            "reference": str(d.reference),
            "created_at": d.created_at.isoformat(),
            "amount": str(from_minor(d.amount, d.currency)),
            "currency": d.currency,
            "frequency": d.frequency,
            "status": d.status,
            "campaign": d.campaign.title if d.campaign else "",
            "name": d.donor_name,
            "email": d.email,
            "payments": [
                {
                    "receipt_number": p.receipt_number,
                    "paid_at": p.paid_at.isoformat(),
                    "amount": str(from_minor(p.amount, p.currency)),
                    "currency": p.currency,
                    "refunded": str(from_minor(p.amount_refunded, p.currency)),
                }
                for p in d.payments.order_by("paid_at", "pk")
            ],
        }
        for d in donations.order_by("created_at", "pk")
    ]


@transaction.atomic
def anonymise_donations(*, supporter: Supporter) -> int:
    """Remove a supporter's name and email from their donations (the right to erasure).

    Tax law requires the financial records to be kept, so the donations, payments and
    receipt numbers stay without anyone's name or address. Side effects: the rows
    anonymised; the Stripe payloads of their events, and of unlinked events that name
    their email, emptied; after commit, each
    running monthly gift cancelled at Stripe (nobody is charged by a Sori that has
    forgotten them). Returns how many donations were anonymised.
    """
    donations = list(Donation.objects.select_for_update().filter(supporter=supporter))
    emails = {supporter.email, *(donation.email for donation in donations)} - {""}
    now = timezone.now()
    for donation in donations:
        if donation.can_cancel:
            pk = donation.pk
            after_commit("donations.tasks.cancel_monthly", pk)
        donation.supporter = None
        donation.first_name = donation.last_name = donation.email = ""
        donation.anonymised_at = now
        donation.save(
            update_fields=[
                "supporter",
                "first_name",
                "last_name",
                "email",
                "anonymised_at",
                "updated_at",
            ]
        )
    # An event that never found its donation (it came first, or named a reference we do
    # not know) is linked to nothing, yet carries the donor's name: find it by email.
    mentions = Q(donation__in=donations)
    for email in emails:
        for path in EVENT_EMAIL_PATHS:
            mentions |= Q(**{f"payload__{path}__iexact": email})
    StripeEvent.objects.filter(mentions).update(payload={"erased": True})
    return len(donations)


# Where a Stripe event's object holds the payer's email (Checkout Session, invoice,
# charge and payment intent, customer).
EVENT_EMAIL_PATHS = (
    "data__object__customer_details__email",
    "data__object__customer_email",
    "data__object__receipt_email",
    "data__object__billing_details__email",
    "data__object__email",
)
