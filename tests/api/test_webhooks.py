"""Webhooks delivered to a real listener on loopback: signatures, retries, idempotency
keys, disabling, and the refusal of private addresses (SSRF)."""

import hashlib
import hmac
import json
import socket
from datetime import timedelta

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from api import webhooks
from api.forms import WebhookForm
from api.models import Event, Webhook, WebhookDelivery
from donations.webhooks import record_payment
from letters.services import SenderDetails, write_letter
from petitions.models import Signature
from petitions.signatures import change_signature_status, reconcile_counts
from tests.factories import (
    DonationFactory,
    LetterActionFactory,
    PetitionFactory,
    SignatureFactory,
)

from .listener import Listener
from .osdi import validate

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_fresh_hooks")]


@pytest.fixture
def _fresh_hooks():
    webhooks.forget_hooks()
    yield
    webhooks.forget_hooks()


@pytest.fixture
def listener():
    with Listener() as running:
        yield running


def _hook(owner, url, events=(Event.SIGNATURE_CONFIRMED,)) -> Webhook:
    return Webhook.objects.create(owner=owner, url=url, events=list(events))


def _confirm(signature, capture) -> None:
    with capture(execute=True):
        change_signature_status(signature=signature, status=Signature.Status.CONFIRMED)


def _pending(petition):
    return SignatureFactory(
        petition=petition, status=Signature.Status.PENDING, confirmed_at=None, comment="Free them"
    )


def _due_now(delivery: WebhookDelivery) -> None:
    """Time passes: the delivery's next attempt is due."""
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1)
    )


@override_settings(WEBHOOKS_ALLOW_PRIVATE=True)
def test_a_confirmed_signature_arrives_signed(
    listener, carol, campaign, django_capture_on_commit_callbacks
):
    hook = _hook(carol, listener.url)
    signature = _pending(PetitionFactory(campaign=campaign))

    _confirm(signature, django_capture_on_commit_callbacks)

    [request] = listener.requests
    headers, body = request["headers"], request["body"]
    timestamp, v1 = (part.split("=", 1)[1] for part in headers["Sori-Signature"].split(","))
    expected = hmac.new(hook.secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    assert hmac.compare_digest(v1, expected.hexdigest())
    assert headers["Content-Type"] == "application/json"
    assert headers["Sori-Event"] == "signature.confirmed"
    [item] = json.loads(body)
    assert item["idempotency_key"] == f"sori-signature-{signature.pk}"
    assert headers["Idempotency-Key"] == item["idempotency_key"]
    validate(item["osdi:signature"], "signature")
    assert item["osdi:signature"]["comments"] == "Free them"
    person = validate(item["osdi:signature"]["person"], "person")
    assert person["email_addresses"][0]["address"] == signature.supporter.email
    assert WebhookDelivery.objects.get().status == WebhookDelivery.Status.DELIVERED


@override_settings(WEBHOOKS_ALLOW_PRIVATE=True)
def test_personal_data_goes_only_to_staff_hooks(
    listener, bob, mallory, campaign, django_capture_on_commit_callbacks
):
    _hook(bob, listener.url)
    _hook(mallory, listener.url)
    signature = _pending(PetitionFactory(campaign=campaign))

    _confirm(signature, django_capture_on_commit_callbacks)

    [request] = listener.requests  # mallory manages another campaign: nothing for her
    [item] = json.loads(request["body"])
    assert "person" not in item["osdi:signature"]
    assert item["osdi:signature"]["_links"]["osdi:person"]["href"].endswith(
        f"/api/v1/people/{signature.supporter_id}"
    )


@override_settings(WEBHOOKS_ALLOW_PRIVATE=True)
def test_a_failed_delivery_is_retried_with_the_same_key(
    listener, carol, campaign, django_capture_on_commit_callbacks
):
    _hook(carol, listener.url)
    listener.answers = [500, 503]
    signature = _pending(PetitionFactory(campaign=campaign))
    _confirm(signature, django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get()
    first_retry_in = delivery.next_attempt_at - timezone.now()

    with django_capture_on_commit_callbacks(execute=True):
        early = webhooks.hand_over_due()
    for _attempt in range(2):
        _due_now(delivery)
        with django_capture_on_commit_callbacks(execute=True):
            webhooks.hand_over_due()
    webhooks.deliver(delivery.pk)  # a stray extra run changes nothing

    delivery.refresh_from_db()
    assert early == 0
    assert timedelta(seconds=50) < first_retry_in <= timedelta(seconds=60)
    assert [r["headers"]["Idempotency-Key"] for r in listener.requests] == [
        f"sori-signature-{signature.pk}"
    ] * 3
    assert list(listener.accepted) == [f"sori-signature-{signature.pk}"]
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (
        WebhookDelivery.Status.DELIVERED,
        3,
        200,
    )


@override_settings(WEBHOOKS_ALLOW_PRIVATE=True)
def test_a_day_of_failures_disables_the_hook_and_mails_its_owner(
    listener, carol, campaign, django_capture_on_commit_callbacks
):
    hook = _hook(carol, listener.url)
    listener.answers = [500] * 20
    signature = _pending(PetitionFactory(campaign=campaign))
    _confirm(signature, django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get()
    waits = [delivery.next_attempt_at - timezone.now()]

    while delivery.status == WebhookDelivery.Status.PENDING:
        _due_now(delivery)
        with django_capture_on_commit_callbacks(execute=True):
            webhooks.hand_over_due()
        delivery.refresh_from_db()
        if delivery.next_attempt_at:
            waits.append(delivery.next_attempt_at - timezone.now())

    hook.refresh_from_db()
    assert len(listener.requests) == webhooks.MAX_ATTEMPTS == 8
    assert [round(w.total_seconds() / 60) for w in waits] == [1, 5, 30, 120, 300, 480, 480]
    assert sum(round(w.total_seconds()) for w in waits) < 24 * 3600
    assert delivery.status == WebhookDelivery.Status.FAILED
    assert delivery.last_error == "The address answered 500."
    assert hook.disabled_at is not None
    [message] = mail.outbox
    assert message.to == ["carol@example.org"]
    assert message.subject == "Your webhook was turned off"
    assert listener.url in message.body


@override_settings(WEBHOOKS_ALLOW_PRIVATE=True)
def test_a_hook_that_worked_lately_is_not_disabled_by_one_bad_event(
    listener, carol, campaign, django_capture_on_commit_callbacks
):
    hook = _hook(carol, listener.url)
    listener.answers = [500] * 8
    signature = _pending(PetitionFactory(campaign=campaign))
    _confirm(signature, django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get()
    Webhook.objects.filter(pk=hook.pk).update(last_success_at=timezone.now())

    while delivery.status == WebhookDelivery.Status.PENDING:
        _due_now(delivery)
        with django_capture_on_commit_callbacks(execute=True):
            webhooks.hand_over_due()
        delivery.refresh_from_db()

    hook.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.FAILED
    assert hook.is_active
    assert mail.outbox == []


def test_private_addresses_are_refused_at_delivery(
    listener, carol, campaign, django_capture_on_commit_callbacks
):
    # Made before the rule applied (or by a name that resolved elsewhere then).
    _hook(carol, listener.url)
    signature = _pending(PetitionFactory(campaign=campaign))

    _confirm(signature, django_capture_on_commit_callbacks)

    delivery = WebhookDelivery.objects.get()
    assert listener.requests == []
    assert delivery.last_error.startswith("This address leads to a private or local network")


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/hook",
        "http://localhost:8000/hook",
        "http://10.1.2.3/hook",
        "http://192.168.0.10/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://0.0.0.0/hook",
    ],
)
def test_the_form_refuses_private_destinations(url):
    form = WebhookForm({"url": url, "events": [Event.SIGNATURE_CONFIRMED]})

    assert not form.is_valid()
    assert form.errors["url"] == [
        "This address leads to a private or local network, where webhooks may not go."
    ]


@override_settings(WEBHOOKS_REQUIRE_HTTPS=True)
def test_production_wants_https():
    form = WebhookForm({"url": "http://hooks.example.org/", "events": ["outreach.created"]})

    assert not form.is_valid()
    assert form.errors["url"] == ["Use an https address."]


def test_a_name_that_resolves_elsewhere_later_is_refused(
    listener, carol, campaign, monkeypatch, django_capture_on_commit_callbacks
):
    """DNS rebinding: public when the hook is saved, loopback when it is used."""
    real = socket.getaddrinfo
    answers = {"hooks.example.org": "93.184.215.14"}

    def resolve(host, port, *args, **kwargs):
        if host in answers:
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (answers[host], port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    url = f"http://hooks.example.org:{listener.port}/hooks/sori"
    form = WebhookForm({"url": url, "events": [Event.SIGNATURE_CONFIRMED]})
    assert form.is_valid()
    _hook(carol, form.cleaned_data["url"])
    answers["hooks.example.org"] = "127.0.0.1"
    signature = _pending(PetitionFactory(campaign=campaign))

    _confirm(signature, django_capture_on_commit_callbacks)

    assert listener.requests == []
    assert WebhookDelivery.objects.get().last_error.startswith("This address leads to a private")


@override_settings(WEBHOOKS_ALLOW_PRIVATE=True)
def test_the_connection_goes_to_the_checked_address(
    listener, carol, campaign, monkeypatch, django_capture_on_commit_callbacks
):
    real = socket.getaddrinfo

    def resolve(host, port, *args, **kwargs):
        if host == "hooks.example.org":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    _hook(carol, f"http://hooks.example.org:{listener.port}/hooks/sori?x=1")
    signature = _pending(PetitionFactory(campaign=campaign))

    _confirm(signature, django_capture_on_commit_callbacks)

    [request] = listener.requests
    assert request["headers"]["Host"] == f"hooks.example.org:{listener.port}"
    assert request["path"] == "/hooks/sori?x=1"


@override_settings(WEBHOOKS_ALLOW_PRIVATE=True)
def test_letters_and_donations_send_their_events(
    listener, carol, campaign, django_capture_on_commit_callbacks
):
    _hook(carol, listener.url, events=(Event.OUTREACH_CREATED, Event.DONATION_SUCCEEDED))
    action = LetterActionFactory(campaign=campaign)
    sender = SenderDetails(
        email="writer@example.org", first_name="Ji-woo", last_name="Kim", city="Busan", country="KR"
    )

    donation = DonationFactory(campaign=campaign, amount=30000, currency="KRW")

    with django_capture_on_commit_callbacks(execute=True):
        result = write_letter(action=action, targets=list(action.targets.all()), sender=sender)
        payment = record_payment(
            donation, amount=30000, currency="krw", paid_at=timezone.now(), payment_intent="pi_1"
        )

    letter, gift = (json.loads(request["body"])[0] for request in listener.requests)
    assert letter["idempotency_key"] == f"sori-outreach-{result.letters[0].pk}"
    validate(letter["osdi:outreach"], "outreach")
    assert letter["osdi:outreach"]["person"]["email_addresses"][0]["address"] == (
        "writer@example.org"
    )
    assert gift["idempotency_key"] == f"sori-donation-{payment.pk}"
    validate(gift["osdi:donation"], "donation")
    assert (gift["osdi:donation"]["amount"], gift["osdi:donation"]["currency"]) == ("30000", "KRW")


@override_settings(WEBHOOKS_ALLOW_PRIVATE=True)
def test_an_event_is_queued_once_per_key(
    listener, carol, campaign, django_capture_on_commit_callbacks
):
    _hook(carol, listener.url)
    petition = PetitionFactory(campaign=campaign)
    signature = _pending(petition)
    _confirm(signature, django_capture_on_commit_callbacks)
    reconcile_counts()

    # Held, then released: confirmed a second time, but the same event for the receiver.
    with django_capture_on_commit_callbacks(execute=True):
        change_signature_status(signature=signature, status=Signature.Status.REVIEW)
        change_signature_status(signature=signature, status=Signature.Status.CONFIRMED)

    assert len(listener.requests) == 1
    assert WebhookDelivery.objects.count() == 1
