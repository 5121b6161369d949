"""allauth's rate limits count client addresses by their hash: no address is stored."""

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from lib.http import hash_ip
from tests.factories import PASSWORD

CLIENT = "203.0.113.7"


@pytest.fixture
def local_cache(settings):
    """A process-local cache whose keys can be listed, whatever backend the run uses."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "rate-limit-privacy",
        }
    }
    cache.clear()
    return cache


def test_rate_limited_sign_in_keeps_only_a_hash_of_the_address(client, alice, local_cache):
    url = reverse("account_login")
    attempt = {"login": "alice@example.org", "password": "wrong"}

    responses = [client.post(url, attempt, REMOTE_ADDR=CLIENT) for _ in range(11)]

    keys = list(local_cache._cache)
    assert "Too many failed login attempts. Try again later." in responses[-1].content.decode()
    assert [key for key in keys if CLIENT in key] == []
    assert any(f":ip:{hash_ip(CLIENT)}" in key for key in keys)


def test_security_notifications_still_name_the_address(client, alice, local_cache, settings):
    settings.ACCOUNT_EMAIL_NOTIFICATIONS = True
    client.post(
        reverse("account_login"),
        {"login": "alice@example.org", "password": PASSWORD},
        REMOTE_ADDR=CLIENT,
    )

    client.post(
        reverse("account_change_password"),
        {
            "oldpassword": PASSWORD,
            "password1": "a new long passphrase",
            "password2": "a new long passphrase",
        },
        REMOTE_ADDR=CLIENT,
    )

    assert [m.to for m in mail.outbox] == [["alice@example.org"]]
    assert CLIENT in mail.outbox[0].body
    assert [key for key in local_cache._cache if CLIENT in key] == []
