"""Anonymous signing does the same work in the request for every address; a task signs."""

import io
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.services import erase_supporter
from petitions.models import Petition, Signature, SignatureRequest
from petitions.signing import intake
from petitions.signing.services import SignerDetails
from tests.factories import SupporterFactory
from tests.petitions.conftest import form_data

LITERAL = re.compile(r"'(?:[^']|'')*'|\b\d+(?:\.\d+)?\b")
SAVEPOINT = re.compile(r'"s\d+_x\d+"')


def statements(queries: CaptureQueriesContext) -> list[str]:
    """The statements run, with their parameters (and savepoint names) blanked."""
    return [SAVEPOINT.sub("SP", LITERAL.sub("?", q["sql"])) for q in queries.captured_queries]


def fields(**overrides) -> dict:
    """A validated sign form, as ``SignForm.signature_fields`` gives it."""
    return SignerDetails(
        **{
            "email": "jiwoo@example.org",
            "first_name": "Ji-woo",
            "last_name": "Kim",
            "country": "KR",
            "postcode": "",
            "city": "",
            "display": "initials",
            "comment": "",
            "wants_updates": False,
            "source": "",
            **overrides,
        }
    )


def stored(petition, **overrides) -> SignatureRequest:
    return intake.request_signature(
        petition=petition, signer=fields(**overrides), ip_hash="", language="en", review_reason=""
    )


def test_a_new_and_a_repeat_signer_cost_the_request_the_same_statements(
    client, petition, django_capture_on_commit_callbacks
):
    url = reverse("petitions:sign", args=[petition.slug])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, form_data(email="signed@example.org"))  # also caches the petition

    with CaptureQueriesContext(connection) as new:
        client.post(url, form_data(email="new@example.org"))
    with CaptureQueriesContext(connection) as repeat:
        client.post(url, form_data(email="signed@example.org"))

    assert len(new.captured_queries) == len(repeat.captured_queries)
    assert statements(new) == statements(repeat)
    assert list(Signature.objects.values_list("supporter__email", flat=True)) == [
        "signed@example.org"
    ]
    assert SignatureRequest.objects.count() == 2


def test_a_stored_form_is_signed_exactly_once(petition, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        request = stored(petition)

    with django_capture_on_commit_callbacks(execute=True):  # the mail, after commit
        first = intake.process_signature_request(request_id=request.pk)
        second = intake.process_signature_request(request_id=request.pk)

    assert (first, second) == (True, False)
    signature = Signature.objects.get()
    assert (signature.supporter.email, signature.status) == ("jiwoo@example.org", "pending")
    assert SignatureRequest.objects.count() == 0
    assert [m.subject for m in mail.outbox] == ["Please confirm your signature: Free them now"]


def test_a_form_for_a_petition_closed_meanwhile_is_dropped(
    petition, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        request = stored(petition)
    Petition.objects.filter(pk=petition.pk).update(status=Petition.Status.CLOSED)

    processed = intake.process_signature_request(request_id=request.pk)

    assert processed is True
    assert Signature.objects.count() == 0
    assert SignatureRequest.objects.count() == 0


def test_the_sweep_signs_stale_forms_and_leaves_fresh_ones(
    petition, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        stale = stored(petition, email="stale@example.org")
        fresh = stored(petition, email="fresh@example.org")
    SignatureRequest.objects.filter(pk=stale.pk).update(
        created_at=timezone.now() - timedelta(minutes=2)
    )

    call_command("process_signature_requests", "--older-than=60", stdout=io.StringIO())

    assert list(Signature.objects.values_list("supporter__email", flat=True)) == [
        "stale@example.org"
    ]
    assert list(SignatureRequest.objects.values_list("pk", flat=True)) == [fresh.pk]


def test_erasing_a_supporter_deletes_their_waiting_forms(
    petition, django_capture_on_commit_callbacks
):
    supporter = SupporterFactory(email="jiwoo@gmail.com")
    with django_capture_on_commit_callbacks(execute=False):
        stored(petition, email="ji.woo+petitions@gmail.com")  # the same mailbox
        other = stored(petition, email="someone@example.org")

    erase_supporter(supporter=supporter)

    assert list(SignatureRequest.objects.values_list("pk", flat=True)) == [other.pk]


@pytest.mark.parametrize("reason", ["", Signature.ReviewReason.HONEYPOT])
def test_the_stored_review_reason_is_applied_when_signing(
    petition, reason, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        intake.request_signature(
            petition=petition,
            signer=fields(),
            ip_hash="ab" * 16,
            language="ko",
            review_reason=reason,
        )

    signature = Signature.objects.get()
    assert (signature.review_reason, signature.ip_hash) == (reason, "ab" * 16)
    assert signature.supporter.language == "ko"


def test_one_drain_signs_every_waiting_form_with_one_task(
    petition, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as wakes:
        for name in ("a", "b", "c"):
            stored(petition, email=f"{name}@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        wakes[0]()  # the first wake drains all three
        signed = sorted(Signature.objects.values_list("supporter__email", flat=True))

    assert len(wakes) == 3
    assert signed == ["a@example.org", "b@example.org", "c@example.org"]
    assert SignatureRequest.objects.count() == 0
    assert cache.get(intake.DRAIN_FLAG) is None  # the next form queues a new drain


def test_a_form_that_cannot_be_signed_counts_an_attempt_and_stops_the_drain(
    petition, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        broken = stored(petition, email="broken@example.org")
        stored(petition, email="next@example.org")
    # A form stored by an older release whose fields signing no longer takes.
    SignatureRequest.objects.filter(pk=broken.pk).update(data={"email": "broken@example.org"})

    processed = intake.sign_waiting_requests()

    assert processed == 0
    assert list(SignatureRequest.objects.order_by("pk").values_list("attempts", flat=True)) == [
        1,
        0,
    ]
    assert Signature.objects.count() == 0


def test_a_form_past_its_attempts_is_left_for_staff_and_the_rest_are_signed(
    petition, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        broken = stored(petition, email="broken@example.org")
        stored(petition, email="next@example.org")
    SignatureRequest.objects.filter(pk=broken.pk).update(
        data={"email": "broken@example.org"}, attempts=intake.REQUEST_MAX_ATTEMPTS
    )

    processed = intake.sign_waiting_requests()

    assert processed == 1
    assert list(Signature.objects.values_list("supporter__email", flat=True)) == [
        "next@example.org"
    ]
    assert list(SignatureRequest.objects.values_list("pk", flat=True)) == [broken.pk]
