"""The two hottest anonymous requests, answered before most of the middleware runs.

A busy petition is read far more than it is signed: the page itself and its
``count.json``. For a visitor without a session both are answered from the cache
(``page_cache``) already; this middleware serves those cached answers straight after
the security, static-file and CSP middleware, skipping sessions, authentication,
messages, locale and CSRF middleware that would only find nothing to do. Anything it
cannot answer from the cache (a miss, a session cookie, a query other than ``ref``,
an htmx request) goes through the whole stack as usual, where the view renders and
stores the page for next time.

What the skipped middleware would have added, it adds itself: the visitor's own CSRF
token in the form and the ``csrftoken`` cookie (same format and masking as Django's,
so the sign form's POST is checked by Django's CSRF middleware as any other),
``X-Frame-Options``, ``Content-Language`` and ``Vary``. The page views are counted as
the view counts them.

What it buys: the cached page went from 0.29x to 0.61-0.70x of a bare hello view,
and ``count.json`` answers at 0.76-0.87x (``make bench pages``; docs/architecture.md,
"The fast path").
"""

import json
import os
import re

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH
from django.utils import translation
from django.utils.csp import CSP, build_policy

from . import page_cache, page_views
from .page_cache import clean_ref

PATH = re.compile(r"^/petitions/(?P<slug>[-a-zA-Z0-9_]+)/(?P<json>count\.json)?$")
SECRET_PATTERN = re.compile(rf"^[a-zA-Z0-9]{{{CSRF_SECRET_LENGTH}}}$")
_ALPHABET = CSRF_ALLOWED_CHARS
_INDEX = {char: index for index, char in enumerate(_ALPHABET)}
_LIMIT = 256 - 256 % len(_ALPHABET)  # bytes at or above this would bias the choice
# os.urandom bytes -> alphabet characters in one C call: byte b becomes the character
# b % 62; the bytes >= _LIMIT are dropped so every character is equally likely.
_TO_ALPHABET = bytes(ord(_ALPHABET[b % len(_ALPHABET)]) for b in range(256))
_BIASED = bytes(range(_LIMIT, 256))


def random_string(length: int) -> str:
    """Letters and digits from os.urandom, unbiased, usually in one system call.

    Django's ``get_random_string`` asks the OS once per character; a CSRF token needs
    64 characters, which was most of what a cached page cost.
    """
    out = b""
    while len(out) < length:
        out += os.urandom(length + 8).translate(_TO_ALPHABET, _BIASED)
    return out[:length].decode("ascii")


def mask_secret(secret: str) -> str:
    """A fresh masked form token for a CSRF secret, as ``django.middleware.csrf`` masks.

    The mask differs on every page, so the secret never appears twice in compressed
    responses (BREACH); Django's CSRF middleware unmasks it when the form comes back.
    """
    mask = random_string(CSRF_SECRET_LENGTH)
    size = len(_ALPHABET)
    cipher = "".join(
        _ALPHABET[(_INDEX[s] + _INDEX[m]) % size] for s, m in zip(secret, mask, strict=True)
    )
    return mask + cipher


_policy: tuple[object, str | None] = (None, None)


def content_security_policy() -> str | None:
    """``SECURE_CSP`` as a header, built once; None when it needs a nonce per response.

    Django's CSP middleware builds the header for every response and keeps one that is
    already there. Sori's policy has no nonce (no inline script or style anywhere), so
    the header is the same for every response and the fast path sets it from here.
    """
    global _policy
    config = settings.SECURE_CSP
    if _policy[0] is not config:
        needs_nonce = any(CSP.NONCE in values for values in config.values() if values)
        _policy = (config, None if needs_nonce or not config else build_policy(config))
    return _policy[1]


def _finish(response: HttpResponse) -> HttpResponse:
    response.headers["X-Frame-Options"] = settings.X_FRAME_OPTIONS
    if policy := content_security_policy():
        # A plain str: CSP.HEADER_ENFORCE is a StrEnum member, which HttpResponse keeps
        # as is, and WSGI servers that check header types (runserver's) answer 500.
        response.headers[str(CSP.HEADER_ENFORCE)] = policy
    return response


class PetitionFastPathMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        if request.method == "GET" and settings.PETITIONS_PAGE_CACHE_SECONDS > 0:
            match = PATH.match(request.path_info)
            if match and self._anonymous(request):
                if match["json"]:
                    response = self._count_json(match["slug"])
                else:
                    response = self._page(request, match["slug"])
                if response is not None:
                    return response
        return self.get_response(request)

    @staticmethod
    def _anonymous(request: HttpRequest) -> bool:
        return page_cache.cacheable(request) and set(request.GET) <= {"ref"}

    def _page(self, request: HttpRequest, slug: str) -> HttpResponse | None:
        language = translation.get_language_from_request(request)
        html = page_cache.get(slug, language)
        if html is None:
            return None
        secret = request.COOKIES.get(settings.CSRF_COOKIE_NAME, "")
        new_secret = not SECRET_PATTERN.match(secret)
        if new_secret:
            secret = random_string(CSRF_SECRET_LENGTH)
        body = html.replace(page_cache.hole("csrf"), mask_secret(secret)).replace(
            page_cache.hole("ref"), clean_ref(request.GET.get("ref", ""))
        )
        page_views.count(request, slug)
        response = HttpResponse(body)
        if new_secret:
            response.set_cookie(
                settings.CSRF_COOKIE_NAME,
                secret,
                max_age=settings.CSRF_COOKIE_AGE,
                domain=settings.CSRF_COOKIE_DOMAIN,
                path=settings.CSRF_COOKIE_PATH,
                secure=settings.CSRF_COOKIE_SECURE,
                httponly=settings.CSRF_COOKIE_HTTPONLY,
                samesite=settings.CSRF_COOKIE_SAMESITE,
            )
        # The body carries this visitor's CSRF token: no shared cache may keep it. (The
        # headers are new on this response: set, not patched.)
        response.headers["Cache-Control"] = "private, no-cache"
        response.headers["Vary"] = "Accept-Language, Cookie"
        response.headers["Content-Language"] = language
        return _finish(response)

    def _count_json(self, slug: str) -> HttpResponse | None:
        counter = page_cache.cached(page_cache.counter_key(slug))
        if counter is None:
            return None
        body = {
            "count": counter.count,
            "goal": counter.goal,
            "updated_at": counter.updated_at.isoformat() if counter.updated_at else None,
        }
        response = HttpResponse(json.dumps(body), content_type="application/json")
        response.headers["Cache-Control"] = f"public, max-age={settings.PETITIONS_COUNT_MAX_AGE}"
        return _finish(response)
