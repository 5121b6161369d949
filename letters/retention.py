"""Retention: letters forget who wrote them LETTERS_RETENTION_DAYS after delivery.

A letter is delivered when it is emailed to the official (``sent_at``) or posted
(``posted_at``). Past retention it loses everything that says who wrote it or what they
wrote: the link to the supporter, the name, town, postal address, subject, text and
personal paragraph, whether replies may go to them, the delivery errors (which may quote
an address), and its private link (a new random one that nobody is given); its stored
PDFs are deleted. It keeps what the figures are made of: action, official, language,
country, status, delivery method and the times, so the action's count and dashboard
stay as they were. Print batches posted before the cutoff lose their merged PDF (the
record stays, saying why).

Letters never delivered (drafts, letters waiting, failed emails) are not touched here.
The supporter rows are not touched either (see ``accounts.retention``).
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from accounts.retention import RetentionReport
from lib.storage import private_storage

from .models import Letter, LetterDelivery, PrintBatch
from .models.letter import new_token

# Letters anonymised per transaction (each gets its own new token, so one UPDATE a batch).
BATCH = 1_000

ANONYMISED = {
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

BATCH_FILE_DELETED = "The PDF was deleted when its letters passed their retention period."


def letters_past(cutoff: datetime):
    """Delivered letters that still say who wrote them, delivered before ``cutoff``."""
    return Letter.objects.filter(
        Q(status=Letter.Status.SENT, sent_at__lt=cutoff)
        | Q(status=Letter.Status.POSTED, posted_at__lt=cutoff),
        supporter__isnull=False,
    )


def batches_past(cutoff: datetime):
    """Print batches posted before ``cutoff`` that still have their PDF."""
    return PrintBatch.objects.filter(posted_at__lt=cutoff).exclude(file="")


def anonymise_letters(cutoff: datetime, *, batch: int = BATCH) -> tuple[int, int]:
    """Anonymise the letters delivered before ``cutoff``, in batches each committed on
    its own (a run cut short is finished by the next).

    Side effects: the fields in ``ANONYMISED`` overwritten and a new token per letter;
    the delivery errors of their emails emptied; their PDFs deleted from private
    storage after commit. Returns (letters, files deleted).
    """
    storage = private_storage()
    letters = files = 0
    last = 0
    while True:
        rows = list(
            letters_past(cutoff)
            .filter(pk__gt=last)
            .order_by("pk")
            .only("pk", "pdf", "envelope_pdf")[:batch]
        )
        if not rows:
            return letters, files
        with transaction.atomic():
            for letter in rows:
                for stored in (letter.pdf, letter.envelope_pdf):
                    if stored:
                        files += 1
                        transaction.on_commit(lambda name=stored.name: storage.delete(name))
                for name, value in ANONYMISED.items():
                    setattr(letter, name, value)
                letter.token = new_token()
            Letter.objects.bulk_update(rows, [*ANONYMISED, "token"])
            LetterDelivery.objects.filter(letter__in=rows).update(last_error="")
        letters += len(rows)
        last = rows[-1].pk


@transaction.atomic
def delete_batch_files(cutoff: datetime) -> int:
    """Delete the merged PDFs of print batches posted before ``cutoff``.

    Side effects: files deleted from private storage after commit; ``file`` and
    ``error`` of the batches updated. Returns how many batches lost their file.
    """
    batches = list(batches_past(cutoff).only("pk", "file"))
    storage = private_storage()
    for batch in batches:
        transaction.on_commit(lambda name=batch.file.name: storage.delete(name))
    PrintBatch.objects.filter(pk__in=[batch.pk for batch in batches]).update(
        file="", error=BATCH_FILE_DELETED
    )
    return len(batches)


class LetterRetention:
    """The letters app's step of ``manage.py apply_retention`` (``accounts.retention``)."""

    app = "letters"

    def apply(self, *, now: datetime, dry_run: bool) -> RetentionReport:
        days = settings.LETTERS_RETENTION_DAYS
        cutoff = now - timedelta(days=days)
        report = RetentionReport(app=self.app, days=days, cutoff=cutoff)
        if dry_run:
            due = letters_past(cutoff)
            report.add_anonymised("letters", due.count())
            report.add_deleted(
                "letter PDFs",
                due.exclude(pdf="").count() + due.exclude(envelope_pdf="").count(),
            )
            report.add_deleted("print batch PDFs", batches_past(cutoff).count())
            return report
        letters, files = anonymise_letters(cutoff)
        report.add_anonymised("letters", letters)
        report.add_deleted("letter PDFs", files)
        report.add_deleted("print batch PDFs", delete_batch_files(cutoff))
        return report
