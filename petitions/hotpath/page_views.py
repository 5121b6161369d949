"""Page views of petitions, counted by us without a database write per view.

Each view of a public petition page adds one to a counter in the shared cache, keyed by
the day and the petition's address (``petitions:views:<day>:<slug>``). A worker adds up
its views in memory and passes them on at most once a second (``PUSH_SECONDS``), all
counters in one Redis round trip (``SET NX EX`` to give a new counter its expiry, then
``INCRBY``), so a busy page costs no round trip per view; a worker that stops passes on
what it holds, and one that falls idle holds at most its last second of views until its
next request. Nothing about the visitor is kept: no address, no cookie, no third-party
script; only the number.

``flush()`` moves the counters into ``PageViewCount`` rows in one batch: Celery beat runs
it every few minutes (``petitions.tasks.flush_page_views``), cron can run
``manage.py flush_page_views``, and a petition's dashboard flushes before it reads. It
claims what it read with ``DECR`` by that amount, so views that arrive meanwhile stay
for the next flush, and a lock in the cache keeps two flushes from claiming twice.
Counters live ``KEEP_DAYS`` days, so a flush that did not run for a while loses nothing
younger than that. Without Redis (development), counters live in each process.

Addresses are fixed once a petition is published (the manager forms say so), which is
what makes the address a safe key. Counting never breaks a page: if the cache is down,
the view is not counted and the page is served.

What it buys: counting a view costs no database write and, in a busy worker, no
network round trip (``make bench pages`` counts views as it measures the page).
"""

import atexit
import logging
import re
import threading
import time
from collections.abc import Iterable
from contextlib import suppress
from datetime import date, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Q, Sum
from django.http import HttpRequest
from django.utils import timezone

from lib.cache import incr_counters

from ..models import PageViewCount, Petition

logger = logging.getLogger(__name__)

KEEP_DAYS = 3
KEEP_SECONDS = KEEP_DAYS * 24 * 60 * 60
LOCK_KEY = "petitions:views:flush-lock"
LOCK_SECONDS = 5 * 60
BATCH = 1000
# Link previews (chat apps, social sites) and crawlers fetch pages nobody reads.
NOT_A_READER = re.compile(
    r"bot\b|bot/|crawl|spider|slurp|facebookexternalhit|embedly|preview|curl/|wget/"
    r"|python-requests|go-http-client",
    re.IGNORECASE,
)


def _key(day: date, slug: str) -> str:
    return f"petitions:views:{day.isoformat()}:{slug}"


def is_reader(request: HttpRequest) -> bool:
    """A person's browser opening the page (not a prefetch, a crawler or a link preview)."""
    if request.method != "GET":
        return False
    # META, not .headers: this runs for every page view, and .headers parses them all.
    meta = request.META
    purpose = meta.get("HTTP_SEC_PURPOSE", "") or meta.get("HTTP_PURPOSE", "")
    if "prefetch" in purpose:
        return False
    return not NOT_A_READER.search(meta.get("HTTP_USER_AGENT", ""))


PUSH_SECONDS = 1.0
_held: dict[str, int] = {}
_held_lock = threading.Lock()
_last_push = time.monotonic()


def count(request: HttpRequest, slug: str) -> None:
    """Count one view of a public petition page, unless it is not a reader's."""
    global _last_push
    if not settings.PETITIONS_PAGE_VIEWS or not is_reader(request):
        return
    key = _key(timezone.localdate(), slug)
    now = time.monotonic()
    with _held_lock:
        _held[key] = _held.get(key, 0) + 1
        due = now - _last_push >= PUSH_SECONDS
        if due:
            _last_push = now
    if due:
        push()


def push() -> None:
    """Pass this worker's held views on to the shared cache (one round trip)."""
    with _held_lock:
        batch = dict(_held)
        _held.clear()
    if not batch:
        return
    try:
        incr_counters([(key, KEEP_SECONDS, views) for key, views in batch.items()])
    except Exception:  # the page matters more than its counter; keep them for next time
        logger.warning("Could not pass %d page views to the cache", sum(batch.values()))
        with _held_lock:
            for key, views in batch.items():
                _held[key] = _held.get(key, 0) + views


def discard_held() -> None:
    """Forget views held in this process (tests start each from nothing)."""
    with _held_lock:
        _held.clear()


atexit.register(push)


def _days(today: date) -> list[date]:
    return [today - timedelta(days=back) for back in range(KEEP_DAYS)]


def _candidates(petition_ids: Iterable[int] | None) -> dict[str, int]:
    """Address -> id of every petition whose page may have been counted."""
    petitions = Petition.objects.filter(
        Q(published_at__isnull=False) | ~Q(status=Petition.Status.DRAFT)
    )
    if petition_ids is not None:
        petitions = petitions.filter(pk__in=list(petition_ids))
    return dict(petitions.values_list("slug", "pk"))


def pending(petition: Petition, *, today: date | None = None) -> dict[date, int]:
    """Views of the last ``KEEP_DAYS`` days still in the cache (not yet flushed)."""
    push()
    keys = {_key(day, petition.slug): day for day in _days(today or timezone.localdate())}
    found = cache.get_many(list(keys))
    return {keys[key]: int(value) for key, value in found.items() if int(value) > 0}


def flush(*, petition_ids: Iterable[int] | None = None, today: date | None = None) -> int | None:
    """Move counted views from the cache to ``PageViewCount`` rows; how many were moved.

    None if another flush holds the lock (it will move them). Side effects: the cache
    counters are decreased by what was moved; rows are added or increased in one
    transaction, and if that fails the counters get their views back.
    """
    push()  # this process's own views first (the dashboard's worker, a test)
    if not cache.add(LOCK_KEY, 1, timeout=LOCK_SECONDS):
        return None
    try:
        days = _days(today or timezone.localdate())
        keys = {
            _key(day, slug): (pk, day)
            for slug, pk in _candidates(petition_ids).items()
            for day in days
        }
        moved = 0
        names = list(keys)
        for start in range(0, len(names), BATCH):
            moved += _flush_keys({name: keys[name] for name in names[start : start + BATCH]})
        return moved
    finally:
        cache.delete(LOCK_KEY)


def _flush_keys(keys: dict[str, tuple[int, date]]) -> int:
    found = {key: int(value) for key, value in cache.get_many(list(keys)).items()}
    claimed = {key: views for key, views in found.items() if views > 0}
    for key, views in claimed.items():
        # A counter that expired a moment ago was still read: its views are recorded.
        with suppress(ValueError):
            cache.decr(key, views)
    rows = [(*keys[key], views) for key, views in claimed.items()]
    try:
        _add_rows(rows)
    except Exception:
        for key, views in claimed.items():
            _give_back(key, views)
        raise
    return sum(claimed.values())


def _give_back(key: str, views: int) -> None:
    """Return views to a counter after a failed write, creating it if it expired."""
    if not cache.add(key, views, timeout=KEEP_SECONDS):
        cache.incr(key, views)


def _add_rows(rows: list[tuple[int, date, int]]) -> None:
    """Add views to the day rows of each petition: one upsert per row, one transaction."""
    if not rows:
        return
    table = PageViewCount._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(
            f"""
            INSERT INTO {table} (petition_id, day, views) VALUES (%s, %s, %s)
            ON CONFLICT (petition_id, day)
            DO UPDATE SET views = {table}.views + excluded.views
            """,  # noqa: S608 - the table name comes from the model, values are parameters
            rows,
        )


def views_by_day(petition: Petition, start: date, end: date) -> dict[date, int]:
    """Views per day from ``start`` to ``end`` (inclusive): flushed rows plus the cache's."""
    views = dict(
        PageViewCount.objects.filter(petition=petition, day__range=(start, end)).values_list(
            "day", "views"
        )
    )
    try:
        for day, extra in pending(petition).items():
            if start <= day <= end:
                views[day] = views.get(day, 0) + extra
    except Exception:  # the database's figures are still worth showing
        logger.warning("Could not read unflushed views of petition %s", petition.pk)
    return views


def total_views(petition: Petition) -> int:
    """Every view counted for the petition: flushed rows plus the cache's."""
    total = PageViewCount.objects.filter(petition=petition).aggregate(total=Sum("views"))["total"]
    try:
        extra = sum(pending(petition).values())
    except Exception:  # the database's figures are still worth showing
        logger.warning("Could not read unflushed views of petition %s", petition.pk)
        extra = 0
    return (total or 0) + extra
