"""Confirmation links: the page, the button, expiry, a fresh link."""

from datetime import timedelta

import pytest
from django.core import mail, signing
from django.urls import reverse
from django.utils import timezone

from petitions import signatures
from petitions.models import Signature
from petitions.signing import tokens
from tests.factories import (
    SignatureFactory,
)
from tests.petitions.conftest import form_data, sign_url
from tests.petitions.helpers import (
    confirm_link,
    count_of,
    without_csrf_tokens,
)
from tests.tamper import tampered

# Confirmation links.


def test_confirm_link_get_shows_a_button_and_does_not_confirm(client, post, petition):
    post(sign_url(petition), form_data())
    link = confirm_link(mail.outbox[0])

    response = client.get(link)

    assert response.status_code == 200
    assert "Confirm my signature" in response.content.decode()
    assert Signature.objects.get().status == Signature.Status.PENDING
    assert count_of(petition) == 0
    assert "no-store" in response["Cache-Control"]


def test_confirm_link_post_confirms_and_shows_the_new_count(client, post, petition):
    post(sign_url(petition), form_data())
    link = confirm_link(mail.outbox[0])

    response = post(link)

    assert response["Location"] == "/en/petitions/free-them/"
    assert Signature.objects.get().status == Signature.Status.CONFIRMED
    assert count_of(petition) == 1
    page = client.get(response["Location"]).content.decode()
    assert "Thank you! Your signature is confirmed and counted." in page
    assert "<strong>1</strong> signature" in page


def test_confirming_twice_is_harmless(client, post, petition):
    post(sign_url(petition), form_data())
    link = confirm_link(mail.outbox[0])
    post(link)

    again = post(link)
    page = client.get(link)

    assert again.status_code == 302
    assert count_of(petition) == 1
    assert "Your signature is confirmed" in page.content.decode()


def test_confirm_link_of_a_held_signature_records_it_but_keeps_it_held(client, post, petition):
    post(sign_url(petition), form_data(website="bot"))
    signature = Signature.objects.get()
    link = reverse("petitions:confirm", args=[tokens.make_confirm_token(signature)])

    response = post(link)

    signature.refresh_from_db()
    assert signature.status == Signature.Status.REVIEW
    assert signature.confirmed_at is not None
    assert count_of(petition) == 0
    page = client.get(response["Location"]).content.decode()
    assert "Your signature will count once we have checked it." in page


def test_tampered_confirm_link_is_refused(client, post, petition):
    post(sign_url(petition), form_data())
    link = confirm_link(mail.outbox[0])
    tampered = link[:-3] + ("A" if link[-3] != "A" else "B") + link[-2:]

    response = post(tampered)

    assert response.status_code == 404
    assert "This link does not work" in response.content.decode()
    assert count_of(petition) == 0


def test_withdraw_token_cannot_confirm(client, post, petition):
    post(sign_url(petition), form_data())
    signature = Signature.objects.get()

    response = post(reverse("petitions:confirm", args=[tokens.make_withdraw_token(signature)]))

    assert response.status_code == 404
    assert count_of(petition) == 0


def test_confirm_token_for_a_withdrawn_signature_says_so(client, post, petition):
    post(sign_url(petition), form_data())
    link = confirm_link(mail.outbox[0])
    signatures.withdraw_signature(signature=Signature.objects.get())

    response = post(link)

    assert response.status_code == 404
    assert "it was withdrawn or erased" in response.content.decode()


def expired_confirm_link(signature) -> str:
    old = timezone.now() - timedelta(days=15)
    token = signing.TimestampSigner(salt=tokens.CONFIRM_SALT)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(token, "timestamp", lambda: signing.b62_encode(int(old.timestamp())))
        value = token.sign_object([signature.pk, signature.supporter_id])
    return reverse("petitions:confirm", args=[value])


def test_expired_confirm_link_offers_a_fresh_email(client, post, petition):
    post(sign_url(petition), form_data())
    signature = Signature.objects.get()
    link = expired_confirm_link(signature)
    mail.outbox.clear()

    page = client.get(link)
    refused = post(link)
    resent = post(link + "resend/")

    assert page.status_code == 410
    assert "This link has expired" in page.content.decode()
    assert refused.status_code == 410
    assert Signature.objects.get().status == Signature.Status.PENDING
    assert resent.status_code == 200
    assert "a fresh link is on its way" in resent.content.decode()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["jiwoo@example.org"]
    fresh = confirm_link(mail.outbox[0])
    post(fresh)
    assert count_of(petition) == 1


def test_fresh_email_is_rate_limited(post, petition):
    post(sign_url(petition), form_data())
    link = expired_confirm_link(Signature.objects.get())
    mail.outbox.clear()

    first = post(link + "resend/")
    second = post(link + "resend/")

    assert without_csrf_tokens(first.content) == without_csrf_tokens(second.content)
    assert len(mail.outbox) == 1


def test_fresh_email_for_a_tampered_link_is_refused(post, petition):
    signature = SignatureFactory(petition=petition, status="pending", confirmed_at=None)
    token = tokens.make_confirm_token(signature)

    response = post(reverse("petitions:resend", args=[tampered(token)]))

    assert response.status_code == 404
    assert mail.outbox == []


def test_fresh_email_only_accepts_post(client, petition):
    signature = SignatureFactory(petition=petition, status="pending", confirmed_at=None)

    response = client.get(reverse("petitions:resend", args=[tokens.make_confirm_token(signature)]))

    assert response.status_code == 405


def test_fresh_email_is_not_sent_for_a_confirmed_signature(post, petition):
    signature = SignatureFactory(petition=petition, status="confirmed")
    link = expired_confirm_link(signature)

    response = post(link + "resend/")

    assert response.status_code == 200
    assert mail.outbox == []
