"""Framing headers: embed views, and only these, may be framed, by the campaign's sites."""

import pytest
from django.test import Client
from django.urls import reverse

from lib import embed
from tests.factories import PetitionFactory

from .conftest import PARTNER

FRAMED = f"frame-ancestors 'self' {PARTNER} http://localhost:8001;"


def csp_frame_ancestors(response) -> str:
    policy = response["Content-Security-Policy"]
    return next(part.strip() for part in policy.split(";") if "frame-ancestors" in part) + ";"


def embed_pages(petition, letter_action) -> list[str]:
    return [
        reverse("petitions:embed", args=[petition.slug]),
        reverse("petitions:embed_thanks", args=[petition.slug]),
        reverse("letters:embed", args=[letter_action.slug]),
        reverse("letters:embed_thanks", args=[letter_action.slug]),
    ]


def test_every_embed_page_is_framed_by_the_campaigns_sites_only(petition, letter_action):
    for url in embed_pages(petition, letter_action):
        response = Client().get(url)

        assert response.status_code == 200, url
        assert "X-Frame-Options" not in response, url
        assert csp_frame_ancestors(response) == FRAMED, url
        # The rest of the policy is the site's own.
        assert "script-src 'self'; style-src 'self';" in response["Content-Security-Policy"]


def test_embed_submit_answers_are_framed_too(petition, letter_action):
    for url in (
        reverse("petitions:embed_sign", args=[petition.slug]),
        reverse("letters:embed_write", args=[letter_action.slug]),
    ):
        response = Client(enforce_csrf_checks=True).post(url, {})

        assert response.status_code == 403, url  # no token
        assert "X-Frame-Options" not in response, url
        assert csp_frame_ancestors(response) == FRAMED, url


def test_a_cached_embed_page_keeps_its_framing(petition):
    Client().get(reverse("petitions:embed", args=[petition.slug]))

    again = Client().get(reverse("petitions:embed", args=[petition.slug]))

    assert "X-Frame-Options" not in again
    assert csp_frame_ancestors(again) == FRAMED


def test_an_empty_allowlist_lets_no_other_site_frame(campaign):
    petition = PetitionFactory(campaign=campaign, slug="unframed")

    response = Client().get(reverse("petitions:embed", args=[petition.slug]))

    assert csp_frame_ancestors(response) == "frame-ancestors 'self';"
    assert "X-Frame-Options" not in response


def test_a_star_lets_every_site_frame(campaign):
    campaign.embed_origins = "*"
    campaign.save()
    petition = PetitionFactory(campaign=campaign, slug="everywhere")

    response = Client().get(reverse("petitions:embed", args=[petition.slug]))

    assert csp_frame_ancestors(response) == "frame-ancestors 'self' *;"


@pytest.mark.parametrize(
    "name",
    ["petitions:detail", "petitions:thanks", "letters:action"],
)
def test_action_pages_keep_deny(name, petition, letter_action):
    slug = letter_action.slug if name.startswith("letters") else petition.slug

    response = Client().get(reverse(name, args=[slug]))

    assert response.status_code == 200
    assert response["X-Frame-Options"] == "DENY"
    assert csp_frame_ancestors(response) == "frame-ancestors 'none';"


@pytest.mark.parametrize("url", ["/en/", "/en/petitions/", "/en/letters/", "/en/privacy/"])
def test_other_pages_keep_deny(url, petition):
    Client().get(url)  # a second request may come from the page cache

    for response in (Client().get(url), Client().get(url)):
        assert response.status_code == 200
        assert response["X-Frame-Options"] == "DENY"
        assert csp_frame_ancestors(response) == "frame-ancestors 'none';"


def test_a_cached_petition_page_keeps_deny(petition):
    Client().get(reverse("petitions:detail", args=[petition.slug]))

    again = Client().get(reverse("petitions:detail", args=[petition.slug]))

    assert again["X-Frame-Options"] == "DENY"
    assert csp_frame_ancestors(again) == "frame-ancestors 'none';"


def test_theme_stylesheet_holds_the_campaigns_tokens(petition, framed_campaign):
    framed_campaign.embed_accent = "#ffd700"
    framed_campaign.embed_radius = 12
    framed_campaign.save()

    response = Client().get(reverse("petitions:embed_theme", args=[petition.slug]))

    assert response["Content-Type"] == "text/css; charset=utf-8"
    assert response.content.decode() == (
        ":root {\n  --brand: #ffd700;\n  --brand-dark: #bfa100;\n"
        "  --on-brand: #1b1c1f;\n  --radius: 12px;\n}\n"
    )


def test_loader_is_served_to_any_site(db):
    response = Client().get("/embed.js")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert b"a[data-sori-embed]" in response.content


def test_iframe_html_is_escaped_and_titled():
    html = embed.iframe_html(
        "https://sori.example/en/petitions/a/embed/?x=1&y=2", title='A "b" <c>', height=720
    )

    assert html == (
        '<iframe src="https://sori.example/en/petitions/a/embed/?x=1&amp;y=2" '
        'title="A &quot;b&quot; &lt;c&gt;" width="100%" height="720" loading="lazy" '
        'frameborder="0"></iframe>'
    )
