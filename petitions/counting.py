"""The petition counter: the one place that changes ``Petition.signature_count``.

Callers are the status-changing services in ``petitions.services``; each calls
``add()`` inside its own transaction, so a signature's status and the count move
together or not at all. ``docs/architecture.md`` ("Petitions") explains why the plain
``F()`` update is the default and when to switch to sharded counting.
"""

from django.db import connection
from django.db.models import F, OuterRef, Subquery, Value
from django.db.models.functions import Greatest
from django.utils import timezone

from .models import Milestone, Petition


def add(petition_id: int, delta: int) -> None:
    """Add ``delta`` (may be negative) to a petition's count, in the caller's transaction.

    The UPDATE takes the petition row's lock until the transaction commits, so callers
    run it as their last statement to keep that lock short. A milestone whose threshold
    the new count reaches is stamped in the same transaction.
    """
    if not delta:
        return
    now = timezone.now()
    if delta > 0 and connection.vendor == "postgresql":
        _add_and_mark_postgresql(petition_id, delta, now)
        return
    new_count = F("signature_count") + delta
    if delta < 0:
        # Never below zero, even if the count had drifted; reconcile_counts repairs drift.
        new_count = Greatest(new_count, Value(0))
    Petition.objects.filter(pk=petition_id).update(signature_count=new_count, count_updated_at=now)
    if delta > 0:
        mark_milestones(petition_id, now=now)


def mark_milestones(petition_id: int, *, now=None) -> int:
    """Stamp every milestone the petition's count has reached and that has no time yet."""
    current = Petition.objects.filter(pk=OuterRef("petition_id")).values("signature_count")[:1]
    return Milestone.objects.filter(
        petition_id=petition_id, reached_at__isnull=True, threshold__lte=Subquery(current)
    ).update(reached_at=now or timezone.now())


def _add_and_mark_postgresql(petition_id: int, delta: int, now) -> None:
    """The count and the milestones in one statement: one round trip on the hot path.

    Signing and confirming call this thousands of times a second at peak, so it saves
    the second statement that ``add()`` runs elsewhere (same effect, written in SQL).
    """
    petitions = Petition._meta.db_table
    milestones = Milestone._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH counted AS (
                UPDATE {petitions}
                SET signature_count = signature_count + %s, count_updated_at = %s
                WHERE id = %s
                RETURNING id, signature_count
            )
            UPDATE {milestones} AS milestone SET reached_at = %s
            FROM counted
            WHERE milestone.petition_id = counted.id
              AND milestone.reached_at IS NULL
              AND milestone.threshold <= counted.signature_count
            """,  # noqa: S608 - table names come from the models, values are parameters
            [delta, now, petition_id, now],
        )
