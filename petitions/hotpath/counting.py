"""The petition counter: the one place that changes a petition's count.

Callers are the status-changing services (``petitions.signatures``,
``petitions.signing.services``); each calls ``add()`` inside its own transaction, so a
signature's status and the count move together or not at all.

Two ways to count, chosen by ``PETITIONS_COUNTER_SHARDS``:

- 0 (the default): ``Petition.signature_count`` is updated in place. Every counted
  signature on one petition queues on that one row lock until its transaction commits.
- N > 0: each change goes to one of N ``CountShard`` rows picked at random, so up to N
  transactions count at once; the count is the column plus the shards
  (``Petition.current_count``).

``docs/architecture.md`` ("Petitions") gives the measurements behind the choice.

What it buys: with shards, many petitions' signers can be counted at once instead of
queueing on one row lock (about 1.8x the signatures a second in docs/architecture.md's
pgbench run; ``make bench counter``).
"""

import random

from django.conf import settings
from django.db import connection
from django.db.models import F, Value
from django.db.models.functions import Greatest
from django.utils import timezone

from lib.tasks import after_commit

from ..models import CountShard, Milestone, Petition

_random = random.Random()  # noqa: S311 - spreads writes over rows; nothing secret


def add(petition_id: int, delta: int) -> None:
    """Add ``delta`` (may be negative) to a petition's count, in the caller's transaction.

    Callers make this their last statement, so the row lock it takes is held only for
    the commit. A milestone that the new count reaches is stamped in the same
    transaction.
    """
    if not delta:
        return
    now = timezone.now()
    shards = settings.PETITIONS_COUNTER_SHARDS
    if shards > 0:
        # The petition row is not written at all: that is the point.
        _add_to_shard(petition_id, delta, _random.randrange(shards), now)
    elif delta > 0 and connection.vendor == "postgresql":
        if _add_and_mark_postgresql(petition_id, delta, now):
            _announce(petition_id)
        return
    else:
        new_count = F("signature_count") + delta
        if delta < 0:
            # Never below zero, even if the count had drifted; reconcile_counts repairs it.
            new_count = Greatest(new_count, Value(0))
        Petition.objects.filter(pk=petition_id).update(
            signature_count=new_count, count_updated_at=now
        )
    if delta > 0 and mark_milestones(petition_id, now=now):
        _announce(petition_id)


def stamp_and_announce(petition_id: int) -> int:
    """Stamp the thresholds the count has reached and announce them after commit."""
    stamped = mark_milestones(petition_id)
    if stamped:
        _announce(petition_id)
    return stamped


def _announce(petition_id: int) -> None:
    # Only when this transaction stamped a threshold: one outbox row, rarely.
    after_commit("petitions.tasks.announce_thresholds", petition_id)


def mark_milestones(petition_id: int, *, now=None) -> int:
    """Stamp every milestone the petition's count (shards included) has reached; return
    how many were stamped (the caller announces them)."""
    milestones = Milestone._meta.db_table
    petitions = Petition._meta.db_table
    shards = CountShard._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE {milestones} SET reached_at = %s
            WHERE petition_id = %s AND reached_at IS NULL AND threshold <= (
                SELECT p.signature_count + COALESCE(
                    (SELECT SUM(s.delta) FROM {shards} s WHERE s.petition_id = p.id), 0)
                FROM {petitions} p WHERE p.id = %s
            )
            """,  # noqa: S608 - table names come from the models, values are parameters
            [now or timezone.now(), petition_id, petition_id],
        )
        return cursor.rowcount


def _add_to_shard(petition_id: int, delta: int, shard: int, now) -> None:
    # An upsert: the shard row is created on first use, then incremented in place.
    table = CountShard._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {table} (petition_id, shard, delta, updated_at)
            VALUES (%s, %s, %s, %s)
            ON CONFLICT (petition_id, shard)
            DO UPDATE SET delta = {table}.delta + excluded.delta, updated_at = excluded.updated_at
            """,  # noqa: S608 - the table name comes from the model, values are parameters
            [petition_id, shard, delta, now],
        )


def _add_and_mark_postgresql(petition_id: int, delta: int, now) -> int:
    """The count and the milestones in one statement: one round trip on the hot path.

    Signing and confirming call this at the peak rate, so it saves the second statement
    that ``add()`` runs elsewhere (same effect, written in SQL).
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
              AND milestone.threshold <= counted.signature_count + COALESCE(
                  (SELECT SUM(delta) FROM {CountShard._meta.db_table} s
                   WHERE s.petition_id = counted.id), 0)
            """,  # noqa: S608 - table names come from the models, values are parameters
            [delta, now, petition_id, now],
        )
        return cursor.rowcount


def reset(petition_id: int, count: int) -> None:
    """Set a petition's count to ``count`` and empty its shards (reconcile_counts).

    The caller holds the petition row's lock; the shards are locked here, so an
    increment arriving meanwhile waits and then adds to the reset value.
    """
    list(CountShard.objects.select_for_update().filter(petition_id=petition_id))
    CountShard.objects.filter(petition_id=petition_id).exclude(delta=0).update(delta=0)
    Petition.objects.filter(pk=petition_id).update(
        signature_count=count, count_updated_at=timezone.now()
    )
    if mark_milestones(petition_id):
        _announce(petition_id)
