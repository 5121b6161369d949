"""A surge on a petition: the petition-wide limit counts only new, clean signatures; the
challenge gets harder first; holding genuine signers is the last resort, and recorded."""

import pytest
from django.template.defaultfilters import date as date_filter
from django.urls import reverse
from django.utils import timezone

from petitions.models import Signature
from tests.petitions.conftest import form_data, sign_url


def test_one_client_posting_a_thousand_times_cannot_get_another_clients_signature_held(
    post, petition, settings
):
    # Day-long windows: the loop takes seconds, and a fixed minute window that turned
    # over during it would let five more through.
    day = 24 * 60 * 60
    settings.PETITIONS_RATE_LIMITS = {"ip_burst": (5, day), "petition_burst": (20, day)}
    for number in range(1000):  # 500 addresses, each twice: new ones, then repeats
        post(
            sign_url(petition),
            form_data(email=f"bot{number % 500}@example.org"),
            REMOTE_ADDR="198.51.100.66",
        )

    post(sign_url(petition), form_data(email="genuine@example.org"), REMOTE_ADDR="203.0.113.9")

    genuine = Signature.objects.get(supporter__email="genuine@example.org")
    assert (genuine.status, genuine.review_reason) == ("pending", "")
    reasons = Signature.objects.exclude(pk=genuine.pk).values_list("review_reason", flat=True)
    assert sorted(set(reasons)) == ["", "rate_ip"]
    assert list(reasons).count("") == 5


def test_repeats_from_many_clients_do_not_count_toward_the_petition_limit(post, petition, settings):
    settings.PETITIONS_RATE_LIMITS = {"petition_burst": (2, 60)}
    post(sign_url(petition), form_data(email="signed@example.org"), REMOTE_ADDR="198.51.100.1")
    for number in range(10):
        post(
            sign_url(petition),
            form_data(email="signed@example.org"),
            REMOTE_ADDR=f"198.51.100.{number + 2}",
        )

    post(sign_url(petition), form_data(email="genuine@example.org"), REMOTE_ADDR="203.0.113.9")

    statuses = dict(Signature.objects.values_list("supporter__email", "status"))
    assert statuses == {"signed@example.org": "pending", "genuine@example.org": "pending"}


def test_under_a_surge_the_challenge_for_the_petition_gets_ten_times_harder(
    client, post, petition, settings
):
    settings.PETITIONS_CHALLENGE = True
    settings.PETITIONS_CHALLENGE_MAX_NUMBER = 1000
    settings.PETITIONS_RATE_LIMITS = {"petition_burst": (4, 60)}
    url = reverse("petitions:challenge")
    before = client.get(url, {"petition": petition.slug}).json()["maxNumber"]
    settings.PETITIONS_CHALLENGE = False  # three signatures that pass every check
    for number in range(3):
        post(
            sign_url(petition),
            form_data(email=f"p{number}@example.org"),
            REMOTE_ADDR=f"198.51.100.{number + 1}",
        )
    settings.PETITIONS_CHALLENGE = True

    after = client.get(url, {"petition": petition.slug}).json()["maxNumber"]

    assert (before, after) == (1000, 10_000)
    assert set(Signature.objects.values_list("status", flat=True)) == {"pending"}


@pytest.mark.parametrize("query", [{}, {"petition": "no-such-petition"}, {"petition": "a b"}])
def test_the_challenge_needs_a_petition(client, petition, settings, query):
    settings.PETITIONS_CHALLENGE = True

    assert client.get(reverse("petitions:challenge"), query).status_code == 404


def test_signatures_held_for_a_surge_are_recorded_and_shown_to_its_managers(
    client, post, bob, petition, settings
):
    settings.PETITIONS_RATE_LIMITS = {"petition_burst": (1, 60)}
    for number in range(3):
        post(
            sign_url(petition),
            form_data(email=f"p{number}@example.org"),
            REMOTE_ADDR=f"198.51.100.{number + 1}",
        )
    client.force_login(bob)

    page = client.get(reverse("petitions:manage_dashboard", args=[petition.pk]))

    petition.refresh_from_db()
    assert petition.flood_held_count == 2
    reasons = list(Signature.objects.order_by("pk").values_list("review_reason", flat=True))
    assert reasons == ["", "rate_petition", "rate_petition"]
    since = date_filter(timezone.localtime(petition.flood_held_at), "SHORT_DATETIME_FORMAT")
    assert (
        f"Since {since}, 2 signatures were held for review because of a surge on this petition."
        in page.content.decode()
    )
