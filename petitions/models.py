from django.conf import settings
from django.db import models, transaction
from django.db.models import Max, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from accounts.models import Supporter
from campaigns.models import Campaign, Target
from lib.states import check_transition
from lib.storage import private_storage
from lib.text import free_slug, full_name, initials, render_markdown


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
            status__in=[Petition.Status.OPEN, Petition.Status.CLOSED, Petition.Status.DELIVERED],
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


class Petition(models.Model):
    """A petition of a campaign, addressed to officials, with a counter of confirmed names."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")
        DELIVERED = "delivered", _("Delivered")

    class FieldUse(models.TextChoices):
        OFF = "off", _("Not asked")
        OPTIONAL = "optional", _("Optional")
        REQUIRED = "required", _("Required")

    TRANSITIONS = {
        Status.DRAFT: {Status.OPEN},
        Status.OPEN: {Status.CLOSED, Status.DRAFT},
        Status.CLOSED: {Status.OPEN, Status.DELIVERED},
        Status.DELIVERED: {Status.CLOSED},
    }

    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("campaign"),
        on_delete=models.PROTECT,
        related_name="petitions",
    )
    slug = models.SlugField(_("address"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=300)
    body = models.TextField(_("text"), blank=True, help_text=_("Markdown."))
    body_html = models.TextField(editable=False, blank=True)
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
    # Confirmed signatures only. Changed in the same transaction as every status move
    # (petitions.services.change_signature_status); reconcile_counts proves it. With
    # sharded counting (PETITIONS_COUNTER_SHARDS) part of the count sits in CountShard
    # rows: read it as ``current_count``.
    signature_count = models.PositiveIntegerField(_("signatures"), default=0, editable=False)
    count_updated_at = models.DateTimeField(_("count changed"), null=True, editable=False)
    position = models.PositiveIntegerField(_("position"), default=0)
    published_at = models.DateTimeField(_("first opened"), null=True, blank=True, editable=False)
    # The last resort against a flood: genuine-looking signatures held because the
    # petition as a whole was over its rate limit. Kept in the database (not the cache)
    # so the manager dashboard can say it happened long after the counters expired.
    flood_held_at = models.DateTimeField(
        _("first held for a surge"), null=True, blank=True, editable=False
    )
    flood_held_count = models.PositiveIntegerField(_("held for a surge"), default=0, editable=False)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PetitionQuerySet.as_manager()

    class Meta:
        verbose_name = _("petition")
        verbose_name_plural = _("petitions")
        ordering = ["position", "-published_at", "title"]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        self.body_html = render_markdown(self.body)
        if kwargs.get("update_fields") is not None and "body" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "body_html"}
        super().save(*args, **kwargs)
        # Cached copies of the public page must not outlive an edit. Imported here
        # because the cache module renders templates that use this model.
        from . import page_cache

        slug, campaign_id = self.slug, self.campaign_id
        transaction.on_commit(lambda: page_cache.invalidate(slug, campaign_id=campaign_id))

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
        if self.status in (self.Status.CLOSED, self.Status.DELIVERED):
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

    def set_status(self, status: str) -> None:
        check_transition(self.TRANSITIONS, self.status, status)
        self.status = status
        fields = ["status", "updated_at"]
        if status == self.Status.OPEN and self.published_at is None:
            self.published_at = timezone.now()
            fields.append("published_at")
        if status == self.Status.DELIVERED:
            self.delivered_at = timezone.now()
            fields.append("delivered_at")
        self.save(update_fields=fields)

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
            title=self.title,
            summary=self.summary,
            body=self.body,
            goal=self.goal,
            requires_confirmation=self.requires_confirmation,
            postcode_field=self.postcode_field,
            city_field=self.city_field,
        )
        copy.targets.set(self.targets.all())
        Milestone.objects.bulk_create(
            Milestone(petition=copy, threshold=milestone.threshold)
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
    """A count worth celebrating (1,000, 10,000, ...); the time it was first reached."""

    petition = models.ForeignKey(
        Petition, verbose_name=_("petition"), on_delete=models.CASCADE, related_name="milestones"
    )
    threshold = models.PositiveIntegerField(_("signatures"))
    reached_at = models.DateTimeField(_("reached"), null=True, blank=True, editable=False)

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


class SignatureQuerySet(models.QuerySet):
    def counted(self) -> "SignatureQuerySet":
        """The signatures that make up Petition.signature_count."""
        return self.filter(status__in=Signature.COUNTED)

    def public(self) -> "SignatureQuerySet":
        """Counted signatures whose signer agreed to show a name."""
        return self.counted().exclude(display=Signature.Display.HIDDEN)

    def same_mailbox(self, address: str) -> "SignatureQuerySet":
        """Signatures by anyone whose address reaches the same inbox (gmail dots, +tags)."""
        return self.filter(supporter__in=Supporter.objects.same_mailbox(address))

    def for_review(self) -> "SignatureQuerySet":
        return self.filter(status=Signature.Status.REVIEW)


class Signature(models.Model):
    """One supporter's signature on one petition (never two: a database constraint)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for email confirmation")
        CONFIRMED = "confirmed", _("Confirmed")
        REVIEW = "review", _("Held for review")
        INVALIDATED = "invalidated", _("Invalidated")

    class Display(models.TextChoices):
        FULL = "full", _("My full name")
        INITIALS = "initials", _("My initials only")
        HIDDEN = "hidden", _("Do not show my name")

    class ReviewReason(models.TextChoices):
        NONE = "", _("None")
        RATE_IP = "rate_ip", _("Many signatures from one address")
        RATE_PETITION = "rate_petition", _("Sudden surge on this petition")
        HONEYPOT = "honeypot", _("Filled in the hidden field")
        CHALLENGE = "challenge", _("Browser check missing or failed")
        STAFF = "staff", _("Put on hold by staff")

    # Every allowed move. Which statuses count is in COUNTED; the service that applies a
    # move (petitions.services.change_signature_status) adjusts the petition's count.
    TRANSITIONS = {
        Status.PENDING: {Status.CONFIRMED, Status.REVIEW, Status.INVALIDATED},
        Status.REVIEW: {Status.CONFIRMED, Status.PENDING, Status.INVALIDATED},
        Status.CONFIRMED: {Status.REVIEW, Status.INVALIDATED},
        Status.INVALIDATED: {Status.PENDING, Status.CONFIRMED, Status.REVIEW},
    }
    COUNTED = frozenset({Status.CONFIRMED})
    # Held by the sign form's defences, not by staff: such a signature was never mailed
    # (Sori must not mail an address a bot typed); releasing it sends the confirmation.
    ABUSE_REASONS = frozenset(
        {
            ReviewReason.RATE_IP,
            ReviewReason.RATE_PETITION,
            ReviewReason.HONEYPOT,
            ReviewReason.CHALLENGE,
        }
    )

    # No index of its own: the unique (petition, supporter) and signature_listing indexes
    # both begin with the petition. One index fewer to update on every signature.
    petition = models.ForeignKey(
        Petition,
        verbose_name=_("petition"),
        on_delete=models.PROTECT,
        related_name="signatures",
        db_index=False,
    )
    # PROTECT: a supporter leaves through accounts.services.erase_supporter, whose
    # petitions provider withdraws each signature and keeps the counts exact.
    supporter = models.ForeignKey(
        Supporter, verbose_name=_("supporter"), on_delete=models.PROTECT, related_name="signatures"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PENDING
    )
    review_reason = models.CharField(
        _("reason for review"), max_length=16, choices=ReviewReason.choices, blank=True
    )
    # The name given with this signature, not the supporter's: anyone can type anyone's
    # address, so the name printed beside a signature (public list, delivery packs,
    # exports) is the one its signer gave when they signed, never a later form's.
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    display = models.CharField(
        _("name shown publicly"), max_length=10, choices=Display.choices, default=Display.INITIALS
    )
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    country = CountryField(_("country"))
    postcode = models.CharField(_("postcode"), max_length=20, blank=True)
    city = models.CharField(_("town or city"), max_length=100, blank=True)
    source = models.CharField(_("source"), max_length=40, blank=True)
    # Denormalised from the consent records (which stay the evidence) so exports can
    # filter on it without reading the consent history of every signer.
    wants_updates = models.BooleanField(_("wants updates"), default=False)
    ip_hash = models.CharField(_("address hash"), max_length=32, blank=True, editable=False)
    created_at = models.DateTimeField(_("signed"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    repeat_mailed_at = models.DateTimeField(
        _("last told of a repeat"), null=True, blank=True, editable=False
    )

    objects = SignatureQuerySet.as_manager()

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["petition", "supporter"], name="signature_one_per_supporter"
            ),
        ]
        indexes = [
            models.Index(fields=["petition", "status", "created_at"], name="signature_listing"),
            # Moderation looks across petitions by time (the trending report, windows).
            models.Index(fields=["created_at"], name="signature_created"),
        ]

    def __str__(self) -> str:
        return f"{self.supporter_id} on {self.petition_id} ({self.status})"

    @property
    def is_counted(self) -> bool:
        return self.status in self.COUNTED

    @property
    def public_name(self) -> str:
        """The name as the signer chose to show it; empty when hidden."""
        if self.display == self.Display.FULL:
            return self.full_name
        if self.display == self.Display.INITIALS:
            return initials(self.first_name, self.last_name)
        return ""

    @property
    def full_name(self) -> str:
        """The name given with this signature (see ``first_name``)."""
        return full_name(self.first_name, self.last_name)

    @property
    def needs_email_confirmation(self) -> bool:
        """The signer has not yet followed a confirmation link (or signed in)."""
        return self.confirmed_at is None and self.status in (
            self.Status.PENDING,
            self.Status.REVIEW,
        )

    def release_status(self) -> str:
        """Where a held signature goes when staff release it."""
        if self.confirmed_at is not None or not self.petition.requires_confirmation:
            return self.Status.CONFIRMED
        return self.Status.PENDING


class SignatureRequest(models.Model):
    """A sign form as it arrived, waiting for ``services.sign_waiting_requests``.

    Anonymous signing writes this one row in the request and does the rest in a task,
    so the request does the same work whether or not the address has signed before: a
    stranger cannot tell from the answer's timing. The row is deleted when processed.
    """

    petition = models.ForeignKey(
        Petition,
        verbose_name=_("petition"),
        on_delete=models.CASCADE,
        related_name="signature_requests",
    )
    # The validated form (``SignForm.signature_fields``): keyword arguments of sign_petition.
    data = models.JSONField(_("form"))
    ip_hash = models.CharField(_("address hash"), max_length=32, blank=True)
    review_reason = models.CharField(
        _("reason for review"), max_length=16, choices=Signature.ReviewReason.choices, blank=True
    )
    language = models.CharField(_("language"), max_length=8)
    # lib.text.email_key of the address: erasing a supporter deletes their waiting rows.
    email_key = models.CharField(_("mailbox key"), max_length=254, db_index=True)
    created_at = models.DateTimeField(_("received"), default=timezone.now, db_index=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)

    class Meta:
        verbose_name = _("signature request")
        verbose_name_plural = _("signature requests")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.petition_id} at {self.created_at:%Y-%m-%d %H:%M:%S}"


# Staff: moderation and delivery packs (issue 5, staff part) --------------------------


class ModerationAction(models.Model):
    """One bulk move by staff (release or invalidate), with every signature it moved.

    The moves are kept so that the action can be undone exactly: each signature goes
    back to the status (and review reason) it had, if nobody has moved it since.
    """

    class Kind(models.TextChoices):
        RELEASE = "release", _("Release from review")
        INVALIDATE = "invalidate", _("Invalidate")

    kind = models.CharField(_("action"), max_length=12, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    petition = models.ForeignKey(
        Petition,
        verbose_name=_("petition"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="moderation_actions",
    )
    criteria = models.JSONField(_("criteria"), default=dict)
    moved = models.PositiveIntegerField(_("signatures moved"), default=0)
    created_at = models.DateTimeField(_("when"), default=timezone.now)
    undone_at = models.DateTimeField(_("undone"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("undone by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    restored = models.PositiveIntegerField(_("signatures restored"), default=0)

    class Meta:
        verbose_name = _("moderation action")
        verbose_name_plural = _("moderation actions")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.moved} · {self.created_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("petitions:moderation_action", args=[self.pk])

    @property
    def can_undo(self) -> bool:
        return self.undone_at is None and self.moved > 0


class ModerationMove(models.Model):
    """One signature moved by a moderation action: where it came from and went to."""

    action = models.ForeignKey(
        ModerationAction, on_delete=models.CASCADE, related_name="moves", verbose_name=_("action")
    )
    # A withdrawn or erased signature takes its moves with it: nothing is left to undo.
    signature = models.ForeignKey(
        Signature, on_delete=models.CASCADE, related_name="+", verbose_name=_("signature")
    )
    from_status = models.CharField(max_length=12, choices=Signature.Status.choices)
    from_reason = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=12, choices=Signature.Status.choices)
    # The move stamped confirmed_at (a first confirmation): undo clears it again.
    stamped_confirmation = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("moderation move")
        verbose_name_plural = _("moderation moves")

    def __str__(self) -> str:
        return f"{self.signature_id}: {self.from_status} -> {self.to_status}"


class DeliveryPack(models.Model):
    """A PDF to hand a petition over: cover letter, totals by country, the signer list.

    Built by a background job (``petitions.delivery.build_delivery_pack``) that reports
    its progress; the PDF and the list it was made from (``manifest``, the CSV whose
    SHA-256 is printed on the last page) live in private storage, never at a URL.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to start")
        RUNNING = "running", _("Making the PDF")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    TRANSITIONS = {
        Status.PENDING: {Status.RUNNING, Status.FAILED},
        Status.RUNNING: {Status.DONE, Status.FAILED},
        Status.DONE: set(),
        Status.FAILED: set(),
    }

    petition = models.ForeignKey(
        Petition,
        verbose_name=_("petition"),
        on_delete=models.CASCADE,
        related_name="delivery_packs",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    language = models.CharField(
        _("language of the pack"),
        max_length=8,
        choices=[("en", _("English")), ("ko", _("Korean"))],
        default="en",
    )
    cover_letter = models.TextField(_("cover letter"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    expected = models.PositiveIntegerField(_("signatures expected"), default=0)
    progress = models.PositiveIntegerField(_("signatures done"), default=0)
    total = models.PositiveIntegerField(_("signatures listed"), default=0)
    page_count = models.PositiveIntegerField(_("pages"), default=0)
    sha256 = models.CharField(_("SHA-256 of the list"), max_length=64, blank=True)
    file = models.FileField(_("PDF"), storage=private_storage, blank=True, editable=False)
    manifest = models.FileField(
        _("list (CSV)"), storage=private_storage, blank=True, editable=False
    )
    error = models.TextField(_("error"), blank=True)
    # Raised when a signature the pack may list is withdrawn or erased while the pack is
    # being built: the builder compares it with the value it started from and starts
    # again rather than store a list naming someone who has left.
    generation = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("delivery pack")
        verbose_name_plural = _("delivery packs")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.petition} · {self.created_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("petitions:pack", args=[self.petition.slug, self.pk])

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.progress / self.expected)) if self.expected else 100

    @property
    def is_working(self) -> bool:
        return self.status in {self.Status.PENDING, self.Status.RUNNING}

    def set_status(self, status: str, *, fields: list[str] | tuple[str, ...] = ()) -> None:
        check_transition(self.TRANSITIONS, self.status, status)
        self.status = status
        self.save(update_fields=["status", *fields])
