"""Signed-in supporters with a verified address."""

from django.core import mail
from django.template.defaultfilters import date as date_filter
from django.test import Client
from django.urls import reverse

from petitions.models import Signature
from tests.factories import (
    SignatureFactory,
    UserFactory,
)
from tests.petitions.conftest import form_data, sign_url
from tests.petitions.helpers import (
    count_of,
)

# Signed-in supporters.


def test_verified_supporter_sees_a_prefilled_form_without_email(client, alice, petition):
    client.force_login(alice)

    response = client.get(petition.get_absolute_url())

    form = response.context["form"]
    assert "email" not in form.fields
    assert "website" not in form.fields
    assert form.initial["first_name"] == "Alice"
    html = response.content.decode()
    assert "Signing as alice@example.org." in html
    assert "data-challenge-url" not in html


def test_verified_supporter_signs_with_one_click_and_counts_at_once(client, post, alice, petition):
    client.force_login(alice)

    response = post(
        sign_url(petition),
        {
            "first_name": "Alice",
            "last_name": "Kim",
            "country": "KR",
            "display": "full",
            "sensitive_consent": "on",
        },
    )

    assert response.status_code == 302
    signature = Signature.objects.get()
    assert signature.supporter == alice.supporter
    assert signature.status == Signature.Status.CONFIRMED
    assert count_of(petition) == 1
    assert mail.outbox == []
    thanks = client.get(response["Location"]).content.decode()
    assert "Thank you: your signature is counted" in thanks


def test_verified_supporter_sees_when_they_signed_and_can_withdraw(client, post, alice, petition):
    client.force_login(alice)
    post(
        sign_url(petition),
        {
            "first_name": "Alice",
            "country": "KR",
            "display": "initials",
            "sensitive_consent": "on",
        },
    )
    signed_on = Signature.objects.get().created_at

    page = client.get(petition.get_absolute_url())
    withdrawn = post(reverse("petitions:withdraw_own", args=[petition.slug]))

    html = page.content.decode()
    assert f"You signed on {date_filter(signed_on, 'DATE_FORMAT')}." in html
    assert page.context["form"] is None
    assert withdrawn["Location"] == "/en/petitions/free-them/"
    assert Signature.objects.count() == 0
    assert count_of(petition) == 0
    after = client.get(petition.get_absolute_url()).content.decode()
    assert "Your signature has been withdrawn." in after


def test_signed_in_but_unverified_user_signs_like_anyone(client, post, petition):
    user = UserFactory(email="new@example.org", verified=False)
    client.force_login(user)

    post(sign_url(petition), form_data(email="new@example.org"))

    assert Signature.objects.get().status == Signature.Status.PENDING
    assert len(mail.outbox) == 1


def test_withdraw_own_needs_a_signed_in_person(client, petition):
    response = client.post(reverse("petitions:withdraw_own", args=[petition.slug]))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_withdraw_own_only_touches_the_signed_in_persons_signature(client, alice, petition):
    other = SignatureFactory(petition=petition)
    client.force_login(alice)

    response = client.post(reverse("petitions:withdraw_own", args=[petition.slug]))

    assert response.status_code == 302
    assert list(Signature.objects.all()) == [other]


def test_signed_in_page_is_personal_and_never_cached(client, alice, petition):
    client.force_login(alice)

    response = client.get(petition.get_absolute_url())

    assert response["Cache-Control"] == "private, no-cache"
    assert "alice@example.org" in response.content.decode()
    anonymous = Client().get(petition.get_absolute_url()).content.decode()
    assert "alice@example.org" not in anonymous
