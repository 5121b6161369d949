"""Dashboards: the exact figures of a petition and of a letter action."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from letters.models import Letter, LetterDelivery
from petitions import signatures
from petitions.models import PageViewCount
from tests.factories import LetterFactory, SignatureFactory, TargetFactory


@pytest.fixture
def signed(petition):
    """Signatures of the last days, from three countries and three sources, then counted."""
    now = timezone.now()
    rows = [
        # (days ago, status, country, source)
        (0, "confirmed", "KR", "x"),
        (0, "confirmed", "KR", "x"),
        (0, "pending", "GB", ""),
        (0, "invalidated", "KR", "x"),
        (2, "confirmed", "GB", "email"),
        (2, "review", "US", "x"),
        (40, "confirmed", "KR", ""),
    ]
    for days, status, country, source in rows:
        SignatureFactory(
            petition=petition,
            status=status,
            country=country,
            source=source,
            created_at=now - timedelta(days=days),
        )
    signatures.reconcile_counts()
    return petition


def test_petition_dashboard_shows_exact_figures(client, bob, signed):
    today = timezone.localdate()
    PageViewCount.objects.create(petition=signed, day=today - timedelta(days=2), views=10)
    for _ in range(4):
        Client().get(signed.get_absolute_url())  # counted in the cache, not yet flushed
    client.force_login(bob)

    response = client.get(f"/en/manage/petitions/{signed.pk}/")

    stats = response.context["stats"]
    assert stats.counted == 4
    assert stats.by_status == {"pending": 1, "confirmed": 4, "review": 1, "invalidated": 1}
    assert stats.window == (today - timedelta(days=29), today)
    assert len(stats.days) == 30
    busy = [(d.day, d.views, d.signed, d.confirmed) for d in stats.days if d.views or d.signed]
    assert busy == [(today - timedelta(days=2), 10, 2, 1), (today, 4, 3, 2)]
    assert (stats.views_total, stats.signed_total) == (14, 6)
    assert (stats.views_since, stats.signed_since_views) == (today - timedelta(days=2), 5)
    assert stats.conversion_total is None  # fewer views than stats.MIN_VIEWS_FOR_RATE
    assert (stats.days_views, stats.days_signed, stats.days_conversion) == (14, 5, None)
    assert [(s.label, s.count, s.percent) for s in stats.countries] == [
        ("South Korea", 3, 75.0),
        ("United Kingdom", 1, 25.0),
    ]
    assert [(s.label, s.count, s.confirmed, round(s.percent, 1)) for s in stats.sources] == [
        ("x", 3, 2, 50.0),
        ("", 2, 1, 33.3),
        ("email", 1, 1, 16.7),
    ]
    assert [(m.threshold, m.reached_at is not None) for m in stats.milestones] == [
        (2, True),
        (5, False),
    ]


def test_the_dashboard_makes_the_counted_views_durable(client, bob, petition):
    Client().get(petition.get_absolute_url())
    Client().get(petition.get_absolute_url())
    client.force_login(bob)

    client.get(f"/en/manage/petitions/{petition.pk}/")

    assert list(PageViewCount.objects.values_list("day", "views")) == [(timezone.localdate(), 2)]
    assert cache.get(f"petitions:views:{timezone.localdate().isoformat()}:free-them") == 0


def test_petition_dashboard_pairs_the_chart_with_a_table(client, bob, signed):
    today = timezone.localdate()
    start = today - timedelta(days=29)
    client.force_login(bob)

    html = client.get(f"/en/manage/petitions/{signed.pk}/").content.decode()

    assert (
        f'<title id="signatures-per-day-title">Signatures per day, {start:%-d %b %Y} to '
        f"{today:%-d %b %Y}</title>"
    ) in html
    assert f"<title>{today.isoformat()}: 3</title>" in html
    assert (
        f'<tr><th scope="row"><time datetime="{today.isoformat()}">{today:%-d %b %Y}</time>'
        "</th><td>0</td><td>3</td><td>2</td><td>—</td></tr>"
    ) in html
    assert '<caption id="days-table-caption">Signatures and page views per day,' in html
    assert 'style="' not in html


def test_dashboard_of_a_petition_that_closed_ends_on_its_closing_day(client, bob, petition):
    closed_on = timezone.now() - timedelta(days=10)
    petition.closes_at = closed_on
    petition.save()
    client.force_login(bob)

    stats = client.get(f"/en/manage/petitions/{petition.pk}/").context["stats"]

    assert stats.window[1] == timezone.localdate(closed_on)


def test_dashboard_shows_no_signer(client, bob, petition):
    SignatureFactory(
        petition=petition,
        supporter__first_name="Ji-woo",
        supporter__last_name="Secret",
        supporter__email="jiwoo@example.org",
        comment="A very private reason",
    )
    client.force_login(bob)

    html = client.get(f"/en/manage/petitions/{petition.pk}/").content.decode()

    for private in ("Ji-woo", "Secret", "jiwoo@example.org", "A very private reason"):
        assert private not in html


def test_letter_dashboard_shows_letters_by_status_official_and_day(
    client, bob, letter_action, minister
):
    speaker = TargetFactory(name="The Speaker", name_ko="국회의장")
    letter_action.targets.add(speaker)
    for status in ("draft", "draft", "queued", "sent"):
        LetterFactory(action=letter_action, target=minister, status=status)
    LetterFactory(action=letter_action, target=speaker, status="ready")
    failed = LetterFactory(action=letter_action, target=speaker, status="failed")
    for letter in Letter.objects.filter(status__in=["queued", "sent"]):
        LetterDelivery.objects.create(
            letter=letter,
            target=letter.target,
            to_email="x@officials.example",
            status=letter.status,
        )
    LetterDelivery.objects.create(
        letter=failed,
        target=speaker,
        to_email="speaker@officials.example",
        status="failed",
        attempts=6,
        last_error="550 5.1.1 Mailbox unavailable",
    )
    client.force_login(bob)

    response = client.get(f"/en/manage/letters/actions/{letter_action.pk}/")

    stats = response.context["stats"]
    assert stats.total == 6
    assert stats.by_status == {
        "draft": 2,
        "ready": 1,
        "queued": 1,
        "sent": 1,
        "failed": 1,
        "posted": 0,
    }
    assert [(row.official.name, row.in_order, row.total) for row in stats.officials] == [
        ("The Minister of Justice", [2, 0, 1, 1, 0, 0], 4),
        ("The Speaker", [0, 1, 0, 0, 1, 0], 2),
    ]
    assert stats.deliveries == {"queued": 1, "sending": 0, "sent": 1, "failed": 1}
    assert [(d.target.name, d.attempts, d.last_error) for d in stats.failed] == [
        ("The Speaker", 6, "550 5.1.1 Mailbox unavailable")
    ]
    today = [day for day in stats.days if day.day == timezone.localdate()]
    assert [(day.written, day.committed) for day in today] == [(6, 4)]
    html = response.content.decode()
    assert "550 5.1.1 Mailbox unavailable" in html
    assert '<caption id="days-table-caption">Letters written per day,' in html
    assert "Ji-woo" not in html  # the writers' names stay in their letters


def test_the_dashboard_links_the_hand_over_tools(client, bob, carol, petition):
    url = f"/en/manage/petitions/{petition.pk}/"

    client.force_login(bob)
    as_manager = client.get(url).content.decode()
    client.force_login(carol)
    as_staff = client.get(url).content.decode()

    export = f'href="/en/manage/petitions/{petition.slug}/export/"'
    moderation = f'href="/en/manage/moderation/?petition={petition.slug}"'
    assert export in as_manager and moderation not in as_manager
    assert export in as_staff and moderation in as_staff
