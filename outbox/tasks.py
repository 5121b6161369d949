"""Running outbox messages, and the sweep that hands undone ones over again."""

import logging
import traceback

from celery import shared_task
from celery.exceptions import Retry
from django.db import connection, transaction
from django.utils import timezone

from lib.tasks import task

from .dispatch import hand_over
from .models import MAX_ATTEMPTS, Message, backoff

logger = logging.getLogger(__name__)

SWEEP_BATCH = 500


@shared_task(ignore_result=True)
def run_message(message_id: int) -> bool:
    """Run the message's task inline and mark it done, in one transaction.

    The row is locked while the task runs (skipping it if another worker holds it), so
    a second delivery of the same message finds it locked or done and does nothing. A
    failure rolls back what the task wrote, records the error and leaves the row for the
    sweep. A task that asks Celery to retry it (``self.retry``) keeps what it wrote (its
    own record of the failure) and is retried by the sweep instead.
    """
    with transaction.atomic():
        rows = Message.objects.filter(pk=message_id)
        if connection.features.has_select_for_update_skip_locked:
            rows = rows.select_for_update(skip_locked=True)
        message = rows.first()
        if message is None or message.done_at is not None:
            return False
        error = ""
        try:
            with transaction.atomic():
                try:
                    task(message.task)(*message.args)
                except Retry as retry:
                    error = f"The task asked to be retried: {retry.exc or retry.message or ''}"
        except Exception:
            error = traceback.format_exc()
        now = timezone.now()
        if not error:
            message.done_at = now
            message.save(update_fields=["done_at"])
            return True
        message.attempts += 1
        message.last_error = error[-10_000:]
        message.dispatched_at = now
        message.save(update_fields=["attempts", "last_error", "dispatched_at"])
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
