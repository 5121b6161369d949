"""The letter-action embed: writing inside another site's frame, with no cookie at all."""

import re

from django.core import mail
from django.test import Client
from django.urls import reverse

from letters.models import Letter, LetterAction
from lib import embed
from tests.factories import LetterActionFactory, PetitionFactory

FORM = {
    "language": "auto",
    "first_name": "Ji-woo",
    "last_name": "Kim",
    "email": "jiwoo@example.org",
    "city": "Busan",
    "country": "KR",
    "postal_address": "",
    "consent": "on",
}
TOKEN_RE = re.compile(r'name="embed_token" value="([^"]+)"')


def write(action, data, capture):
    """POST from a browser in a third-party frame: CSRF checked, no cookie sent."""
    with capture(execute=True):
        return Client(enforce_csrf_checks=True).post(
            reverse("letters:embed_write", args=[action.slug]), data
        )


def test_letter_embed_page_shows_the_form_with_a_token(letter_action):
    response = Client().get(reverse("letters:embed", args=[letter_action.slug]))

    html = response.content.decode()
    assert response.status_code == 200
    assert '<form method="post" action="/en/letters/write-now/embed/write/"' in html
    assert "csrfmiddlewaretoken" not in html
    token = TOKEN_RE.search(html).group(1)
    assert embed.check_form_token(token, f"letter:{letter_action.pk}") == ""
    assert response.cookies == {}


def test_letter_embed_writes_asks_for_email_delivery_and_counts(
    letter_action, django_capture_on_commit_callbacks
):
    token = embed.make_form_token(f"letter:{letter_action.pk}")

    response = write(
        letter_action,
        {**FORM, "embed_token": token, "send_by_email": "on"},
        django_capture_on_commit_callbacks,
    )

    assert response.status_code == 302
    assert response["Location"].startswith("/en/letters/write-now/embed/thanks/?w=")
    assert response.cookies == {}
    letter = Letter.objects.get()
    assert (letter.delivery, letter.status) == (Letter.Delivery.EMAIL, Letter.Status.DRAFT)
    assert LetterAction.objects.get().letter_count == 1
    assert [m.to for m in mail.outbox] == [["jiwoo@example.org"]]
    thanks = Client().get(response["Location"])
    html = thanks.content.decode()
    assert 'data-sori-completed="letter" data-sori-slug="write-now"' in html
    assert "One more step: we have sent a message to the address you gave." in html
    assert f'href="{letter.get_absolute_url()}" target="_blank" rel="noopener"' in html


def test_letter_embed_without_email_delivery_sends_no_mail(
    letter_action, django_capture_on_commit_callbacks
):
    token = embed.make_form_token(f"letter:{letter_action.pk}")

    write(letter_action, {**FORM, "embed_token": token}, django_capture_on_commit_callbacks)

    assert Letter.objects.get().delivery == Letter.Delivery.NONE
    assert mail.outbox == []


def test_letter_embed_thanks_offers_the_next_action_in_the_frame(letter_action, framed_campaign):
    PetitionFactory(campaign=framed_campaign, slug="sign-too", title="Sign this too")

    response = Client().get(reverse("letters:embed_thanks", args=[letter_action.slug]))

    assert 'href="/en/petitions/sign-too/embed/"' in response.content.decode()


def test_letter_embed_thanks_lists_no_letters_for_a_forged_list(letter_action):
    response = Client().get(
        reverse("letters:embed_thanks", args=[letter_action.slug]) + "?w=forged"
    )

    assert response.status_code == 200
    assert "letter-list" not in response.content.decode()


def test_letter_embed_with_another_actions_token_is_refused(
    letter_action, framed_campaign, django_capture_on_commit_callbacks
):
    token = embed.make_form_token("petition:1")

    response = write(
        letter_action, {**FORM, "embed_token": token}, django_capture_on_commit_callbacks
    )

    assert response.status_code == 403
    assert "This form does not belong to this action, so nothing was sent." in (
        response.content.decode()
    )
    assert Letter.objects.count() == 0
    assert mail.outbox == []


def test_letter_embed_keeps_the_rate_limit(
    letter_action, settings, django_capture_on_commit_callbacks
):
    settings.LETTERS_WRITES_PER_HOUR_PER_ADDRESS = 1
    token = embed.make_form_token(f"letter:{letter_action.pk}")
    write(letter_action, {**FORM, "embed_token": token}, django_capture_on_commit_callbacks)

    response = write(
        letter_action,
        {**FORM, "embed_token": token, "email": "other@example.org"},
        django_capture_on_commit_callbacks,
    )

    assert response.status_code == 429
    assert "Many letters came from your network in the last hour." in response.content.decode()
    assert Letter.objects.count() == 1


def test_letter_embed_of_a_draft_action_is_not_found(framed_campaign):
    draft = LetterActionFactory(
        campaign=framed_campaign, slug="draft", status=LetterAction.Status.DRAFT
    )

    response = Client().get(reverse("letters:embed", args=[draft.slug]))

    assert response.status_code == 404
    assert response["X-Frame-Options"] == "DENY"
