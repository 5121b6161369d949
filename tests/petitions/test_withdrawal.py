"""Withdrawing a signature, and what "my activity" and "my data" show."""

import json

from django.urls import reverse

from petitions import signatures
from petitions.models import Signature
from petitions.signing import tokens
from tests.factories import (
    PASSWORD,
    SignatureFactory,
    SupporterFactory,
)
from tests.petitions.conftest import form_data, sign_url
from tests.petitions.helpers import (
    count_of,
)

# Withdraw links from the emails.


def test_withdraw_link_get_asks_and_post_withdraws(client, post, petition):
    petition.requires_confirmation = False
    petition.save()
    post(sign_url(petition), form_data())
    signature = Signature.objects.get()
    link = reverse("petitions:withdraw", args=[tokens.make_withdraw_token(signature)])

    page = client.get(link)
    assert Signature.objects.count() == 1
    done = post(link)

    assert "Withdraw my signature" in page.content.decode()
    assert "Your signature has been withdrawn" in done.content.decode()
    assert Signature.objects.count() == 0
    assert count_of(petition) == 0
    again = post(link)
    assert "Your signature has been withdrawn" in again.content.decode()


def test_tampered_withdraw_link_changes_nothing(post, petition):
    signature = SignatureFactory(petition=petition)
    token = tokens.make_withdraw_token(signature)

    response = post(reverse("petitions:withdraw", args=[token + "x"]))

    assert response.status_code == 404
    assert Signature.objects.count() == 1


# My activity and my data.


def test_my_activity_lists_signatures_with_a_withdraw_link(client, alice, petition):
    SignatureFactory(petition=petition, supporter=alice.supporter)
    client.force_login(alice)

    response = client.get(reverse("accounts:activity"))

    html = response.content.decode()
    assert "Petitions you signed" in html
    assert "Free them now" in html
    assert "/en/petitions/withdraw/" in html


def test_my_data_export_contains_signatures(client, petition):
    supporter = SupporterFactory()
    SignatureFactory(petition=petition, supporter=supporter, comment="Mine", source="x")
    from accounts.services import make_data_token

    response = client.get(reverse("accounts:data_download", args=[make_data_token(supporter)]))

    rows = json.loads(response.content)["petition_signatures"]
    assert [(r["petition"], r["comment"], r["source"], r["status"]) for r in rows] == [
        ("free-them", "Mine", "x", "confirmed")
    ]


def test_erasing_my_data_withdraws_signatures(post, petition):
    supporter = SupporterFactory()
    SignatureFactory(petition=petition, supporter=supporter)
    signatures.reconcile_counts()
    from accounts.services import make_data_token

    post(reverse("accounts:data_erase", args=[make_data_token(supporter)]), {"confirm": "on"})

    assert Signature.objects.count() == 0
    assert count_of(petition) == 0


def test_sign_with_password_login_flow(client, petition, alice):
    assert client.login(email="alice@example.org", password=PASSWORD)

    response = client.get(petition.get_absolute_url())

    assert response.context["supporter"] == alice.supporter
