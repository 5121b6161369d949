"""Writing and handing over outbox messages (``lib.tasks.after_commit`` calls ``after_commit``)."""

import logging

from django.db import transaction
from django.utils import timezone

from .models import Message

logger = logging.getLogger(__name__)


def after_commit(name: str, *args) -> None:
    """Write the message in the current transaction; hand it to Celery on commit.

    Outside a transaction (autocommit) the row is written and handed over at once.
    """
    message = Message.objects.create(task=name, args=list(args))
    transaction.on_commit(lambda: hand_over(message.pk), robust=True)


def hand_over(message_id: int) -> bool:
    """Give ``outbox.tasks.run_message`` to the broker (eager: run it now).

    A broker that refuses leaves the row for the sweep (its ``dispatched_at`` cleared so
    the next sweep takes it at once); the caller never sees the error.
    """
    from lib.tasks import task

    Message.objects.filter(pk=message_id).update(dispatched_at=timezone.now())
    try:
        task("outbox.tasks.run_message").delay(message_id)
    except Exception:
        logger.warning(
            "Outbox message %s could not be handed to the broker; the sweep will retry.",
            message_id,
            exc_info=True,
        )
        Message.objects.filter(pk=message_id, done_at__isnull=True).update(dispatched_at=None)
        return False
    return True
