"""The petition list: search in both languages, filters, sorting, pages, outcomes."""

from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from campaigns.models import Campaign
from petitions.models import Petition
from tests.factories import CampaignFactory, PetitionFactory

pytestmark = pytest.mark.django_db

KOREAN = {"HTTP_ACCEPT_LANGUAGE": "ko"}


def listing(client, **params):
    return client.get(reverse("petitions:list"), params)


def titles(response) -> list[str]:
    return [str(p.title) for p in response.context["petitions"]]


def days_ago(days: int) -> datetime:
    return timezone.now() - timedelta(days=days)


@pytest.fixture
def three(campaign):
    """An open, a closed and a delivered petition, published a day apart."""
    open_ = PetitionFactory(
        campaign=campaign,
        slug="open-one",
        title_en="Free the workers",
        title_ko="노동자를 석방해 주십시오",
        summary_en="Strikes are not crimes.",
        summary_ko="파업은 범죄가 아닙니다.",
        published_at=days_ago(1),
        signature_count=5,
    )
    closed = PetitionFactory(
        campaign=campaign,
        slug="closed-one",
        title_en="Repeal Article 7",
        title_ko="제7조를 폐지해 주십시오",
        summary_en="Nobody should be jailed for a book.",
        summary_ko="책 때문에 수감되어서는 안 됩니다.",
        status=Petition.Status.CLOSED,
        closes_at=datetime(2026, 3, 1, 12, tzinfo=UTC),
        published_at=days_ago(2),
        signature_count=1234,
    )
    delivered = PetitionFactory(
        campaign=campaign,
        slug="delivered-one",
        title_en="An independent commission",
        title_ko="독립적인 인권위원회",
        summary_en="Appointments in the open.",
        summary_ko="공개적인 임명 절차.",
        status=Petition.Status.DELIVERED,
        delivered_at=datetime(2026, 4, 2, 9, tzinfo=UTC),
        published_at=days_ago(3),
        signature_count=1,
    )
    return open_, closed, delivered


def test_the_list_shows_open_closed_and_delivered_petitions_newest_first(client, three, campaign):
    PetitionFactory(campaign=campaign, title="A draft", status=Petition.Status.DRAFT)
    PetitionFactory(
        campaign=CampaignFactory(status=Campaign.Status.DRAFT), title="Hidden campaign's"
    )

    response = listing(client)

    assert response.status_code == 200
    assert titles(response) == [
        "Free the workers",
        "Repeal Article 7",
        "An independent commission",
    ]


def test_closed_and_delivered_petitions_show_their_outcome_and_final_count(client, three):
    html = listing(client).content.decode()

    assert (
        '<p class="outcome outcome-closed">Closed on 1 March 2026 with 1,234 signatures.</p>'
        in (html)
    )
    assert (
        '<p class="outcome outcome-delivered">Delivered on 2 April 2026 with 1 signature.</p>'
    ) in html
    assert "5 signatures of 1,000" in html


def test_outcomes_read_in_korean_with_korean_dates(three):
    html = Client().get("/ko/petitions/", **KOREAN).content.decode()

    assert (
        '<p class="outcome outcome-closed">2026년 3월 1일에 마감되었습니다. 최종 서명 1,234명.</p>'
    ) in html
    assert (
        '<p class="outcome outcome-delivered">2026년 4월 2일에 전달되었습니다. 최종 서명 1명.</p>'
    ) in html


def test_search_finds_title_and_summary_in_either_language_ignoring_case(client, three):
    assert titles(listing(client, q="WORKERS")) == ["Free the workers"]
    assert titles(listing(client, q="book")) == ["Repeal Article 7"]
    assert titles(listing(client, q="인권위원회")) == ["An independent commission"]
    assert titles(listing(client, q="파업은")) == ["Free the workers"]
    assert titles(listing(client, q="free strikes")) == ["Free the workers"]
    assert titles(listing(client, q="nothing like this")) == []


def test_an_empty_search_says_so_and_offers_the_whole_list(client, three):
    html = listing(client, q="zebra").content.decode()

    assert "No petition matches these choices. Try other words, or show all petitions." in html
    assert '<a href="/en/petitions/">Show all petitions</a>' in html
    assert '<p class="list-count" role="status">0 petitions</p>' in html


def test_filters_by_state(client, three):
    assert titles(listing(client, status="open")) == ["Free the workers"]
    assert titles(listing(client, status="closed")) == ["Repeal Article 7"]
    assert titles(listing(client, status="delivered")) == ["An independent commission"]


def test_an_open_petition_past_its_closing_time_counts_as_closed(client, campaign):
    PetitionFactory(
        campaign=campaign,
        title="Past its time",
        closes_at=datetime(2026, 1, 5, 12, tzinfo=UTC),
        signature_count=3,
    )

    response = listing(client, status="closed")

    assert titles(response) == ["Past its time"]
    assert "Closed on 5 January 2026 with 3 signatures." in response.content.decode()
    assert titles(listing(client, status="open")) == []


def test_filters_by_campaign(client, three):
    other = PetitionFactory(
        campaign=CampaignFactory(slug="workers-rights"), title="Another campaign's"
    )

    response = listing(client, campaign="workers-rights")

    assert titles(response) == [str(other.title)]
    assert titles(listing(client, campaign="reform-the-nsl", status="closed")) == [
        "Repeal Article 7"
    ]


def test_sorts_by_signatures_and_by_closing_time(client, three, campaign):
    open_, _closed, _delivered = three
    soon = PetitionFactory(
        campaign=campaign,
        title="Closing tomorrow",
        closes_at=timezone.now() + timedelta(days=1),
        published_at=days_ago(9),
    )
    later = PetitionFactory(
        campaign=campaign,
        title="Closing next month",
        closes_at=timezone.now() + timedelta(days=30),
        published_at=days_ago(8),
    )

    by_count = titles(listing(client, sort="signatures"))
    by_closing = titles(listing(client, sort="closing"))

    assert by_count[:3] == ["Repeal Article 7", "Free the workers", "An independent commission"]
    assert by_closing[:2] == [str(soon.title), str(later.title)]
    assert by_closing[2] == str(open_.title)  # then the rest, newest first


def test_pages_of_twelve_keep_the_query_string(client, campaign):
    for n in range(14):
        PetitionFactory(campaign=campaign, title=f"Petition {n:02}", published_at=days_ago(n))

    first = listing(client, q="petition", sort="newest")
    second = listing(client, q="petition", page="2")

    assert len(first.context["petitions"]) == 12
    assert titles(second) == ["Petition 12", "Petition 13"]
    first_html = first.content.decode()
    assert '<a href="?q=petition&amp;page=2" rel="next">Next page</a>' in first_html
    assert "<span>Page 1 of 2</span>" in first_html
    second_html = second.content.decode()
    assert '<a href="?q=petition&amp;page=1" rel="prev">Previous page</a>' in second_html
    assert "<span>Page 2 of 2</span>" in second_html
    assert 'value="petition"' in second_html


def test_pages_read_in_korean(campaign):
    for n in range(13):
        PetitionFactory(campaign=campaign, published_at=days_ago(n))

    with translation.override("ko"):
        url = reverse("petitions:list")
    html = Client().get(url, {"page": "2"}, **KOREAN).content.decode()

    assert '<nav aria-label="페이지" class="pager">' in html
    assert '<a href="?page=1" rel="prev">이전 페이지</a>' in html
    assert "<span>2 / 2페이지</span>" in html


@pytest.mark.parametrize(
    "params",
    [
        {"page": "abc"},
        {"page": "999"},
        {"page": "-1"},
        {"sort": "cheapest"},
        {"status": "lost"},
        {"campaign": "no-such-campaign"},
    ],
)
def test_parameters_not_understood_fall_back_with_a_note(client, three, params):
    response = listing(client, **params)

    html = response.content.decode()
    assert response.status_code == 200
    assert len(titles(response)) == 3
    assert (
        "Part of this address was not understood, so the usual choice is shown in its place."
    ) in html


def test_a_plain_list_has_no_fallback_note(client, three):
    html = listing(client).content.decode()

    assert "was not understood" not in html
    assert '<form method="get" action="/en/petitions/"' in html


def test_a_list_with_a_query_string_is_never_served_from_the_page_cache(client, three):
    listing(client)
    Petition.objects.filter(slug="open-one").update(title_en="Renamed meanwhile")

    response = listing(client, q="renamed")

    assert titles(response) == ["Renamed meanwhile"]
