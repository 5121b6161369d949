"""Letters forget who wrote them LETTERS_RETENTION_DAYS after delivery; the action's
figures stay the same."""

from datetime import date

import pytest
from django.core.files.base import ContentFile
from django.forms.models import model_to_dict

from accounts.models import Supporter
from accounts.retention import apply_retention
from letters.models import Letter, LetterDelivery, PrintBatch
from letters.stats import letter_stats
from lib.storage import private_files
from tests.factories import LetterActionFactory, LetterFactory, SupporterFactory

from .conftest import NOW, days_ago

PERSONAL = {
    "supporter": None,
    "first_name": "",
    "last_name": "",
    "city": "",
    "postal_address": "",
    "subject": "",
    "body": "",
    "personal_paragraph": "",
    "reply_to_supporter": False,
    "last_delivery_error": "",
    "pdf": "",
    "envelope_pdf": "",
}
# The token changes to one nobody has; every other field is kept.
KEPT = {
    "id",
    "action",
    "target",
    "token_issued_at",
    "language",
    "country",
    "status",
    "written_at",
    "revision",
    "delivery",
    "delivery_requested_at",
    "confirmed_at",
    "pdf_revision",
    "envelope_pdf_revision",
    "print_batch",
    "sent_at",
    "posted_at",
    "created_at",
    "updated_at",
}


def fields_of(letter: Letter) -> dict:
    letter.refresh_from_db()
    return {field.name: field.value_from_object(letter) for field in Letter._meta.fields}


@pytest.fixture
def action(campaign):
    return LetterActionFactory(campaign=campaign)


def write(action, name, status, **fields):
    return LetterFactory(
        action=action,
        supporter=SupporterFactory(first_name=name),
        first_name=name,
        postal_address="1 Jung-gu, Busan",
        personal_paragraph="My brother is held.",
        reply_to_supporter=True,
        status=status,
        **fields,
    )


@pytest.fixture
def letters(action):
    storage = private_files
    batch = PrintBatch.objects.create(
        target=action.targets.first(),
        status=PrintBatch.Status.POSTED,
        total=1,
        posted_at=days_ago(181),
        file=storage.save("batches/old.pdf", ContentFile(b"%PDF letters")),
    )
    emailed = write(
        action,
        "Ji-woo",
        Letter.Status.SENT,
        delivery="email",
        sent_at=days_ago(181),
        pdf=storage.save("letters/emailed.pdf", ContentFile(b"%PDF")),
        last_delivery_error="452 mailbox of ji-woo@example.org full",
    )
    LetterDelivery.objects.create(
        letter=emailed,
        target=emailed.target,
        to_email="office@example.gov",
        status=LetterDelivery.Status.SENT,
        last_error="452 try later",
    )
    posted = write(
        action,
        "Min-jun",
        Letter.Status.POSTED,
        delivery="post",
        posted_at=days_ago(181),
        print_batch=batch,
        envelope_pdf=storage.save("letters/posted.pdf", ContentFile(b"%PDF")),
    )
    recent = write(action, "Seo-yeon", Letter.Status.SENT, sent_at=days_ago(179))
    draft = write(action, "Do-hyun", Letter.Status.DRAFT)
    return {"emailed": emailed, "posted": posted, "recent": recent, "draft": draft, "batch": batch}


def test_letters_past_retention_lose_every_personal_field(letters):
    old = [letters["emailed"], letters["posted"]]
    before = [fields_of(letter) for letter in old]
    assert set(before[0]) == set(PERSONAL) | KEPT | {"token"}

    apply_retention(now=NOW)

    for letter, was in zip(old, before, strict=True):
        now = fields_of(letter)
        assert {name: now[name] for name in PERSONAL} == PERSONAL
        assert {name: now[name] for name in KEPT} == {name: was[name] for name in KEPT}
        assert now["token"] != was["token"]
        assert len(now["token"]) == len(was["token"])
    assert LetterDelivery.objects.get().last_error == ""


def test_letters_within_retention_and_undelivered_ones_are_untouched(letters):
    kept = [letters["recent"], letters["draft"]]
    before = [fields_of(letter) for letter in kept]

    apply_retention(now=NOW)

    assert [fields_of(letter) for letter in kept] == before


def test_the_action_dashboard_is_the_same(letters, action):
    before = letter_stats(action, today=date(2027, 6, 1))

    apply_retention(now=NOW)

    action.refresh_from_db()
    after = letter_stats(action, today=date(2027, 6, 1))
    assert after.by_status == before.by_status
    assert [(row.official.pk, row.counts) for row in after.officials] == [
        (row.official.pk, row.counts) for row in before.officials
    ]
    assert after.deliveries == before.deliveries
    assert after.days == before.days
    assert before.total == 4


def test_letter_and_batch_pdfs_are_deleted(letters, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        reports = {r.app: r for r in apply_retention(now=NOW)}

    assert reports["letters"].anonymised == {"letters": 2}
    assert reports["letters"].deleted == {"letter PDFs": 2, "print batch PDFs": 1}
    assert not private_files.exists("letters/emailed.pdf")
    assert not private_files.exists("letters/posted.pdf")
    assert not private_files.exists("batches/old.pdf")
    batch = PrintBatch.objects.get()
    assert (batch.file.name, batch.error) == (
        "",
        "The PDF was deleted when its letters passed their retention period.",
    )


def test_dry_run_counts_and_changes_nothing(letters):
    rows = [fields_of(letter) for letter in Letter.objects.order_by("pk")]

    reports = {r.app: r for r in apply_retention(now=NOW, dry_run=True)}

    assert [fields_of(letter) for letter in Letter.objects.order_by("pk")] == rows
    assert reports["letters"].anonymised == {"letters": 2}
    assert reports["letters"].deleted == {"letter PDFs": 2, "print batch PDFs": 1}
    assert private_files.exists("batches/old.pdf")


def test_writers_stay_supporters(letters):
    supporters = [model_to_dict(s) for s in Supporter.objects.order_by("pk")]

    apply_retention(now=NOW)

    assert [model_to_dict(s) for s in Supporter.objects.order_by("pk")] == supporters
    assert Supporter.objects.count() == 4
