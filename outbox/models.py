"""One row per piece of after-commit work (mail, PDFs, Stripe events, jobs).

The row is written in the transaction whose change asked for the work, so it exists
if and only if that change committed. ``outbox.tasks.run_message`` claims it (a lease
in ``started_at``), runs it outside any transaction of its own (a delivery pack may run
for minutes and must show its progress), then marks it done; the sweep hands undone
rows to Celery again.
"""

from datetime import timedelta

from django.db import models
from django.db.models import Q
from django.utils import timezone

# Retries wait 2**attempts minutes, at most six hours; after MAX_ATTEMPTS the sweep
# leaves the row alone (it stays undone, listed first in the admin).
MAX_ATTEMPTS = 10
MAX_BACKOFF = timedelta(hours=6)
# A row handed to the broker this long ago and still not done is handed over again
# (the broker lost it, or the worker died before it could run).
STALE_AFTER = timedelta(seconds=60)
# A run claimed this long ago and not done is taken to have died with its worker (the
# broker's visibility timeout, CELERY_BROKER_TRANSPORT_OPTIONS, is the same hour).
LEASE = timedelta(hours=1)


def backoff(attempts: int) -> timedelta:
    """How long after a failed attempt the next one is due."""
    return min(timedelta(minutes=2**attempts), MAX_BACKOFF)


class MessageQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(done_at__isnull=True)

    def due(self, now=None):
        """Undone rows the sweep should hand over again: never handed over, or handed
        over more than STALE_AFTER ago, and (after failures) past their backoff."""
        now = now or timezone.now()
        stale = Q(dispatched_at__isnull=True) | Q(dispatched_at__lt=now - STALE_AFTER)
        # One condition per attempt count keeps the query portable (no interval maths).
        retry_due = Q(attempts=0)
        for attempts in range(1, MAX_ATTEMPTS):
            retry_due |= Q(attempts=attempts, dispatched_at__lt=now - backoff(attempts))
        running = Q(started_at__isnull=False, started_at__gte=now - LEASE)
        return self.pending().filter(stale, retry_due).exclude(running).order_by("created_at")


class Message(models.Model):
    task = models.CharField(
        max_length=200, help_text="Celery task name, e.g. petitions.tasks.send_confirmation."
    )
    args = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    dispatched_at = models.DateTimeField(
        null=True, blank=True, help_text="Last hand-over to the broker (or last attempt)."
    )
    started_at = models.DateTimeField(
        null=True, blank=True, help_text="When a worker claimed it (cleared if the run failed)."
    )
    claimed_by = models.CharField(
        max_length=200,
        blank=True,
        help_text="The run holding the claim: Celery node, process id, thread (outbox.claims).",
    )
    attempts = models.PositiveSmallIntegerField(default=0, help_text="Failed runs so far.")
    done_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    objects = MessageQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=Q(done_at__isnull=True),
                name="outbox_pending_idx",
            ),
            # The runs in progress, a handful however long the queue: every run first
            # looks for its runner's stale claims (outbox.claims.release_own), which
            # without this read every undone row, so a backlog slowed each message
            # that would clear it.
            models.Index(
                fields=["started_at"],
                condition=Q(done_at__isnull=True, started_at__isnull=False),
                name="outbox_running_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task}{tuple(self.args)}"

    @property
    def gave_up(self) -> bool:
        return self.done_at is None and self.attempts >= MAX_ATTEMPTS
