"""The petition and what hangs off it: milestones, counter shards, page views per day."""

from datetime import timedelta

from django.db import models, transaction
from django.db.models import Max, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign, Target
from lib.models import MarkdownBody, Publishable, Translatable
from lib.text import free_slug
from lib.translated import LANGUAGE_CODES, Translated


class PetitionQuerySet(models.QuerySet):
    def with_current_count(self) -> "PetitionQuerySet":
        """Annotate what ``current_count`` needs, so a list costs one query."""
        shards = CountShard.objects.filter(petition=OuterRef("pk")).order_by().values("petition")
        return self.annotate(
            shard_total=Coalesce(Subquery(shards.annotate(total=Sum("delta")).values("total")), 0),
            shard_updated_at=Subquery(shards.annotate(last=Max("updated_at")).values("last")),
        )

    def public(self) -> "PetitionQuerySet":
        """Petitions anyone may see: published, in a campaign that is live or archived."""
        return self.filter(
            status__in=[
                Petition.Status.OPEN,
                Petition.Status.CLOSED,
                Petition.Status.DELIVERED,
                Petition.Status.RESPONDED,
            ],
            campaign__status__in=[Campaign.Status.LIVE, Campaign.Status.ARCHIVED],
        )

    def open(self) -> "PetitionQuerySet":
        """Petitions that take signatures now (status, opening and closing times, campaign)."""
        now = timezone.now()
        return self.filter(
            Q(opens_at__isnull=True) | Q(opens_at__lte=now),
            Q(closes_at__isnull=True) | Q(closes_at__gt=now),
            status=Petition.Status.OPEN,
            campaign__status=Campaign.Status.LIVE,
        )


class Petition(Translatable, MarkdownBody, Publishable):
    """A petition of a campaign, addressed to officials, with a counter of confirmed names.

    Its title, summary and text exist per language (``lib.translated``).
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")
        DELIVERED = "delivered", _("Delivered")
        # An official answered (``Response``); set by ``responses.record_response``.
        RESPONDED = "responded", _("Responded")

    class FieldUse(models.TextChoices):
        OFF = "off", _("Not asked")
        OPTIONAL = "optional", _("Optional")
        REQUIRED = "required", _("Required")

    TRANSITIONS = {
        Status.DRAFT: {Status.OPEN},
        Status.OPEN: {Status.CLOSED, Status.DRAFT},
        Status.CLOSED: {Status.OPEN, Status.DELIVERED, Status.RESPONDED},
        Status.DELIVERED: {Status.CLOSED, Status.RESPONDED},
        # Back to delivered (or closed) when the last response is deleted.
        Status.RESPONDED: {Status.DELIVERED, Status.CLOSED},
    }
    # No longer taking signatures.
    ENDED = frozenset({Status.CLOSED, Status.DELIVERED, Status.RESPONDED})
    PUBLISHED_STATUS = Status.OPEN
    STAMPS = {Status.CLOSED: "closed_at", Status.DELIVERED: "delivered_at"}
    TRANSLATED = ("title", "summary", "body")
    REQUIRED = ("title", "summary")

    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("campaign"),
        on_delete=models.PROTECT,
        related_name="petitions",
    )
    slug = models.SlugField(_("address"), max_length=80, unique=True)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    title_ko = models.CharField(_("title (Korean)"), max_length=200, blank=True)
    summary_en = models.CharField(_("summary (English)"), max_length=300, blank=True)
    summary_ko = models.CharField(_("summary (Korean)"), max_length=300, blank=True)
    targets = models.ManyToManyField(
        Target, verbose_name=_("addressed to"), blank=True, related_name="petitions"
    )
    goal = models.PositiveIntegerField(_("goal"), default=10_000)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    opens_at = models.DateTimeField(
        _("opens at"), null=True, blank=True, help_text=_("Empty: as soon as it is open.")
    )
    closes_at = models.DateTimeField(
        _("closes at"), null=True, blank=True, help_text=_("Past this time it is closed.")
    )
    requires_confirmation = models.BooleanField(
        _("signatures need email confirmation"),
        default=True,
        help_text=_("Signatures count only once the signer follows the link in our email."),
    )
    postcode_field = models.CharField(
        _("postcode"), max_length=10, choices=FieldUse.choices, default=FieldUse.OFF
    )
    city_field = models.CharField(
        _("town or city"), max_length=10, choices=FieldUse.choices, default=FieldUse.OFF
    )
    # Signers in Korea give a postcode only for their region (시·도), which is all that
    # is kept, unless the petition needs the full code (to deliver by constituency).
    postcode_kept = models.BooleanField(
        _("keep full Korean postcodes"),
        default=False,
        help_text=_("Off: only the region (시·도) of a signer in Korea is kept, not the postcode."),
    )
    # Confirmed signatures only. Changed in the same transaction as every status move
    # (petitions.signatures.change_signature_status); reconcile_counts proves it. With
    # sharded counting (PETITIONS_COUNTER_SHARDS) part of the count sits in CountShard
    # rows: read it as ``current_count``.
    signature_count = models.PositiveIntegerField(_("signatures"), default=0, editable=False)
    count_updated_at = models.DateTimeField(_("count changed"), null=True, editable=False)
    position = models.PositiveIntegerField(_("position"), default=0)
    # The last resort against a flood: genuine-looking signatures held because the
    # petition as a whole was over its rate limit. Kept in the database (not the cache)
    # so the manager dashboard can say it happened long after the counters expired.
    flood_held_at = models.DateTimeField(
        _("first held for a surge"), null=True, blank=True, editable=False
    )
    flood_held_count = models.PositiveIntegerField(_("held for a surge"), default=0, editable=False)
    # Stamped on every move to closed: with ``closes_at`` and ``delivered_at`` it says when
    # the petition ended, from which PETITIONS_RETENTION_DAYS count (petitions.retention).
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True, editable=False)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    title = Translated("title")
    summary = Translated("summary")

    objects = PetitionQuerySet.as_manager()

    class Meta:
        verbose_name = _("petition")
        verbose_name_plural = _("petitions")
        ordering = ["position", "-published_at", "title_en", "title_ko"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("petitions:detail", args=[self.slug])

    @property
    def is_public(self) -> bool:
        return self.status != self.Status.DRAFT and self.campaign.status in (
            Campaign.Status.LIVE,
            Campaign.Status.ARCHIVED,
        )

    @property
    def has_closed(self) -> bool:
        """Closed by status, or open with its closing time passed."""
        if self.status in self.ENDED:
            return True
        return self.closes_at is not None and self.closes_at <= timezone.now()

    @property
    def opens_later(self) -> bool:
        return (
            self.status == self.Status.OPEN
            and self.opens_at is not None
            and self.opens_at > timezone.now()
        )

    @property
    def is_open(self) -> bool:
        """Takes signatures now: open, between its times, in a live campaign."""
        return (
            self.status == self.Status.OPEN
            and not self.has_closed
            and not self.opens_later
            and self.campaign.is_live
        )

    def seconds_until_change(self) -> float | None:
        """Seconds until the petition opens or closes by the clock, if it will."""
        now = timezone.now()
        moments = [m for m in (self.opens_at, self.closes_at) if m is not None and m > now]
        return min((m - now).total_seconds() for m in moments) if moments else None

    @transaction.atomic
    def copy_as_draft(self, *, campaign: Campaign | None = None) -> "Petition":
        """A new draft with this petition's words, officials, goal and milestones.

        It gets a fresh address (``<slug>-copy``, ``-copy-2``...) and no signatures,
        counts, dates or history: a starting point for the next petition.
        """
        copy = Petition.objects.create(
            campaign=campaign or self.campaign,
            slug=free_slug(
                f"{self.slug}-copy", lambda slug: Petition.objects.filter(slug=slug).exists()
            ),
            goal=self.goal,
            requires_confirmation=self.requires_confirmation,
            postcode_field=self.postcode_field,
            postcode_kept=self.postcode_kept,
            city_field=self.city_field,
            **{
                f"{name}_{code}": getattr(self, f"{name}_{code}")
                for name in self.TRANSLATED
                for code in LANGUAGE_CODES
            },
        )
        copy.targets.set(self.targets.all())
        Milestone.objects.bulk_create(
            Milestone(
                petition=copy,
                threshold=milestone.threshold,
                within_days=milestone.within_days,
                label_en=milestone.label_en,
                label_ko=milestone.label_ko,
            )
            for milestone in self.milestones.all()
        )
        return copy

    def _shard_figures(self) -> tuple[int, object]:
        if not hasattr(self, "shard_total"):
            figures = self.count_shards.aggregate(total=Sum("delta"), last=Max("updated_at"))
            self.shard_total = figures["total"] or 0
            self.shard_updated_at = figures["last"]
        return self.shard_total, self.shard_updated_at

    @property
    def current_count(self) -> int:
        """The exact count: the column plus whatever sits in counter shards."""
        return self.signature_count + self._shard_figures()[0]

    @property
    def current_count_changed_at(self):
        """When the count last changed, shards included."""
        moments = [m for m in (self.count_updated_at, self._shard_figures()[1]) if m]
        return max(moments) if moments else None

    def next_milestone(self, count: int | None = None) -> int:
        """The next threshold to reach: the smallest milestone above the count, else the goal."""
        count = self.current_count if count is None else count
        thresholds = sorted(m.threshold for m in self.milestones.all())
        for threshold in thresholds:
            if threshold > count:
                return threshold
        return max([self.goal, *thresholds]) or 1

    def asks(self, field: str) -> bool:
        return getattr(self, f"{field}_field") != self.FieldUse.OFF

    def requires(self, field: str) -> bool:
        return getattr(self, f"{field}_field") == self.FieldUse.REQUIRED


class Milestone(models.Model):
    """A threshold: "N signatures", or "N within D days of opening", with what it brings.

    "10,000 → response, 100,000 → debate"; the 국민동의청원's "50,000 within 30 days →
    committee". ``reached_at`` is stamped once, in the transaction whose count reaches
    it (``hotpath.counting``), whether or not the deadline had passed: the page then
    says honestly that it came too late. ``announced_at`` is stamped once by the task
    that mails the managers (``petitions.thresholds.announce_thresholds``).
    """

    petition = models.ForeignKey(
        Petition, verbose_name=_("petition"), on_delete=models.CASCADE, related_name="milestones"
    )
    threshold = models.PositiveIntegerField(_("signatures"))
    within_days = models.PositiveSmallIntegerField(
        _("within days of opening"),
        null=True,
        blank=True,
        help_text=_("Empty: no deadline."),
    )
    label_en = models.CharField(
        _("what it brings (English)"),
        max_length=100,
        blank=True,
        help_text=_("For example “response”, “debate”, “committee”."),
    )
    label_ko = models.CharField(_("what it brings (Korean)"), max_length=100, blank=True)
    reached_at = models.DateTimeField(_("reached"), null=True, blank=True, editable=False)
    announced_at = models.DateTimeField(_("announced"), null=True, blank=True, editable=False)

    label = Translated("label")

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["threshold"]
        constraints = [
            models.UniqueConstraint(fields=["petition", "threshold"], name="milestone_unique"),
            models.CheckConstraint(condition=Q(threshold__gt=0), name="milestone_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.threshold:,}"

    def deadline(self):
        """When it must be reached by, if it has a deadline and the petition has opened."""
        if self.within_days is None:
            return None
        opened = self.petition.opens_at or self.petition.published_at
        return opened + timedelta(days=self.within_days) if opened else None

    @property
    def met(self) -> bool:
        """Reached, and in time."""
        deadline = self.deadline()
        return self.reached_at is not None and (deadline is None or self.reached_at <= deadline)

    def missed(self, now=None) -> bool:
        """Its deadline passed before it was reached (reached late, or not at all)."""
        deadline = self.deadline()
        if deadline is None:
            return False
        if self.reached_at is not None:
            return self.reached_at > deadline
        return (now or timezone.now()) > deadline


class CountShard(models.Model):
    """Part of a petition's count, when counting is sharded (PETITIONS_COUNTER_SHARDS > 0).

    Each increment goes to one of N rows chosen at random, so N transactions can count
    at once instead of queueing on the petition row; the count is the petition's
    column plus the sum of its shards. reconcile_counts folds them back to zero.
    """

    petition = models.ForeignKey(
        Petition, verbose_name=_("petition"), on_delete=models.CASCADE, related_name="count_shards"
    )
    shard = models.PositiveSmallIntegerField(_("shard"))
    delta = models.BigIntegerField(_("signatures"), default=0)
    updated_at = models.DateTimeField(_("changed"), null=True)

    class Meta:
        verbose_name = _("count shard")
        verbose_name_plural = _("count shards")
        constraints = [
            models.UniqueConstraint(fields=["petition", "shard"], name="count_shard_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.petition_id}/{self.shard}: {self.delta}"


class PageViewCount(models.Model):
    """How often a petition's public page was viewed on one day (a local date).

    Views are counted in the shared cache as they happen (``petitions.page_views``) and
    added here in batches by ``flush_page_views``: a page view never writes to the
    database. No address or other trace of the visitor is kept, only the number.
    """

    petition = models.ForeignKey(
        Petition,
        verbose_name=_("petition"),
        on_delete=models.CASCADE,
        related_name="page_view_counts",
    )
    day = models.DateField(_("day"))
    views = models.PositiveIntegerField(_("page views"), default=0)

    class Meta:
        verbose_name = _("page views of a day")
        verbose_name_plural = _("page views per day")
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(fields=["petition", "day"], name="page_view_count_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.petition_id} {self.day}: {self.views}"
