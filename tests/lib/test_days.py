from datetime import UTC, date, datetime

import pytest
from django.db.models import Count
from django.utils import timezone

from lib.days import day_number, day_starts
from petitions.models import Signature
from tests.factories import SignatureFactory


def test_days_start_at_local_midnight_across_a_clock_change(settings):
    settings.TIME_ZONE = "Europe/London"  # clocks went back on 25 October 2026

    starts = day_starts(date(2026, 10, 24), date(2026, 10, 25))

    assert [moment.astimezone(UTC) for moment in starts] == [
        datetime(2026, 10, 23, 23, 0, tzinfo=UTC),
        datetime(2026, 10, 24, 23, 0, tzinfo=UTC),
        datetime(2026, 10, 26, 0, 0, tzinfo=UTC),  # a day of 25 hours
    ]


@pytest.mark.django_db
def test_rows_fall_into_their_local_day(settings):
    settings.TIME_ZONE = "Asia/Seoul"  # UTC+9: 20:00 UTC is 05:00 the next day
    with timezone.override("Asia/Seoul"):
        starts = day_starts(date(2026, 11, 1), date(2026, 11, 2))
        for moment in (
            datetime(2026, 10, 31, 15, 0, tzinfo=UTC),  # 1 Nov, 00:00 in Seoul
            datetime(2026, 11, 1, 14, 59, tzinfo=UTC),  # 1 Nov, 23:59
            datetime(2026, 11, 1, 20, 0, tzinfo=UTC),  # 2 Nov, 05:00
        ):
            SignatureFactory(created_at=moment)

        rows = (
            Signature.objects.annotate(day=day_number("created_at", starts))
            .values("day")
            .annotate(n=Count("pk"))
            .order_by("day")
        )

        assert [(row["day"], row["n"]) for row in rows] == [(0, 2), (1, 1)]
