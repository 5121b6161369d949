"""What a page served before most of the middleware must add itself: a masked CSRF
token (as ``django.middleware.csrf`` makes one) and the Content-Security-Policy header.

Used by ``lib.pagecache`` (home and campaign pages) and by petitions' fast path; one
copy, so the two cannot drift apart from what Django's middleware would send.
"""

import os
import re
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH
from django.utils.csp import CSP, build_policy

_ALPHABET = CSRF_ALLOWED_CHARS
_INDEX = {char: index for index, char in enumerate(_ALPHABET)}
# os.urandom bytes -> alphabet characters in one C call: byte b becomes the character
# b % 62; bytes at or above the last multiple of 62 are dropped so none is favoured.
_TO_ALPHABET = bytes(ord(_ALPHABET[b % len(_ALPHABET)]) for b in range(256))
_BIASED = bytes(range(256 - 256 % len(_ALPHABET), 256))
SECRET_PATTERN = re.compile(rf"^[a-zA-Z0-9]{{{CSRF_SECRET_LENGTH}}}$")


def random_string(length: int) -> str:
    """Letters and digits from os.urandom, unbiased, usually in one system call.

    Django's ``get_random_string`` asks the OS once per character; a CSRF token needs
    64 characters, which would be much of what a cached page costs.
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

    Django's CSP middleware (before this one) would build the same header for every
    response; it keeps one that is already set.
    """
    global _policy
    config = settings.SECURE_CSP
    if _policy[0] is not config:
        needs_nonce = any(CSP.NONCE in values for values in config.values() if values)
        _policy = (config, None if needs_nonce or not config else build_policy(config))
    return _policy[1]


def personal_copy(request: HttpRequest, fill: Callable[[str], str], language: str) -> HttpResponse:
    """A stored page made this visitor's: their masked CSRF token put in by ``fill``.

    Adds what the skipped middleware would have: the ``csrftoken`` cookie for a new
    visitor, and the headers of a page rendered afresh. The body carries the visitor's
    own token, so no shared cache may keep it.
    """
    secret = request.COOKIES.get(settings.CSRF_COOKIE_NAME, "")
    new_secret = not SECRET_PATTERN.match(secret)
    if new_secret:
        secret = random_string(CSRF_SECRET_LENGTH)
    response = HttpResponse(fill(mask_secret(secret)))
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
    # The headers are new on this response: set, not patched.
    response.headers["Cache-Control"] = "private, no-cache"
    # The language is in the address (i18n_patterns), so only the cookie varies it.
    response.headers["Vary"] = "Cookie"
    response.headers["Content-Language"] = language
    return secure(response)


def secure(response: HttpResponse) -> HttpResponse:
    """The framing and CSP headers the security middleware would add."""
    response.headers["X-Frame-Options"] = settings.X_FRAME_OPTIONS
    if policy := content_security_policy():
        # A plain str: CSP.HEADER_ENFORCE is a StrEnum member, which HttpResponse keeps
        # as is, and WSGI servers that check header types (runserver's) answer 500.
        response.headers[str(CSP.HEADER_ENFORCE)] = policy
    return response
