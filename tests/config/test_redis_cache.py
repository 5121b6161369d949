"""lib.cache.RedisCache: Django's backend with one redis-py client per pool (REDIS_URL runs)."""

import time

import pytest
from django.conf import settings
from django.core.cache import cache

pytestmark = pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL")


def test_the_client_is_built_once_and_reused():
    cache.set("reuse", 1)

    first = cache._cache.get_client(write=True)
    cache.get("reuse")

    assert cache._cache.get_client(write=True) is first
    assert cache.get("reuse") == 1


def test_incr_counters_counts_and_sets_the_expiry_once():
    counters = [("window-a", 30), ("window-b", 60)]

    first = cache.incr_counters(counters)
    second = cache.incr_counters(counters)

    assert first == [1, 1]
    assert second == [2, 2]
    assert cache.get("window-a") == 2
    client = cache._cache.get_client(write=True)
    ttl = client.ttl(cache.make_and_validate_key("window-b"))
    assert 55 <= ttl <= 60


def test_incr_counters_starts_again_after_expiry():
    cache.incr_counters([("short-window", 1)])

    time.sleep(1.1)

    assert cache.incr_counters([("short-window", 1)]) == [1]
