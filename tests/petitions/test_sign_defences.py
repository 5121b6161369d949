"""The sign form's defences, through the form."""

from django.core import mail
from django.urls import reverse

from petitions.models import Signature
from tests.petitions.conftest import form_data, sign_url
from tests.petitions.helpers import (
    count_of,
)

# Abuse defences through the form.


def test_honeypot_filled_holds_the_signature_for_review(post, petition):
    response = post(sign_url(petition), form_data(website="http://spam.example"))

    assert response["Location"] == "/en/petitions/free-them/thanks/"
    signature = Signature.objects.get()
    assert (signature.status, signature.review_reason) == ("review", "honeypot")
    assert mail.outbox == []


def test_ip_burst_limit_holds_further_signatures_for_review(post, petition, settings):
    settings.PETITIONS_RATE_LIMITS = {"ip_burst": (2, 60)}

    for number in range(4):
        post(sign_url(petition), form_data(email=f"person{number}@example.org"))

    statuses = list(Signature.objects.order_by("pk").values_list("status", "review_reason"))
    assert statuses == [
        ("pending", ""),
        ("pending", ""),
        ("review", "rate_ip"),
        ("review", "rate_ip"),
    ]


def test_ip_limits_are_per_address(post, petition, settings):
    settings.PETITIONS_RATE_LIMITS = {"ip_burst": (1, 60)}

    post(sign_url(petition), form_data(email="a@example.org"), REMOTE_ADDR="198.51.100.1")
    post(sign_url(petition), form_data(email="b@example.org"), REMOTE_ADDR="198.51.100.2")

    assert set(Signature.objects.values_list("status", flat=True)) == {"pending"}


def test_petition_limit_holds_signatures_from_many_addresses(post, petition, settings):
    settings.PETITIONS_RATE_LIMITS = {"petition_sustained": (2, 3600)}

    for number in range(3):
        post(
            sign_url(petition),
            form_data(email=f"p{number}@example.org"),
            REMOTE_ADDR=f"198.51.100.{number + 1}",
        )

    reasons = list(Signature.objects.order_by("pk").values_list("review_reason", flat=True))
    assert reasons == ["", "", "rate_petition"]
    assert count_of(petition) == 0


def test_rate_limited_repeat_stores_nothing(post, petition, settings):
    settings.PETITIONS_RATE_LIMITS = {"ip_burst": (1, 60)}
    post(sign_url(petition), form_data())

    post(sign_url(petition), form_data())

    assert list(Signature.objects.values_list("status", flat=True)) == ["pending"]


def test_without_a_solved_challenge_the_signature_is_held(post, petition, settings):
    settings.PETITIONS_CHALLENGE = True

    response = post(sign_url(petition), form_data())

    assert response.status_code == 302
    signature = Signature.objects.get()
    assert (signature.status, signature.review_reason) == ("review", "challenge")


def test_with_a_solved_challenge_the_signature_is_taken(client, post, petition, settings):
    from tests.petitions.test_abuse import solved_payload

    settings.PETITIONS_CHALLENGE = True
    challenge = client.get(reverse("petitions:challenge"), {"petition": "free-them"}).json()

    post(sign_url(petition), form_data(altcha=solved_payload(challenge)))

    assert Signature.objects.get().status == "pending"


def test_sign_page_loads_the_solver_only_when_the_challenge_is_on(
    client, petition, settings, django_capture_on_commit_callbacks
):
    off = client.get(petition.get_absolute_url()).content.decode()
    settings.PETITIONS_CHALLENGE = True
    with django_capture_on_commit_callbacks(execute=True):
        petition.save()  # drops the cached copy

    on = client.get(petition.get_absolute_url()).content.decode()

    assert "petition-sign.js" not in off
    assert 'data-challenge-url="/en/petitions/challenge.json?petition=free-them"' in on
    assert "petition-sign.js" in on


def test_challenge_endpoint_hands_out_a_fresh_signed_challenge(client, petition, settings):
    settings.PETITIONS_CHALLENGE = True

    first = client.get(reverse("petitions:challenge"), {"petition": "free-them"})
    second = client.get(reverse("petitions:challenge"), {"petition": "free-them"})

    assert first.status_code == 200
    assert set(first.json()) == {"algorithm", "challenge", "maxNumber", "salt", "signature"}
    assert first.json()["algorithm"] == "SHA-256"
    assert first.json()["maxNumber"] == settings.PETITIONS_CHALLENGE_MAX_NUMBER
    assert first.json()["salt"] != second.json()["salt"]
    assert "no-store" in first["Cache-Control"]


def test_challenge_endpoint_is_gone_when_switched_off(client):
    assert client.get(reverse("petitions:challenge")).status_code == 404
