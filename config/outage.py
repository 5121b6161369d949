"""A database outage answers "try again in a moment" (503), never a bare 500.

When a view raises ``OperationalError`` or ``InterfaceError`` (the database cannot be
reached), ``DatabaseOutageMiddleware`` answers 503 with ``Retry-After`` and the
``503.html`` page. For a POST the page shows what the person typed and offers it as a
form that posts again to the same address with a fresh CSRF token, so one press
retries. The page is rendered without the request's context processors: they read the
session and the user, which live in the database that is down.

Stale-if-error: an anonymous GET of a cached page (home, campaign, petition page and
its count.json) is answered with the page's stale copy (at most
``PAGES_STALE_SECONDS`` old, marked with ``Age`` and ``Warning: 110``) instead, when
one is kept (``lib.pagecache.stale``, ``petitions.hotpath.page_cache.stale``). Anyone
with a session gets the 503 page: never another's copy.
"""

import logging
import threading
import time

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers
from django.utils.translation import get_language

from lib import pagecache
from petitions.hotpath import page_cache as petition_pages

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30
# One log line per this many seconds, however many requests fail meanwhile.
LOG_INTERVAL_SECONDS = 60
OUTAGE_ERRORS = (OperationalError, InterfaceError)

# Posted fields never shown back: the CSRF token (a fresh one is issued), secrets, and
# the sign form's robot checks (the honeypot and the solved challenge).
_NEVER_SHOWN_EXACT = {"csrfmiddlewaretoken", "altcha", "website"}
_NEVER_SHOWN_PARTS = ("password",)


class _OncePerInterval:
    """Logs the first outage of each interval and counts the ones it left out."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self._lock = threading.Lock()
        self._last: float | None = None
        self._left_out = 0

    def log(self, request: HttpRequest, error: BaseException) -> bool:
        with self._lock:
            now = time.monotonic()
            if self._last is not None and now - self._last < self.interval:
                self._left_out += 1
                return False
            left_out, self._left_out, self._last = self._left_out, 0, now
        logger.error(
            "Database unreachable (%s: %s) at %s %s; answering 503 (%d more since the last report)",
            type(error).__name__,
            error,
            request.method,
            request.path,
            left_out,
        )
        return True

    def reset(self) -> None:
        with self._lock:
            self._last, self._left_out = None, 0


outage_log = _OncePerInterval(LOG_INTERVAL_SECONDS)


def is_outage(error: BaseException | None) -> bool:
    return isinstance(error, OUTAGE_ERRORS)


def retry_fields(request: HttpRequest) -> list[tuple[str, str]]:
    """The posted fields to offer again, in order, without tokens and secrets."""
    if request.method != "POST":
        return []
    fields = []
    for name, values in request.POST.lists():
        lowered = name.lower()
        if lowered in _NEVER_SHOWN_EXACT or any(part in lowered for part in _NEVER_SHOWN_PARTS):
            continue
        fields.extend((name, value) for value in values)
    return fields


def outage_response(request: HttpRequest) -> HttpResponse:
    """The 503 page; for a POST, with the typed fields as a form that posts again."""
    fields = retry_fields(request)
    context = {
        "site_name": settings.SITE_NAME,
        "LANGUAGE_CODE": get_language(),
        "retry_after": RETRY_AFTER_SECONDS,
        "is_post": request.method == "POST",
        "fields": fields,
        "action": request.get_full_path(),
        # Cookie-based CSRF: a freshly masked token, without touching the session.
        "csrf_token": get_token(request) if request.method == "POST" else "",
    }
    response = HttpResponse(render_to_string("503.html", context), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    # Logged by outage_log, once per interval: not again by django.request per request.
    response._has_been_logged = True
    return response


class DatabaseOutageMiddleware:
    """Turns an unreachable database during a view into the 503 "try again" page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if not is_outage(exception):
            return None
        outage_log.log(request, exception)
        return stale_response(request) or outage_response(request)


def stale_response(request: HttpRequest) -> HttpResponse | None:
    """The stale copy of an anonymous GET's page, if the page caches keep one."""
    if request.method != "GET":
        return None
    try:
        if where := petition_pages.petition_path(request.path_info):
            return petition_pages.stale(request, where)
        return pagecache.stale(request, get_language())
    except Exception:  # the cache may be down too: the 503 page, never a 500
        logger.warning("No stale copy of %s could be read", request.path, exc_info=True)
        return None
