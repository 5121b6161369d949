"""Signing through the form."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import ConsentRecord, Supporter
from campaigns.models import Campaign
from petitions.models import Petition, Signature
from tests.factories import (
    PetitionFactory,
)
from tests.petitions.conftest import form_data, sign_url
from tests.petitions.helpers import (
    DISPOSABLE,
    INVISIBLE,
    NOT_A_NAME,
    XSS,
    without_csrf_tokens,
)

# Signing through the form.


def test_sign_happy_path_redirects_to_check_your_email(client, post, petition):
    response = post(sign_url(petition), form_data(wants_updates="on", source="news<letter>"))

    assert response.status_code == 302
    assert response["Location"] == "/en/petitions/free-them/thanks/"
    signature = Signature.objects.get()
    assert signature.status == Signature.Status.PENDING
    assert signature.source == "newsletter"
    assert signature.wants_updates is True
    assert signature.ip_hash != ""
    assert "127.0.0.1" not in signature.ip_hash
    assert signature.supporter.email == "jiwoo@example.org"
    assert len(mail.outbox) == 1
    thanks = client.get(response["Location"])
    assert "One more step: check your email" in thanks.content.decode()


def test_sign_repeat_looks_exactly_like_a_first_signature(post, petition):
    first = post(sign_url(petition), form_data())
    first_page = without_csrf_tokens(Client().get(first["Location"]).content)
    mail.outbox.clear()

    again = post(sign_url(petition), form_data(email="JIWOO@example.org", first_name="Other"))
    again_page = without_csrf_tokens(Client().get(again["Location"]).content)

    assert (again.status_code, again["Location"]) == (first.status_code, first["Location"])
    assert again_page == first_page
    assert Signature.objects.count() == 1
    assert [m.subject for m in mail.outbox] == ["You have already signed: Free them now"]


def test_thanks_page_offers_share_links_and_the_next_action(client, petition, campaign):
    PetitionFactory(campaign=campaign, title="The next petition", slug="next-one")

    response = client.get(reverse("petitions:thanks", args=[petition.slug]))

    assert response.context["next_action"].title == "The next petition"
    assert "Share this petition" in response.content.decode()


def test_thanks_page_asks_for_a_gift_once_when_donations_are_on(client, petition, settings):
    settings.STRIPE_SECRET_KEY = "sk_test_x"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_x"
    settings.STRIPE_WEBHOOK_SECRET = "whsec_x"

    response = client.get(reverse("petitions:thanks", args=[petition.slug]))

    page = response.content.decode()
    assert response.context["next_action"] is None  # the donate card is not the next action
    assert page.count("Will you also give?") == 1
    assert f"/en/donate/?campaign={petition.campaign.slug}" in page


def test_thanks_page_does_not_ask_for_money_when_donations_are_off(client, petition):
    page = client.get(reverse("petitions:thanks", args=[petition.slug])).content.decode()

    assert "Will you also give?" not in page


def test_thanks_page_of_a_draft_is_not_found(client, campaign):
    draft = PetitionFactory(campaign=campaign, status=Petition.Status.DRAFT)

    response = client.get(reverse("petitions:thanks", args=[draft.slug]))

    assert response.status_code == 404


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"first_name": ""}, "first_name", "This field is required."),
        (
            {"first_name": "x" * 101},
            "first_name",
            "Ensure this value has at most 100 characters (it has 101).",
        ),
        (
            {"last_name": "y" * 101},
            "last_name",
            "Ensure this value has at most 100 characters (it has 101).",
        ),
        (
            {"first_name": "Visit https://spam.example"},
            "first_name",
            NOT_A_NAME,
        ),
        (
            {"last_name": "cheap-pills.com"},
            "last_name",
            NOT_A_NAME,
        ),
        (
            {"first_name": "me@example.org"},
            "first_name",
            NOT_A_NAME,
        ),
        ({"last_name": "bit.ly/3abc"}, "last_name", NOT_A_NAME),
        ({"first_name": "evil.c\u043em"}, "first_name", NOT_A_NAME),  # Cyrillic o
        ({"first_name": "\uff45\uff56\uff49\uff4c.\uff43\uff4f\uff4d"}, "first_name", NOT_A_NAME),
        ({"first_name": "Ji\u202ewoo"}, "first_name", INVISIBLE),
        ({"last_name": "\u3164"}, "last_name", INVISIBLE),
        ({"email": "not-an-email"}, "email", "Enter a valid email address."),
        (
            {"email": "a" * 250 + "@example.org"},
            "email",
            "Ensure this value has at most 254 characters (it has 262).",
        ),
        (
            {"email": "throwaway@mailinator.com"},
            "email",
            DISPOSABLE,
        ),
        (
            {"email": "x@inbox.10minutemail.com"},
            "email",
            DISPOSABLE,
        ),
        ({"country": "XX"}, "country", "Choose a country from the list."),
        ({"country": ""}, "country", "This field is required."),
        (
            {"display": "everything"},
            "display",
            "Select a valid choice. everything is not one of the available choices.",
        ),
        (
            {"comment": "z" * 501},
            "comment",
            "Ensure this value has at most 500 characters (it has 501).",
        ),
    ],
)
def test_sign_bad_input_gets_a_clear_message_and_changes_nothing(
    post, petition, overrides, field, message
):
    response = post(sign_url(petition), form_data(**overrides))

    assert response.status_code == 400
    assert response.context["form"].errors[field] == [message]
    assert "There is a problem" in response.content.decode()
    assert Signature.objects.count() == 0
    assert Supporter.objects.count() == 0
    assert ConsentRecord.objects.count() == 0
    assert mail.outbox == []


def test_sign_form_keeps_what_was_typed_after_an_error(post, petition):
    response = post(sign_url(petition), form_data(email="bad", comment="Keep this", source="x"))

    html = response.content.decode()
    assert "Keep this</textarea>" in html
    assert 'name="source" value="x"' in html


def test_sign_form_asks_for_postcode_and_city_when_the_petition_does(post, petition):
    petition.postcode_field = Petition.FieldUse.REQUIRED
    petition.city_field = Petition.FieldUse.OPTIONAL
    petition.save()

    refused = post(sign_url(petition), form_data())
    accepted = post(
        sign_url(petition), form_data(country="GB", postcode=" sw1a  1aa ", city=" Seoul ")
    )

    assert refused.context["form"].errors == {"postcode": ["This field is required."]}
    assert accepted.status_code == 302
    signature = Signature.objects.get()
    assert (signature.postcode, signature.city) == ("SW1A 1AA", "Seoul")


def test_sign_form_ignores_postcode_when_not_asked(post, petition):
    post(sign_url(petition), form_data(postcode="12345", city="Busan"))

    signature = Signature.objects.get()
    assert (signature.postcode, signature.city) == ("", "")


def test_sign_stores_html_as_text_and_shows_it_escaped(client, post, petition):
    petition.requires_confirmation = False
    petition.save()

    post(sign_url(petition), form_data(first_name="<i>Ji</i>", display="full", comment=XSS))

    signature = Signature.objects.get()
    assert signature.comment == XSS
    html = client.get(petition.get_absolute_url()).content.decode()
    assert "<i>Ji</i>" not in html
    assert "&lt;i&gt;Ji&lt;/i&gt;" in html
    assert "<script>alert" not in html


def test_sign_a_closed_petition_is_refused_with_a_message(post, petition):
    petition.set_status(Petition.Status.CLOSED)

    response = post(sign_url(petition), form_data())

    assert response.status_code == 409
    assert (
        "This petition is not taking signatures, so nothing was saved." in response.content.decode()
    )
    assert Signature.objects.count() == 0


def test_a_petition_closed_after_the_sign_path_cached_it_refuses_the_signature(post, petition):
    post(sign_url(petition), form_data(email="first@example.org"))  # the copy is cached now
    # Closed behind the cache's back (no save(), so no copy is dropped): the signing
    # transaction must read the status itself.
    Petition.objects.filter(pk=petition.pk).update(status=Petition.Status.CLOSED)

    response = post(sign_url(petition), form_data(email="second@example.org"))

    assert response.status_code == 409
    assert "This petition closed a moment ago, so nothing was saved." in response.content.decode()
    emails = list(Signature.objects.values_list("supporter__email", flat=True))
    assert emails == ["first@example.org"]


def test_a_campaign_archived_after_the_sign_path_cached_it_refuses_the_signature(post, petition):
    post(sign_url(petition), form_data(email="first@example.org"))
    Campaign.objects.filter(pk=petition.campaign_id).update(status=Campaign.Status.ARCHIVED)

    response = post(sign_url(petition), form_data(email="second@example.org"))

    assert response.status_code == 409
    assert Signature.objects.count() == 1


def test_signing_follows_the_confirmation_setting_of_the_moment_not_a_cached_copy(post, petition):
    post(sign_url(petition), form_data(email="first@example.org"))
    Petition.objects.filter(pk=petition.pk).update(requires_confirmation=False)

    post(sign_url(petition), form_data(email="second@example.org"))

    statuses = dict(Signature.objects.values_list("supporter__email", "status"))
    assert statuses == {
        "first@example.org": Signature.Status.PENDING,
        "second@example.org": Signature.Status.CONFIRMED,
    }
    petition.refresh_from_db()
    assert petition.signature_count == 1


def test_an_edit_drops_the_copy_the_sign_path_cached(
    post, petition, django_capture_on_commit_callbacks
):
    post(sign_url(petition), form_data(email="first@example.org"))
    with django_capture_on_commit_callbacks(execute=True):
        petition.postcode_field = Petition.FieldUse.REQUIRED
        petition.save()

    response = post(sign_url(petition), form_data(email="second@example.org"))

    assert response.status_code == 400
    assert response.context["form"].errors == {"postcode": ["This field is required."]}
    assert Signature.objects.count() == 1


def test_sign_a_draft_petition_is_not_found(post, campaign):
    draft = PetitionFactory(campaign=campaign, status=Petition.Status.DRAFT)

    response = post(sign_url(draft), form_data())

    assert response.status_code == 404
    assert Signature.objects.count() == 0


def test_sign_only_accepts_post(client, petition):
    assert client.get(sign_url(petition)).status_code == 405


def test_sign_without_csrf_token_is_refused_and_changes_nothing(petition):
    browser = Client(enforce_csrf_checks=True)

    response = browser.post(sign_url(petition), form_data())

    assert response.status_code == 403
    assert "Nothing was saved" in response.content.decode()
    assert Signature.objects.count() == 0


def test_sign_with_the_page_csrf_token_works(petition, django_capture_on_commit_callbacks):
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(petition.get_absolute_url()).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)

    with django_capture_on_commit_callbacks(execute=True):  # the task that signs
        response = browser.post(sign_url(petition), form_data(csrfmiddlewaretoken=token))

    assert response.status_code == 302
    assert Signature.objects.count() == 1
