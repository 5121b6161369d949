"""Whole public pages, rendered once and served to every visitor without a session.

A page such as the home page is the same for everyone who is not signed in, except
for the CSRF token in its forms (the language switch), which is each visitor's own.
A view renders such a page through ``render()`` below: for a visitor without a
session, messages or a query string, the page is rendered with an unguessable
placeholder where the token goes, kept in the shared cache for
``PAGES_CACHE_SECONDS``, and every visitor gets it with their own token filled in.
``PageCacheMiddleware``, placed right after the security, static-file and CSP
middleware, answers those visitors from the cache before sessions, authentication,
messages, locale and CSRF middleware run, adding what they would have added (the
``csrftoken`` cookie, ``X-Frame-Options``, ``Content-Language``, ``Vary``). It looks
only for paths whose page this process has stored before, so no other request waits
on the cache.

Nothing personal is ever stored: a request with a session cookie (anyone signed in),
a messages cookie, a signed-in user, a query string or an htmx header is rendered
afresh and not kept.

Invalidation is by version: every key holds the current version, and ``invalidate()``
sets a new one, so every stored page is left behind at once (the old copies expire on
their own). ``connect()`` bumps the version whenever a model the pages show is saved
or deleted. Each process also keeps the version and the pages it served for
``LOCAL_SECONDS``, so a busy page costs no round trip to the cache: an edit shows at
once in the process that made it and within ``LOCAL_SECONDS`` everywhere else. No
copy is served after ``PAGES_CACHE_SECONDS`` from its rendering.

Stale-if-error: next to each fresh copy a stale one is kept under the same key plus
``:stale`` for ``PAGES_STALE_SECONDS``. It is never served while the database answers;
when rendering the page fails because the database is unreachable,
``config.outage`` asks ``stale()`` for it (an anonymous GET only) before answering 503.
"""

import functools
import hashlib
import time

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render as render_afresh
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.crypto import salted_hmac

from lib.fastpage import personal_copy

LOCAL_SECONDS = 2.0
VERSION_KEY = "pages:version"
STALE_SUFFIX = ":stale"

# This process's copies: key -> (monotonic deadline, value).
_local: dict[str, tuple[float, object]] = {}
# Paths whose view stores its page (learnt when it does): the middleware looks in the
# cache for these only, so other pages cost no cache round trip and do not depend on
# the cache being up. Bounded: at most one entry per page such a view answers.
_paths: set[str] = set()


# Which requests ---------------------------------------------------------------------


def cacheable(request: HttpRequest) -> bool:
    """True when the request may be answered with the shared anonymous copy."""
    user = getattr(request, "user", None)  # not there yet in the middleware
    return (
        settings.PAGES_CACHE_SECONDS > 0
        and request.method == "GET"
        and not request.META.get("QUERY_STRING")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and CookieStorage.cookie_name not in request.COOKIES
        and not request.META.get("HTTP_HX_REQUEST")  # not .headers: parses them all
        and not (user is not None and user.is_authenticated)
    )


# Storing and finding ----------------------------------------------------------------


def _new_version() -> str:
    return f"{time.time_ns():x}"


def version() -> str:
    """The current version of every stored page (this process's copy, else the cache's)."""
    now = time.monotonic()
    entry = _local.get(VERSION_KEY)
    if entry is not None and entry[0] > now:
        return entry[1]
    value = cache.get(VERSION_KEY)
    if value is None:
        cache.add(VERSION_KEY, _new_version(), timeout=None)
        value = cache.get(VERSION_KEY)
    _local[VERSION_KEY] = (now + LOCAL_SECONDS, value)
    return value


def invalidate() -> None:
    """Leave every stored page behind: the next visitor of each gets a fresh rendering."""
    value = _new_version()
    cache.set(VERSION_KEY, value, timeout=None)
    _local.clear()
    _local[VERSION_KEY] = (time.monotonic() + LOCAL_SECONDS, value)


def clear_local() -> None:
    """Drop this process's copies and the paths it learnt (tests call it between tests)."""
    _local.clear()
    _paths.clear()


def key(request: HttpRequest, language: str) -> str:
    """The cache key of this page in ``language``, at the current version."""
    # The host and scheme are in the page (absolute links); only hosts that passed
    # ALLOWED_HOSTS on the way to the view are ever stored. Hashed: a cache key must
    # be short and printable whatever the path.
    where = f"{request.scheme}://{request.META.get('HTTP_HOST', '')}{request.path}|{language}"
    return f"pages:{version()}:{hashlib.blake2b(where.encode(), digest_size=16).hexdigest()}"


def lookup(request: HttpRequest, language: str) -> str | None:
    """The stored copy of this page in ``language``, if one is fresh enough."""
    key_ = key(request, language)
    now = time.monotonic()
    entry = _local.get(key_)
    if entry is not None and entry[0] > now:
        return entry[1]
    stored = cache.get(key_)
    if stored is None:
        return None
    expires_at, html = stored
    left = expires_at - time.time()
    if left <= 0:
        return None
    if len(_local) > 1000:
        for stale in [k for k, (deadline, _value) in _local.items() if deadline <= now]:
            del _local[stale]
    _local[key_] = (now + min(LOCAL_SECONDS, left), html)
    return html


def store(request: HttpRequest, key_: str, html: str) -> None:
    """Keep ``html`` under ``key_`` (taken before the page was rendered, see ``render``)."""
    seconds = settings.PAGES_CACHE_SECONDS
    if seconds > 0:
        # The deadline travels with the page, so a copy taken into a process's own
        # memory is never served past it either.
        now = time.time()
        cache.set(key_, (now + seconds, html), timeout=seconds)
        _paths.add(request.path)
        stale_seconds = settings.PAGES_STALE_SECONDS
        if stale_seconds > 0:
            # (rendered at, page): served only while the database is unreachable.
            cache.set(key_ + STALE_SUFFIX, (now, html), timeout=stale_seconds)


def stale(request: HttpRequest, language: str) -> HttpResponse | None:
    """The stale copy of this page for an anonymous GET, if one is young enough.

    Only for a request that ``cacheable()`` allows (no session, messages, query, user),
    so nobody gets another's page; the visitor's CSRF token is filled in as usual, and
    ``Age`` and ``Warning`` say the page is old.
    """
    if not cacheable(request) or settings.PAGES_STALE_SECONDS <= 0:
        return None
    stored = cache.get(key(request, language) + STALE_SUFFIX)
    if stored is None:
        return None
    rendered_at, html = stored
    age = time.time() - rendered_at
    if not 0 <= age <= settings.PAGES_STALE_SECONDS:
        return None
    response = HttpResponse(html.replace(hole(), get_token(request)))
    return mark_stale(response, age)


def mark_stale(response: HttpResponse, age: float) -> HttpResponse:
    """The headers of a page served stale because its data could not be read."""
    # The body carries this visitor's CSRF token: no shared cache may keep it.
    response.headers["Cache-Control"] = "private, no-cache"
    response.headers["Age"] = str(int(age))
    response.headers["Warning"] = '110 - "Response is stale"'
    return response


# Rendering (views) --------------------------------------------------------------------


@functools.cache
def hole() -> str:
    """The placeholder for the CSRF token in a stored page.

    Derived from SECRET_KEY, so nobody can write it into a campaign's text and have a
    visitor's token pasted there; computed on first use, not at import.
    """
    digest = salted_hmac("sori.lib.pagecache.hole", "csrf", algorithm="sha256").hexdigest()
    return f"sori-page-hole-{digest[:24]}"


def render(request: HttpRequest, template_name: str, context: dict) -> HttpResponse:
    """``django.shortcuts.render`` for a page that is the same for every anonymous visitor.

    For a request that ``cacheable()`` allows, the page is rendered with the CSRF
    placeholder, stored, and answered with this visitor's token; any other request
    gets an ordinary rendering, never stored.
    """
    if not cacheable(request):
        return render_afresh(request, template_name, context)
    # The key, and so the version, is taken before the view read anything (by the
    # middleware, on its miss): a change committed meanwhile leaves this copy behind.
    key_ = getattr(request, "pagecache_key", None) or key(request, translation.get_language())
    html = render_to_string(template_name, {**context, "csrf_token": hole()}, request)
    store(request, key_, html)
    response = HttpResponse(html.replace(hole(), get_token(request)))
    # The body carries this visitor's CSRF token: no shared cache may keep it.
    response.headers["Cache-Control"] = "private, no-cache"
    return response


# Serving before the rest of the middleware --------------------------------------------


class PageCacheMiddleware:
    """Answer anonymous GETs of stored pages before the rest of the middleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        if request.path in _paths and cacheable(request):
            language = translation.get_language_from_request(request, check_path=True)
            html = lookup(request, language)
            if html is not None:
                return self._respond(request, html, language)
            request.pagecache_key = key(request, language)
        return self.get_response(request)

    @staticmethod
    def _respond(request: HttpRequest, html: str, language: str) -> HttpResponse:
        return personal_copy(request, lambda token: html.replace(hole(), token), language)


# Invalidation -----------------------------------------------------------------------


def _changed(sender, **kwargs) -> None:
    # Now, so this process shows the change at once, and again after the commit: a
    # page rendered from the old rows before the commit is left behind too.
    invalidate()
    transaction.on_commit(invalidate)


def connect(*models) -> None:
    """Leave every stored page behind whenever one of ``models`` is saved or deleted."""
    for model in models:
        label = model._meta.label
        post_save.connect(_changed, sender=model, dispatch_uid=f"pagecache.saved.{label}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"pagecache.deleted.{label}")
