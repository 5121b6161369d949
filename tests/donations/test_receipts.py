"""Receipts: numbers, the PDF's text, the email, and who may download one."""

import shutil
import subprocess
from datetime import UTC, datetime
from io import BytesIO

import pytest
from django.urls import reverse
from pypdf import PdfReader

from accounts.services import make_data_token
from donations import services
from donations.models import Payment
from donations.receipts import render_receipt
from donations.webhooks import next_receipt_number
from tests.factories import (
    CampaignFactory,
    DonationFactory,
    PaymentFactory,
    SupporterFactory,
)


def pdf_lines(pdf: bytes) -> list[str]:
    text = "\n".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)
    return [line.strip() for line in text.splitlines() if line.strip()]


@pytest.fixture
def payment(db):
    donation = DonationFactory(
        supporter=SupporterFactory(email="jiwoo@example.org"),
        first_name="Ji-woo",
        last_name="Park",
        status="paid",
    )
    return PaymentFactory(
        donation=donation,
        receipt_number="SORI-2026-00042",
        stripe_payment_intent_id="pi_3QoneOffGift00001",
        paid_at=datetime(2026, 11, 20, 10, 1, tzinfo=UTC),
    )


def test_receipt_pdf_prints_number_amount_date_donor_and_organisation(payment):
    lines = pdf_lines(render_receipt(payment))

    assert lines == [
        "Sori Human Rights Network",
        "1 Example Street",
        "London N1 1AA",
        "United Kingdom",
        "info@sori.example",
        "http://testserver",
        "Donation receipt",
        "Receipt number SORI-2026-00042",
        "Date received 20 November 2026",
        "Received from Ji-woo Park",
        "jiwoo@example.org",
        "Amount 25.00 GBP",
        "Gift One-off gift",
        "Payment reference pi_3QoneOffGift00001",
        "Sori Human Rights Network received this gift with thanks. No goods or services were",
        "provided in exchange for it.",
        # Unless the organisation is a designated donation body (DONATION_DESIGNATED_BODY).
        "This receipt is not a donation receipt under Korea's Income Tax Act and cannot be used to",
        "claim a tax deduction for donations.",
        "Thank you for standing up for human rights in Korea.",
        "Issued by Sori Human Rights Network. Please quote SORI-2026-00042 in any question about "
        "this gift.",
        "1 / 1",
    ]


def test_receipt_of_a_month_in_won_for_a_campaign_with_a_refund(db):
    donation = DonationFactory(
        frequency="monthly",
        status="active",
        amount=30000,
        currency="KRW",
        campaign=CampaignFactory(title="Reform the NSL"),
    )
    payment = PaymentFactory(
        donation=donation,
        stripe_payment_intent_id=None,
        stripe_invoice_id="in_1QmonthlyInvoice01",
        amount_refunded=10000,
        refunded_at=datetime(2026, 11, 25, 9, 0, tzinfo=UTC),
    )

    lines = pdf_lines(render_receipt(payment))

    assert "Amount 30,000 KRW" in lines
    assert "Gift Monthly gift, payment for November 2026" in lines
    assert "Campaign Reform the NSL" in lines
    assert "Payment reference in_1QmonthlyInvoice01" in lines
    assert "Refunded 10,000 KRW on 25 November 2026" in lines


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_receipt_prints_a_korean_name_in_hangul(db, tmp_path):
    payment = PaymentFactory(donation__first_name="지우", donation__last_name="박")
    path = tmp_path / "receipt.pdf"
    path.write_bytes(render_receipt(payment))

    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout

    assert "박지우" in text  # a Hangul name reads family name first


def test_an_anonymised_receipt_names_nobody(db):
    payment = PaymentFactory(donation__first_name="", donation__last_name="", donation__email="")

    lines = pdf_lines(render_receipt(payment))

    assert "Received from Name removed at the donor's request" in lines


def test_receipt_numbers_run_without_gaps_and_restart_each_year(db):
    numbers = [next_receipt_number(2026), next_receipt_number(2026), next_receipt_number(2027)]

    assert numbers == ["SORI-2026-00001", "SORI-2026-00002", "SORI-2027-00001"]


def test_receipt_email_says_thank_you_and_attaches_the_pdf(payment, outbox):
    payment.receipt_status = Payment.ReceiptStatus.QUEUED
    payment.save()

    assert services.send_receipt(payment_id=payment.pk) is True

    payment.refresh_from_db()
    [mail] = outbox
    name, content, kind = mail.attachments[0]
    assert mail.subject == "Your receipt SORI-2026-00042: thank you for your gift"
    assert "Thank you for your gift of £25.00, received on 20 November 2026." in mail.body
    assert (name, kind) == ("SORI-2026-00042.pdf", "application/pdf")
    assert "Receipt number SORI-2026-00042" in pdf_lines(content)
    assert payment.receipt_status == "sent"
    assert payment.receipt_sent_at is not None


def test_monthly_receipt_email_says_how_to_stop_the_gift(db, outbox):
    payment = PaymentFactory(
        donation__frequency="monthly", receipt_status=Payment.ReceiptStatus.QUEUED
    )

    services.send_receipt(payment_id=payment.pk)

    assert "stop your monthly gift at any time" in outbox[0].body
    assert "http://testserver/en/my-data/" in outbox[0].body


def test_a_receipt_is_sent_once(payment, outbox):
    payment.receipt_status = Payment.ReceiptStatus.QUEUED
    payment.save()

    services.send_receipt(payment_id=payment.pk)
    services.send_receipt(payment_id=payment.pk)

    assert len(outbox) == 1


def test_a_failed_receipt_email_is_kept_visible(payment, settings, outbox):
    payment.receipt_status = Payment.ReceiptStatus.QUEUED
    payment.save()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 1},
        }
    }

    assert services.send_receipt(payment_id=payment.pk) is False

    payment.refresh_from_db()
    assert payment.receipt_status == "failed"
    assert payment.receipt_error.startswith("ConnectionRefusedError")


# Downloads ---------------------------------------------------------------------------


@pytest.fixture
def alices_payment(alice):
    return PaymentFactory(donation__supporter=alice.supporter, receipt_number="SORI-2026-00007")


def test_a_signed_in_donor_downloads_their_receipt(client, alice, alices_payment):
    client.force_login(alice)

    response = client.get(reverse("donations:receipt", args=["SORI-2026-00007"]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="SORI-2026-00007.pdf"'
    assert "no-store" in response["Cache-Control"]
    assert "Receipt number SORI-2026-00007" in pdf_lines(response.content)


def test_a_donor_with_a_my_data_link_downloads_their_receipt(client, alice, alices_payment):
    token = make_data_token(alice.supporter)

    response = client.get(reverse("donations:receipt", args=["SORI-2026-00007"]), {"token": token})

    assert response.status_code == 200


def test_nobody_else_gets_the_receipt(client, alices_payment, mallory, carol):
    url = reverse("donations:receipt", args=["SORI-2026-00007"])
    someone = SupporterFactory()

    anonymous = client.get(url)
    with_other_token = client.get(url, {"token": make_data_token(someone)})
    with_bad_token = client.get(url, {"token": "forged"})
    client.force_login(mallory)
    as_mallory = client.get(url)
    client.force_login(carol)
    as_staff = client.get(url)

    assert anonymous.status_code == 302
    assert anonymous["Location"] == f"/accounts/login/?next={url}"
    assert [r.status_code for r in (with_other_token, with_bad_token, as_mallory, as_staff)] == [
        404,
        404,
        404,
        404,
    ]
