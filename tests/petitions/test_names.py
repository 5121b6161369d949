"""The name beside a signature is the one its signer gave, confirmed by the address's owner."""

import re

from django.core import mail

from petitions.models import Signature
from petitions.staff.delivery import pack_signatures
from tests.factories import SignatureFactory, SupporterFactory
from tests.petitions.conftest import form_data, sign_url
from tests.petitions.helpers import confirm_link, count_of


def test_a_later_form_for_a_known_address_never_renames_its_confirmed_signature(post, petition):
    owner = SupporterFactory(email="jiwoo@example.org", first_name="Ji-woo", last_name="Kim")
    SignatureFactory(petition=petition, supporter=owner, display="full")
    other = SignatureFactory(petition__campaign=petition.campaign, supporter=owner)

    post(sign_url(other.petition), form_data(first_name="Mallory", last_name="Planted"))
    post(sign_url(petition), form_data(first_name="Mallory", last_name="Planted"))

    signature = Signature.objects.get(petition=petition)
    assert signature.public_name == "Ji-woo Kim"
    assert [row[1:3] for row in pack_signatures(petition)] == [("Ji-woo", "Kim")]


def test_the_public_name_comes_from_the_signature_not_the_supporter(petition):
    supporter = SupporterFactory(first_name="Changed", last_name="Later")
    signature = SignatureFactory(
        petition=petition,
        supporter=supporter,
        first_name="Min-ji",
        last_name="Park",
        display="full",
    )

    assert signature.public_name == "Min-ji Park"


def test_the_owner_of_the_address_sees_and_can_correct_a_planted_name(client, post, petition):
    post(sign_url(petition), form_data(first_name="Planted", last_name="Name", display="full"))
    link = confirm_link(mail.outbox[0])

    page = client.get(link).content.decode()
    post(link, {"first_name": "Ji-woo", "last_name": "Kim", "display": "initials"})

    assert re.search(r'name="first_name"[^>]*value="Planted"', page)
    signature = Signature.objects.get()
    assert (signature.first_name, signature.last_name, signature.display) == (
        "Ji-woo",
        "Kim",
        "initials",
    )
    assert signature.public_name == "J. K."
    assert count_of(petition) == 1


def test_a_bad_name_on_the_confirmation_page_changes_nothing(post, petition):
    post(sign_url(petition), form_data())
    link = confirm_link(mail.outbox[0])

    response = post(link, {"first_name": "visit evil.co/login", "last_name": "", "display": "full"})

    assert response.status_code == 400
    signature = Signature.objects.get()
    assert (signature.status, signature.first_name) == (Signature.Status.PENDING, "Ji-woo")
    assert count_of(petition) == 0


def test_a_name_cannot_be_changed_once_confirmed(post, petition):
    post(sign_url(petition), form_data())
    link = confirm_link(mail.outbox[0])
    post(link)

    post(link, {"first_name": "Someone", "last_name": "Else", "display": "full"})

    assert Signature.objects.get().first_name == "Ji-woo"
