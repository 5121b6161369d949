"""Defences of the sign form: rate limits, a proof-of-work challenge, disposable domains.

None of them refuses a person outright (except a disposable address, which could never
be confirmed or reached again). A signature that trips a limit, fills the honeypot or
arrives without a solved challenge is kept with status ``review``: it is not counted
until staff release it, and a real person who tripped a wire loses nothing.
"""

import base64
import hashlib
import json
import re
import time
from datetime import timedelta

from altcha import create_challenge_v1, verify_solution_v1
from disposable_email_domains import blocklist
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone

from lib.cache import incr_counters
from lib.http import client_ip, hash_ip

from .models import Signature

CHALLENGE_TTL = timedelta(minutes=30)
REF_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]")
REF_MAX_LENGTH = 40


def request_ip_hash(request: HttpRequest) -> str:
    return hash_ip(client_ip(request))


def clean_ref(value: str) -> str:
    """A ``?ref=`` code as stored and echoed: letters, digits, ``_.-``, at most 40."""
    return REF_UNSAFE.sub("", value or "")[:REF_MAX_LENGTH]


def is_disposable(address: str) -> bool:
    """True for an address at a throw-away mail service or any subdomain of one."""
    domain = address.rpartition("@")[2].strip().lower().rstrip(".")
    labels = domain.split(".")
    return any(".".join(labels[i:]) in blocklist for i in range(len(labels) - 1))


# Rate limits: fixed windows counted in the shared cache (Redis in production, so every
# worker sees the same counts). A window allows up to twice its rate across a boundary,
# which is fine for telling a person from a flood.


def _counts(windows: list[tuple[str, int]]) -> list[int]:
    """Count one attempt in each ``(subject, seconds)`` window; the totals so far."""
    now = time.time()
    counters = [
        (f"petitions:rate:{subject}:{seconds}:{int(now // seconds)}", seconds + 1)
        for subject, seconds in windows
    ]
    return incr_counters(counters)  # one round trip on Redis


def allow(subject: str, limit: int, seconds: int) -> bool:
    """Count one attempt for ``subject``; False once it exceeds ``limit`` per ``seconds``."""
    return _counts([(subject, seconds)])[0] <= limit


def rate_limit_reason(*, ip_hash: str, petition_id: int) -> str:
    """Count a sign attempt against every configured limit; the review reason if over one.

    All counters advance on every attempt, so a sustained flood is seen even while its
    bursts are being held.
    """
    limits = settings.PETITIONS_RATE_LIMITS
    checks = [
        ("ip_burst", f"ip:{ip_hash}", Signature.ReviewReason.RATE_IP),
        ("ip_sustained", f"ip:{ip_hash}", Signature.ReviewReason.RATE_IP),
        ("petition_burst", f"petition:{petition_id}", Signature.ReviewReason.RATE_PETITION),
        ("petition_sustained", f"petition:{petition_id}", Signature.ReviewReason.RATE_PETITION),
    ]
    active = [
        (limits[name], subject, why)
        for name, subject, why in checks
        if limits.get(name) and (ip_hash or not subject.startswith("ip:"))
    ]
    if not active:
        return ""
    totals = _counts([(subject, seconds) for (_, seconds), subject, _ in active])
    for ((limit, _), _, why), total in zip(active, totals, strict=True):
        if total > limit:
            return why
    return ""


# The proof-of-work challenge (ALTCHA, protocol v1: find n with SHA-256(salt + n) equal
# to the challenge). Challenges are HMAC-signed, so the server keeps no state until a
# solution arrives; a solution is accepted once (replays are remembered until expiry).


def _challenge_key() -> str:
    configured = settings.PETITIONS_CHALLENGE_HMAC_KEY
    if configured:
        return configured
    return hashlib.sha256(f"sori.petitions.challenge:{settings.SECRET_KEY}".encode()).hexdigest()


def new_challenge() -> dict:
    challenge = create_challenge_v1(
        hmac_key=_challenge_key(),
        max_number=settings.PETITIONS_CHALLENGE_MAX_NUMBER,
        expires=timezone.now() + CHALLENGE_TTL,
    )
    return challenge.to_dict()


def verify_challenge(payload: str) -> bool:
    """A solved, unexpired, signed challenge that has not been used before."""
    if not payload or len(payload) > 2000:
        return False
    try:
        valid, _error = verify_solution_v1(payload, _challenge_key(), check_expires=True)
        signature = json.loads(base64.b64decode(payload))["signature"]
    except (ValueError, TypeError, KeyError, AttributeError):
        return False
    if not valid or not isinstance(signature, str):
        return False
    timeout = int(CHALLENGE_TTL.total_seconds()) + 60
    return cache.add(f"petitions:challenge-used:{signature}", 1, timeout=timeout)
