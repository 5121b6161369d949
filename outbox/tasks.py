"""Running outbox messages, and the sweep that hands undone ones over again."""

import logging
import traceback
from datetime import timedelta

from celery import shared_task
from celery.exceptions import Retry
from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from lib.tasks import task

from .dispatch import hand_over
from .models import LEASE, MAX_ATTEMPTS, Message, backoff

logger = logging.getLogger(__name__)

SWEEP_BATCH = 500


@shared_task(ignore_result=True)
def run_message(message_id: int) -> bool:
    """Claim the message, run its task, mark it done.

    The claim is one conditional UPDATE (not done, not claimed within ``LEASE``), so a
    second delivery of the same message does nothing. The task runs outside any
    transaction of ours: a long job commits its own steps and shows its progress, and
    a withdrawal that must tell a running job to start again is never blocked behind
    it. Delivery is therefore at least once: a worker that dies after the work and
    before marking it leaves the row to run again after the lease, which every task
    tolerates (each is idempotent by its own rows). A failure records the error and
    releases the claim for the sweep. A task that asks Celery to retry it is retried by
    the sweep instead.
    """
    now = timezone.now()
    claimed = (
        Message.objects.filter(pk=message_id, done_at__isnull=True)
        .filter(Q(started_at__isnull=True) | Q(started_at__lt=now - LEASE))
        .update(started_at=now)
    )
    if not claimed:
        return False
    message = Message.objects.get(pk=message_id)
    error = ""
    try:
        task(message.task)(*message.args)
    except Retry as retry:
        error = f"The task asked to be retried: {retry.exc or retry.message or ''}"
    except Exception:
        error = traceback.format_exc()
    if not error:
        Message.objects.filter(pk=message_id).update(done_at=timezone.now())
        return True
    message.attempts += 1
    message.last_error = error[-10_000:]
    message.dispatched_at = timezone.now()
    message.started_at = None
    message.save(update_fields=["attempts", "last_error", "dispatched_at", "started_at"])
    if message.attempts >= MAX_ATTEMPTS:
        logger.error(
            "Outbox message %s (%s) failed %s times; giving up. Last error:\n%s",
            message.pk,
            message.task,
            message.attempts,
            message.last_error,
        )
    else:
        logger.warning(
            "Outbox message %s (%s) failed (attempt %s); next try in %s.",
            message.pk,
            message.task,
            message.attempts,
            backoff(message.attempts),
        )
    return False


@shared_task(ignore_result=True)
def sweep(limit: int = SWEEP_BATCH) -> int:
    """Hand over again every undone message that is stale and due; the number handed.

    Run every minute by beat (``CELERY_BEAT_SCHEDULE["outbox-sweep"]``) or by cron
    (``manage.py relay_outbox``)."""
    handed = 0
    for pk, dispatched_at in Message.objects.due().values_list("pk", "dispatched_at")[:limit]:
        # Claim the row by its old dispatched_at, so two sweeps never both hand it over.
        claimed = Message.objects.filter(pk=pk, dispatched_at=dispatched_at).update(
            dispatched_at=timezone.now()
        )
        if claimed and hand_over(pk):
            handed += 1
    return handed


@shared_task(ignore_result=True)
def purge_done(keep_days: int | None = None) -> int:
    """Delete messages done more than ``OUTBOX_KEEP_DAYS`` ago; the number deleted.

    A done row only shows that the work ran; kept for a while to answer "was it sent?",
    then it goes (undone rows stay until they are done). Run daily by beat.
    """
    keep = timedelta(days=settings.OUTBOX_KEEP_DAYS if keep_days is None else keep_days)
    deleted, _ = Message.objects.filter(done_at__lt=timezone.now() - keep).delete()
    return deleted
