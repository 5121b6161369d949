"""The sending job: every recipient once, throttled, resumable, skipping who left.

A run (``run_update_send``, from the ``updates.tasks.send_update`` outbox task):

1. moves the job to running (``Job.start_run``: a run that finds it running was left
   so by a worker that died, and carries on from where it stopped);
2. writes one ``UpdateRecipient`` per supporter in the audience (``audience.py``),
   ignoring those already written (the unique constraint), so a second run adds only
   people who joined since;
3. takes the waiting recipients in batches; drops from each batch whoever left the
   audience meanwhile (unsubscribed, withdrew, started bouncing); then, for each one,
   claims the row (queued -> sending, one conditional UPDATE), sends, and records
   sent, failed (the server could not take it now) or bounced (refused for good: the
   address is marked bouncing and later sends skip it);
4. waits between messages to keep under ``UPDATES_PER_MINUTE`` (0: no throttle).

A row claimed by a run that died is never sent again: whether its message left is
unknowable (RFC 1047), and the promise is "never twice". The next run marks such rows
failed, saying why.
"""

import logging
import time

from django.conf import settings
from django.core.mail import mailers
from django.utils import timezone

from accounts.models import Supporter
from lib.emails import MailNotSent, MailRefused, deliver, describe_failure
from petitions.hotpath import page_cache
from petitions.models import Petition

from . import messages
from .audience import audience
from .models import UpdateRecipient, UpdateSend

logger = logging.getLogger(__name__)

BATCH = 500
INTERRUPTED = "The worker stopped while sending; not sent again, so nobody gets it twice."


def run_update_send(*, send_id: int, stop_after: int | None = None) -> None:
    """Send an update to its audience (see the module's docstring).

    Side effects: the job's status, ``expected`` and ``progress``; UpdateRecipient rows
    and their statuses; the messages; ``Supporter.bouncing_since`` for refused
    addresses. ``stop_after`` (tests, the benchmark) stops after that many messages and
    leaves the job running, as a worker killed at that moment would.
    """
    send = UpdateSend.objects.select_related("update__campaign").get(pk=send_id)
    if not send.start_run():
        return
    update = send.update
    try:
        UpdateRecipient.objects.filter(update=update, status=UpdateRecipient.Status.SENDING).update(
            status=UpdateRecipient.Status.FAILED, error=INTERRUPTED
        )
        _write_recipients(send)
        finished = _send_waiting(send, stop_after=stop_after)
    except Exception as error:
        logger.exception("Update %s failed", update.pk)
        send.error = describe_failure(error)[:1000]
        send.refresh_from_db(fields=["status"])
        if send.is_working:
            send.set_status(UpdateSend.Status.FAILED, fields=["error"])
        return
    if finished:
        send.refresh_from_db(fields=["status"])
        if send.status == UpdateSend.Status.RUNNING:
            _count_progress(send)
            send.set_status(UpdateSend.Status.DONE)
            _show_on_petition_pages(send)


def _write_recipients(send: UpdateSend) -> None:
    update = send.update
    rows = audience(update).values_list("pk", "language").order_by("pk")
    chunk: list[UpdateRecipient] = []
    for supporter_id, language in rows.iterator(chunk_size=2000):
        chunk.append(UpdateRecipient(update=update, supporter_id=supporter_id, language=language))
        if len(chunk) >= 2000:
            UpdateRecipient.objects.bulk_create(chunk, ignore_conflicts=True)
            chunk = []
    if chunk:
        UpdateRecipient.objects.bulk_create(chunk, ignore_conflicts=True)
    expected = UpdateRecipient.objects.filter(update=update).count()
    UpdateSend.objects.filter(pk=send.pk).update(expected=expected)


def _count_progress(send: UpdateSend) -> None:
    done = (
        UpdateRecipient.objects.filter(update_id=send.update_id)
        .exclude(status__in=[UpdateRecipient.Status.QUEUED, UpdateRecipient.Status.SENDING])
        .count()
    )
    send.progress = done
    UpdateSend.objects.filter(pk=send.pk).update(progress=done)


def _send_waiting(send: UpdateSend, *, stop_after: int | None) -> bool:
    """Send to every waiting recipient; False if stopped early (cancelled, stop_after)."""
    update = send.update
    rendered: dict[str, messages.Rendered] = {}
    per_minute = settings.UPDATES_PER_MINUTE
    interval = 60.0 / per_minute if per_minute > 0 else 0.0
    next_at = time.monotonic()
    sent_now = 0
    connection = mailers.create_connection("default")
    try:
        connection.open()
        while True:
            waiting = list(
                UpdateRecipient.objects.filter(update=update, status=UpdateRecipient.Status.QUEUED)
                .select_related(None)
                .values_list("pk", "supporter_id", "language")
                .order_by("pk")[:BATCH]
            )
            if not waiting:
                return True
            if UpdateSend.objects.filter(pk=send.pk, status=UpdateSend.Status.RUNNING).count() == 0:
                return False  # cancelled
            still_in = set(
                audience(update)
                .filter(pk__in=[supporter_id for _pk, supporter_id, _lang in waiting])
                .values_list("pk", "email")
            )
            emails = dict(still_in)
            left = [pk for pk, supporter_id, _lang in waiting if supporter_id not in emails]
            if left:
                UpdateRecipient.objects.filter(pk__in=left).update(
                    status=UpdateRecipient.Status.SKIPPED
                )
            for pk, supporter_id, language in waiting:
                if supporter_id not in emails:
                    continue
                if stop_after is not None and sent_now >= stop_after:
                    return False
                if interval:
                    delay = next_at - time.monotonic()
                    if delay > 0:
                        time.sleep(delay)
                    next_at = max(next_at, time.monotonic() - interval) + interval
                if language not in rendered:
                    rendered[language] = messages.render_update(update, language)
                if _send_one(
                    pk,
                    supporter_id,
                    emails[supporter_id],
                    rendered[language],
                    update_id=update.pk,
                    connection=connection,
                ):
                    sent_now += 1
            _count_progress(send)
    finally:
        connection.close()


def _send_one(pk, supporter_id, email, rendered, *, update_id, connection) -> bool:
    claimed = UpdateRecipient.objects.filter(pk=pk, status=UpdateRecipient.Status.QUEUED).update(
        status=UpdateRecipient.Status.SENDING
    )
    if not claimed:
        return False  # another run has it
    token = messages.unsubscribe_token(update_id=update_id, supporter_id=supporter_id)
    message = messages.address(rendered, to=email, token=token)
    status, error = UpdateRecipient.Status.SENT, ""
    try:
        deliver(message, name="update", connection=connection)
    except MailRefused as refused:
        status, error = UpdateRecipient.Status.BOUNCED, describe_failure(refused)
        Supporter.objects.filter(pk=supporter_id, bouncing_since__isnull=True).update(
            bouncing_since=timezone.now()
        )
    except MailNotSent as failure:
        status, error = UpdateRecipient.Status.FAILED, describe_failure(failure)
        _reconnect(connection)
    UpdateRecipient.objects.filter(pk=pk).update(
        status=status,
        error=error[:300],
        sent_at=timezone.now() if status == UpdateRecipient.Status.SENT else None,
    )
    return status == UpdateRecipient.Status.SENT


def _reconnect(connection) -> None:
    """After a failure the connection may be broken: start a fresh one. If the server
    cannot be reached now, the backend opens one for each later message itself."""
    try:
        connection.close()
        connection.open()
    except OSError:
        logger.warning("Mail server not reachable after a failure; carrying on per message")


def _show_on_petition_pages(send: UpdateSend) -> None:
    """Drop the cached petition pages that now list the update (petition page block)."""
    update = send.update
    if update.letter_action_id:
        return
    if update.petition_id:
        slugs = [update.petition.slug]
    else:
        slugs = list(
            Petition.objects.filter(campaign_id=update.campaign_id).values_list("slug", flat=True)
        )
    page_cache.invalidate(*slugs)
