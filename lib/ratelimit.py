"""The one rate limiter: fixed windows counted in the shared cache.

Every limit in Sori (sign attempts, confirmation mail, "my data" links, resends) counts
here, so they all behave the same under races (one atomic increment per window) and in
one round trip on Redis. A window allows up to twice its rate across a boundary, which
is fine for telling a person from a flood.

Subjects are strings chosen by the caller; never put a raw email or network address in
one (hash it with ``subject_hash``): the cache is not a place for personal data.
"""

import hashlib
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from lib.cache import incr_counters


@dataclass(frozen=True)
class Limit:
    """At most ``count`` hits per ``seconds`` for one subject; ``count == 0`` is off."""

    count: int
    seconds: int

    @property
    def active(self) -> bool:
        return self.count > 0 and self.seconds > 0


def subject_hash(value: str) -> str:
    """A short keyed hash of a personal value (an address), for use in a subject."""
    key = f"sori.ratelimit:{settings.SECRET_KEY}:{value}".encode()
    return hashlib.blake2b(key, digest_size=12).hexdigest()


def _key(prefix: str, subject: str, limit: Limit, now: float) -> str:
    return f"{prefix}:{subject}:{limit.seconds}:{int(now // limit.seconds)}"


def hit(checks: list[tuple[str, Limit]], *, prefix: str = "rate") -> list[bool]:
    """Count one hit for each ``(subject, limit)``; for each, True while within its limit.

    Every counter advances on every call, so a sustained flood is seen even while its
    bursts are refused. Inactive limits are not counted and always allow.
    """
    now = time.time()
    active = [(subject, limit) for subject, limit in checks if limit.active]
    totals = incr_counters(
        [(_key(prefix, subject, limit, now), limit.seconds + 1) for subject, limit in active]
    )
    verdicts = iter(total <= limit.count for (_, limit), total in zip(active, totals, strict=True))
    return [next(verdicts) if limit.active else True for _, limit in checks]


def give_back(checks: list[tuple[str, Limit]], *, prefix: str = "rate") -> None:
    """Take back one hit that ``hit`` counted for each ``(subject, limit)``: for work
    that was allowed but did not happen (a mail the server did not take)."""
    now = time.time()
    incr_counters(
        [
            (_key(prefix, subject, limit, now), limit.seconds + 1, -1)
            for subject, limit in checks
            if limit.active
        ]
    )


def allow(subject: str, limit: Limit, *, prefix: str = "rate") -> bool:
    """Count one hit for ``subject``; False once it is over ``limit``."""
    return hit([(subject, limit)], prefix=prefix)[0]


def current(subject: str, limit: Limit, *, prefix: str = "rate") -> int:
    """How many hits ``subject`` has in ``limit``'s current window, counting none."""
    if not limit.active:
        return 0
    return cache.get(_key(prefix, subject, limit, time.time()), 0)
