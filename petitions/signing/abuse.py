"""Defences of the sign form: rate limits, a proof-of-work challenge, disposable domains.

None of them refuses a person outright (except a disposable address, which could never
be confirmed or reached again). A signature that trips a limit, fills the honeypot or
arrives without a solved challenge is kept with status ``review``: it is not counted
until staff release it, and a real person who tripped a wire loses nothing.
"""

import base64
import hashlib
import json
from datetime import timedelta

from altcha import create_challenge_v1, extract_params_v1, verify_solution_v1
from disposable_email_domains import blocklist
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone

from lib import ratelimit
from lib.http import client_ip, hash_ip
from lib.ratelimit import Limit

from ..models import Petition, Signature

CHALLENGE_TTL = timedelta(minutes=30)


def request_ip_hash(request: HttpRequest) -> str:
    return hash_ip(client_ip(request))


def is_disposable(address: str) -> bool:
    """True for an address at a throw-away mail service or any subdomain of one."""
    domain = address.rpartition("@")[2].strip().lower().rstrip(".")
    labels = domain.split(".")
    return any(".".join(labels[i:]) in blocklist for i in range(len(labels) - 1))


# Rate limits count in ``lib.ratelimit``, the one limiter. The per-client-address limit
# is counted on every attempt as the request arrives. The petition-wide limit counts only
# attempts that passed every request-side check and would add a new signature (counted at
# processing time, ``services.sign_petition``): otherwise one client posting again and
# again, or re-posting an address that has signed, could push the petition over its limit
# and have every genuine signer held.

_IP_LIMITS = ("ip_burst", "ip_sustained")
_PETITION_LIMITS = ("petition_burst", "petition_sustained")
# Under a surge the challenge gets this much harder (for everyone) before anyone is held.
SURGE_DIFFICULTY = 10
# A surge: the petition's new signatures in a window above this share of its limit.
SURGE_SHARE = 0.5


def _limits(names: tuple[str, ...]) -> list[Limit]:
    configured = settings.PETITIONS_RATE_LIMITS
    return [Limit(*configured[name]) for name in names if configured.get(name)]


def client_rate_reason(*, ip_hash: str) -> str:
    """Count a sign attempt from a client address; ``rate_ip`` once it is over a limit."""
    if not ip_hash:
        return ""
    verdicts = ratelimit.hit([(f"petitions:ip:{ip_hash}", limit) for limit in _limits(_IP_LIMITS)])
    return "" if all(verdicts) else Signature.ReviewReason.RATE_IP


def petition_rate_reason(*, petition_id: int) -> str:
    """Count a new signature on a petition; ``rate_petition`` once it is over a limit."""
    subject = f"petitions:petition:{petition_id}"
    verdicts = ratelimit.hit([(subject, limit) for limit in _limits(_PETITION_LIMITS)])
    return "" if all(verdicts) else Signature.ReviewReason.RATE_PETITION


def petition_under_surge(petition_id: int) -> bool:
    """New signatures on the petition are above ``SURGE_SHARE`` of a limit (nothing counted)."""
    subject = f"petitions:petition:{petition_id}"
    return any(
        ratelimit.current(subject, limit) > limit.count * SURGE_SHARE
        for limit in _limits(_PETITION_LIMITS)
    )


# The proof-of-work challenge (ALTCHA, protocol v1: find n with SHA-256(salt + n) equal
# to the challenge). Challenges are HMAC-signed, so the server keeps no state until a
# solution arrives; a solution is accepted once (replays are remembered until expiry).


def _challenge_key() -> str:
    configured = settings.PETITIONS_CHALLENGE_HMAC_KEY
    if configured:
        return configured
    return hashlib.sha256(f"sori.petitions.challenge:{settings.SECRET_KEY}".encode()).hexdigest()


def new_challenge(*, petition_id: int) -> dict:
    """A challenge for signing one petition; ``SURGE_DIFFICULTY`` times harder in a surge.

    The petition is in the signed salt, so a challenge fetched for a quiet petition (an
    easy one) cannot be spent on one under a surge.
    """
    max_number = settings.PETITIONS_CHALLENGE_MAX_NUMBER
    if petition_under_surge(petition_id):
        max_number *= SURGE_DIFFICULTY
    challenge = create_challenge_v1(
        hmac_key=_challenge_key(),
        max_number=max_number,
        expires=timezone.now() + CHALLENGE_TTL,
        params={"petition": str(petition_id)},
    )
    return challenge.to_dict()


def verify_challenge(payload: str, *, petition_id: int) -> bool:
    """A solved, unexpired challenge, signed by us for this petition, not used before."""
    if not payload or len(payload) > 2000:
        return False
    try:
        valid, _error = verify_solution_v1(payload, _challenge_key(), check_expires=True)
        decoded = json.loads(base64.b64decode(payload))
        signature = decoded["signature"]
    except (ValueError, TypeError, KeyError, AttributeError):
        return False
    if not valid or not isinstance(signature, str):
        return False
    if extract_params_v1(decoded).get("petition") != [str(petition_id)]:
        return False
    timeout = int(CHALLENGE_TTL.total_seconds()) + 60
    return cache.add(f"petitions:challenge-used:{signature}", 1, timeout=timeout)


def review_reason(
    *, petition: Petition, ip_hash: str, verified: bool, honeypot: str = "", solution: str = ""
) -> str:
    """Why a new signature should be held for review, or "" to take it as it is.

    The request-side verdict: the client's rate limit (counted on every attempt), then,
    for anyone not signed in with a verified address, the honeypot (``honeypot``: what
    the hidden field held) and the proof-of-work challenge (``solution``). The
    petition-wide limit is checked when signing, where it is known whether the
    signature is new (``services.sign_petition``).
    """
    rate_reason = client_rate_reason(ip_hash=ip_hash)
    if not verified:
        if honeypot:
            return Signature.ReviewReason.HONEYPOT
        if settings.PETITIONS_CHALLENGE and not verify_challenge(solution, petition_id=petition.pk):
            return Signature.ReviewReason.CHALLENGE
    return rate_reason
