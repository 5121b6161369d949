"""The language a reader reads, and the clock they read it by.

Korean readers see Korea's time (Asia/Seoul), everyone else the site's ``TIME_ZONE``
(UTC unless set), which the English formats print with its name ("15:05 UTC").
``LANGUAGE_TIME_ZONES`` in settings maps a language to its zone. Pages get it from
``LanguageTimeZoneMiddleware``; mail and PDFs, rendered without a request, from
``override(language)``, which sets the language and its zone together.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation


def time_zone_for(language: str | None) -> str:
    """The zone a reader of ``language`` expects times in: "Asia/Seoul" for "ko"."""
    base = (language or "").split("-")[0].lower()
    return settings.LANGUAGE_TIME_ZONES.get(base, settings.TIME_ZONE)


@contextmanager
def override(language: str | None) -> Iterator[None]:
    """``translation.override`` plus the language's time zone (mail, PDFs, tasks)."""
    language = language or settings.LANGUAGE_CODE
    with translation.override(language), timezone.override(time_zone_for(language)):
        yield


class LanguageTimeZoneMiddleware:
    """Activates the time zone of the request's language (after LocaleMiddleware)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        timezone.activate(time_zone_for(translation.get_language()))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
