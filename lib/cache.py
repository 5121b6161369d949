"""Django's Redis cache backend: one redis-py client per pool, and no error pages when
Redis is away.

Django's ``RedisCacheClient.get_client()`` builds a new ``redis.Redis`` object for
every cache operation. With redis-py 8 that constructor registers some 170 response
callbacks, about 0.3 ms of CPU per operation: more than the round trip to Redis, and
paid several times per request on hot paths (page cache, rate limits). The client is
thread-safe (each command borrows a connection from the pool), so one per pool will do.

Redis is an accelerator, not a dependency (docs/architecture.md, "Bad days"): when it
cannot be reached (connection refused or reset, a timeout) every operation degrades
instead of raising. Reads are misses, writes are dropped, ``add`` answers True,
counters are kept in this process, and each kind of failure is logged once per
``OUTAGE_LOG_SECONDS`` (a key of the cache's settings, 30 by default), not once per
request. Short socket timeouts in the cache's OPTIONS (config/settings.py) keep a
dead Redis cheap.
"""

import functools
import logging
import threading
import time

from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# What "Redis cannot be reached" looks like; any other error (a bug, a full Redis) raises.
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            pool = self._get_connection_pool(write)
            client = self._clients[index] = self._client(connection_pool=pool)
        return client


class Outage:
    """What one process remembers while a Redis server is away: when each kind of
    failure was last logged, and the counters it keeps in Redis's place.

    Shared by every thread of the process (Django gives each thread its own cache
    object), so rate limits become per-process limits, not per-thread ones.
    """

    PRUNE_ABOVE = 4096  # counters kept before expired ones are dropped

    def __init__(self, location: str):
        self.location = location
        self._lock = threading.Lock()
        self._logged: dict[str, float] = {}
        self._counters: dict[str, tuple[float, int]] = {}

    def report(self, kind: str, error: BaseException, interval: float) -> None:
        """Log a failure of ``kind`` unless one was logged in the last ``interval`` s."""
        now = time.monotonic()
        with self._lock:
            last = self._logged.get(kind)
            if last is not None and now - last < interval:
                return
            self._logged[kind] = now
        logger.warning(
            "Redis cache at %s unreachable (%s: %s); %s degrades (logged once per %g s)",
            self.location,
            type(error).__name__,
            error,
            kind,
            interval,
        )

    def incr_counters(self, counters: list[tuple[str, int, int]]) -> list[int]:
        """Add to each ``(full key, timeout, amount)`` counter of this process."""
        now = time.monotonic()
        totals = []
        with self._lock:
            if len(self._counters) > self.PRUNE_ABOVE:
                self._counters = {k: v for k, v in self._counters.items() if v[0] > now}
            for key, timeout, amount in counters:
                expires, total = self._counters.get(key, (0.0, 0))
                if expires <= now:
                    expires, total = now + timeout, 0
                total += amount
                self._counters[key] = (expires, total)
                totals.append(total)
        return totals


_outages: dict[str, Outage] = {}
_outages_lock = threading.Lock()


def _outage_for(location: str) -> Outage:
    with _outages_lock:
        return _outages.setdefault(location, Outage(location))


def _degrades(kind: str, fallback):
    """Run the operation; if Redis cannot be reached, log (rarely) and return ``fallback``
    (called with the operation's arguments when it is callable)."""

    def decorate(method):
        @functools.wraps(method)
        def guarded(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except UNREACHABLE as error:
                self._outage.report(kind, error, self._outage_log_seconds)
                return fallback(self, *args, **kwargs) if callable(fallback) else fallback

        return guarded

    return decorate


def _default(self, key, default=None, version=None):
    return default


def _missing(self, key, *args, **kwargs):
    raise ValueError(f"Key '{key}' not found (the Redis cache is unreachable).")


class RedisCache(DjangoRedisCache):
    """Django's Redis cache whose operations degrade when Redis cannot be reached.

    While Redis is away:

    - ``get`` returns the default, ``get_many`` an empty dict, ``has_key`` and ``touch``
      False: every read is a miss, so pages render from the database.
    - ``set``, ``set_many``, ``delete``, ``delete_many`` and ``clear`` do nothing
      (``delete`` returns False); ``set_many`` reports every key as not stored.
    - ``add`` returns True, "added", so callers that use it as a once-only guard do
      their work rather than skip it: a sign form's ALTCHA solution is accepted (its
      signature and expiry are still checked), the signing drain is queued (one too
      many is harmless), allauth's rate-limit lock is taken (it would spin otherwise).
      The cost is that replays inside the outage are not caught.
    - ``incr`` (and ``decr``) raise ValueError, as for a key that does not exist.
    - ``incr_counters`` counts in this process (``Outage``): rate limits hold per
      process until Redis is back.

    Each kind of failure is logged once per ``OUTAGE_LOG_SECONDS`` per process.
    """

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
        self._outage_log_seconds = float(params.get("OUTAGE_LOG_SECONDS", 30))
        self._outage = _outage_for(",".join(self._servers))

    @_degrades("read", _default)
    def get(self, key, default=None, version=None):
        return super().get(key, default, version)

    @_degrades("read", lambda self, *args, **kwargs: {})
    def get_many(self, keys, version=None):
        return super().get_many(keys, version)

    @_degrades("read", False)
    def has_key(self, key, version=None):
        return super().has_key(key, version)

    @_degrades("write", None)
    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return super().set(key, value, timeout, version)

    @_degrades("write", lambda self, data, *args, **kwargs: list(data))
    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return super().set_many(data, timeout, version)

    @_degrades("write", True)
    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return super().add(key, value, timeout, version)

    @_degrades("write", False)
    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return super().touch(key, timeout, version)

    @_degrades("write", False)
    def delete(self, key, version=None):
        return super().delete(key, version)

    @_degrades("write", None)
    def delete_many(self, keys, version=None):
        return super().delete_many(keys, version)

    @_degrades("write", None)
    def clear(self):
        """Delete this cache's keys (those under its KEY_PREFIX), and only those.

        Django's Redis backend flushes the whole database, which would also drop the
        Celery broker's queues (the same Redis in a small deployment) and every other
        site's or test run's keys.
        """
        client = self._cache.get_client(write=True)
        pattern = self.make_key("*").replace(f":{self.version}:*", ":*")
        batch = []
        for key in client.scan_iter(match=pattern, count=1000):
            batch.append(key)
            if len(batch) >= 1000:
                client.delete(*batch)
                batch.clear()
        if batch:
            client.delete(*batch)

    @_degrades("counter", _missing)
    def incr(self, key, delta=1, version=None):
        return super().incr(key, delta, version)

    def incr_counters(self, counters: list[tuple]) -> list[int]:
        """Add to each ``(key, timeout[, amount])`` counter, creating it with that expiry.

        One round trip for all of them (rate limits check several windows per request;
        page views arrive in batches). The amount is one unless given. Without Redis
        the counters are this process's (``Outage.incr_counters``).
        """
        counters = [
            (self.make_and_validate_key(key), timeout, amount[0] if amount else 1)
            for key, timeout, *amount in counters
        ]
        try:
            client = self._cache.get_client(write=True)
            pipe = client.pipeline(transaction=False)
            for full_key, timeout, amount in counters:
                pipe.set(full_key, 0, ex=timeout, nx=True)
                pipe.incrby(full_key, amount)
            return pipe.execute()[1::2]
        except UNREACHABLE as error:
            self._outage.report("counter", error, self._outage_log_seconds)
            return self._outage.incr_counters(counters)


def incr_counters(counters: list[tuple], *, using: str = "default") -> list[int]:
    """Add to each ``(key, timeout[, amount])`` counter in a cache; the totals after adding.

    One round trip on Redis (``RedisCache.incr_counters``); other backends (the
    per-process cache of development) add the key, then increment it. A counter that
    expires between the two starts again at one.
    """
    cache = caches[using]
    if hasattr(cache, "incr_counters"):
        return cache.incr_counters(counters)
    totals = []
    for key, timeout, *amount in counters:
        delta = amount[0] if amount else 1
        cache.add(key, 0, timeout=timeout)
        try:
            totals.append(cache.incr(key, delta))
        except ValueError:
            cache.add(key, delta, timeout=timeout)
            totals.append(delta)
    return totals
