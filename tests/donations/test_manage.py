"""The staff donations area: totals per campaign and month, CSV export, receipts."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from accounts.models import AuditEntry
from lib.exports import neutralise as safe_cell
from tests.conftest import enable_mfa
from tests.factories import CampaignFactory, DonationFactory, PaymentFactory, UserFactory

INDEX = "/en/manage/donations/"
EXPORT = "/en/manage/donations/export.csv"


@pytest.fixture
def payments(db):
    nsl = CampaignFactory(slug="reform-the-nsl", title="Reform the NSL")
    gift = DonationFactory(
        reference="0f5c3a8e-6d2b-4c1a-9e7f-1a2b3c4d5e6f",
        campaign=nsl,
        first_name="Ji-woo",
        last_name="Park",
        email="jiwoo@example.org",
        status="paid",
    )
    monthly = DonationFactory(
        reference="7b9d2e4f-8a1c-4b3d-a5e6-f7a8b9c0d1e2",
        first_name='=HYPERLINK("http://evil.example")',
        last_name="@SUM(A1)",
        email="mallory@example.org",
        frequency="monthly",
        amount=30000,
        currency="KRW",
        status="active",
    )
    return [
        PaymentFactory(
            donation=gift,
            receipt_number="SORI-2026-00001",
            stripe_payment_intent_id="pi_3QoneOffGift00001",
            paid_at=datetime(2026, 10, 5, 9, 30, tzinfo=UTC),
            amount_refunded=500,
        ),
        PaymentFactory(
            donation=monthly,
            receipt_number="SORI-2026-00002",
            stripe_payment_intent_id=None,
            stripe_invoice_id="in_1QmonthlyInvoice01",
            paid_at=datetime(2026, 11, 20, 10, 0, tzinfo=UTC),
        ),
        PaymentFactory(
            donation=monthly,
            receipt_number="SORI-2026-00003",
            stripe_payment_intent_id=None,
            stripe_invoice_id="in_1QmonthlyInvoice02",
            paid_at=datetime(2026, 11, 27, 10, 0, tzinfo=UTC),
        ),
    ]


def test_staff_see_totals_per_month_and_campaign_net_of_refunds(client, carol, payments):
    client.force_login(carol)

    response = client.get(INDEX)

    assert response.status_code == 200
    totals = [
        (
            f"{row['month']:%Y-%m}",
            row["campaign"].title if row["campaign"] else None,
            row["payments"],
            row["display_net"],
        )
        for row in response.context["totals"]
    ]
    assert totals == [("2026-11", None, 2, "₩60,000"), ("2026-10", "Reform the NSL", 1, "£20.00")]
    assert [(r["count"], r["display_total"]) for r in response.context["monthly"]] == [
        (1, "₩30,000")
    ]
    assert [p.receipt_number for p in response.context["recent"]] == [
        "SORI-2026-00003",
        "SORI-2026-00002",
        "SORI-2026-00001",
    ]
    html = response.content.decode()
    assert "General fund" in html
    assert 'href="/en/manage/donations/export.csv"' in html


def test_staff_filter_by_campaign(client, carol, payments):
    client.force_login(carol)

    response = client.get(INDEX, {"campaign": "reform-the-nsl"})

    assert [p.receipt_number for p in response.context["recent"]] == ["SORI-2026-00001"]
    assert 'href="/en/manage/donations/export.csv?campaign=reform-the-nsl"' in (
        response.content.decode()
    )


def test_an_invalid_filter_matches_nothing(client, carol, payments):
    client.force_login(carol)

    response = client.get(INDEX, {"year": "1999"})

    assert list(response.context["recent"]) == []


def test_csv_export_is_exact_and_formula_safe(client, carol, payments):
    client.force_login(carol)

    response = client.get(EXPORT)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="sori-donations-')
    assert b"".join(response.streaming_content).decode() == (
        "\ufeffreceipt_number,paid_at,amount,currency,refunded,frequency,campaign,"
        "first_name,last_name,email,donation_reference,stripe_reference\r\n"
        "SORI-2026-00001,2026-10-05T09:30:00+00:00,25.00,GBP,5.00,once,Reform the NSL,"
        "Ji-woo,Park,jiwoo@example.org,0f5c3a8e-6d2b-4c1a-9e7f-1a2b3c4d5e6f,pi_3QoneOffGift00001\r\n"
        "SORI-2026-00002,2026-11-20T10:00:00+00:00,30000,KRW,0,monthly,,"
        '"\'=HYPERLINK(""http://evil.example"")",\'@SUM(A1),mallory@example.org,'
        "7b9d2e4f-8a1c-4b3d-a5e6-f7a8b9c0d1e2,in_1QmonthlyInvoice01\r\n"
        "SORI-2026-00003,2026-11-27T10:00:00+00:00,30000,KRW,0,monthly,,"
        '"\'=HYPERLINK(""http://evil.example"")",\'@SUM(A1),mallory@example.org,'
        "7b9d2e4f-8a1c-4b3d-a5e6-f7a8b9c0d1e2,in_1QmonthlyInvoice02\r\n"
    )


def test_the_export_follows_the_filters(client, carol, payments):
    client.force_login(carol)

    response = client.get(EXPORT, {"currency": "GBP"})

    lines = b"".join(response.streaming_content).decode().splitlines()
    assert [line.split(",")[0] for line in lines] == ["\ufeffreceipt_number", "SORI-2026-00001"]


def test_every_export_is_audited_with_its_filters_and_rows(client, carol, payments):
    client.force_login(carol)

    client.get(EXPORT, {"currency": "GBP"})

    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.action, entry.subject, entry.filters, entry.rows) == (
        carol,
        "export.donations.csv",
        "donations",
        {"currency": "GBP"},
        1,
    )


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("+82 10", "'+82 10"),
        ("-5", "'-5"),
        ("@cmd", "'@cmd"),
        ("\tx", "'\tx"),
        ("\rx", "x"),  # a carriage return is a control character: dropped
        ("\nx", "'\nx"),
        ("Kim = Park", "Kim = Park"),
        ("박지우", "박지우"),
        (None, ""),
        (12, "12"),
    ],
)
def test_cells_that_spreadsheets_would_run_are_neutralised(value, safe):
    assert safe_cell(value) == safe


def test_staff_can_open_any_receipt(client, carol, payments):
    client.force_login(carol)

    response = client.get(reverse("donations:manage_receipt", args=[payments[0].pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"


@pytest.mark.parametrize("page", ["index", "export", "receipt"])
def test_only_staff_with_mfa_get_in(client, page, bob, mallory, alice, payments):
    url = {
        "index": INDEX,
        "export": EXPORT,
        "receipt": reverse("donations:manage_receipt", args=[payments[0].pk]),
    }[page]
    staff_without_mfa = UserFactory(groups=["Staff"])

    anonymous = client.get(url)
    client.force_login(alice)
    as_supporter = client.get(url)
    client.force_login(bob)
    as_manager = client.get(url)
    client.force_login(mallory)
    as_other_manager = client.get(url)
    client.force_login(staff_without_mfa)
    without_mfa = client.get(url)

    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/accounts/login/")
    assert [r.status_code for r in (as_supporter, as_manager, as_other_manager)] == [403, 403, 403]
    assert without_mfa.status_code == 302
    assert without_mfa["Location"].startswith("/en/account/security/required/")
    enable_mfa(staff_without_mfa)
    assert client.get(url).status_code == 200
