"""Read-mostly admin for donations: money records are made by webhooks, never by hand."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from lib.admin import ReadOnlyAdmin as BaseReadOnlyAdmin

from . import services, tasks
from .models import Donation, Payment, StripeEvent


class ReadOnlyAdmin(BaseReadOnlyAdmin):
    may_change = True  # the admin actions (resend a receipt) need it; fields stay read-only


class PaymentInline(admin.TabularInline):
    model = Payment
    extra = 0
    can_delete = False
    fields = [
        "receipt_number",
        "paid_at",
        "amount",
        "currency",
        "amount_refunded",
        "receipt_status",
    ]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Donation)
class DonationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "display_amount", "frequency", "status", "campaign", "email"]
    list_filter = ["status", "frequency", "currency", "campaign"]
    search_fields = [
        "reference",
        "email",
        "last_name",
        "stripe_checkout_session_id",
        "stripe_subscription_id",
    ]
    date_hierarchy = "created_at"
    inlines = [PaymentInline]


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = [
        "receipt_number",
        "paid_at",
        "display_amount",
        "amount_refunded",
        "receipt_status",
    ]
    list_filter = ["receipt_status", "currency"]
    search_fields = ["receipt_number", "stripe_payment_intent_id", "stripe_invoice_id"]
    date_hierarchy = "paid_at"
    actions = ["send_receipt_again"]

    @admin.action(description=_("Send the receipt email again"), permissions=["change"])
    def send_receipt_again(self, request, queryset):
        sent = 0
        for payment in queryset:
            payment.receipt_status = Payment.ReceiptStatus.QUEUED
            payment.save(update_fields=["receipt_status"])
            sent += services.send_receipt(payment_id=payment.pk)
        self.message_user(request, _("%(n)d receipt(s) sent.") % {"n": sent}, messages.INFO)


@admin.register(StripeEvent)
class StripeEventAdmin(ReadOnlyAdmin):
    list_display = ["id", "type", "received_at", "processed_at", "attempts", "error"]
    list_filter = ["type", ("processed_at", admin.EmptyFieldListFilter)]
    search_fields = ["id", "type"]
    date_hierarchy = "received_at"
    actions = ["process_again"]

    @admin.action(description=_("Process unprocessed events again"), permissions=["change"])
    def process_again(self, request, queryset):
        events = list(queryset.filter(processed_at__isnull=True).values_list("pk", flat=True))
        for event_id in events:
            tasks.process_stripe_event.delay(event_id)
        self.message_user(request, _("%(n)d event(s) queued.") % {"n": len(events)})
