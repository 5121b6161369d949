"""The petition embed: signing inside another site's frame, with no cookie at all."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from lib import embed
from petitions.models import Signature
from tests.factories import PetitionFactory
from tests.petitions.conftest import form_data

TOKEN_RE = re.compile(r'name="embed_token" value="([^"]+)"')


def embed_url(petition, language="en") -> str:
    return f"/{language}/petitions/{petition.slug}/embed/"


def token_from(page) -> str:
    return TOKEN_RE.search(page.content.decode()).group(1)


def frame_post(url, data, django_capture_on_commit_callbacks):
    """A POST from a browser in a third-party frame: CSRF checked, no cookie sent."""
    browser = Client(enforce_csrf_checks=True)
    with django_capture_on_commit_callbacks(execute=True):
        return browser.post(url, data)


def test_embed_page_shows_the_compact_sign_form_with_a_token(petition):
    response = Client().get(embed_url(petition))

    assert response.status_code == 200
    html = response.content.decode()
    assert '<form method="post" action="/en/petitions/free-them/embed/sign/"' in html
    assert "csrfmiddlewaretoken" not in html
    assert "site-header" not in html
    assert 'data-theme="light"' in html
    assert embed.check_form_token(token_from(response), f"petition:{petition.pk}") == ""
    assert response.cookies == {}


def test_embed_page_of_a_draft_petition_is_not_found(framed_campaign):
    draft = PetitionFactory(campaign=framed_campaign, status="draft", slug="draft-one")

    response = Client().get(embed_url(draft))

    assert response.status_code == 404
    assert response["X-Frame-Options"] == "DENY"


def test_embed_page_in_korean_by_query_redirects_to_the_korean_address(petition):
    response = Client().get(embed_url(petition) + "?lang=ko&ref=x")

    assert response.status_code == 302
    assert response["Location"] == "/ko/petitions/free-them/embed/?ref=x"
    korean = Client().get(response["Location"])
    assert '<html lang="ko"' in korean.content.decode()
    assert '<h2 id="sign-heading">청원에 서명하기</h2>' in korean.content.decode()


def test_embed_sign_without_any_cookie_signs_and_mails(
    petition, django_capture_on_commit_callbacks
):
    token = token_from(Client().get(embed_url(petition)))

    response = frame_post(
        reverse("petitions:embed_sign", args=[petition.slug]),
        form_data(embed_token=token, source="elsewhere"),
        django_capture_on_commit_callbacks,
    )

    assert response.status_code == 302
    assert response["Location"] == "/en/petitions/free-them/embed/thanks/"
    assert response.cookies == {}
    signature = Signature.objects.get()
    assert (signature.status, signature.source) == (Signature.Status.PENDING, "embed")
    assert [m.to for m in mail.outbox] == [["jiwoo@example.org"]]


def test_embed_signature_counts_once_confirmed(petition, django_capture_on_commit_callbacks):
    token = token_from(Client().get(embed_url(petition)))
    frame_post(
        reverse("petitions:embed_sign", args=[petition.slug]),
        form_data(embed_token=token),
        django_capture_on_commit_callbacks,
    )
    link = re.search(r"http://testserver(/en/petitions/confirm/[^/\s]+/)", mail.outbox[0].body)
    browser = Client()

    with django_capture_on_commit_callbacks(execute=True):
        browser.post(link.group(1), {})

    petition.refresh_from_db()
    assert petition.signature_count == 1
    assert Signature.objects.get().status == Signature.Status.CONFIRMED


def test_embed_thanks_stays_in_the_frame_and_announces_completion(petition, campaign):
    PetitionFactory(campaign=campaign, slug="next-one", title="The next petition")

    response = Client().get(reverse("petitions:embed_thanks", args=[petition.slug]))

    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-sori-completed="petition" data-sori-slug="free-them"' in html
    assert 'href="/en/petitions/next-one/embed/"' in html
    share = re.findall(r'<a class="share-link[^>]*>', html)
    assert share and all('target="_blank" rel="noopener noreferrer"' in link for link in share)


@pytest.mark.parametrize(
    ("token", "message"),
    [
        ("", "This form could not be checked, so nothing was sent."),
        ("forged:1abc:xyz", "This form does not belong to this action, so nothing was sent."),
    ],
)
def test_embed_sign_with_a_missing_or_forged_token_is_refused(
    petition, django_capture_on_commit_callbacks, token, message
):
    response = frame_post(
        reverse("petitions:embed_sign", args=[petition.slug]),
        form_data(embed_token=token),
        django_capture_on_commit_callbacks,
    )

    assert response.status_code == 403
    assert message in response.content.decode()
    assert 'value="Ji-woo"' in response.content.decode()  # what was typed is kept
    assert Signature.objects.count() == 0
    assert mail.outbox == []


def test_embed_sign_with_another_actions_token_is_refused(
    petition, framed_campaign, django_capture_on_commit_callbacks
):
    other = PetitionFactory(campaign=framed_campaign, slug="other")
    token = token_from(Client().get(embed_url(other)))

    response = frame_post(
        reverse("petitions:embed_sign", args=[petition.slug]),
        form_data(embed_token=token),
        django_capture_on_commit_callbacks,
    )

    assert response.status_code == 403
    assert "This form does not belong to this action" in response.content.decode()
    assert Signature.objects.count() == 0


def test_embed_sign_with_an_expired_token_is_refused(
    petition, settings, django_capture_on_commit_callbacks
):
    token = embed.make_form_token(f"petition:{petition.pk}")
    settings.EMBED_FORM_TOKEN_MAX_AGE = -1  # every token is older than that

    response = frame_post(
        reverse("petitions:embed_sign", args=[petition.slug]),
        form_data(embed_token=token),
        django_capture_on_commit_callbacks,
    )

    assert response.status_code == 403
    assert "This form was open for a long time, so nothing was sent." in response.content.decode()
    assert Signature.objects.count() == 0


def test_the_full_page_sign_still_needs_its_csrf_token(petition):
    browser = Client(enforce_csrf_checks=True)

    response = browser.post(reverse("petitions:sign", args=[petition.slug]), form_data())

    assert response.status_code == 403
    assert Signature.objects.count() == 0


def test_embed_sign_keeps_the_honeypot(petition, django_capture_on_commit_callbacks):
    token = token_from(Client().get(embed_url(petition)))

    frame_post(
        reverse("petitions:embed_sign", args=[petition.slug]),
        form_data(embed_token=token, website="http://spam.example"),
        django_capture_on_commit_callbacks,
    )

    signature = Signature.objects.get()
    assert (signature.status, signature.review_reason) == ("review", "honeypot")


def test_embed_sign_keeps_the_proof_of_work_challenge(
    petition, settings, django_capture_on_commit_callbacks
):
    settings.PETITIONS_CHALLENGE = True
    page = Client().get(embed_url(petition))
    assert 'data-challenge-url="/en/petitions/challenge.json?petition=free-them"' in (
        page.content.decode()
    )

    frame_post(
        reverse("petitions:embed_sign", args=[petition.slug]),
        form_data(embed_token=token_from(page)),
        django_capture_on_commit_callbacks,
    )

    signature = Signature.objects.get()
    assert (signature.status, signature.review_reason) == ("review", "challenge")


def test_embed_sign_on_a_closed_petition_saves_nothing(
    framed_campaign, django_capture_on_commit_callbacks
):
    closed = PetitionFactory(campaign=framed_campaign, slug="closed", status="closed")
    token = embed.make_form_token(f"petition:{closed.pk}")

    response = frame_post(
        reverse("petitions:embed_sign", args=[closed.slug]),
        form_data(embed_token=token),
        django_capture_on_commit_callbacks,
    )

    assert response.status_code == 409
    assert "This petition is not taking signatures, so nothing was saved." in (
        response.content.decode()
    )
    assert Signature.objects.count() == 0
