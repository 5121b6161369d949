"""One date format per language: "2026년 12월 2일" and "2 December 2026"; Korean times
in Korea's time ("오후 3:05"), English times in the site's zone, named."""

import datetime as dt

from django.http import HttpResponse
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import formats, timezone, translation

from lib import i18n

DAY = dt.date(2026, 12, 2)
# 06:05 UTC is 15:05 in Seoul.
MOMENT = dt.datetime(2026, 12, 2, 6, 5, tzinfo=dt.UTC)


def _render(source: str, language: str) -> str:
    with i18n.override(language):
        return Template(source).render(Context({"day": DAY, "moment": MOMENT}))


def test_korean_dates():
    with translation.override("ko"):
        assert formats.date_format(DAY, "DATE_FORMAT") == "2026년 12월 2일"
        assert formats.date_format(DAY, "SHORT_DATE_FORMAT") == "2026. 12. 2."
        assert formats.date_format(DAY, "YEAR_MONTH_FORMAT") == "2026년 12월"
        assert formats.date_format(DAY, "MONTH_DAY_FORMAT") == "12월 2일"


def test_english_dates():
    with translation.override("en"):
        assert formats.date_format(DAY, "DATE_FORMAT") == "2 December 2026"
        assert formats.date_format(DAY, "SHORT_DATE_FORMAT") == "2 Dec 2026"
        assert formats.date_format(DAY, "YEAR_MONTH_FORMAT") == "December 2026"
        assert formats.date_format(DAY, "MONTH_DAY_FORMAT") == "2 December"


def test_korean_times_are_korean_time_with_the_half_of_day_first():
    rendered = _render(
        '{{ moment|date:"DATETIME_FORMAT" }}|{{ moment|time:"TIME_FORMAT" }}|'
        '{{ moment|date:"SHORT_DATETIME_FORMAT" }}',
        "ko",
    )

    assert rendered == "2026년 12월 2일 오후 3:05|오후 3:05|2026. 12. 2. 15:05"


def test_english_times_are_24_hour_and_name_the_zone():
    rendered = _render(
        '{{ moment|date:"DATETIME_FORMAT" }}|{{ moment|date:"SHORT_DATETIME_FORMAT" }}', "en"
    )

    # No "a.m." whose full stop doubles at the end of a sentence.
    assert rendered == "2 December 2026, 06:05 UTC|2 Dec 2026, 06:05"


def test_a_korean_date_near_midnight_is_the_korean_day():
    late = dt.datetime(2026, 12, 1, 20, 30, tzinfo=dt.UTC)  # 05:30 on 2 December in Seoul

    with i18n.override("ko"):
        korean = formats.date_format(timezone.localtime(late), "DATE_FORMAT")
    with i18n.override("en"):
        english = formats.date_format(timezone.localtime(late), "DATE_FORMAT")

    assert (korean, english) == ("2026년 12월 2일", "1 December 2026")


def test_time_zone_for_each_language(settings):
    settings.TIME_ZONE = "UTC"

    assert i18n.time_zone_for("ko") == "Asia/Seoul"
    assert i18n.time_zone_for("ko-kr") == "Asia/Seoul"
    assert i18n.time_zone_for("en") == "UTC"
    assert i18n.time_zone_for(None) == "UTC"


def test_middleware_activates_the_language_time_zone_for_the_request_only():
    seen = []

    def view(request):
        seen.append(timezone.get_current_timezone_name())
        return HttpResponse()

    middleware = i18n.LanguageTimeZoneMiddleware(view)
    request = RequestFactory().get("/en/")

    with translation.override("ko"):
        middleware(request)
    with translation.override("en"):
        middleware(request)

    assert seen == ["Asia/Seoul", "UTC"]
    assert timezone.get_current_timezone_name() == "UTC"
