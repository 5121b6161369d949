"""The figures of a petition's dashboard: counts, days, countries, sources, milestones.

Read-only aggregates over the signature rows (a handful of GROUP BY queries, each using
the ``signature_listing`` index on petition, status and time) and the page views of
``petitions.page_views``. Nothing here names a signer.

Signatures per 100 views compares like with like: the signatures received since Sori
first counted a view of the page, against those views. Signatures from before (a
petition that opened before counting was switched on, demo data) have no views to be
divided by; counting them turned one view and fourteen signatures into "1400.0".
"""

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Min, Q
from django.utils import timezone
from django_countries import countries

from lib.days import day_number, day_starts

from ..hotpath import page_views
from ..models import Milestone, PageViewCount, Petition, Signature

logger = logging.getLogger(__name__)

DAYS = 30
TOP_COUNTRIES = 10
TOP_SOURCES = 15
# Fewer page views than this make signatures per 100 views mostly chance (a handful of
# visits on a quiet day, a link shared in one chat), so the dashboard says "not enough
# views yet" instead of a figure nobody should act on.
MIN_VIEWS_FOR_RATE = 100


def _percent(part: int, whole: int) -> float | None:
    """``part`` as a percentage of ``whole``; None when there is no whole to divide by."""
    return 100 * part / whole if whole else None


def _rate(signed: int, views: int) -> float | None:
    """Signatures per 100 views; None below ``MIN_VIEWS_FOR_RATE`` views."""
    return _percent(signed, views) if views >= MIN_VIEWS_FOR_RATE else None


@dataclass(frozen=True)
class Day:
    day: date
    views: int
    signed: int  # signatures received that day, all but those invalidated
    confirmed: int  # of those, the ones confirmed now

    @property
    def conversion(self) -> float | None:
        """Signatures per hundred page views; None below ``MIN_VIEWS_FOR_RATE`` views."""
        return _rate(self.signed, self.views)


@dataclass(frozen=True)
class Share:
    label: str
    count: int
    percent: float
    confirmed: int = 0


@dataclass
class PetitionStats:
    counted: int
    by_status: dict[str, int]
    days: list[Day]
    countries: list[Share]
    sources: list[Share]
    milestones: list[Milestone]
    views_total: int
    signed_total: int
    window: tuple[date, date]
    views_since: date | None = None  # the first day Sori counted a view of the page
    signed_since_views: int = 0  # signatures (all but invalidated) from that day on
    min_views: int = MIN_VIEWS_FOR_RATE

    @property
    def conversion_total(self) -> float | None:
        """Signatures per 100 views since views were first counted; None below
        ``MIN_VIEWS_FOR_RATE`` views."""
        return _rate(self.signed_since_views, self.views_total)

    @property
    def days_signed(self) -> int:
        return sum(day.signed for day in self.days)

    @property
    def days_views(self) -> int:
        return sum(day.views for day in self.days)

    @property
    def days_conversion(self) -> float | None:
        """The window's rate, counting only the days since views were first counted."""
        if self.views_since is None:
            return None
        signed = sum(day.signed for day in self.days if day.day >= self.views_since)
        return _rate(signed, self.days_views)


def window(petition: Petition, *, today: date | None = None) -> tuple[date, date]:
    """The ``DAYS`` days the dashboard shows: up to today, or up to the closing day."""
    end = today or timezone.localdate()
    if petition.closes_at is not None:
        end = min(end, timezone.localdate(petition.closes_at))
    return end - timedelta(days=DAYS - 1), end


def _per_day(petition: Petition, start: date, end: date) -> list[Day]:
    starts = day_starts(start, end)
    rows = (
        Signature.objects.filter(
            petition=petition, created_at__gte=starts[0], created_at__lt=starts[-1]
        )
        .exclude(status=Signature.Status.INVALIDATED)
        .annotate(day=day_number("created_at", starts))
        .values("day")
        .annotate(
            signed=Count("pk"),
            confirmed=Count("pk", filter=Q(status=Signature.Status.CONFIRMED)),
        )
        .order_by()
    )
    signed = {row["day"]: (row["signed"], row["confirmed"]) for row in rows}
    views = page_views.views_by_day(petition, start, end)
    days = []
    for number in range(len(starts) - 1):
        day = start + timedelta(days=number)
        received, confirmed = signed.get(number, (0, 0))
        days.append(Day(day=day, views=views.get(day, 0), signed=received, confirmed=confirmed))
    return days


def _countries(petition: Petition) -> list[Share]:
    """Countries of the counted signatures, the largest first; the rest as "Other"."""
    rows = list(
        petition.signatures.counted()
        .values("country")
        .annotate(n=Count("pk"))
        .order_by("-n", "country")
    )
    total = sum(row["n"] for row in rows) or 1
    shares = [
        Share(
            str(countries.name(row["country"]) or row["country"]), row["n"], 100 * row["n"] / total
        )
        for row in rows[:TOP_COUNTRIES]
    ]
    rest = sum(row["n"] for row in rows[TOP_COUNTRIES:])
    if rest:
        shares.append(Share("", rest, 100 * rest / total))  # the template says "Other"
    return shares


def _sources(petition: Petition, total: int) -> list[Share]:
    """``?ref=`` codes of the ``total`` signatures (all but invalidated), the most used first,
    with how many of each are confirmed."""
    rows = list(
        petition.signatures.exclude(status=Signature.Status.INVALIDATED)
        .values("source")
        .annotate(n=Count("pk"), confirmed=Count("pk", filter=Q(status=Signature.Status.CONFIRMED)))
        .order_by("-n", "source")[:TOP_SOURCES]
    )
    return [
        Share(row["source"], row["n"], 100 * row["n"] / (total or 1), row["confirmed"])
        for row in rows
    ]


def first_view_day(petition: Petition) -> date | None:
    """The first day a view of the petition's page was counted (flushed or not)."""
    days = []
    first = PageViewCount.objects.filter(petition=petition, views__gt=0).aggregate(Min("day"))
    if first["day__min"] is not None:
        days.append(first["day__min"])
    try:
        days.extend(page_views.pending(petition))
    except Exception:  # the database's figures are still worth showing
        logger.warning("Could not read unflushed views of petition %s", petition.pk)
    return min(days, default=None)


def petition_stats(petition: Petition, *, today: date | None = None) -> PetitionStats:
    """Everything the dashboard shows about one petition."""
    views_since = first_view_day(petition)
    counts = {"n": Count("pk")}
    if views_since is not None:
        midnight = day_starts(views_since, views_since)[0]
        counts["since"] = Count("pk", filter=Q(created_at__gte=midnight))
    by_status: dict[str, int] = defaultdict(int)
    signed_since_views = 0
    for row in petition.signatures.values("status").annotate(**counts).order_by():
        by_status[row["status"]] = row["n"]
        if row["status"] != Signature.Status.INVALIDATED:
            signed_since_views += row.get("since", 0)
    start, end = window(petition, today=today)
    signed_total = sum(
        n for status, n in by_status.items() if status != Signature.Status.INVALIDATED
    )
    return PetitionStats(
        counted=petition.current_count,
        by_status={status: by_status[status] for status in Signature.Status.values},
        days=_per_day(petition, start, end),
        countries=_countries(petition),
        sources=_sources(petition, signed_total),
        milestones=list(petition.milestones.all()),
        views_total=page_views.total_views(petition),
        signed_total=signed_total,
        window=(start, end),
        views_since=views_since,
        signed_since_views=signed_since_views,
    )
