"""oEmbed: our own published action pages get their embed's iframe; anything else 404."""

from urllib.parse import quote

import pytest
from django.test import Client

from campaigns.models import Campaign
from petitions.models import Petition
from tests.factories import CampaignFactory, LetterActionFactory, PetitionFactory


@pytest.fixture
def campaign(db):
    return CampaignFactory(slug="free-speech", embed_origins="https://partner.example")


@pytest.fixture
def petition(campaign):
    return PetitionFactory(
        campaign=campaign, slug="free-them", title_en="Free them", title_ko="석방해 주십시오"
    )


def ask(url: str, **params):
    query = "&".join(f"{name}={value}" for name, value in params.items())
    return Client().get(f"/oembed?url={quote(url, safe='')}&{query}".rstrip("&"))


def test_a_petition_page_gets_its_embed_in_an_iframe(petition):
    response = ask("http://testserver/en/petitions/free-them/", format="json")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Cache-Control"] == "public, max-age=300"
    assert response.json() == {
        "type": "rich",
        "version": "1.0",
        "title": "Free them",
        "provider_name": "Sori",
        "provider_url": "http://testserver/",
        "cache_age": 3600,
        "html": (
            '<iframe src="http://testserver/en/petitions/free-them/embed/" title="Free them" '
            'width="480" height="720" loading="lazy" frameborder="0"></iframe>'
        ),
        "width": 480,
        "height": 720,
    }


def test_a_korean_address_gets_the_korean_embed(petition):
    response = ask("http://testserver/ko/petitions/free-them/?ref=kakao")

    body = response.json()
    assert body["title"] == "석방해 주십시오"
    assert body["html"] == (
        '<iframe src="http://testserver/ko/petitions/free-them/embed/" '
        'title="석방해 주십시오" width="480" height="720" loading="lazy" frameborder="0">'
        "</iframe>"
    )


def test_a_letter_action_gets_its_embed(campaign):
    LetterActionFactory(campaign=campaign, slug="write-now", title_en="Write now")

    response = ask("http://testserver/en/letters/write-now/", format="json")

    body = response.json()
    assert response.status_code == 200
    assert (body["title"], body["width"], body["height"]) == ("Write now", 480, 900)
    assert 'src="http://testserver/en/letters/write-now/embed/"' in body["html"]


def test_maxwidth_and_maxheight_shrink_the_frame(petition):
    response = ask("http://testserver/en/petitions/free-them/", maxwidth="320", maxheight="600")

    body = response.json()
    assert (body["width"], body["height"]) == (320, 600)
    assert 'width="320" height="600"' in body["html"]


def test_a_larger_maximum_changes_nothing(petition):
    body = ask("http://testserver/en/petitions/free-them/", maxwidth="2000").json()

    assert (body["width"], body["height"]) == (480, 720)


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example/en/petitions/free-them/",
        "http://testserver.evil.example/en/petitions/free-them/",
        "https://testserver/en/petitions/free-them/",
        "http://testserver:8080/en/petitions/free-them/",
        "http://user@testserver/en/petitions/free-them/",
        "//testserver/en/petitions/free-them/",
        "/en/petitions/free-them/",
        "javascript:alert(1)",
        "http://testserver/petitions/free-them/",
        "http://testserver/fr/petitions/free-them/",
        "http://testserver/en/petitions/",
        "http://testserver/en/petitions/free-them/sign/",
        "http://testserver/en/petitions/free-them/embed/",
        "http://testserver/en/about/",
        "http://testserver/petitions/free-them.json",
        "http://testserver/en/petitions/nobody/",
        "http://[::1/en/petitions/free-them/",
    ],
)
def test_foreign_urls_and_other_pages_are_404(petition, url):
    response = ask(url)

    assert response.status_code == 404
    assert response.json() == {
        "version": 1,
        "error": "Not a published petition or letter action of this site.",
    }
    assert response["Access-Control-Allow-Origin"] == "*"


def test_drafts_are_404(campaign):
    PetitionFactory(campaign=campaign, slug="draft-one", status=Petition.Status.DRAFT)
    LetterActionFactory(campaign=campaign, slug="draft-letter", status="draft")
    hidden = CampaignFactory(status=Campaign.Status.DRAFT, embed_origins="*")
    PetitionFactory(campaign=hidden, slug="hidden")

    for url in (
        "http://testserver/en/petitions/draft-one/",
        "http://testserver/en/letters/draft-letter/",
        "http://testserver/en/petitions/hidden/",
    ):
        assert ask(url).status_code == 404


def test_a_campaign_that_allows_no_framing_has_no_embed(db):
    PetitionFactory(campaign=CampaignFactory(embed_origins=""), slug="closed-door")

    response = ask("http://testserver/en/petitions/closed-door/")

    assert response.status_code == 404
    assert response.json()["error"] == "This campaign does not let other sites embed its actions."


def test_xml_is_not_implemented(petition):
    response = ask("http://testserver/en/petitions/free-them/", format="xml")

    assert response.status_code == 501
    assert response.json() == {"version": 1, "error": "Only format=json is offered."}


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "Give the address of a petition or letter action in url=."),
        (
            "url=http%3A%2F%2Ftestserver%2Fen%2Fpetitions%2Ffree-them%2F&maxwidth=wide",
            "maxwidth must be a whole number of pixels.",
        ),
        (
            "url=http%3A%2F%2Ftestserver%2Fen%2Fpetitions%2Ffree-them%2F&maxheight=0",
            "maxheight must be a whole number of pixels.",
        ),
    ],
)
def test_a_bad_request_is_400(petition, query, message):
    response = Client().get(f"/oembed?{query}")

    assert response.status_code == 400
    assert response.json() == {"version": 1, "error": message}


def test_oembed_is_read_only(petition):
    response = Client(enforce_csrf_checks=True).post("/oembed")

    assert response.status_code == 405


def test_action_pages_announce_their_oembed(petition):
    LetterActionFactory(campaign=petition.campaign, slug="write-now", title_en="Write now")
    client = Client()

    petition_page = client.get("/en/petitions/free-them/").text
    letter_page = client.get("/ko/letters/write-now/").text

    assert (
        '<link rel="alternate" type="application/json+oembed" '
        'href="http://testserver/oembed?url=http%3A%2F%2Ftestserver%2Fen%2Fpetitions%2Ffree-them%2F'
        '&amp;format=json" title="Free them">'
    ) in petition_page
    assert (
        'href="http://testserver/oembed?url=http%3A%2F%2Ftestserver%2Fko%2Fletters%2Fwrite-now%2F'
        '&amp;format=json"'
    ) in letter_page
    assert '<link rel="alternate" type="application/json" href="/letters/write-now.json"' in (
        letter_page
    )


def test_pages_of_a_campaign_that_allows_no_framing_announce_no_oembed(db):
    PetitionFactory(campaign=CampaignFactory(embed_origins=""), slug="closed-door")

    page = Client().get("/en/petitions/closed-door/").text

    assert "json+oembed" not in page
    assert 'href="/petitions/closed-door.json"' in page
