"""The PDF receipt for a payment: a pure function of the payment and the settings.

Receipts are rendered when needed rather than stored: the numbers, amounts and dates
they print never change, and a PDF file kept on disk would be one more copy of a
donor's name that erasure would have to chase.
"""

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone

from lib import i18n

from .models import Payment
from .money import format_with_code


def receipt_context(payment: Payment) -> dict:
    donation = payment.donation
    return {
        "payment": payment,
        "donation": donation,
        "campaign": donation.campaign,
        "amount": format_with_code(payment.amount, payment.currency),
        "refunded": format_with_code(payment.amount_refunded, payment.currency),
        "paid_on": timezone.localtime(payment.paid_at).date(),
        "refunded_on": (
            timezone.localtime(payment.refunded_at).date() if payment.refunded_at else None
        ),
        # Korean donors submit any "영수증" for their year-end tax settlement: unless the
        # organisation is a designated donation body, the receipt says it is not one.
        "designated_body": settings.DONATION_DESIGNATED_BODY,
        "organisation": {
            "name": settings.ORGANISATION_NAME,
            "address_lines": settings.ORGANISATION_ADDRESS.splitlines(),
            "email": settings.ORGANISATION_EMAIL,
            "site_url": settings.SITE_URL,
        },
    }


def render_receipt(payment: Payment) -> bytes:
    """The receipt as PDF bytes, in the donor's language. No database writes."""
    from lib.pdf import render_template_pdf  # WeasyPrint is slow to import; load it on use

    with i18n.override(payment.donation.language):
        # PDF/UA: a tagged PDF that screen readers can read, like the rest of Sori.
        return render_template_pdf(
            "pdf/receipt.html",
            receipt_context(payment),
            stylesheets=("pdf/receipt.css",),
            variant="pdf/ua-1",
        )


def receipt_response(payment: Payment) -> HttpResponse:
    response = HttpResponse(render_receipt(payment), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{payment.receipt_number}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response
