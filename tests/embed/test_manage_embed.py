"""The manager's embed page: who may frame, the look, and the code to paste."""

import base64
import hashlib

from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse

from campaigns.models import Campaign

from .conftest import PARTNER


def page_url(campaign) -> str:
    return reverse("campaigns:manage_campaign_embed", args=[campaign.pk])


def test_manager_sees_the_three_versions_for_each_action(client, bob, petition, letter_action):
    client.force_login(bob)

    response = client.get(page_url(petition.campaign))

    html = response.content.decode()
    assert response.status_code == 200
    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"
    site = settings.SITE_URL
    assert (
        f"&lt;iframe src=&quot;{site}/en/petitions/free-them/embed/&quot; title=&quot;Free them "
        "now&quot; width=&quot;100%&quot; height=&quot;720&quot; loading=&quot;lazy&quot; "
        "frameborder=&quot;0&quot;&gt;&lt;/iframe&gt;\n&lt;p&gt;&lt;a href=&quot;"
        f"{site}/en/petitions/free-them/&quot;&gt;Cannot see the form? Open "
    ) in html
    assert f"&lt;script src=&quot;{site}/embed.js&quot; async&gt;&lt;/script&gt;" in html
    assert f"{site}/en/letters/write-now/embed/" in html
    assert f"frame-src {site}" in html


def test_snippet_hash_is_computed_from_the_served_file(client, bob, petition):
    client.force_login(bob)
    served = client.get("/static/embed/resize.js")
    text = b"".join(served.streaming_content) if served.streaming else served.content
    with open(finders.find("embed/resize.js"), "rb") as file:
        assert text == file.read()
    digest = base64.b64encode(hashlib.sha256(text).digest()).decode()

    response = client.get(page_url(petition.campaign))

    assert f"script-src 'self' &#x27;sha256-{digest}&#x27;" in response.content.decode()


def test_manager_saves_the_allowlist_and_theme(client, bob, campaign):
    client.force_login(bob)

    response = client.post(
        page_url(campaign),
        {
            "embed_origins": "https://Partner.example.org/\nhttp://localhost:8001",
            "embed_theme": "dark",
            "embed_accent": "#AA3300",
            "embed_radius": "10",
        },
    )

    assert response.status_code == 302
    campaign = Campaign.objects.get(pk=campaign.pk)
    assert campaign.embed_origins == f"{PARTNER}\nhttp://localhost:8001"
    assert (campaign.embed_theme, campaign.embed_accent, campaign.embed_radius) == (
        "dark",
        "#aa3300",
        10,
    )


def test_a_bad_origin_is_refused_with_a_clear_message(client, bob, campaign):
    client.force_login(bob)

    response = client.post(
        page_url(campaign),
        {
            "embed_origins": "http://partner.example.org",
            "embed_theme": "light",
            "embed_accent": "#0b5e57",
            "embed_radius": "6",
        },
    )

    assert response.status_code == 400
    assert (
        "“http://partner.example.org” must start with https:// (http:// is allowed for "
        "localhost only)."
    ) in response.content.decode()
    assert Campaign.objects.get(pk=campaign.pk).embed_origins == ""


def test_another_campaigns_manager_gets_a_404(client, mallory, campaign):
    client.force_login(mallory)

    assert client.get(page_url(campaign)).status_code == 404
    response = client.post(page_url(campaign), {"embed_origins": "*", "embed_theme": "light"})
    assert response.status_code == 404
    assert Campaign.objects.get(pk=campaign.pk).embed_origins == ""


def test_the_campaign_page_links_to_it(client, bob, campaign):
    client.force_login(bob)

    response = client.get(reverse("campaigns:manage_campaign", args=[campaign.pk]))

    assert f'href="{page_url(campaign)}">Embed on other sites</a>' in response.content.decode()
