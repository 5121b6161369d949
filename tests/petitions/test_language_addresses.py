"""Pages carry their language in the address: /en/... and /ko/... (i18n_patterns).

A shared Korean link stays Korean, old links without a language are redirected to the
reader's, and what other systems call (count.json, Stripe's webhook) keeps one address.
"""

import re

from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import translation

from petitions.models import Signature
from tests.petitions.conftest import form_data

ALTERNATE = re.compile(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">')


def test_a_petition_names_its_page_in_each_language(client, petition, settings):
    settings.SITE_URL = "https://sori.example"

    page = client.get("/ko/petitions/free-them/").content.decode()

    assert '<html lang="ko">' in page
    assert ALTERNATE.findall(page) == [
        ("en", "https://sori.example/en/petitions/free-them/"),
        ("ko", "https://sori.example/ko/petitions/free-them/"),
        ("x-default", "https://sori.example/en/petitions/free-them/"),
    ]


def test_pages_with_one_address_name_no_alternates(client, db):
    page = client.get("/accounts/login/").content.decode()

    assert ALTERNATE.findall(page) == []


def test_an_old_link_goes_to_the_readers_language(petition):
    korean_reader = Client(headers={"accept-language": "ko-KR,ko;q=0.9"})

    response = korean_reader.get("/petitions/free-them/?ref=mail")

    assert response.status_code == 302
    assert response["Location"] == "/ko/petitions/free-them/?ref=mail"


def test_the_language_switch_keeps_the_page(client, petition):
    response = client.post(
        reverse("set_language"), {"language": "ko", "next": "/en/petitions/free-them/"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/ko/petitions/free-them/"


def test_a_korean_signer_gets_korean_mail_with_korean_links(
    client, petition, django_capture_on_commit_callbacks
):
    with translation.override("ko"):
        sign = reverse("petitions:sign", args=[petition.slug])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(sign, form_data())

    assert response["Location"] == "/ko/petitions/free-them/thanks/"
    [message] = mail.outbox
    assert "http://testserver/ko/petitions/confirm/" in message.body
    assert Signature.objects.get().supporter.language == "ko"


def test_a_confirmation_link_without_a_language_still_works(
    client, petition, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("petitions:sign", args=[petition.slug]), form_data())
    [link] = re.findall(r"http://testserver/en(/petitions/confirm/[^/\s]+/)", mail.outbox[0].body)

    response = client.get(link, follow=True)

    assert response.redirect_chain == [(f"/en{link}", 302)]
    assert response.status_code == 200


def test_count_json_has_one_address_in_every_language(client, petition):
    neutral = client.get("/petitions/free-them/count.json")
    prefixed = client.get("/en/petitions/free-them/count.json")

    assert reverse("petition_count", args=["free-them"]) == "/petitions/free-them/count.json"
    assert neutral.status_code == 200
    assert neutral.json()["count"] == 0
    assert prefixed.status_code == 404


def test_stripes_webhook_has_no_language(db):
    with translation.override("ko"):
        url = reverse("stripe_webhook")

    assert url == "/donate/stripe/webhook/"
