"""Redis is an accelerator, not a dependency: with the cache's Redis gone, cache calls
degrade (lib/cache.py) and the petition page and the sign form keep working.

Each test starts its own redis-server on a free port and stops it; the machine's shared
Redis is never touched.
"""

import logging
import os
import time

import pytest
from django.core import mail
from django.urls import reverse

from lib.cache import RedisCache
from lib.ratelimit import Limit, allow
from petitions.hotpath import page_cache
from petitions.models import Signature
from tests.factories import PetitionFactory
from tests.petitions.conftest import form_data, sign_url


def settings_for(url: str, **extra) -> dict:
    return {
        "BACKEND": "lib.cache.RedisCache",
        "LOCATION": url,
        "KEY_PREFIX": f"sori-outage-test-{os.getpid()}",
        "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
        **extra,
    }


def backend(url: str, **extra) -> RedisCache:
    params = settings_for(url, **extra)
    return RedisCache(params.pop("LOCATION"), params)


def warnings_logged(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "lib.cache"]


def test_every_cache_call_degrades_once_redis_is_gone(redis_server):
    cache = backend(redis_server.url)
    cache.set("kept", "yes", 60)
    assert cache.get("kept") == "yes"  # the server really answers before it stops
    assert cache.add("kept", "again", 60) is False
    redis_server.stop()

    assert cache.get("kept") is None
    assert cache.get("kept", "fallback") == "fallback"
    assert cache.get_many(["kept", "other"]) == {}
    assert cache.has_key("kept") is False
    assert cache.get_or_set("kept", "computed", 60) == "computed"
    assert cache.set("kept", "new", 60) is None
    assert cache.set_many({"a": 1, "b": 2}, 60) == ["a", "b"]
    assert cache.add("kept", "again", 60) is True  # "added": once-only work is not skipped
    assert cache.touch("kept", 60) is False
    assert cache.delete("kept") is False
    assert cache.delete_many(["a", "b"]) is None
    assert cache.clear() is None
    with pytest.raises(ValueError, match="unreachable"):
        cache.incr("kept")
    with pytest.raises(ValueError, match="unreachable"):
        cache.decr("kept")


def test_counters_fall_back_to_this_process(redis_server):
    cache = backend(redis_server.url)
    assert cache.incr_counters([("up", 60)]) == [1]
    redis_server.stop()

    assert cache.incr_counters([("a", 60), ("b", 60, 5)]) == [1, 5]
    assert cache.incr_counters([("a", 60), ("b", 60, 5)]) == [2, 10]
    # Another thread's cache object (Django gives each its own) counts with this one.
    assert backend(redis_server.url).incr_counters([("a", 60)]) == [3]
    # A counter whose window has passed starts again.
    assert cache.incr_counters([("short", 1)]) == [1]
    time.sleep(1.05)
    assert cache.incr_counters([("short", 1)]) == [1]


def test_rate_limits_become_per_process_limits(redis_server, settings):
    settings.CACHES = {"default": settings_for(redis_server.url)}
    redis_server.stop()

    verdicts = [allow("subject", Limit(count=2, seconds=60)) for _ in range(4)]

    assert verdicts == [True, True, False, False]


def test_each_kind_of_failure_is_logged_once_per_interval(redis_server, caplog):
    cache = backend(redis_server.url)
    redis_server.stop()
    caplog.set_level(logging.WARNING, logger="lib.cache")

    for _ in range(50):
        cache.get("key")
        cache.set("key", 1)
        cache.incr_counters([("key", 60)])

    logged = warnings_logged(caplog)
    assert len(logged) == 3
    assert [message.split("; ")[1].split(" ")[0] for message in logged] == [
        "read",
        "write",
        "counter",
    ]
    assert f"127.0.0.1:{redis_server.port}" in logged[0]


def test_the_failure_is_logged_again_after_the_interval(redis_server, caplog):
    cache = backend(redis_server.url, OUTAGE_LOG_SECONDS=0.2)
    redis_server.stop()
    caplog.set_level(logging.WARNING, logger="lib.cache")

    cache.get("key")
    cache.get("key")
    time.sleep(0.25)
    cache.get("key")
    cache.get("key")

    assert len(warnings_logged(caplog)) == 2


@pytest.fixture
def petition(campaign):
    return PetitionFactory(campaign=campaign, slug="free-them", title="Free them now", goal=10)


@pytest.fixture
def post(client, django_capture_on_commit_callbacks):
    def post(url, data):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data)

    return post


@pytest.fixture
def redis_down(redis_server, settings):
    """The default cache points at a Redis that has just stopped."""
    settings.PETITIONS_CHALLENGE = False
    settings.CACHES = {"default": settings_for(redis_server.url)}
    redis_server.stop()
    page_cache.clear_local()
    yield
    page_cache.clear_local()


def test_the_petition_page_renders_from_the_database(petition, redis_down, client):
    for _ in range(2):  # the second visit would be served from the cache if it worked
        response = client.get(reverse("petitions:detail", args=[petition.slug]))

        assert response.status_code == 200
        assert "Free them now" in response.content.decode()


def test_signing_works_without_redis(petition, redis_down, post):
    response = post(sign_url(petition), form_data())

    assert response.status_code == 302
    assert response["Location"] == "/en/petitions/free-them/thanks/"
    signature = Signature.objects.get()
    assert signature.petition == petition
    assert signature.supporter.email == "jiwoo@example.org"
    assert len(mail.outbox) == 1


def test_clearing_the_cache_deletes_its_own_keys_and_nothing_else(settings):
    if not settings.REDIS_URL:
        pytest.skip("needs REDIS_URL: clearing is about sharing one Redis")
    import redis
    from django.core.cache import cache

    other = redis.Redis.from_url(settings.REDIS_URL)
    other.set("not-sori:queue", "a broker's message")
    cache.set("ours", 1)

    cache.clear()

    assert cache.get("ours") is None
    assert other.get("not-sori:queue") == b"a broker's message"
    other.delete("not-sori:queue")
