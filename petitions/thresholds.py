"""Thresholds that drive the work: where each stands, a projection, and announcing them.

A threshold is a ``Milestone`` ("N signatures", or "N within D days of opening"). The
count stamps ``reached_at`` in the transaction that reaches it (``hotpath.counting``),
which then queues ``announce_thresholds`` after commit: the sign path pays for it only
when a count actually passes a threshold.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Supporter
from lib.emails import send_templated
from lib.tasks import after_commit

from .models import Milestone, Petition, Signature
from .signals import threshold_reached

RATE_WINDOW = timedelta(hours=24)
# Confirmation links work for 14 days (``tokens``): a signature confirmed in the last 24
# hours was made within this much before, which bounds the scan to the newest rows of
# the (petition, status, created_at) index.
SIGNED_WITHIN = timedelta(days=15)


@dataclass(frozen=True)
class ThresholdState:
    """A threshold as the petition page and the dashboard show it."""

    milestone: Milestone
    deadline: datetime | None
    reached_at: datetime | None
    met: bool  # reached, in time
    missed: bool  # deadline passed first (reached late, or never)
    projected_at: datetime | None  # at the last 24 hours' rate; None if no rate
    too_late: bool  # the projection falls after the deadline


def recent_rate(petition: Petition, *, now: datetime | None = None) -> int:
    """Signatures confirmed in the 24 hours before ``now``: the rate, per day."""
    now = now or timezone.now()
    return (
        Signature.objects.filter(
            petition=petition,
            status=Signature.Status.CONFIRMED,
            created_at__gte=now - SIGNED_WITHIN,
            confirmed_at__gt=now - RATE_WINDOW,
            confirmed_at__lte=now,
        )
        .order_by()
        .count()
    )


def projection(count: int, threshold: int, per_day: int, now: datetime) -> datetime | None:
    """When ``threshold`` is reached from ``count`` at ``per_day``; None without a rate."""
    if count >= threshold:
        return now
    if per_day <= 0:
        return None
    return now + timedelta(days=(threshold - count) / per_day)


def threshold_states(petition: Petition, *, now: datetime | None = None) -> list[ThresholdState]:
    """Every threshold of the petition, with its deadline, state and projection.

    One query for the rate, and only when some threshold is still ahead.
    """
    now = now or timezone.now()
    milestones = list(petition.milestones.all())
    for milestone in milestones:
        milestone.petition = petition  # no query per milestone for its deadline
    count = petition.current_count
    ahead = [m for m in milestones if m.reached_at is None and not m.missed(now)]
    per_day = recent_rate(petition, now=now) if ahead and petition.is_open else 0
    states = []
    for milestone in milestones:
        deadline = milestone.deadline()
        projected = None
        if milestone in ahead:
            projected = projection(count, milestone.threshold, per_day, now)
        states.append(
            ThresholdState(
                milestone=milestone,
                deadline=deadline,
                reached_at=milestone.reached_at,
                met=milestone.met,
                missed=milestone.missed(now),
                projected_at=projected,
                too_late=bool(projected and deadline and projected > deadline),
            )
        )
    return states


def announce_thresholds(*, petition_id: int) -> list[int]:
    """Announce every threshold of the petition reached and not yet announced.

    Side effects: ``announced_at`` stamped (once: the rows are claimed under their
    lock, so a repeated task finds nothing to do); after commit, a mail to each of the
    campaign's active managers, in their language (``send_threshold_mail``, a task that
    retries); the ``threshold_reached`` signal sent in the transaction (an app holding
    an update prepared for the threshold sends it). Returns the thresholds announced.
    """
    with transaction.atomic():
        milestones = list(
            Milestone.objects.select_for_update()
            .filter(petition_id=petition_id, reached_at__isnull=False, announced_at__isnull=True)
            .order_by("threshold")
        )
        if not milestones:
            return []
        Milestone.objects.filter(pk__in=[m.pk for m in milestones]).update(
            announced_at=timezone.now()
        )
        petition = Petition.objects.select_related("campaign").get(pk=petition_id)
        managers = list(
            petition.campaign.managers.filter(is_active=True)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        for milestone in milestones:
            threshold_reached.send(sender=Milestone, milestone_id=milestone.pk)
            for user_id in managers:
                after_commit("petitions.tasks.mail_threshold_reached", milestone.pk, user_id)
    return [m.threshold for m in milestones]


def send_threshold_mail(*, milestone_id: int, user_id: int) -> None:
    """Tell one manager that a threshold was reached (raises ``MailNotSent`` to retry)."""
    milestone = Milestone.objects.select_related("petition__campaign").get(pk=milestone_id)
    manager = get_user_model().objects.get(pk=user_id)
    # A manager's language is the one their supporter record keeps (accounts).
    language = (
        Supporter.objects.filter(user=manager).values_list("language", flat=True).first()
        or settings.LANGUAGE_CODE
    )
    petition = milestone.petition
    send_templated(
        "petition_threshold_reached",
        to=[manager.email],
        language=language,
        context={
            "petition": petition,
            "milestone": milestone,
            "met": milestone.met,
            "deadline": milestone.deadline(),
            "page_url": settings.SITE_URL + petition.get_absolute_url(),
            "dashboard_url": settings.SITE_URL
            + reverse("petitions:manage_dashboard", args=[petition.pk]),
        },
    )
