"""Printing letters: each letter's stored PDF, and print batches for staff to post."""

import logging
import secrets
from io import BytesIO

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.models import Target
from lib import jobs
from lib.storage import private_storage
from lib.tasks import after_commit

from ..models import Letter, PrintBatch
from ..pdf import render_letter, render_letters
from .writing import LetterError

logger = logging.getLogger(__name__)


def store_letter_pdf(*, letter_id: int, envelope: bool = False) -> bytes | None:
    """Render a letter and keep the PDF in private storage (skipped if already current).

    With ``envelope``, the letter with its envelope page, kept in ``envelope_pdf``.
    Side effects: one file written (and the previous one deleted); the letter's
    ``pdf`` and ``pdf_revision`` (or the envelope pair) updated unless it was edited
    meanwhile. Returns the rendered PDF, or None when nothing was rendered.
    """
    field = "envelope_pdf" if envelope else "pdf"
    letter = Letter.objects.select_related("action", "target").filter(pk=letter_id).first()
    if letter is None or (letter.envelope_pdf_is_current if envelope else letter.pdf_is_current):
        return None
    revision = letter.revision
    storage = private_storage()
    pdf = render_letter(letter, envelope=envelope)
    suffix = "-envelope" if envelope else ""
    name = storage.save(
        f"letters/{letter.pk}-{revision}{suffix}-{secrets.token_hex(8)}.pdf", ContentFile(pdf)
    )
    with transaction.atomic():
        current = Letter.objects.select_for_update().filter(pk=letter_id).first()
        if current is None or current.revision != revision:
            transaction.on_commit(lambda: storage.delete(name))
            return pdf
        old = getattr(current, field).name
        # update(), not save(): storing a file changes neither the letter nor its date.
        Letter.objects.filter(pk=letter_id).update(**{field: name, f"{field}_revision": revision})
    if old and old != name:
        storage.delete(old)
    return pdf


def letter_pdf_bytes(letter: Letter, *, envelope: bool = False) -> bytes:
    """The stored PDF if it is current. Otherwise the letter is rendered: the plain
    letter freshly (its task stores it); the one with an envelope page, which no task
    makes, is stored on this first request (see ``store_letter_pdf``)."""
    stored = letter.envelope_pdf if envelope else letter.pdf
    if letter.envelope_pdf_is_current if envelope else letter.pdf_is_current:
        try:
            with stored.open("rb") as handle:
                return handle.read()
        except FileNotFoundError:
            logger.warning("Stored PDF of letter %s is missing; rendering it again", letter.pk)
    if envelope:
        return store_letter_pdf(letter_id=letter.pk, envelope=True) or render_letter(
            letter, envelope=True
        )
    return render_letter(letter)


@transaction.atomic
def start_print_batch(*, target: Target, user, envelopes: bool = False) -> PrintBatch:
    """Gather every ready letter to an official into a new print batch.

    Side effects: a PrintBatch; each ready letter not yet in a batch is claimed by it
    (one UPDATE, so two staff starting batches at once never print a letter twice);
    on commit, a task makes the PDF. Raises LetterError if no letter is ready.
    """
    batch = PrintBatch.objects.create(target=target, created_by=user, envelopes=envelopes)
    claimed = Letter.objects.ready_to_print().filter(target=target).update(print_batch=batch)
    if not claimed:
        raise LetterError(
            _("No letters to %(official)s are waiting to be printed.") % {"official": target}
        )
    batch.total = claimed
    batch.save(update_fields=["total"])
    after_commit("letters.tasks.build_print_batch", batch.pk)
    return batch


def build_print_batch(*, batch_id: int) -> None:
    """Make a batch's PDF, recording progress as it goes (runs in a worker).

    Side effects: the batch moves to running (one left running by a run that died
    starts again, ``Job.start_run``), its ``progress`` rises after each chunk
    (committed at once, for the progress bar), then the merged PDF is saved in
    private storage and the batch is done; on an error the batch fails and its
    letters are released for the next batch. When a letter of the batch is erased
    during the build (``generation`` moves, see ``lib.jobs``), what was made is thrown
    away and the build starts again from the letters left.
    """
    batch = PrintBatch.objects.select_related("target").get(pk=batch_id)
    if not batch.start_run():
        return
    try:
        jobs.run_with_restarts(
            lambda: _build_batch_once(batch), job=batch, what=f"print batch {batch.pk}"
        )
    except jobs.Cancelled:
        logger.info("Print batch %s was cancelled while it was built", batch.pk)
        release_letters(batch)
    except Exception as error:
        logger.exception("Print batch %s failed", batch.pk)
        if batch.file:
            batch.file.delete(save=False)
        batch.error = f"{type(error).__name__}: {error}"[:1000]
        batch.set_status(PrintBatch.Status.FAILED, fields=["error", "file"])
        release_letters(batch)


def cancel_print_batch(*, batch: PrintBatch) -> bool:
    """Stop a batch that has not finished (``Job.cancel``); False when it had.

    Side effects: the batch is cancelled and its waiting letters go back for the next
    batch; a build in progress stops and stores nothing.
    """
    if not batch.cancel():
        return False
    release_letters(batch)
    return True


def release_letters(batch: PrintBatch) -> None:
    """The batch's letters that are still waiting go back for the next batch."""
    Letter.objects.filter(print_batch=batch, status=Letter.Status.READY).update(print_batch=None)


def _build_batch_once(batch: PrintBatch) -> None:
    """One attempt: render the batch, then store it unless one of its letters was erased."""
    generation = jobs.generation_of(PrintBatch, batch.pk)
    letters = batch.letters.select_related("action", "target").order_by("written_at", "pk")
    total = letters.count()
    PrintBatch.objects.filter(pk=batch.pk).update(total=total, progress=0)
    pdf = render_letters(
        letters.iterator(chunk_size=500),
        envelopes=batch.envelopes,
        progress=jobs.progress_reporter(PrintBatch, batch.pk, generation),
    )
    from pypdf import PdfReader

    pages = len(PdfReader(BytesIO(pdf)).pages)
    with transaction.atomic():
        jobs.check_unchanged(PrintBatch, batch.pk, generation)
        batch.file.save(
            f"batches/{batch.pk}-{secrets.token_hex(8)}.pdf", ContentFile(pdf), save=False
        )
        batch.page_count = pages
        batch.total = batch.progress = total
        batch.finished_at = timezone.now()
        batch.set_status(
            PrintBatch.Status.DONE,
            fields=["file", "page_count", "total", "progress", "finished_at"],
        )


@transaction.atomic
def mark_batch_posted(*, batch: PrintBatch) -> int:
    """Staff posted the printed letters. Side effects: each letter and the batch become posted."""
    batch = PrintBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != PrintBatch.Status.DONE:
        raise LetterError(_("Only a finished batch can be marked as posted."))
    now = timezone.now()
    letters = list(batch.letters.select_for_update().filter(status=Letter.Status.READY))
    for letter in letters:
        letter.mark_posted(now)
    batch.posted_at = now
    batch.set_status(PrintBatch.Status.POSTED, fields=["posted_at"])
    return len(letters)
