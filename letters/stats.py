"""The figures of a letter action's dashboard: letters by status, by official, by day, and
the emails to officials. Read-only aggregates; nothing here names a writer."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Q
from django.utils import timezone

from campaigns.models import Target
from lib.days import day_number, day_starts

from .models import Letter, LetterAction, LetterDelivery

DAYS = 30
FAILED_SHOWN = 20


@dataclass(frozen=True)
class OfficialRow:
    official: Target
    counts: dict[str, int]  # by Letter.Status

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def in_order(self) -> list[int]:
        """The counts in the order of ``Letter.Status`` (the table's columns)."""
        return [self.counts[status] for status in Letter.Status.values]


@dataclass(frozen=True)
class LetterDay:
    day: date
    written: int  # letters started that day (drafts included)
    committed: int  # of those, the ones the writer asked Sori to deliver or posted


@dataclass
class LetterStats:
    by_status: dict[str, int]
    officials: list[OfficialRow]
    deliveries: dict[str, int]  # emails to officials by LetterDelivery.Status
    failed: list[LetterDelivery]
    days: list[LetterDay]
    window: tuple[date, date]

    @property
    def total(self) -> int:
        return sum(self.by_status.values())

    @property
    def status_totals(self) -> list[int]:
        return [self.by_status[status] for status in Letter.Status.values]


def _per_day(action: LetterAction, start: date, end: date) -> list[LetterDay]:
    starts = day_starts(start, end)
    rows = (
        Letter.objects.filter(action=action, created_at__gte=starts[0], created_at__lt=starts[-1])
        .annotate(day=day_number("created_at", starts))
        .values("day")
        .annotate(written=Count("pk"), committed=Count("pk", filter=~Q(status=Letter.Status.DRAFT)))
        .order_by()
    )
    found = {row["day"]: (row["written"], row["committed"]) for row in rows}
    days = []
    for number in range(len(starts) - 1):
        written, committed = found.get(number, (0, 0))
        days.append(
            LetterDay(day=start + timedelta(days=number), written=written, committed=committed)
        )
    return days


def letter_stats(action: LetterAction, *, today: date | None = None) -> LetterStats:
    """Everything the dashboard shows about one letter action."""
    statuses = Letter.Status.values
    rows = (
        Letter.objects.filter(action=action)
        .values("target", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    by_status = dict.fromkeys(statuses, 0)
    per_official: dict[int, dict[str, int]] = {}
    for row in rows:
        by_status[row["status"]] += row["n"]
        per_official.setdefault(row["target"], dict.fromkeys(statuses, 0))[row["status"]] = row["n"]
    officials = Target.objects.in_bulk(list(per_official))
    deliveries = dict.fromkeys(LetterDelivery.Status.values, 0)
    for row in (
        LetterDelivery.objects.filter(letter__action=action)
        .values("status")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        deliveries[row["status"]] = row["n"]
    end = today or timezone.localdate()
    start = end - timedelta(days=DAYS - 1)
    return LetterStats(
        by_status=by_status,
        officials=sorted(
            (OfficialRow(officials[pk], counts) for pk, counts in per_official.items()),
            key=lambda row: row.official.name,
        ),
        deliveries=deliveries,
        failed=list(
            LetterDelivery.objects.filter(
                letter__action=action, status=LetterDelivery.Status.FAILED
            )
            .select_related("target")
            .order_by("-updated_at", "-pk")[:FAILED_SHOWN]
        ),
        days=_per_day(action, start, end),
        window=(start, end),
    )
