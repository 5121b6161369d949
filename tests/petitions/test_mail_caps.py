"""Sori must not become a mailer for strangers: no mail for signatures its defences held
(until staff release them), and confirmation and "already signed" mail capped per
recipient and per client address a day."""

from django.core import mail

from accounts import mailcap
from petitions import signatures
from petitions.models import Signature
from tests.factories import PetitionFactory
from tests.petitions.conftest import form_data, sign_url

CONFIRM = "Please confirm your signature: Free them now"
ALREADY = "You have already signed: Free them now"


def test_a_signature_held_for_the_client_limit_is_not_mailed(post, petition, settings):
    settings.PETITIONS_RATE_LIMITS = {"ip_burst": (1, 60)}

    post(sign_url(petition), form_data(email="first@example.org"))
    post(sign_url(petition), form_data(email="stranger@example.org"))

    held = Signature.objects.get(supporter__email="stranger@example.org")
    assert (held.status, held.review_reason) == ("review", "rate_ip")
    assert [(m.to, m.subject) for m in mail.outbox] == [(["first@example.org"], CONFIRM)]


def test_a_repeat_from_a_rate_limited_client_mails_nobody(post, petition, settings):
    settings.PETITIONS_RATE_LIMITS = {"ip_burst": (1, 60)}
    post(sign_url(petition), form_data())
    mail.outbox.clear()

    post(sign_url(petition), form_data())

    assert mail.outbox == []


def test_releasing_a_signature_held_by_the_defences_sends_its_confirmation(
    post, petition, django_capture_on_commit_callbacks
):
    post(sign_url(petition), form_data(website="http://spam.example"))
    assert mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        moved = signatures.change_signature_statuses(
            signatures=Signature.objects.all(), status=Signature.Status.PENDING
        )

    assert moved == 1
    assert Signature.objects.get().status == "pending"
    assert [(m.to, m.subject) for m in mail.outbox] == [(["jiwoo@example.org"], CONFIRM)]


def test_releasing_one_held_signature_sends_its_confirmation_once(
    post, petition, django_capture_on_commit_callbacks
):
    post(sign_url(petition), form_data(website="http://spam.example"))
    signature = Signature.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        signatures.change_signature_status(signature=signature, status=Signature.Status.PENDING)
        signatures.change_signature_status(signature=signature, status=Signature.Status.REVIEW)
        signatures.change_signature_status(signature=signature, status=Signature.Status.PENDING)

    assert [m.subject for m in mail.outbox] == [CONFIRM]


def test_confirmation_mail_is_capped_per_address(post, petition, campaign, settings):
    settings.PETITIONS_MAIL_PER_ADDRESS_PER_DAY = 2
    others = [PetitionFactory(campaign=campaign, title=f"Other {n}") for n in range(2)]

    for target in (petition, *others):
        post(sign_url(target), form_data(email="ji.woo@gmail.com"))

    assert [m.subject for m in mail.outbox] == [
        CONFIRM,
        "Please confirm your signature: Other 0",
    ]
    assert set(Signature.objects.values_list("status", flat=True)) == {"pending"}
    assert mailcap.sent_today("petitions", "jiwoo@gmail.com") == 2


def test_already_signed_mail_is_capped_per_address(post, petition, settings):
    settings.PETITIONS_MAIL_PER_ADDRESS_PER_DAY = 1
    post(sign_url(petition), form_data())

    post(sign_url(petition), form_data(email="JIWOO@example.org"))

    assert [m.subject for m in mail.outbox] == [CONFIRM]


def test_mail_is_capped_per_client_address(post, petition, settings):
    settings.PETITIONS_MAIL_PER_CLIENT_PER_DAY = 2

    for number in range(3):
        post(sign_url(petition), form_data(email=f"p{number}@example.org"))
    post(sign_url(petition), form_data(email="p3@example.org"), REMOTE_ADDR="203.0.113.9")

    assert [m.to for m in mail.outbox] == [
        ["p0@example.org"],
        ["p1@example.org"],
        ["p3@example.org"],
    ]
    assert Signature.objects.get(supporter__email="p2@example.org").status == "pending"


def test_a_repeat_is_mailed_within_the_caps(post, petition):
    post(sign_url(petition), form_data())

    post(sign_url(petition), form_data())

    assert [m.subject for m in mail.outbox] == [CONFIRM, ALREADY]
