"""Page views: counted in the cache per petition and day, flushed to the database in batches."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from petitions import tasks
from petitions.hotpath import page_views
from petitions.models import PageViewCount
from tests.factories import PetitionFactory


def counted(petition) -> dict:
    return {day.isoformat(): views for day, views in page_views.pending(petition).items()}


def test_every_view_counts_whether_the_page_came_from_the_cache_or_not(petition):
    today = timezone.localdate().isoformat()

    for _ in range(3):
        assert Client().get(petition.get_absolute_url()).status_code == 200

    assert counted(petition) == {today: 3}


def test_signed_in_readers_count_too(client, alice, petition):
    client.force_login(alice)

    client.get(petition.get_absolute_url())

    assert counted(petition) == {timezone.localdate().isoformat(): 1}


def test_a_page_view_writes_nothing_to_the_database(petition):
    Client().get(petition.get_absolute_url())  # the shared copy is made

    with CaptureQueriesContext(connection) as queries:
        Client().get(petition.get_absolute_url())

    assert [q["sql"] for q in queries.captured_queries] == []
    assert PageViewCount.objects.count() == 0


@pytest.mark.parametrize(
    ("method", "headers"),
    [
        ("head", {}),
        ("get", {"HTTP_USER_AGENT": "Mozilla/5.0 (compatible; Googlebot/2.1)"}),
        ("get", {"HTTP_USER_AGENT": "facebookexternalhit/1.1"}),
        ("get", {"HTTP_USER_AGENT": "Slackbot-LinkExpanding 1.0"}),
        ("get", {"HTTP_USER_AGENT": "curl/8.5.0"}),
        ("get", {"HTTP_SEC_PURPOSE": "prefetch;prerender"}),
        ("get", {"HTTP_PURPOSE": "prefetch"}),
    ],
)
def test_crawlers_link_previews_prefetches_and_head_requests_are_not_counted(
    petition, method, headers
):
    response = getattr(Client(), method)(petition.get_absolute_url(), **headers)

    assert response.status_code == 200
    assert counted(petition) == {}


def test_a_draft_seen_by_its_manager_is_not_counted(client, bob, campaign):
    draft = PetitionFactory(campaign=campaign, status="draft")
    client.force_login(bob)

    assert client.get(draft.get_absolute_url()).status_code == 200
    assert counted(draft) == {}


def test_an_unknown_address_counts_nothing(petition):
    assert Client().get("/en/petitions/no-such-petition/").status_code == 404

    assert cache.get(f"petitions:views:{timezone.localdate().isoformat()}:no-such-petition") is None


def test_the_page_is_served_when_the_cache_is_down(petition, settings, caplog):
    settings.PETITIONS_PAGE_CACHE_SECONDS = 0  # the page itself needs no cache then
    settings.CACHES = {"default": {"BACKEND": "tests.manage.down_cache.DownCache"}}

    response = Client().get(petition.get_absolute_url())
    page_views.push()  # as the worker does at most a second later

    assert response.status_code == 200
    assert "<h1>Free them now</h1>" in response.content.decode()
    # Once when the view is counted (if a second has passed since the last push), once
    # more for the push the test makes: each try logs the same held view.
    assert set(caplog.messages) == {"Could not pass 1 page views to the cache"}


def test_views_held_while_the_cache_is_down_reach_it_later(petition, settings):
    Client().get(petition.get_absolute_url())  # warm the page cache
    cached_settings = settings.CACHES
    settings.CACHES = {"default": {"BACKEND": "tests.manage.down_cache.DownCache"}}
    settings.PETITIONS_PAGE_CACHE_SECONDS = 0
    Client().get(petition.get_absolute_url())
    page_views.push()
    settings.CACHES = cached_settings

    moved = page_views.flush()

    assert moved == 2


def test_flush_moves_the_counts_to_the_database_and_leaves_new_views_for_later(petition):
    other = PetitionFactory(slug="another-one")
    today = timezone.localdate()
    for _ in range(3):
        Client().get(petition.get_absolute_url())
    Client().get(other.get_absolute_url())

    moved = page_views.flush()
    Client().get(petition.get_absolute_url())
    moved_again = page_views.flush()

    assert (moved, moved_again) == (4, 1)
    rows = PageViewCount.objects.order_by("petition_id")
    assert list(rows.values_list("petition__slug", "day", "views")) == [
        ("free-them", today, 4),
        ("another-one", today, 1),
    ]
    assert counted(petition) == {}


def test_flush_reaches_back_to_views_of_earlier_days(petition):
    today = timezone.localdate()
    yesterday = today - timedelta(days=1)
    cache.set(f"petitions:views:{yesterday.isoformat()}:free-them", 7)
    cache.set(f"petitions:views:{today.isoformat()}:free-them", 2)

    page_views.flush()

    assert list(PageViewCount.objects.values_list("day", "views")) == [(yesterday, 7), (today, 2)]


def test_a_second_flush_while_one_runs_moves_nothing(petition):
    Client().get(petition.get_absolute_url())
    cache.add(page_views.LOCK_KEY, 1)

    assert page_views.flush() is None
    assert PageViewCount.objects.count() == 0
    assert counted(petition) == {timezone.localdate().isoformat(): 1}


def test_a_failed_write_gives_the_views_back(petition, monkeypatch):
    Client().get(petition.get_absolute_url())
    Client().get(petition.get_absolute_url())
    today = timezone.localdate().isoformat()

    def refuse(rows):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(page_views, "_add_rows", refuse)
    with pytest.raises(RuntimeError):
        page_views.flush()

    assert counted(petition) == {today: 2}
    assert cache.get(page_views.LOCK_KEY) is None


def test_the_command_and_the_task_flush(petition, capsys):
    Client().get(petition.get_absolute_url())

    call_command("flush_page_views")
    Client().get(petition.get_absolute_url())
    tasks.flush_page_views.delay()

    assert capsys.readouterr().out == "Moved 1 page views to the database.\n"
    assert PageViewCount.objects.get().views == 2


def test_beat_flushes_every_five_minutes(settings):
    assert settings.CELERY_BEAT_SCHEDULE["petitions-flush-page-views"] == {
        "task": "petitions.tasks.flush_page_views",
        "schedule": 300.0,
    }


def test_counting_can_be_switched_off(petition, settings):
    settings.PETITIONS_PAGE_VIEWS = False

    Client().get(petition.get_absolute_url())

    assert counted(petition) == {}
