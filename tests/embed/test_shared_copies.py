"""Embed pages from their shared copy (lib.embedcache): the same bytes and framing for
every visitor without a session, no cookie, and never a copy that outlives an edit."""

from django.test import Client
from django.urls import reverse

from petitions.hotpath import page_views

from .conftest import PARTNER


def test_a_petition_embed_is_served_from_its_copy_before_sessions_and_auth(petition):
    url = reverse("petitions:embed", args=[petition.slug])
    rendered = Client().get(url)  # renders through the whole stack and keeps a copy

    copied = Client().get(url)

    assert hasattr(rendered.wsgi_request, "user")
    assert not hasattr(copied.wsgi_request, "user")  # answered before AuthenticationMiddleware
    assert copied.content == rendered.content  # nothing personal in it: the same bytes
    assert "X-Frame-Options" not in copied.headers
    assert copied.headers["Content-Security-Policy"] == rendered.headers["Content-Security-Policy"]
    assert f"frame-ancestors 'self' {PARTNER}" in copied.headers["Content-Security-Policy"]
    assert copied.headers["Content-Language"] == rendered.headers["Content-Language"] == "en"
    assert copied.cookies == rendered.cookies == {}


def test_a_letter_embed_is_served_from_its_copy(letter_action):
    url = reverse("letters:embed", args=[letter_action.slug])
    rendered = Client().get(url)

    copied = Client().get(url)

    assert not hasattr(copied.wsgi_request, "user")
    assert copied.content == rendered.content
    assert f"frame-ancestors 'self' {PARTNER}" in copied.headers["Content-Security-Policy"]
    assert copied.cookies == {}


def test_an_edit_to_the_petition_shows_in_the_embed_at_once(petition):
    url = reverse("petitions:embed", args=[petition.slug])
    Client().get(url)  # kept

    petition.title_en = "A title changed a moment ago"
    petition.save()
    response = Client().get(url)

    assert "A title changed a moment ago" in response.content.decode()


def test_a_new_allowlist_reaches_the_copied_embed_at_once(petition, letter_action):
    urls = [
        reverse("petitions:embed", args=[petition.slug]),
        reverse("letters:embed", args=[letter_action.slug]),
    ]
    for url in urls:
        Client().get(url)  # kept

    petition.campaign.embed_origins = "https://other.example"
    petition.campaign.save()

    for url in urls:
        policy = Client().get(url).headers["Content-Security-Policy"]
        assert "frame-ancestors 'self' https://other.example;" in policy, url


def test_copied_petition_embeds_count_as_page_views(petition, settings):
    settings.PETITIONS_PAGE_VIEWS = True
    url = reverse("petitions:embed", args=[petition.slug])
    Client().get(url)

    Client().get(url)
    Client().get(url)
    page_views.flush()

    assert page_views.total_views(petition) == 3


def test_queries_and_signed_in_people_are_not_given_the_copy(petition, alice, client):
    url = reverse("petitions:embed", args=[petition.slug])
    Client().get(url)  # kept

    with_query = Client().get(f"{url}?lang=ko")
    client.force_login(alice)
    signed_in = client.get(url)

    assert hasattr(with_query.wsgi_request, "user")
    assert with_query.status_code == 302  # ?lang=ko goes to the Korean address
    assert hasattr(signed_in.wsgi_request, "user")
    assert signed_in.status_code == 200
