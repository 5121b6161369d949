"""The home and campaign pages: one shared copy for visitors without a session.

Served from the cache is proved without timing: the row behind the page is changed
with ``QuerySet.update()``, which sends no signal, and the old text is still served.
"""

import re

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpResponse
from django.test import Client, RequestFactory

from campaigns.models import Campaign
from letters.models import LetterAction
from petitions.hotpath import page_cache
from petitions.models import Petition
from tests.factories import CampaignFactory, LetterActionFactory, PetitionFactory

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture(autouse=True)
def _forget_petition_copies():
    yield
    # The campaign page's petition list is kept by petitions' own page cache, whose
    # copies in this process would otherwise reach the next test.
    page_cache.clear_local()


@pytest.fixture
def live(db):
    return CampaignFactory(slug="free-them", title="Free them now", summary="Before")


def anonymous_get(path: str):
    """A first-time visitor: a new client, no cookies."""
    return Client().get(path)


def retitle_without_signals(campaign: Campaign, title: str) -> None:
    Campaign.objects.filter(pk=campaign.pk).update(title_en=title)


@pytest.mark.parametrize("path", ["/en/", "/en/campaigns/free-them/"])
def test_pagecache_second_anonymous_view_is_served_from_the_cache(live, path):
    first = anonymous_get(path)
    retitle_without_signals(live, "Changed behind the cache")

    second = anonymous_get(path)

    assert "Free them now" in first.content.decode()
    assert "Free them now" in second.content.decode()
    assert "Changed behind the cache" not in second.content.decode()


@pytest.mark.parametrize("path", ["/en/", "/en/campaigns/free-them/"])
def test_pagecache_campaign_saved_shows_at_once(live, path):
    anonymous_get(path)

    live.title = "Free them today"
    live.save()
    page = anonymous_get(path).content.decode()

    assert "Free them today" in page
    assert "Free them now" not in page


def test_pagecache_new_petition_shows_on_the_campaign_page_at_once(
    live, django_capture_on_commit_callbacks
):
    anonymous_get("/en/campaigns/free-them/")

    # The petition list has a cache of its own (petitions' page cache), dropped after
    # the commit.
    with django_capture_on_commit_callbacks(execute=True):
        PetitionFactory(campaign=live, title="Release the prisoners")
    page = anonymous_get("/en/campaigns/free-them/").content.decode()

    assert "Release the prisoners" in page


def test_pagecache_petition_edit_shows_on_the_campaign_page_at_once(
    live, django_capture_on_commit_callbacks
):
    petition = PetitionFactory(campaign=live, title="Release the prisoners")
    anonymous_get("/en/campaigns/free-them/")
    Petition.objects.filter(pk=petition.pk).update(title_en="Changed behind the cache")
    assert "Release the prisoners" in anonymous_get("/en/campaigns/free-them/").content.decode()

    petition.title = "Release them all"
    with django_capture_on_commit_callbacks(execute=True):
        petition.save()
    page = anonymous_get("/en/campaigns/free-them/").content.decode()

    assert "Release them all" in page


def test_pagecache_letter_action_saved_shows_on_the_campaign_page_at_once(live):
    action = LetterActionFactory(campaign=live, title="Write to the Minister")
    anonymous_get("/en/campaigns/free-them/")
    LetterAction.objects.filter(pk=action.pk).update(title_en="Changed behind the cache")
    assert "Write to the Minister" in anonymous_get("/en/campaigns/free-them/").content.decode()

    action.title = "Write to the Prime Minister"
    action.save()
    page = anonymous_get("/en/campaigns/free-them/").content.decode()

    assert "Write to the Prime Minister" in page


@pytest.mark.parametrize("path", ["/en/", "/en/campaigns/free-them/"])
def test_pagecache_signed_in_user_never_gets_nor_leaves_the_shared_copy(live, alice, path):
    anonymous_get(path)
    retitle_without_signals(live, "Seen fresh")
    client = Client()
    client.force_login(alice)

    personal = client.get(path).content.decode()
    shared = anonymous_get(path).content.decode()

    assert "Seen fresh" in personal
    assert "Sign out" in personal
    assert "Free them now" in shared
    assert "Sign out" not in shared


def messages_cookie(text: str) -> str:
    storage = CookieStorage(RequestFactory().get("/en/"))
    storage.add(constants.SUCCESS, text)
    response = HttpResponse()
    storage.update(response)
    return response.cookies[CookieStorage.cookie_name].value


@pytest.mark.parametrize("path", ["/en/", "/en/campaigns/free-them/"])
def test_pagecache_request_with_messages_never_gets_nor_leaves_the_shared_copy(live, path):
    anonymous_get(path)
    retitle_without_signals(live, "Seen fresh")
    client = Client()
    client.cookies[CookieStorage.cookie_name] = messages_cookie("Thank you for signing.")

    with_message = client.get(path).content.decode()
    shared = anonymous_get(path).content.decode()

    assert "Seen fresh" in with_message
    assert "Thank you for signing." in with_message
    assert "Free them now" in shared
    assert "Thank you for signing." not in shared


def test_pagecache_query_string_gets_a_fresh_page(live):
    anonymous_get("/en/")
    retitle_without_signals(live, "Seen fresh")

    page = Client().get("/en/?utm_source=mail").content.decode()

    assert "Seen fresh" in page


def test_pagecache_draft_campaign_preview_is_never_shared(bob, db):
    draft = CampaignFactory(slug="draft", title="Draft plans", status="draft", managers=[bob])
    client = Client()
    client.force_login(bob)
    assert "Draft plans" in client.get("/en/campaigns/draft/").content.decode()

    response = anonymous_get("/en/campaigns/draft/")

    assert response.status_code == 404
    assert draft.title not in response.content.decode()


@pytest.mark.parametrize("path", ["/en/", "/en/campaigns/free-them/"])
def test_pagecache_cached_response_has_the_headers_of_a_fresh_one(live, path):
    fresh = anonymous_get(path)
    retitle_without_signals(live, "Changed behind the cache")

    cached = anonymous_get(path)

    assert "Free them now" in cached.content.decode()
    headers = {key: value for key, value in fresh.headers.items() if key != "Content-Length"}
    assert {key: value for key, value in cached.headers.items() if key != "Content-Length"} == (
        headers
    )
    assert headers["Content-Security-Policy"].startswith("default-src 'self'")
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Cache-Control"] == "private, no-cache"
    assert sorted(cached.cookies) == sorted(fresh.cookies) == ["csrftoken"]


def test_pagecache_each_visitor_gets_a_working_csrf_token_of_their_own(live):
    anonymous_get("/en/")  # stored
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)

    first_token = TOKEN.search(first.get("/en/").content.decode())[1]
    second_token = TOKEN.search(second.get("/en/").content.decode())[1]
    switched = first.post(
        "/i18n/setlang/", {"language": "ko", "next": "/", "csrfmiddlewaretoken": first_token}
    )
    refused = second.post(
        "/i18n/setlang/", {"language": "ko", "next": "/", "csrfmiddlewaretoken": first_token}
    )

    assert first_token != second_token
    assert first.cookies["csrftoken"].value != second.cookies["csrftoken"].value
    assert (switched.status_code, switched["Location"]) == (302, "/")
    assert refused.status_code == 403


def test_pagecache_languages_are_kept_apart(live):
    english = anonymous_get("/en/").content.decode()

    korean = Client().get("/ko/")

    assert '<html lang="en">' in english
    assert '<html lang="ko">' in korean.content.decode()
    assert korean["Content-Language"] == "ko"


def test_pagecache_off_when_seconds_is_zero(live, settings):
    settings.PAGES_CACHE_SECONDS = 0
    anonymous_get("/en/")
    retitle_without_signals(live, "Seen fresh")

    page = anonymous_get("/en/").content.decode()

    assert "Seen fresh" in page
