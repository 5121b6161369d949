"""Stale-if-error: while the database is unreachable, anonymous pages are served from a
stale copy at most PAGES_STALE_SECONDS old; past that, and for anyone signed in, 503.

The fresh copy is made to expire by deleting its key, and the stale copy made old by
writing it back with an earlier rendering time: no waiting, no clock mocking.
"""

import re
import time

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client, RequestFactory

from campaigns.models import Campaign
from config import outage
from lib import kr_regions, pagecache
from petitions.hotpath import page_cache
from petitions.models import Petition
from tests.config.test_database_outage import database_unreachable
from tests.factories import PetitionFactory

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
STALE_WARNING = '110 - "Response is stale"'


@pytest.fixture(autouse=True)
def _quiet(settings):
    settings.PETITIONS_CHALLENGE = False
    outage.outage_log.reset()
    page_cache.clear_local()
    yield
    outage.outage_log.reset()
    page_cache.clear_local()


@pytest.fixture
def open_petition(campaign):
    return PetitionFactory(campaign=campaign, slug="free-them", title="Free them now", goal=10)


def petition_page_key(slug: str) -> str:
    return f"petitions:page:{slug}:{settings.LANGUAGE_CODE}"


def campaign_page_key(path: str) -> str:
    # The key the test client's request is stored under (host "testserver", http).
    return pagecache.key(RequestFactory().get(path), settings.LANGUAGE_CODE)


def expire_fresh(key: str) -> None:
    """The fresh copy has expired, here and in this process's own memory."""
    assert cache.get(key) is not None  # it was stored: deleting it proves something
    cache.delete(key)
    page_cache.clear_local()
    pagecache.clear_local()


def age_stale(key: str, seconds: float) -> None:
    """Make the stale copy of ``key`` look rendered ``seconds`` ago."""
    _rendered_at, value = cache.get(key + ":stale")
    cache.set(key + ":stale", (time.time() - seconds, value), timeout=3600)


def rename_without_signals(petition: Petition, campaign: Campaign) -> None:
    Petition.objects.filter(pk=petition.pk).update(title_en="Renamed meanwhile")
    Campaign.objects.filter(pk=campaign.pk).update(title_en="Renamed meanwhile")


@pytest.mark.django_db(transaction=True)
def test_stale_petition_page_is_served_during_an_outage(open_petition):
    first = Client().get("/en/petitions/free-them/")
    assert first.status_code == 200
    key = petition_page_key("free-them")
    expire_fresh(key)

    with database_unreachable():
        response = Client().get("/en/petitions/free-them/")

    page = response.content.decode()
    assert response.status_code == 200
    assert "Free them now" in page
    assert response["Warning"] == STALE_WARNING
    assert int(response["Age"]) in (0, 1)
    assert response["Cache-Control"] == "private, no-cache"
    token = TOKEN.search(page).group(1)
    assert len(token) == 64
    assert page_cache.hole("csrf") not in page
    assert settings.CSRF_COOKIE_NAME in response.cookies


@pytest.mark.django_db(transaction=True)
def test_stale_campaign_and_home_pages_are_served_during_an_outage(open_petition, campaign):
    for path in ("/en/campaigns/reform-the-nsl/", "/en/"):
        assert Client().get(path).status_code == 200
        expire_fresh(campaign_page_key(path))

    with database_unreachable():
        campaign_page = Client().get("/en/campaigns/reform-the-nsl/")
        home = Client().get("/en/")

    for response in (campaign_page, home):
        page = response.content.decode()
        assert response.status_code == 200
        assert "Reform the NSL" in page
        assert response["Warning"] == STALE_WARNING
        assert response["Cache-Control"] == "private, no-cache"
        assert pagecache.hole() not in page
        assert len(TOKEN.search(page).group(1)) == 64


@pytest.mark.django_db(transaction=True)
def test_stale_copy_is_not_served_while_the_database_answers(open_petition, campaign):
    Client().get("/en/petitions/free-them/")
    Client().get("/en/campaigns/reform-the-nsl/")
    expire_fresh(petition_page_key("free-them"))
    expire_fresh(campaign_page_key("/en/campaigns/reform-the-nsl/"))
    rename_without_signals(open_petition, campaign)

    petition_page = Client().get("/en/petitions/free-them/")
    campaign_page = Client().get("/en/campaigns/reform-the-nsl/")

    assert "Renamed meanwhile" in petition_page.content.decode()
    assert "Renamed meanwhile" in campaign_page.content.decode()
    assert "Warning" not in petition_page and "Warning" not in campaign_page


@pytest.mark.django_db(transaction=True)
def test_stale_count_json_is_served_during_an_outage(open_petition):
    assert Client().get("/petitions/free-them/count.json").status_code == 200
    expire_fresh("petitions:counter:free-them")

    with database_unreachable():
        response = Client().get("/petitions/free-them/count.json")

    assert response.status_code == 200
    assert response.json() == {
        "count": 0,
        "goal": 10,
        "updated_at": None,
        "signatures_by_region": dict.fromkeys(kr_regions.BY_CODE, 0),
    }
    assert response["Warning"] == STALE_WARNING


@pytest.mark.django_db(transaction=True)
def test_stale_copies_past_their_age_answer_503(open_petition, campaign):
    Client().get("/en/petitions/free-them/")
    Client().get("/en/campaigns/reform-the-nsl/")
    for key in (petition_page_key("free-them"), campaign_page_key("/en/campaigns/reform-the-nsl/")):
        expire_fresh(key)
        age_stale(key, settings.PAGES_STALE_SECONDS + 1)

    with database_unreachable():
        petition_page = Client().get("/en/petitions/free-them/")
        campaign_page = Client().get("/en/campaigns/reform-the-nsl/")

    assert petition_page.status_code == 503
    assert campaign_page.status_code == 503
    assert "Free them now" not in petition_page.content.decode()


@pytest.mark.django_db(transaction=True)
def test_stale_copy_within_its_age_is_served_with_that_age(open_petition):
    Client().get("/en/petitions/free-them/")
    key = petition_page_key("free-them")
    expire_fresh(key)
    age_stale(key, settings.PAGES_STALE_SECONDS - 5)

    with database_unreachable():
        response = Client().get("/en/petitions/free-them/")

    assert response.status_code == 200
    almost = settings.PAGES_STALE_SECONDS - 5
    assert int(response["Age"]) in (almost, almost + 1)


@pytest.mark.django_db(transaction=True)
def test_signed_in_people_get_503_not_the_stale_copy(open_petition, alice):
    Client().get("/en/petitions/free-them/")
    Client().get("/en/campaigns/reform-the-nsl/")
    expire_fresh(petition_page_key("free-them"))
    signed_in = Client()
    signed_in.force_login(alice)

    with database_unreachable():
        petition_page = signed_in.get("/en/petitions/free-them/")
        campaign_page = signed_in.get("/en/campaigns/reform-the-nsl/")

    assert petition_page.status_code == 503
    assert campaign_page.status_code == 503
    assert "Free them now" not in petition_page.content.decode()


@pytest.mark.django_db(transaction=True)
def test_an_edit_drops_the_stale_petition_copy(open_petition):
    Client().get("/en/petitions/free-them/")
    key = petition_page_key("free-them")
    assert cache.get(key + ":stale") is not None
    open_petition.title = "Edited"
    open_petition.save()
    page_cache.clear_local()

    with database_unreachable():
        response = Client().get("/en/petitions/free-them/")

    assert cache.get(key + ":stale") is None
    assert response.status_code == 503


@pytest.mark.django_db(transaction=True)
def test_no_stale_copies_when_switched_off(open_petition, settings):
    settings.PAGES_STALE_SECONDS = 0
    Client().get("/en/petitions/free-them/")
    expire_fresh(petition_page_key("free-them"))

    with database_unreachable():
        response = Client().get("/en/petitions/free-them/")

    assert cache.get(petition_page_key("free-them") + ":stale") is None
    assert response.status_code == 503
