"""Pages with personal data tell browsers and proxies to store nothing."""

import pytest
from django.urls import reverse

from accounts.services import make_data_token
from tests.factories import SupporterFactory

NEVER_CACHE = {"max-age=0", "no-cache", "no-store", "must-revalidate", "private"}


def cache_control(response) -> set[str]:
    return set(response.headers.get("Cache-Control", "").split(", "))


def test_my_data_page_and_its_download_are_never_stored(client, db):
    token = make_data_token(SupporterFactory(email="ji@example.org"))

    page = client.get(reverse("accounts:data", args=[token]))
    download = client.get(reverse("accounts:data_download", args=[token]))

    assert (page.status_code, cache_control(page)) == (200, NEVER_CACHE)
    assert (download.status_code, cache_control(download)) == (200, NEVER_CACHE)


@pytest.mark.parametrize("name", ["accounts:activity", "account_email", "mfa_index"])
def test_account_pages_are_never_stored(client, alice, name):
    client.force_login(alice)

    response = client.get(reverse(name))

    assert (response.status_code, cache_control(response)) == (200, NEVER_CACHE)


@pytest.mark.parametrize(
    "name",
    [
        "petitions:moderation_queue",
        "petitions:moderation_trending",
        "donations:manage_index",
        "donations:manage_export",
        "accounts:audit_log",
    ],
)
def test_staff_pages_are_never_stored(client, carol, name):
    client.force_login(carol)

    response = client.get(reverse(name))

    assert (response.status_code, cache_control(response)) == (200, NEVER_CACHE)


def test_a_refusal_is_never_stored_either_and_public_pages_keep_their_headers(client, alice):
    client.force_login(alice)

    refused = client.get(reverse("petitions:moderation_queue"))
    public = client.get(reverse("campaigns:home"))

    assert (refused.status_code, cache_control(refused)) == (403, NEVER_CACHE)
    assert public.status_code == 200
    assert "no-store" not in cache_control(public)
