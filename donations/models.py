import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q, Sum
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lib.states import check_transition
from lib.text import full_name

from .money import format_money


class DonationQuerySet(models.QuerySet):
    def for_supporter(self, supporter) -> "DonationQuerySet":
        return self.filter(supporter=supporter)

    def monthly_running(self) -> "DonationQuerySet":
        return self.filter(frequency=Donation.Frequency.MONTHLY, status=Donation.Status.ACTIVE)


class Donation(models.Model):
    """One gift a supporter chose: once, or every month until cancelled.

    The row is made before the donor goes to Stripe and changes only when Stripe's
    webhooks say what happened (``donations.webhooks``); money received is recorded
    as ``Payment`` rows, one per charge, each with its own receipt.
    """

    class Frequency(models.TextChoices):
        ONCE = "once", _("Once")
        MONTHLY = "monthly", _("Monthly")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for payment")
        PROCESSING = "processing", _("Processing")
        PAID = "paid", _("Paid")
        ACTIVE = "active", _("Active monthly gift")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Not completed")
        REFUNDED = "refunded", _("Refunded")
        CANCELLED = "cancelled", _("Cancelled")

    # Every move goes forward. Webhooks arrive late, twice or out of order, so a
    # handler asks for the state an event implies and a move that this map does not
    # allow (back to "processing" after "paid") is simply not made. Money received
    # always wins: a gift marked failed or expired becomes paid if a payment arrives.
    TRANSITIONS = {
        Status.PENDING: {
            Status.PROCESSING,
            Status.PAID,
            Status.ACTIVE,
            Status.FAILED,
            Status.EXPIRED,
            Status.CANCELLED,
        },
        Status.PROCESSING: {Status.PAID, Status.ACTIVE, Status.FAILED, Status.CANCELLED},
        Status.PAID: {Status.REFUNDED},
        Status.ACTIVE: {Status.CANCELLED},
        Status.FAILED: {Status.PAID, Status.ACTIVE},
        Status.EXPIRED: {Status.PAID, Status.ACTIVE},
        Status.REFUNDED: set(),
        Status.CANCELLED: set(),
    }
    SETTLED = {Status.PAID, Status.ACTIVE, Status.REFUNDED, Status.CANCELLED}

    reference = models.UUIDField(_("reference"), default=uuid.uuid4, unique=True, editable=False)
    supporter = models.ForeignKey(
        "accounts.Supporter",
        verbose_name=_("supporter"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="donations",
    )
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name=_("campaign"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="donations",
    )
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    email = models.EmailField(_("email address"), blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    amount = models.PositiveBigIntegerField(
        _("amount"), help_text=_("In the currency's smallest unit, as Stripe counts it.")
    )
    currency = models.CharField(_("currency"), max_length=3)
    frequency = models.CharField(
        _("frequency"), max_length=10, choices=Frequency.choices, default=Frequency.ONCE
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    failure_reason = models.CharField(_("failure reason"), max_length=200, blank=True)
    stripe_checkout_session_id = models.CharField(
        _("Stripe Checkout Session"), max_length=255, null=True, blank=True, unique=True
    )
    stripe_payment_intent_id = models.CharField(
        _("Stripe PaymentIntent"), max_length=255, null=True, blank=True, unique=True
    )
    stripe_subscription_id = models.CharField(
        _("Stripe subscription"), max_length=255, null=True, blank=True, unique=True
    )
    stripe_customer_id = models.CharField(_("Stripe customer"), max_length=255, blank=True)
    last_payment_failed_at = models.DateTimeField(_("last failed payment"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = DonationQuerySet.as_manager()

    class Meta:
        verbose_name = _("donation")
        verbose_name_plural = _("donations")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.display_amount} {self.get_frequency_display().lower()} ({self.status})"

    def get_absolute_url(self) -> str:
        return reverse("donations:thanks", args=[self.reference])

    @property
    def display_amount(self) -> str:
        return format_money(self.amount, self.currency)

    @property
    def donor_name(self) -> str:
        return full_name(self.first_name, self.last_name)

    @property
    def is_monthly(self) -> bool:
        return self.frequency == self.Frequency.MONTHLY

    @property
    def is_settled(self) -> bool:
        """Stripe has confirmed the money (or the gift that was running has ended)."""
        return self.status in self.SETTLED

    @property
    def can_cancel(self) -> bool:
        return self.is_monthly and self.status == self.Status.ACTIVE

    def allows(self, status: str) -> bool:
        return status in self.TRANSITIONS.get(self.status, set())

    def set_status(self, status: str, **fields) -> None:
        """Change the status along the map and save it with the given fields."""
        check_transition(self.TRANSITIONS, self.status, status)
        self.status = status
        for name, value in fields.items():
            setattr(self, name, value)
        self.save(update_fields=["status", "updated_at", *fields])

    def advance(self, status: str, **fields) -> bool:
        """Move to ``status`` if the map allows it; a stale or repeated move is a no-op."""
        if not self.allows(status):
            return False
        self.set_status(status, **fields)
        return True


class PaymentQuerySet(models.QuerySet):
    def for_supporter(self, supporter) -> "PaymentQuerySet":
        return self.filter(donation__supporter=supporter)

    def totals_by_month(self) -> "PaymentQuerySet":
        """Payments and net amounts (refunds taken off) per month, campaign and currency.

        Rows name the campaign by id (``donation__campaign``): its title is in two
        languages, so the page looks the campaigns up and shows the reader's.
        """
        return (
            self.annotate(month=TruncMonth("paid_at"))
            .values("month", "donation__campaign", "currency")
            .annotate(
                payments=models.Count("pk"),
                gross=Sum("amount"),
                refunded=Sum("amount_refunded"),
                net=Sum(F("amount") - F("amount_refunded")),
            )
            .order_by("-month", "donation__campaign", "currency")
        )


class Payment(models.Model):
    """Money received for a donation: the one charge of a one-off gift, or one month's.

    Each payment has a receipt number from a yearly sequence and a receipt emailed as
    a PDF. Refunds are recorded here; the row itself is kept as tax law requires.
    """

    class ReceiptStatus(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        NOT_SENT = "not_sent", _("Not sent")

    donation = models.ForeignKey(
        Donation, verbose_name=_("donation"), on_delete=models.PROTECT, related_name="payments"
    )
    receipt_number = models.CharField(_("receipt number"), max_length=40, unique=True)
    amount = models.PositiveBigIntegerField(_("amount"))
    currency = models.CharField(_("currency"), max_length=3)
    paid_at = models.DateTimeField(_("paid"), db_index=True)
    stripe_payment_intent_id = models.CharField(
        _("Stripe PaymentIntent"), max_length=255, null=True, blank=True, unique=True
    )
    stripe_invoice_id = models.CharField(
        _("Stripe invoice"), max_length=255, null=True, blank=True, unique=True
    )
    amount_refunded = models.PositiveBigIntegerField(_("amount refunded"), default=0)
    refunded_at = models.DateTimeField(_("refunded"), null=True, blank=True)
    receipt_status = models.CharField(
        _("receipt email"),
        max_length=10,
        choices=ReceiptStatus.choices,
        default=ReceiptStatus.QUEUED,
    )
    receipt_sent_at = models.DateTimeField(_("receipt sent"), null=True, blank=True)
    receipt_error = models.CharField(_("receipt error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = PaymentQuerySet.as_manager()

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-paid_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_refunded__lte=F("amount")), name="payment_refund_within_amount"
            ),
            models.CheckConstraint(
                condition=Q(stripe_payment_intent_id__isnull=False)
                | Q(stripe_invoice_id__isnull=False),
                name="payment_has_stripe_reference",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.receipt_number} {self.display_amount}"

    @property
    def display_amount(self) -> str:
        return format_money(self.amount, self.currency)

    @property
    def display_refunded(self) -> str:
        return format_money(self.amount_refunded, self.currency)

    @property
    def is_refunded(self) -> bool:
        return self.amount_refunded >= self.amount

    @property
    def stripe_reference(self) -> str:
        return self.stripe_invoice_id or self.stripe_payment_intent_id or ""

    def record_refund(self, amount_refunded: int, when) -> bool:
        """Note the total refunded so far; Stripe reports totals, so a repeat is a no-op."""
        amount_refunded = min(amount_refunded, self.amount)
        if amount_refunded <= self.amount_refunded:
            return False
        self.amount_refunded = amount_refunded
        self.refunded_at = when
        self.save(update_fields=["amount_refunded", "refunded_at"])
        return True


class ReceiptSequence(models.Model):
    """The last receipt number used in a year, so numbers run without gaps."""

    year = models.PositiveIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("receipt sequence")
        verbose_name_plural = _("receipt sequences")

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class StripeEventQuerySet(models.QuerySet):
    def unprocessed(self) -> "StripeEventQuerySet":
        return self.filter(processed_at__isnull=True)


class StripeEvent(models.Model):
    """One webhook event from Stripe, stored once by its id before it is processed.

    The view verifies and stores; a task processes. ``processed_at`` stays empty while
    processing fails (``error`` says why), so a replay from Stripe or the
    ``process_stripe_events`` command can try again.
    """

    id = models.CharField(_("event id"), max_length=255, primary_key=True)
    type = models.CharField(_("type"), max_length=100, db_index=True)
    payload = models.JSONField(_("payload"))
    livemode = models.BooleanField(_("live mode"), default=False)
    created = models.DateTimeField(_("created at Stripe"), null=True, blank=True)
    received_at = models.DateTimeField(_("received"), default=timezone.now, db_index=True)
    processed_at = models.DateTimeField(_("processed"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    error = models.TextField(_("error"), blank=True)
    donation = models.ForeignKey(
        Donation,
        verbose_name=_("donation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="stripe_events",
    )

    objects = StripeEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("Stripe event")
        verbose_name_plural = _("Stripe events")
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.id} {self.type}"

    @property
    def data_object(self) -> dict:
        data = self.payload.get("data") if isinstance(self.payload, dict) else None
        obj = data.get("object") if isinstance(data, dict) else None
        return obj if isinstance(obj, dict) else {}
