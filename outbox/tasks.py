"""Running outbox messages, and the sweep that hands undone ones over again."""

import logging
import time
import traceback
from collections.abc import Callable
from datetime import timedelta

from celery import shared_task
from celery.exceptions import Retry
from django.conf import settings
from django.db import InterfaceError, OperationalError, connection
from django.db.models import Q
from django.utils import timezone

from lib.tasks import task

from . import claims
from .dispatch import hand_over
from .models import LEASE, MAX_ATTEMPTS, Message, backoff

logger = logging.getLogger(__name__)

SWEEP_BATCH = 500
# Errors that say the database cannot be reached (psycopg reports a lost or refused
# connection as OperationalError, a closed one as InterfaceError).
UNREACHABLE = (OperationalError, InterfaceError)
# How long a run keeps trying to record its end while the database is unreachable.
RECORD_PATIENCE_SECONDS = 120


@shared_task(ignore_result=True)
def run_message(message_id: int) -> bool:
    """Claim the message, run its task, mark it done.

    The claim is one conditional UPDATE (not done, not claimed within ``LEASE``), so a
    second delivery of the same message does nothing. The task runs outside any
    transaction of ours: a long job commits its own steps and shows its progress, and
    a withdrawal that must tell a running job to start again is never blocked behind
    it. Delivery is therefore at least once: a run that dies after the work and before
    marking it leaves the row to run again, which every task tolerates (each is
    idempotent by its own rows). The claim names its run (``claimed_by``), so the claim
    of a run known to be dead is taken back at once (``outbox.claims``), else when the
    lease ends. A failure records the error and releases the claim for the sweep (no
    attempt counted when the database itself went away). How a run ended is recorded
    even across a short database outage (``_record``). A task that asks Celery to
    retry it is retried by the sweep instead.
    """
    node = run_message.request.hostname
    me = claims.runner(node)
    claims.release_own(me)
    # A redelivery after its pool process was killed takes over if that process is gone.
    claimed = _claim(message_id, me) or (
        claims.release_dead(node, message_id=message_id, hand=False) > 0 and _claim(message_id, me)
    )
    if not claimed:
        return False
    message = Message.objects.get(pk=message_id)
    error = ""
    with claims.running(message_id):
        try:
            task(message.task)(*message.args)
        except Retry as retry:
            error = f"The task asked to be retried: {retry.exc or retry.message or ''}"
        except Exception:
            error = traceback.format_exc()
    done = Message.objects.filter(pk=message_id)
    if not error:
        # The work is done (a mail sent): recorded even if the database is away for a
        # moment, or another run would do it again.
        _record(lambda: done.update(done_at=timezone.now(), claimed_by=""))
        return True
    if _unreachable():
        # The database went away under the task: no fault of the work, so no attempt is
        # counted; the next sweep hands it over again.
        _record(lambda: done.update(started_at=None, claimed_by="", dispatched_at=None))
        logger.warning(
            "Outbox message %s (%s) stopped: the database was unreachable; it runs again.",
            message.pk,
            message.task,
        )
        return False
    message.attempts += 1
    message.last_error = error[-10_000:]
    message.dispatched_at = timezone.now()
    message.started_at = None
    message.claimed_by = ""
    fields = ["attempts", "last_error", "dispatched_at", "started_at", "claimed_by"]
    _record(lambda: message.save(update_fields=fields))
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


def _unreachable() -> bool:
    """Whether the database cannot be reached now (asked after a task failed)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except UNREACHABLE:
        return True
    except Exception:  # e.g. inside a broken transaction: cannot tell, so a plain failure
        return False
    return False


def _record(write: Callable[[], object]) -> None:
    """Run ``write``, which records how a run ended, waiting out a database outage of up
    to ``RECORD_PATIENCE_SECONDS`` (a restart, a failover) rather than leaving the claim
    behind for another run to repeat the work."""
    deadline = time.monotonic() + RECORD_PATIENCE_SECONDS
    pause = 0.2
    while True:
        try:
            write()
            return
        except UNREACHABLE:
            if time.monotonic() + pause > deadline:
                raise
            if not connection.in_atomic_block:
                connection.close_if_unusable_or_obsolete()  # reconnect on the next try
            time.sleep(pause)
            pause = min(2 * pause, 5)


def _claim(message_id: int, me: str) -> bool:
    """Claim an undone message nobody has claimed within ``LEASE``, for runner ``me``."""
    now = timezone.now()
    return bool(
        Message.objects.filter(pk=message_id, done_at__isnull=True)
        .filter(Q(started_at__isnull=True) | Q(started_at__lt=now - LEASE))
        .update(started_at=now, claimed_by=me)
    )


@shared_task(ignore_result=True)
def sweep(limit: int = SWEEP_BATCH) -> int:
    """Hand over again every undone message that is stale and due; the number handed.

    Run every minute by beat (``CELERY_BEAT_SCHEDULE["outbox-sweep"]``) or by cron
    (``manage.py relay_outbox``). First takes back (and hands over) the claims of this
    node's runs that died (``outbox.claims``)."""
    node = sweep.request.hostname
    claims.release_own(claims.runner(node))
    claims.release_dead(node)
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
