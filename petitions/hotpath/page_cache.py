"""The public petition page, rendered once and served from the cache with holes punched.

A petition page is the same for every visitor without a session, except for two
things: the CSRF token in its forms (each visitor's own) and the ``?ref=`` code carried
into the sign form. The page is rendered with unguessable placeholders in those two
places and kept in the shared cache for ``PETITIONS_PAGE_CACHE_SECONDS``; each request
fills the placeholders in. A request with a session or pending messages (signed-in
people, someone just back from confirming) is personal and always rendered afresh, so
nothing personal is ever stored and no visitor ever gets another's token.

The count and the recent signers in a cached copy may be a few seconds old; the
counter refreshes itself, and an edit to the petition drops the cached copies.

Two levels: the shared cache (Redis in production), and a copy inside each worker
process for ``LOCAL_SECONDS`` on top, so a busy page costs no network round trip. An
edit drops the shared copy at once; workers' own copies expire within seconds.

What it buys: a busy petition page is rendered once per cache period, not once per
visitor; with the fast path it costs about what a bare hello view costs (``make bench
pages``; docs/architecture.md, "Petitions").

Stale-if-error: each page and counter also has a stale copy (same key plus ``:stale``)
kept for ``PAGES_STALE_SECONDS`` (never past a petition's next change, such as its
closing). ``config.outage`` serves it to an anonymous GET only while the database is
unreachable; an edit drops it with the fresh copy.
"""

import copy
import dataclasses
import functools
import json
import pickle
import re
import time

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, QueryDict
from django.middleware.csrf import get_token
from django.utils.cache import patch_cache_control
from django.utils.crypto import salted_hmac

from lib import opendata, pagecache

from ..models import Petition

REF_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]")
REF_MAX_LENGTH = 40


def clean_ref(value: str) -> str:
    """A ``?ref=`` code as stored and echoed: letters, digits, ``_.-``, at most 40."""
    return REF_UNSAFE.sub("", value or "")[:REF_MAX_LENGTH]


@functools.cache
def hole(name: str) -> str:
    """The placeholder for ``name`` ("csrf" or "ref") in a shared copy of a page.

    Derived from SECRET_KEY, so nobody can write a placeholder into a comment or a
    name and have a visitor's token pasted there; computed on first use, not at import,
    so that loading the app needs no key (makemigrations --check runs without one).
    """
    digest = salted_hmac("sori.petitions.page-hole", name, algorithm="sha256").hexdigest()
    return f"sori-hole-{digest[:24]}"


LOCAL_SECONDS = 2.0
STALE_SUFFIX = pagecache.STALE_SUFFIX
COUNTER_PREFIX = "petitions:counter:"

_local: dict[str, tuple[float, object]] = {}


def cached(key: str):
    """The value for ``key`` from this process's copy, else the shared cache, else None."""
    now = time.monotonic()
    entry = _local.get(key)
    if entry is not None and entry[0] > now:
        return entry[1]
    value = cache.get(key)
    if value is not None:
        _local[key] = (now + LOCAL_SECONDS, value)
    return value


def remember(key: str, value, timeout: float) -> None:
    if timeout <= 0:
        return
    cache.set(key, value, timeout=timeout)
    if key.startswith(COUNTER_PREFIX):
        # count.json is served stale too while the database is unreachable.
        keep_stale(key, value, settings.PAGES_STALE_SECONDS)
    _local[key] = (time.monotonic() + min(LOCAL_SECONDS, timeout), value)


def forget(keys: list[str]) -> None:
    cache.delete_many(keys + [key + STALE_SUFFIX for key in keys])
    for key in keys:
        _local.pop(key, None)


def clear_local() -> None:
    """Drop this process's copies (tests call it between tests)."""
    _local.clear()


def _key(slug: str, language: str) -> str:
    return f"petitions:page:{slug}:{language}"


def cacheable(request: HttpRequest) -> bool:
    """True when the request may be answered with the shared anonymous copy."""
    return (
        settings.PETITIONS_PAGE_CACHE_SECONDS > 0
        and request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and CookieStorage.cookie_name not in request.COOKIES
        and not request.META.get("HTTP_HX_REQUEST")  # not .headers: parses them all
    )


def get(slug: str, language: str) -> str | None:
    return cached(_key(slug, language))


def store(slug: str, language: str, html: str, *, timeout: float | None = None) -> None:
    seconds = settings.PETITIONS_PAGE_CACHE_SECONDS
    stale_seconds = settings.PAGES_STALE_SECONDS
    if timeout is not None:
        seconds = min(seconds, int(timeout))
        stale_seconds = min(stale_seconds, int(timeout))
    remember(_key(slug, language), html, seconds)
    if seconds > 0:
        keep_stale(_key(slug, language), html, stale_seconds)


def keep_stale(key: str, value, seconds: float) -> None:
    """Keep ``value`` as the stale copy of ``key`` for ``seconds`` (with when it was made)."""
    if seconds > 0:
        cache.set(key + STALE_SUFFIX, (time.time(), value), timeout=seconds)


def stale_copy(key: str):
    """(age in seconds, value) of the stale copy of ``key`` if young enough, else None."""
    stored = cache.get(key + STALE_SUFFIX)
    if stored is None:
        return None
    made_at, value = stored
    age = time.time() - made_at
    if not 0 <= age <= settings.PAGES_STALE_SECONDS:
        return None
    return age, value


_PAGE_PATH = re.compile(r"^/(?P<language>[^/]+)/petitions/(?P<slug>[-a-zA-Z0-9_]+)/$")
_COUNT_PATH = re.compile(r"^/petitions/(?P<slug>[-a-zA-Z0-9_]+)/count\.json$")


@dataclasses.dataclass(frozen=True)
class PetitionPath:
    """What a request path names: a petition's page in a language, or its count.json."""

    slug: str
    count_json: bool
    language: str = ""


def petition_path(path: str) -> PetitionPath | None:
    """The petition page (``/<language>/petitions/<slug>/``) or count.json
    (``/petitions/<slug>/count.json``, the same in every language) that ``path`` names."""
    if match := _COUNT_PATH.match(path):
        return PetitionPath(match["slug"], count_json=True)
    match = _PAGE_PATH.match(path)
    if match and match["language"] in dict(settings.LANGUAGES):
        return PetitionPath(match["slug"], count_json=False, language=match["language"])
    return None


def stale(request: HttpRequest, where: PetitionPath) -> HttpResponse | None:
    """The stale page (or count.json) ``where`` names, for an anonymous GET, or None."""
    if request.method != "GET" or not cacheable(request) or set(request.GET) - {"ref"}:
        return None
    if where.count_json:
        found = stale_copy(counter_key(where.slug))
        if found is None:
            return None
        age, counter = found
        response = counter_response(counter)
        response.headers["Age"] = str(int(age))
        response.headers["Warning"] = '110 - "Response is stale"'
        return response
    found = stale_copy(_key(where.slug, where.language))
    if found is None:
        return None
    age, html = found
    return pagecache.mark_stale(respond(request, html), age)


def counter_response(counter) -> HttpResponse:
    """count.json for ``counter``, as the view and the fast path answer it."""
    body = {
        "count": counter.count,
        "goal": counter.goal,
        "updated_at": counter.updated_at.isoformat() if counter.updated_at else None,
        # A counter cached before regions were counted has none: say so, not zeros.
        "signatures_by_region": getattr(counter, "by_region", None),
    }
    response = HttpResponse(json.dumps(body), content_type="application/json")
    response.headers["Cache-Control"] = f"public, max-age={settings.PETITIONS_COUNT_MAX_AGE}"
    return response


def counter_key(slug: str) -> str:
    return f"{COUNTER_PREFIX}{slug}"


_OPEN_DATA_PATH = re.compile(r"^/petitions/(?P<slug>[-a-zA-Z0-9_]+)\.json$")


def open_data_name(slug: str) -> str:
    """The name ``petitions.opendata`` keeps a petition's open data under (``lib.opendata``)."""
    return f"petition:{slug}"


def open_data_response(path: str) -> HttpResponse | None:
    """``/petitions/<slug>.json`` from the cache, for the fast path; None on a miss."""
    match = _OPEN_DATA_PATH.match(path)
    if match is None:
        return None
    body = opendata.lookup(open_data_name(match["slug"]))
    return opendata.respond(body) if body is not None else None


def petition_key(slug: str) -> str:
    return f"petitions:petition:{slug}"


def petition(slug: str, load) -> "Petition | None":
    """The petition ``slug`` with its campaign, kept as long as its page; a fresh copy per call.

    ``load()`` reads it from the database on a miss (None: no such petition, not kept).
    Each caller gets its own unpickled copy, so nothing one request changes on it is
    seen by another.
    """
    pickled = cached(petition_key(slug))
    if pickled is None:
        found = load()
        if found is None:
            return None
        pickled = pickle.dumps(found)
        remember(petition_key(slug), pickled, settings.PETITIONS_PAGE_CACHE_SECONDS)
    return pickle.loads(pickled)  # noqa: S301 - our own bytes, from our own cache


def actions_key(campaign_id: int, language: str) -> str:
    return f"petitions:actions:{campaign_id}:{language}"


def invalidate(*slugs: str, campaign_id: int | None = None) -> None:
    """Drop the cached copies of these petitions (and their campaign's action list)."""
    keys = []
    for slug in slugs:
        keys += [_key(slug, code) for code, _name in settings.LANGUAGES]
        keys += [counter_key(slug), petition_key(slug)]
    if campaign_id is not None:
        keys += [actions_key(campaign_id, code) for code, _name in settings.LANGUAGES]
    forget(keys)


def template_request(request: HttpRequest) -> HttpRequest:
    """The request as the shared copy is rendered for: no query string, no CSRF token."""
    clone = copy.copy(request)
    clone.GET = QueryDict()
    clone.META = {**request.META, "QUERY_STRING": ""}
    return clone


def template_context() -> dict:
    """Context entries that put the placeholders where the personal values go."""
    return {"csrf_token": hole("csrf"), "ref": hole("ref")}


def respond(request: HttpRequest, html: str) -> HttpResponse:
    """Fill in this visitor's CSRF token and ref code, and answer."""
    body = html.replace(hole("csrf"), get_token(request)).replace(
        hole("ref"), clean_ref(request.GET.get("ref", ""))
    )
    response = HttpResponse(body)
    # The body carries this visitor's CSRF token: no shared cache may keep it.
    patch_cache_control(response, private=True, no_cache=True)
    return response
