"""Signing and confirming from many threads at once, against PostgreSQL.

SQLite takes one writer at a time by design, so these run on PostgreSQL only (CI runs
the suite on both). Each thread is a separate browser with its own connection.
"""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core import mail
from django.db import connection, connections, transaction
from django.test import Client
from django.urls import reverse

from accounts.models import Supporter
from petitions import signatures
from petitions.models import Petition, Signature
from petitions.signing import services as sign_services
from petitions.signing import tokens
from petitions.signing.services import SignerDetails
from tests.factories import SignatureFactory, SupporterFactory
from tests.petitions.conftest import form_data

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only(db):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers by design")


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    settings.PETITIONS_RATE_LIMITS = {}


def all_at_once(count: int, work) -> list:
    """Run work(i) in `count` threads released together; return results or exceptions."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def runner(index: int) -> None:
        try:
            barrier.wait()
            results[index] = work(index)
        except Exception as error:  # reported by the test
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=runner, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_fifty_threads_posting_one_email_store_one_signature(petition):
    url = reverse("petitions:sign", args=[petition.slug])

    statuses = all_at_once(50, lambda i: Client().post(url, form_data()).status_code)

    assert statuses == [302] * 50
    assert Signature.objects.count() == 1
    assert Supporter.objects.count() == 1
    sent = sorted(m.subject for m in mail.outbox)
    assert sent[0] == "Please confirm your signature: Free them now"
    assert sent[1:] == ["You have already signed: Free them now"]


def test_fifty_threads_posting_aliases_of_one_gmail_mailbox_store_one_signature(petition):
    url = reverse("petitions:sign", args=[petition.slug])
    aliases = [f"ji.woo{'.' * (i % 3)}kim+{i}@gmail.com".replace("..", ".") for i in range(50)]

    statuses = all_at_once(
        50, lambda i: Client().post(url, form_data(email=aliases[i])).status_code
    )

    assert statuses == [302] * 50
    assert Signature.objects.count() == 1
    assert Supporter.objects.count() == 1


@pytest.mark.parametrize("shards", [0, 8])
def test_two_hundred_distinct_signers_give_a_count_of_exactly_two_hundred(
    petition, settings, shards
):
    settings.PETITIONS_COUNTER_SHARDS = shards
    petition.requires_confirmation = False
    petition.save()
    url = reverse("petitions:sign", args=[petition.slug])

    def sign(index: int) -> int:
        try:
            return Client().post(url, form_data(email=f"signer{index}@example.org")).status_code
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=25) as pool:
        statuses = list(pool.map(sign, range(200)))

    petition = Petition.objects.with_current_count().get(pk=petition.pk)
    assert statuses == [302] * 200
    assert petition.current_count == 200
    assert Signature.objects.counted().count() == 200
    assert signatures.reconcile_counts(fix=False) == []


def test_a_supporter_created_by_another_action_at_the_same_moment_is_reused(petition):
    inserted, release = threading.Event(), threading.Event()

    def other_action() -> None:
        # Another kind of action creates the Supporter and commits a moment later,
        # after the signer has looked the address up and found nothing.
        try:
            with transaction.atomic():
                SupporterFactory(email="jiwoo@example.org")
                inserted.set()
                release.wait(timeout=10)
        finally:
            connections.close_all()

    other = threading.Thread(target=other_action)
    other.start()
    inserted.wait(timeout=10)
    timer = threading.Timer(0.5, release.set)
    timer.start()

    result = sign_services.sign_petition(
        petition=petition,
        signer=SignerDetails(email="jiwoo@example.org", first_name="Ji-woo", country="KR"),
    )

    other.join()
    assert result.created is True
    assert Supporter.objects.count() == 1
    assert result.signature.supporter == Supporter.objects.get()


def test_many_presses_of_one_confirm_button_count_once(petition):
    signature = SignatureFactory(petition=petition, status="pending", confirmed_at=None)
    url = reverse("petitions:confirm", args=[tokens.make_confirm_token(signature)])

    statuses = all_at_once(20, lambda i: Client().post(url).status_code)

    petition.refresh_from_db()
    assert statuses == [302] * 20
    assert petition.signature_count == 1


def test_confirmations_at_once_all_count(petition):
    signatures = [
        SignatureFactory(petition=petition, status="pending", confirmed_at=None) for _ in range(40)
    ]
    urls = [reverse("petitions:confirm", args=[tokens.make_confirm_token(s)]) for s in signatures]

    statuses = all_at_once(40, lambda i: Client().post(urls[i]).status_code)

    petition.refresh_from_db()
    assert statuses == [302] * 40
    assert petition.signature_count == 40
    assert petition.milestones.filter(reached_at__isnull=False).count() == 2
