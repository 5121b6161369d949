"""Atom feeds: new petitions, and each petition's updates and officials' responses, read
by a feed parser from PyPI (feedparser) as a feed reader would read them."""

from datetime import UTC, date, datetime

import feedparser
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from campaigns.models import Campaign
from lib.models import Job
from petitions.models import Petition, Response
from tests.factories import CampaignFactory, PetitionFactory, TargetFactory
from updates.models import Update, UpdateSend

JAN = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
FEB = datetime(2026, 2, 5, 9, 0, tzinfo=UTC)
MAR = datetime(2026, 3, 5, 9, 0, tzinfo=UTC)


def read(url: str):
    response = Client().get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


@pytest.fixture
def petitions(db):
    campaign = CampaignFactory(slug="free-speech", title_en="Free speech", title_ko="표현의 자유")
    older = PetitionFactory(
        campaign=campaign,
        slug="older",
        title_en="Older petition",
        title_ko="예전 청원",
        published_at=JAN,
    )
    newer = PetitionFactory(
        campaign=campaign,
        slug="newer",
        title_en="Newer petition",
        title_ko="",  # not yet in Korean: the Korean feed falls back to English
        summary_ko="",
        published_at=FEB,
    )
    PetitionFactory(slug="a-draft", status=Petition.Status.DRAFT, published_at=MAR)
    PetitionFactory(
        slug="hidden", campaign=CampaignFactory(status=Campaign.Status.DRAFT), published_at=MAR
    )
    return older, newer


def test_the_new_petitions_feed_lists_published_petitions_newest_first(petitions):
    _older, newer = petitions

    feed = read("/en/petitions/feed.atom")

    assert feed.feed.title == "New petitions on Sori"
    assert feed.feed.link == "http://testserver/en/petitions/"
    assert feed.feed.language == "en"
    assert [entry.title for entry in feed.entries] == ["Newer petition", "Older petition"]
    assert [entry.link for entry in feed.entries] == [
        "http://testserver/en/petitions/newer/",
        "http://testserver/en/petitions/older/",
    ]
    assert feed.entries[0].id == f"tag:sori,{newer.created_at:%Y-%m-%d}:petition-{newer.pk}"
    assert feed.entries[0].published == "2026-02-05T09:00:00+00:00"
    assert feed.entries[1].summary == "Release everyone held for a peaceful opinion."
    assert [tag.term for tag in feed.entries[0].tags] == ["Free speech"]


def test_the_korean_feed_is_in_korean_with_the_english_text_where_none_is_written(petitions):
    feed = read("/ko/petitions/feed.atom")

    assert feed.feed.language == "ko"
    assert feed.feed.link == "http://testserver/ko/petitions/"
    assert [entry.title for entry in feed.entries] == ["Newer petition", "예전 청원"]
    assert feed.entries[1].link == "http://testserver/ko/petitions/older/"
    assert feed.entries[0].summary == "Release everyone held for a peaceful opinion."


def test_the_new_petitions_feed_is_public_and_cacheable(petitions):
    response = Client().get(reverse("petitions:feed"))

    assert response["Cache-Control"] == "public, max-age=300"


def sent_update(campaign, subject: str, finished: datetime, **extra) -> Update:
    update = Update.objects.create(
        campaign=campaign,
        subject_en=subject,
        subject_ko=f"{subject} (한국어)",
        body_en="We **delivered** them.",
        body_ko="**전달했습니다**.",
        **extra,
    )
    UpdateSend.objects.create(update=update, status=Job.Status.DONE, finished_at=finished)
    return update


def test_a_petitions_feed_has_its_updates_and_responses_by_date(petitions):
    older, newer = petitions
    update = sent_update(older.campaign, "We delivered the list", FEB, petition=older)
    everyone = sent_update(older.campaign, "News for the whole campaign", JAN)
    sent_update(newer.campaign, "About the other petition", MAR, petition=newer)
    unsent = Update.objects.create(campaign=older.campaign, petition=older, subject_en="Not sent")
    official = TargetFactory(name="Minister of Justice", name_ko="법무부 장관")
    response = Response.objects.create(
        petition=older,
        target=official,
        responded_on=date(2026, 3, 1),
        body_en="We will **consider** it.",
        body_ko="**검토**하겠습니다.",
    )

    feed = read(reverse("updates:petition_feed", args=["older"]))

    assert feed.feed.title == "Updates: Older petition"
    assert feed.feed.link == "http://testserver/en/petitions/older/"
    assert [entry.title for entry in feed.entries] == [
        "Response from Minister of Justice",
        "We delivered the list",
        "News for the whole campaign",
    ]
    assert [entry.link for entry in feed.entries] == [
        f"http://testserver/en/petitions/older/#response-{response.pk}",
        f"http://testserver/en/petitions/older/#update-{update.pk}",
        "http://testserver/en/campaigns/free-speech/#update-" + str(everyone.pk),
    ]
    assert [entry.id for entry in feed.entries] == [
        f"tag:sori,{response.created_at:%Y-%m-%d}:response-{response.pk}",
        f"tag:sori,{update.created_at:%Y-%m-%d}:update-{update.pk}",
        f"tag:sori,{everyone.created_at:%Y-%m-%d}:update-{everyone.pk}",
    ]
    assert [entry.published for entry in feed.entries] == [
        "2026-03-01T00:00:00+00:00",
        "2026-02-05T09:00:00+00:00",
        "2026-01-05T09:00:00+00:00",
    ]
    assert feed.entries[0].summary == "<p>We will <strong>consider</strong> it.</p>"
    assert unsent.subject_en not in [entry.title for entry in feed.entries]


def test_a_korean_petition_feed_dates_responses_in_koreas_time(petitions):
    older, _newer = petitions
    official = TargetFactory(name="Minister of Justice", name_ko="법무부 장관")
    Response.objects.create(
        petition=older, target=official, responded_on=date(2026, 3, 1), body_ko="검토하겠습니다."
    )
    with translation.override("ko"):
        url = reverse("updates:petition_feed", args=["older"])

    feed = read(url)

    assert feed.feed.title == "캠페인 소식: 예전 청원"
    assert feed.entries[0].title == "답변: 법무부 장관"
    assert feed.entries[0].published == "2026-03-01T00:00:00+09:00"
    assert feed.entries[0].link.startswith("http://testserver/ko/petitions/older/#response-")


def test_a_draft_petition_has_no_feed(petitions):
    for slug in ("a-draft", "hidden", "nobody"):
        response = Client().get(reverse("updates:petition_feed", args=[slug]))

        assert response.status_code == 404


def test_the_korean_feed_has_a_korean_title(petitions):
    feed = read("/ko/petitions/feed.atom")

    assert feed.feed.title == "Sori 새 청원"


def test_pages_link_to_their_feeds(petitions):
    client = Client()

    petition_page = client.get("/en/petitions/older/").text
    list_page = client.get("/en/petitions/").text
    home_page = client.get("/en/").text

    assert (
        '<link rel="alternate" type="application/atom+xml" '
        'href="/en/updates/petitions/older/feed/" title="Updates: Older petition">'
    ) in petition_page
    assert (
        '<link rel="alternate" type="application/json" href="/petitions/older.json" '
        'title="Open data">'
    ) in petition_page
    feed_link = (
        '<link rel="alternate" type="application/atom+xml" href="/en/petitions/feed.atom" '
        'title="New petitions on Sori">'
    )
    assert feed_link in list_page
    assert feed_link in home_page
    assert '<a href="/en/petitions/feed.atom">New petitions as an Atom feed</a>' in list_page
    assert '<a href="/petitions.csv">CSV</a>' in list_page


def test_a_managers_preview_of_a_draft_links_to_no_feed(petitions, bob, client):
    draft = Petition.objects.get(slug="a-draft")
    draft.campaign.managers.add(bob)
    client.force_login(bob)

    page = client.get("/en/petitions/a-draft/")

    assert page.status_code == 200
    assert "application/atom+xml" not in page.text
    assert "json+oembed" not in page.text
