"""Read-only data for other sites: JSON and CSV with CORS, cached like ``count.json``.

One home for what every open-data address shares (docs/open-data.md): the ``version``
of the formats, the answer's headers, errors as JSON, the OPTIONS preflight, 405 for
anything but reading, and the cache.

Headers: ``Access-Control-Allow-Origin: *`` on every answer (errors included, so a
script on another site can read why it failed); ``Cache-Control: public,
max-age=PETITIONS_COUNT_MAX_AGE``, as ``count.json`` sends.

The cache: each document is built once and kept as bytes in the shared cache for
``PETITIONS_PAGE_CACHE_SECONDS`` (what ``count.json`` keeps its counter for), with a
copy inside each process for ``LOCAL_SECONDS`` on top, so a burst of readers never
reaches the database and a busy document costs no network round trip. Keys carry
``lib.pagecache.version()``, which changes whenever a campaign, petition, milestone,
official or letter action is saved: an edit (unpublishing included) shows at once;
counts may be a few seconds old, as on the pages.
"""

import functools
import json
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt

from lib import pagecache
from lib.translated import LANGUAGE_CODES, text_of

# The formats' version (docs/open-data.md, "Versions"): raised only when a field is
# removed, renamed or changes meaning; new fields may appear within a version.
VERSION = 1
READ_METHODS = ("GET", "HEAD")
ALLOW = "GET, HEAD, OPTIONS"
LOCAL_SECONDS = 2.0
# A day: browsers cap it lower anyway (Chromium at two hours).
PREFLIGHT_MAX_AGE = 86400

_local: dict[str, tuple[float, bytes]] = {}


# The answers ------------------------------------------------------------------------


def cors(response: HttpResponse) -> HttpResponse:
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def respond(body: bytes, content_type: str = "application/json") -> HttpResponse:
    """A document, public and cached for ``PETITIONS_COUNT_MAX_AGE`` seconds."""
    response = HttpResponse(body, content_type=content_type)
    response.headers["Cache-Control"] = f"public, max-age={settings.PETITIONS_COUNT_MAX_AGE}"
    return cors(response)


def error(status: int, message: str) -> HttpResponse:
    """``{"version": 1, "error": message}`` with ``status``; never cached."""
    body = json.dumps({"version": VERSION, "error": message}).encode()
    response = HttpResponse(body, content_type="application/json", status=status)
    response.headers["Cache-Control"] = "no-store"
    return cors(response)


def dumps(document: dict) -> bytes:
    """The JSON of a document: UTF-8 (Hangul as it is), keys in the order written."""
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


def read_only(view: Callable) -> Callable:
    """GET and HEAD answered by ``view``; OPTIONS is the CORS preflight; the rest 405.

    CSRF-exempt: nothing here changes anything, and a POST must be told 405, not 403.
    """

    @csrf_exempt
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method == "OPTIONS":
            response = HttpResponse(status=204)
            del response.headers["Content-Type"]
            response.headers["Allow"] = ALLOW
            response.headers["Access-Control-Allow-Methods"] = ALLOW
            response.headers["Access-Control-Allow-Headers"] = "*"
            response.headers["Access-Control-Max-Age"] = str(PREFLIGHT_MAX_AGE)
            return cors(response)
        if request.method not in READ_METHODS:
            response = error(405, "Read-only: use GET.")
            response.headers["Allow"] = ALLOW
            return response
        return view(request, *args, **kwargs)

    return wrapper


# The cache --------------------------------------------------------------------------


def _key(name: str) -> str:
    return f"opendata:{pagecache.version()}:{name}"


def lookup(name: str) -> bytes | None:
    """The stored document ``name``, from this process's copy or the shared cache."""
    key = _key(name)
    now = time.monotonic()
    entry = _local.get(key)
    if entry is not None and entry[0] > now:
        return entry[1]
    body = cache.get(key)
    if body is not None:
        _keep_local(key, body, now)
    return body


def cached(name: str, build: Callable[[], bytes | None]) -> bytes | None:
    """The document ``name``: stored, else ``build()`` (None: there is none, not kept)."""
    body = lookup(name)
    if body is None:
        body = build()
        seconds = settings.PETITIONS_PAGE_CACHE_SECONDS
        if body is not None and seconds > 0:
            key = _key(name)
            cache.set(key, body, timeout=seconds)
            _keep_local(key, body, time.monotonic(), seconds)
    return body


def _keep_local(key: str, body: bytes, now: float, seconds: float = LOCAL_SECONDS) -> None:
    if len(_local) > 1000:
        for old in [k for k, (deadline, _body) in _local.items() if deadline <= now]:
            del _local[old]
    _local[key] = (now + min(LOCAL_SECONDS, seconds), body)


# Content ----------------------------------------------------------------------------


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def pages(viewname: str, **kwargs) -> dict[str, str]:
    """The page's absolute address in every language: ``{"en": ..., "ko": ...}``."""
    urls = {}
    for code in LANGUAGE_CODES:
        with translation.override(code):
            urls[code] = absolute(reverse(viewname, kwargs=kwargs))
    return urls


def texts(obj, name: str) -> dict[str, str]:
    """``obj``'s field ``name`` in every language, each with the site's fallback."""
    return {code: str(text_of(obj, name, code)) for code in LANGUAGE_CODES}


def moment(value) -> str | None:
    """A date or time as ISO 8601 (times in UTC with their offset), or None."""
    return value.isoformat() if value is not None else None
