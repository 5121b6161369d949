"""The helpers record actions through the same forms and services as the site."""

import pytest
from django.core.management import call_command

from accounts.models import ConsentRecord, Supporter
from api.models import ForeignIdentifier, Kind, Origin
from letters.models import Letter
from petitions.models import Petition, Signature
from tests.factories import LetterActionFactory, PetitionFactory, SupporterFactory, TargetFactory

from .osdi import validate

pytestmark = pytest.mark.django_db


def _signer(address="ji.woo@example.org", **extra) -> dict:
    person = {
        "given_name": "Ji-woo",
        "family_name": "Kim",
        "email_addresses": [{"address": address, **extra}],
        "postal_addresses": [{"country": "KR", "locality": "Busan"}],
    }
    return {"person": person}


def test_a_signature_is_confirmed_counted_and_traced(staff_api, campaign):
    petition = PetitionFactory(campaign=campaign)
    body = {
        **_signer(status="subscribed"),
        "comments": "For my grandfather.",
        "identifiers": ["civicrm:501"],
        "origin_system": "CiviCRM",
    }

    response = staff_api.post(f"/api/v1/petitions/{petition.pk}/signatures", body)

    assert response.status_code == 200
    answer = validate(response.json(), "signature")
    signature = Signature.objects.get()
    assert answer["identifiers"] == [f"sori:{signature.pk}", "civicrm:501"]
    assert answer["origin_system"] == "CiviCRM"
    assert (signature.status, signature.source, signature.comment) == (
        Signature.Status.CONFIRMED,
        "api:CRM sync",
        "For my grandfather.",
    )
    assert signature.supporter.email == "ji.woo@example.org"
    assert Petition.objects.get().signature_count == 1
    purposes = set(signature.supporter.consents.values_list("purpose", "granted"))
    assert {("petition", True), ("updates", True)} <= purposes
    assert signature.wants_updates is True
    call_command("reconcile_counts", "--check")


def test_the_same_mailbox_signs_once(staff_api, campaign):
    petition = PetitionFactory(campaign=campaign)
    path = f"/api/v1/petitions/{petition.pk}/signatures"

    first = staff_api.post(path, _signer("jiwoo@gmail.com"))
    again = staff_api.post(path, _signer("ji.woo+petition@googlemail.com"))

    assert first.json()["identifiers"] == again.json()["identifiers"]
    assert Signature.objects.count() == 1
    assert Petition.objects.get().signature_count == 1
    call_command("reconcile_counts", "--check")


def test_a_repeated_request_is_recognised_by_its_identifier(staff_api, campaign):
    petition = PetitionFactory(campaign=campaign)
    path = f"/api/v1/petitions/{petition.pk}/signatures"
    body = {**_signer(), "identifiers": ["civicrm:9"]}

    staff_api.post(path, body)
    staff_api.post(path, body)

    assert Signature.objects.count() == 1
    assert ForeignIdentifier.objects.filter(kind=Kind.SIGNATURE).count() == 1


def test_a_closed_petition_takes_no_signature(staff_api, campaign):
    petition = PetitionFactory(campaign=campaign, status=Petition.Status.CLOSED)

    response = staff_api.post(f"/api/v1/petitions/{petition.pk}/signatures", _signer())

    assert response.status_code == 400
    assert response.json() == {"error": "This petition takes no signatures now."}
    assert Signature.objects.count() == 0


@pytest.mark.parametrize(
    ("person", "field"),
    [
        ({"email_addresses": [{"address": "not an address"}]}, "email"),
        ({"email_addresses": [{"address": "a@mailinator.com"}]}, "email"),
        ({"given_name": "", "email_addresses": [{"address": "a@example.org"}]}, "first_name"),
        (
            {
                "given_name": "https://spam.example",
                "email_addresses": [{"address": "a@example.org"}],
            },
            "first_name",
        ),
    ],
)
def test_the_sign_forms_rules_hold(staff_api, campaign, person, field):
    petition = PetitionFactory(campaign=campaign)
    body = {"person": {"given_name": "Ji-woo", "postal_addresses": [{"country": "KR"}], **person}}

    response = staff_api.post(f"/api/v1/petitions/{petition.pk}/signatures", body)

    assert response.status_code == 400
    assert field in validate(response.json(), "error")["errors"]
    assert Signature.objects.count() == 0


def test_a_person_without_an_address_is_400(staff_api, campaign):
    petition = PetitionFactory(campaign=campaign)

    response = staff_api.post(f"/api/v1/petitions/{petition.pk}/signatures", {"person": {}})

    assert response.status_code == 400
    assert response.json()["errors"] == {"email": ["Send person.email_addresses[0].address."]}


def test_an_outreach_is_one_letter_per_official(staff_api, campaign):
    first, second = TargetFactory(), TargetFactory()
    action = LetterActionFactory(campaign=campaign, targets=[first, second])
    body = {**_signer(), "identifiers": ["civicrm:77"], "origin_system": "CiviCRM"}

    response = staff_api.post(f"/api/v1/advocacy_campaigns/{action.pk}/outreaches", body)

    assert response.status_code == 200
    answer = validate(response.json(), "outreach")
    letters = list(Letter.objects.order_by("target__name"))
    assert [letter.target for letter in letters] == sorted([first, second], key=lambda t: t.name)
    assert len(answer["_embedded"]["osdi:outreaches"]) == 2
    assert sorted(
        ForeignIdentifier.objects.filter(kind=Kind.OUTREACH).values_list("value", flat=True)
    ) == sorted(f"civicrm:77:{t.pk}" for t in (first, second))
    assert Origin.objects.filter(kind=Kind.OUTREACH, origin_system="CiviCRM").count() == 2
    action.refresh_from_db()
    assert action.letter_count == 2


def test_the_signup_helper_records_consent_and_never_renames(staff_api):
    SupporterFactory(email="ji.woo@example.org", first_name="Jiwoo", last_name="", city="")
    body = {**_signer(status="subscribed"), "identifiers": ["mailchimp:abc"]}

    response = staff_api.post("/api/v1/people", body)

    answer = validate(response.json(), "person")
    supporter = Supporter.objects.get()
    assert (supporter.first_name, supporter.last_name, supporter.city) == ("Jiwoo", "Kim", "Busan")
    assert answer["email_addresses"][0]["status"] == "subscribed"
    assert answer["identifiers"] == [f"sori:{supporter.pk}", "mailchimp:abc"]
    consent = supporter.consents.get()
    assert (consent.purpose, consent.granted, consent.source) == (
        ConsentRecord.Purpose.UPDATES,
        True,
        "api:CRM sync",
    )


def test_the_signup_helper_records_an_unsubscribe(staff_api):
    staff_api.post("/api/v1/people", _signer(status="subscribed"))

    answer = staff_api.post("/api/v1/people", _signer(status="unsubscribed")).json()

    assert answer["email_addresses"][0]["status"] == "unsubscribed"
    assert list(ConsentRecord.objects.order_by("pk").values_list("granted", flat=True)) == [
        True,
        False,
    ]


def test_a_body_that_is_not_an_object_is_400(staff_api):
    response = staff_api.post("/api/v1/people", ["a list"])

    assert response.status_code == 400
    assert validate(response.json(), "error")["error"] == "Send a JSON object."
