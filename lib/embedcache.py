"""Shared copies of embed pages, answered before most of the middleware.

An embed page (``/<language>/petitions/<slug>/embed/``, ``/<language>/letters/<slug>/embed/``)
is the same for every visitor without a session: it holds no CSRF token (its form
token is bound to the action, not to a person, and lives far longer than a copy) and
no name. So, like the home page (``lib.pagecache``), it is rendered once and kept in
the shared cache with the origins that may frame it; ``EmbedPageMiddleware`` answers
the next visitors from there, right after the security, static-file and CSP
middleware, with the same framing headers the view sends (``lib.embed.allow_framing``)
and no cookie.

Which requests: those ``lib.pagecache.cacheable`` allows (GET, no query string, no
session or messages cookie, nobody signed in, no htmx header). Invalidation is
``lib.pagecache``'s version: saving a campaign, petition or letter action leaves every
copy behind at once. Each process keeps the copies it served for
``pagecache.LOCAL_SECONDS`` on top, as the other page caches do.

An app that wants to know when one of its embeds is served from a copy (petitions
count page views) registers a callback with ``on_served``.
"""

import hashlib
import re
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

from lib import pagecache
from lib.embed import allow_framing

EMBED_PATH = re.compile(r"^/(?P<language>[^/]+)/(?P<kind>[a-z]+)/(?P<slug>[-a-zA-Z0-9_]+)/embed/$")

# This process's copies: key -> (monotonic deadline, (html, origins)).
_local: dict[str, tuple[float, tuple[str, list[str]]]] = {}
_served: dict[str, Callable[[HttpRequest, str], None]] = {}


def on_served(kind: str, callback: Callable[[HttpRequest, str], None]) -> None:
    """Call ``callback(request, slug)`` when a ``/<language>/<kind>/<slug>/embed/`` page
    is answered from a copy (its view, which would have done the same, does not run)."""
    _served[kind] = callback


def _key(path: str, language: str) -> str:
    digest = hashlib.blake2b(f"{path}|{language}".encode(), digest_size=16).hexdigest()
    return f"embed-pages:{pagecache.version()}:{digest}"


def lookup(request: HttpRequest, language: str) -> tuple[str, list[str]] | None:
    """(html, frame origins) of this embed page's copy, if there is a fresh one."""
    key = _key(request.path, language)
    now = time.monotonic()
    entry = _local.get(key)
    if entry is not None and entry[0] > now:
        return entry[1]
    found = cache.get(key)
    if found is None:
        return None
    if len(_local) > 1000:
        _local.clear()
    _local[key] = (now + pagecache.LOCAL_SECONDS, found)
    return found


def keep(request: HttpRequest, language: str, html: str, origins: list[str], *, seconds: float):
    """Keep the page just rendered for this request, if the request may share it: for
    at most ``PAGES_CACHE_SECONDS``, fewer when the action changes sooner (it closes)."""
    seconds = min(settings.PAGES_CACHE_SECONDS, seconds)
    if seconds >= 1 and pagecache.cacheable(request):
        cache.set(_key(request.path, language), (html, list(origins)), timeout=int(seconds))


def clear_local() -> None:
    """Drop this process's copies (tests call it between tests)."""
    _local.clear()


class EmbedPageMiddleware:
    """Answer anonymous GETs of embed pages from their shared copy."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        match = EMBED_PATH.match(request.path_info)
        if (
            match
            and match["language"] in dict(settings.LANGUAGES)
            and pagecache.cacheable(request)
            and (found := lookup(request, match["language"])) is not None
        ):
            html, origins = found
            if (served := _served.get(match["kind"])) is not None:
                served(request, match["slug"])
            response = HttpResponse(html)
            response.headers["Content-Language"] = match["language"]
            return allow_framing(response, origins)
        return self.get_response(request)
