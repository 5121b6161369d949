"""Every message the donations app sends: one small function per message.

Each renders ``emails/<name>_subject.txt``, ``_message.txt`` and ``_message.html``
through ``lib.emails``. Services decide when a message goes; these decide what it says.
"""

from lib.emails import send_templated

from .models import Payment
from .receipts import render_receipt


def send_receipt(payment: Payment) -> None:
    """The donor's receipt for one payment, the PDF attached (in the donor's language)."""
    donation = payment.donation
    send_templated(
        "donation_receipt",
        to=[donation.email],
        context={"payment": payment, "donation": donation},
        language=donation.language,
        attachments=[(f"{payment.receipt_number}.pdf", render_receipt(payment), "application/pdf")],
    )
