from django.db.models import Count, Q, Sum
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from accounts.decorators import staff_required
from accounts.services import record_audit
from campaigns.models import Campaign
from lib.exports import csv_response

from .forms import PaymentFilterForm
from .models import Donation, Payment, StripeEvent
from .money import format_money, from_minor
from .receipts import receipt_response

EXPORT_HEADER = [
    "receipt_number",
    "paid_at",
    "amount",
    "currency",
    "refunded",
    "frequency",
    "campaign",
    "first_name",
    "last_name",
    "email",
    "donation_reference",
    "stripe_reference",
]


def _filtered_payments(request) -> tuple[PaymentFilterForm, object]:
    form = PaymentFilterForm(request.GET or None)
    payments = Payment.objects.select_related("donation__campaign")
    return form, form.filter(payments)


@staff_required
def manage_index(request):
    form, payments = _filtered_payments(request)
    rows = list(payments.totals_by_month())
    campaigns = Campaign.objects.in_bulk({row["donation__campaign"] for row in rows} - {None})
    totals = [
        {
            **row,
            "campaign": campaigns.get(row["donation__campaign"]),
            "display_net": format_money(row["net"], row["currency"]),
        }
        for row in rows
    ]
    monthly = [
        {**row, "display_total": format_money(row["total"], row["currency"])}
        for row in Donation.objects.monthly_running()
        .values("currency")
        .annotate(count=Count("pk"), total=Sum("amount"))
        .order_by("currency")
    ]
    problems = {
        "receipts": Payment.objects.filter(receipt_status=Payment.ReceiptStatus.FAILED).count(),
        "events": StripeEvent.objects.unprocessed().filter(~Q(error="")).count(),
    }
    context = {
        "form": form,
        "totals": totals,
        "monthly": monthly,
        "recent": payments[:50],
        "problems": problems,
        "query": request.GET.urlencode(),
    }
    return render(request, "donations/manage/index.html", context)


def export_rows(payments):
    for payment in payments.order_by("paid_at", "pk").iterator(chunk_size=500):
        donation = payment.donation
        yield [
            payment.receipt_number,
            timezone.localtime(payment.paid_at).isoformat(timespec="seconds"),
            from_minor(payment.amount, payment.currency),
            payment.currency,
            from_minor(payment.amount_refunded, payment.currency),
            donation.frequency,
            donation.campaign.title if donation.campaign else "",
            donation.first_name,
            donation.last_name,
            donation.email,
            donation.reference,
            payment.stripe_reference,
        ]


@staff_required
def manage_export(request):
    form, payments = _filtered_payments(request)
    cleaned = form.cleaned_data if form.is_bound and form.is_valid() else {}
    filters = {key: str(value) for key, value in cleaned.items() if value not in (None, "")}
    record_audit(
        actor=request.user,
        action="export.donations.csv",
        subject="donations",
        filters=filters,
        rows=payments.count(),
    )
    filename = f"sori-donations-{timezone.localdate():%Y-%m-%d}.csv"
    return csv_response(filename, EXPORT_HEADER, export_rows(payments))


@staff_required
def manage_receipt(request, pk):
    return receipt_response(get_object_or_404(Payment.objects.select_related("donation"), pk=pk))
