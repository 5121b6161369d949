"""Letter actions and the letters supporters write to officials.

A ``LetterAction`` holds a campaign's letter: the officials it goes to, a subject and
body template per language with ``{placeholders}``, how much supporters may change,
and how letters may be delivered. A ``Letter`` is one supporter's letter to one
official, with its own unguessable link. ``LetterDelivery`` is the outgoing email to
the official (queued / sending / sent / failed, attempts, last error), so retries are
visible. ``PrintBatch`` is a staff job that merges ready letters into one PDF to post.
"""

import secrets
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.core.signals import setting_changed
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Q
from django.dispatch import receiver
from django.urls import reverse
from django.utils import dateformat, timezone, translation
from django.utils.functional import LazyObject, empty
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from accounts.models import Supporter
from campaigns.models import Campaign, Target
from lib.states import check_transition
from lib.text import (
    fill_placeholders,
    free_slug,
    full_name,
    render_markdown,
    unknown_placeholders,
)

# Every placeholder a letter template may use; anything else is refused when saved.
PLACEHOLDERS = (
    "first_name",
    "last_name",
    "full_name",
    "city",
    "country",
    "target_name",
    "target_salutation",
    "date",
)
LANGUAGES = (("en", _("English")), ("ko", _("Korean")))


class PrivateStorage(LazyObject):
    """The "private" storage of ``STORAGES``, looked up when first used.

    Letters and print batches are personal data: this storage has no public URL and
    views stream its files after checking access. Lazy, like ``default_storage``, so
    that a change of ``STORAGES`` (tests) reaches the file fields too.
    """

    def _setup(self):
        self._wrapped = storages["private"]


private_files = PrivateStorage()


@receiver(setting_changed)
def _forget_private_storage(*, setting: str, **kwargs) -> None:
    if setting == "STORAGES":
        private_files._wrapped = empty


def private_storage():
    return private_files


def new_token() -> str:
    return secrets.token_urlsafe(32)


def placeholder_error(field_label: str, names: list[str]) -> str:
    listed = ", ".join(f"{{{name}}}" for name in names)
    known = ", ".join(f"{{{name}}}" for name in PLACEHOLDERS)
    return _(
        "%(field)s uses %(names)s, which is not a placeholder Sori can fill. "
        "Use only %(known)s, or write {{ and }} for literal braces."
    ) % {"field": field_label, "names": listed, "known": known}


def letter_date(day: date, language: str) -> str:
    """The date as a letter prints it: "30 November 2026" or "2026년 11월 30일"."""
    with translation.override(language):
        return dateformat.format(day, "Y년 n월 j일" if language == "ko" else "j F Y")


class LetterActionQuerySet(models.QuerySet):
    def open(self) -> "LetterActionQuerySet":
        """Actions a supporter can write today: open, in a live campaign."""
        return self.filter(status=LetterAction.Status.OPEN, campaign__status=Campaign.Status.LIVE)

    def managed_by(self, user) -> "LetterActionQuerySet":
        return self.filter(campaign__in=Campaign.objects.managed_by(user))


class LetterAction(models.Model):
    """A campaign's letter: its officials, templates in English and Korean, and rules."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    TRANSITIONS = {
        Status.DRAFT: {Status.OPEN},
        Status.OPEN: {Status.CLOSED, Status.DRAFT},
        Status.CLOSED: {Status.OPEN},
    }

    class TargetMode(models.TextChoices):
        ALL = "all", _("Each supporter writes to every official listed")
        CHOOSE = "choose", _("Supporters choose which of the officials to write to")

    class Editing(models.TextChoices):
        FIXED = "fixed", _("Fixed text: supporters add only their name and town")
        PARAGRAPH = "paragraph", _("Supporters may add a personal paragraph")
        FULL = "full", _("Supporters may rewrite the whole letter")

    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("campaign"),
        on_delete=models.PROTECT,
        related_name="letter_actions",
    )
    slug = models.SlugField(_("address"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(
        _("summary"), max_length=300, help_text=_("One or two sentences for lists and cards.")
    )
    intro = models.TextField(_("introduction"), blank=True, help_text=_("Markdown."))
    intro_html = models.TextField(editable=False, blank=True)
    targets = models.ManyToManyField(
        Target, verbose_name=_("officials"), related_name="letter_actions"
    )
    target_mode = models.CharField(
        _("officials"), max_length=10, choices=TargetMode.choices, default=TargetMode.ALL
    )
    subject_en = models.CharField(_("subject (English)"), max_length=200)
    body_en = models.TextField(
        _("letter (English)"),
        help_text=_(
            "The body of the letter, between the salutation and the closing, which Sori "
            "adds. Leave a blank line between paragraphs. Placeholders: {first_name}, "
            "{last_name}, {full_name}, {city}, {country}, {target_name}, "
            "{target_salutation}, {date}."
        ),
    )
    subject_ko = models.CharField(_("subject (Korean)"), max_length=200)
    body_ko = models.TextField(_("letter (Korean)"))
    editing = models.CharField(
        _("what supporters may change"),
        max_length=10,
        choices=Editing.choices,
        default=Editing.PARAGRAPH,
    )
    paragraph_max_length = models.PositiveIntegerField(
        _("longest personal paragraph (characters)"),
        default=1500,
        validators=[MinValueValidator(100), MaxValueValidator(5000)],
    )
    body_max_length = models.PositiveIntegerField(
        _("longest rewritten letter (characters)"),
        default=6000,
        validators=[MinValueValidator(500), MaxValueValidator(20000)],
    )
    deliver_download = models.BooleanField(
        _("supporters may print and post it themselves"), default=True
    )
    deliver_email = models.BooleanField(_("Sori may email it to the official"), default=True)
    deliver_print = models.BooleanField(_("staff may print and post it in a batch"), default=False)
    goal = models.PositiveIntegerField(_("goal (letters)"), null=True, blank=True)
    letter_count = models.PositiveIntegerField(_("letters written"), default=0, editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    published_at = models.DateTimeField(_("first opened"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = LetterActionQuerySet.as_manager()

    class Meta:
        verbose_name = _("letter action")
        verbose_name_plural = _("letter actions")
        ordering = ["position", "title"]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        self.intro_html = render_markdown(self.intro)
        if kwargs.get("update_fields") is not None and "intro" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "intro_html"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("letters:action", args=[self.slug])

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        for name in ("subject_en", "body_en", "subject_ko", "body_ko"):
            unknown = unknown_placeholders(getattr(self, name), PLACEHOLDERS)
            if unknown:
                label = capfirst(self._meta.get_field(name).verbose_name)
                errors.setdefault(name, []).append(placeholder_error(label, unknown))
        if not (self.deliver_download or self.deliver_email or self.deliver_print):
            errors.setdefault("deliver_download", []).append(
                _("Choose at least one way for letters to reach the official.")
            )
        if errors:
            raise ValidationError(errors)

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN and self.campaign.is_live

    @property
    def supporters_choose(self) -> bool:
        return self.target_mode == self.TargetMode.CHOOSE

    @property
    def allows_paragraph(self) -> bool:
        return self.editing == self.Editing.PARAGRAPH

    @property
    def allows_rewrite(self) -> bool:
        return self.editing == self.Editing.FULL

    def subject_template(self, language: str) -> str:
        return self.subject_ko if language == "ko" else self.subject_en

    def body_template(self, language: str) -> str:
        return self.body_ko if language == "ko" else self.body_en

    def set_status(self, status: str) -> None:
        check_transition(self.TRANSITIONS, self.status, status)
        self.status = status
        fields = ["status", "updated_at"]
        if status == self.Status.OPEN and self.published_at is None:
            self.published_at = timezone.now()
            fields.append("published_at")
        self.save(update_fields=fields)

    # Everything a copy takes over: the words, templates, rules and ways of delivery.
    COPIED_FIELDS = (
        "title",
        "summary",
        "intro",
        "target_mode",
        "subject_en",
        "body_en",
        "subject_ko",
        "body_ko",
        "editing",
        "paragraph_max_length",
        "body_max_length",
        "deliver_download",
        "deliver_email",
        "deliver_print",
        "goal",
    )

    @transaction.atomic
    def copy_as_draft(self, *, campaign: Campaign | None = None) -> "LetterAction":
        """A new draft with this action's words, templates, rules and officials.

        It gets a fresh address (``<slug>-copy``, ``-copy-2``...) and no letters, count
        or dates: a starting point for the next letter action.
        """
        copy = LetterAction.objects.create(
            campaign=campaign or self.campaign,
            slug=free_slug(
                f"{self.slug}-copy", lambda slug: LetterAction.objects.filter(slug=slug).exists()
            ),
            **{name: getattr(self, name) for name in self.COPIED_FIELDS},
        )
        copy.targets.set(self.targets.all())
        return copy


class LetterQuerySet(models.QuerySet):
    def drafts(self) -> "LetterQuerySet":
        return self.filter(status=Letter.Status.DRAFT)

    def committed(self) -> "LetterQuerySet":
        """Letters the supporter asked Sori to deliver (or that were delivered)."""
        return self.exclude(status=Letter.Status.DRAFT)

    def ready_to_print(self) -> "LetterQuerySet":
        return self.filter(status=Letter.Status.READY, print_batch__isnull=True)


class Letter(models.Model):
    """One supporter's letter to one official.

    At most one draft and one committed letter exist per supporter, action and
    official (two partial unique constraints): a second visit edits the draft, and a
    letter that was asked for delivery is never changed again. The text is stored as
    written, placeholders already filled, so the PDF never changes after delivery.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Written, not sent")
        READY = "ready", _("Waiting to be printed and posted")
        QUEUED = "queued", _("Waiting to be emailed")
        SENT = "sent", _("Emailed to the official")
        FAILED = "failed", _("Email could not be delivered")
        POSTED = "posted", _("Posted to the official")

    TRANSITIONS = {
        Status.DRAFT: {Status.READY, Status.QUEUED},
        Status.READY: {Status.POSTED},
        Status.QUEUED: {Status.SENT, Status.FAILED},
        # A failed email may be tried again, or printed and posted instead.
        Status.FAILED: {Status.QUEUED, Status.READY},
        Status.SENT: set(),
        Status.POSTED: set(),
    }

    class Delivery(models.TextChoices):
        NONE = "", _("None chosen")
        EMAIL = "email", _("Email to the official")
        POST = "post", _("Printed and posted by us")

    action = models.ForeignKey(
        LetterAction,
        verbose_name=_("letter action"),
        on_delete=models.PROTECT,
        related_name="letters",
    )
    supporter = models.ForeignKey(
        Supporter, verbose_name=_("supporter"), on_delete=models.CASCADE, related_name="letters"
    )
    target = models.ForeignKey(
        Target, verbose_name=_("official"), on_delete=models.PROTECT, related_name="letters"
    )
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    # The private link works for LETTERS_LINK_MAX_AGE_DAYS from here (see link_expired).
    token_issued_at = models.DateTimeField(default=timezone.now, editable=False)
    language = models.CharField(_("language"), max_length=8, choices=LANGUAGES)
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    city = models.CharField(_("town or city"), max_length=100)
    country = CountryField(_("country"))
    postal_address = models.TextField(_("postal address"), blank=True)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("letter"))
    personal_paragraph = models.TextField(_("personal paragraph"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    written_at = models.DateTimeField(
        _("written"), default=timezone.now, help_text=_("The date printed on the letter.")
    )
    revision = models.PositiveIntegerField(
        _("revision"),
        default=1,
        help_text=_("Goes up at each edit; a confirmation link names the revision it confirms."),
    )
    delivery = models.CharField(
        _("delivery asked for"), max_length=10, choices=Delivery.choices, blank=True
    )
    reply_to_supporter = models.BooleanField(_("replies may go to the supporter"), default=False)
    delivery_requested_at = models.DateTimeField(_("delivery asked for at"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("email confirmed at"), null=True, blank=True)
    pdf = models.FileField(_("stored PDF"), storage=private_storage, blank=True, editable=False)
    pdf_revision = models.PositiveIntegerField(default=0, editable=False)
    # The letter with an envelope page (``?envelope=1``), kept like ``pdf`` once asked for.
    envelope_pdf = models.FileField(
        _("stored PDF with envelope"), storage=private_storage, blank=True, editable=False
    )
    envelope_pdf_revision = models.PositiveIntegerField(default=0, editable=False)
    print_batch = models.ForeignKey(
        "PrintBatch",
        verbose_name=_("print batch"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="letters",
    )
    sent_at = models.DateTimeField(_("emailed at"), null=True, blank=True)
    posted_at = models.DateTimeField(_("posted at"), null=True, blank=True)
    last_delivery_error = models.TextField(_("last delivery error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = LetterQuerySet.as_manager()

    class Meta:
        verbose_name = _("letter")
        verbose_name_plural = _("letters")
        ordering = ["-updated_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["action", "supporter", "target"],
                condition=Q(status="draft"),
                name="letter_one_draft_per_official",
            ),
            models.UniqueConstraint(
                fields=["action", "supporter", "target"],
                condition=~Q(status="draft"),
                name="letter_one_committed_per_official",
            ),
        ]
        indexes = [models.Index(fields=["target", "status"], name="letter_target_status")]

    def __str__(self) -> str:
        return f"{self.action} → {self.target} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("letters:letter", args=[self.token])

    @property
    def full_name(self) -> str:
        return full_name(self.first_name, self.last_name)

    @property
    def link_expired(self) -> bool:
        """The private link is older than LETTERS_LINK_MAX_AGE_DAYS.

        Anyone holding the link sees the writer's name, town and letter, and links end
        up in browser histories, shared computers and forwarded mail: they stop working
        after a while. "See or erase my data" lists the writer's letters with new links.
        """
        age = timezone.now() - self.token_issued_at
        return age > timedelta(days=settings.LETTERS_LINK_MAX_AGE_DAYS)

    def renew_link(self) -> None:
        """Give the letter a new private link (the old one stops working)."""
        self.token = new_token()
        self.token_issued_at = timezone.now()
        self.save(update_fields=["token", "token_issued_at"])

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def written_on(self) -> date:
        return timezone.localdate(self.written_at)

    def country_name(self) -> str:
        with translation.override(self.language):
            return str(self.country.name) if self.country else ""

    def placeholder_values(self, day: date | None = None) -> dict[str, str]:
        """What each placeholder becomes in this letter, in the letter's language."""
        return {
            "first_name": self.first_name.strip(),
            "last_name": self.last_name.strip(),
            "full_name": self.full_name,
            "city": self.city.strip(),
            "country": self.country_name(),
            "target_name": self.target.display_name(self.language),
            "target_salutation": self.target.salutation(self.language),
            "date": letter_date(day or self.written_on, self.language),
        }

    def fill(self, subject: str, body: str, day: date | None = None) -> None:
        """Set subject and body from templates (the action's, or the supporter's own)."""
        values = self.placeholder_values(day)
        self.subject = " ".join(fill_placeholders(subject, values).split())[:200]
        self.body = fill_placeholders(body, values).strip()

    def set_status(self, status: str, *, fields: list[str] | tuple[str, ...] = ()) -> None:
        check_transition(self.TRANSITIONS, self.status, status)
        self.status = status
        self.save(update_fields=["status", "updated_at", *fields])

    def mark_sent(self, when: datetime) -> None:
        self.sent_at = when
        self.last_delivery_error = ""
        self.set_status(self.Status.SENT, fields=["sent_at", "last_delivery_error"])

    def mark_failed(self, error: str) -> None:
        self.last_delivery_error = error
        self.set_status(self.Status.FAILED, fields=["last_delivery_error"])

    def mark_posted(self, when: datetime) -> None:
        self.posted_at = when
        self.set_status(self.Status.POSTED, fields=["posted_at"])

    @property
    def pdf_is_current(self) -> bool:
        return bool(self.pdf) and self.pdf_revision == self.revision

    @property
    def envelope_pdf_is_current(self) -> bool:
        return bool(self.envelope_pdf) and self.envelope_pdf_revision == self.revision

    def pdf_filename(self) -> str:
        return f"letter-{self.action.slug}-{self.target_id}.pdf"


class LetterDeliveryQuerySet(models.QuerySet):
    def due(self, now: datetime) -> "LetterDeliveryQuerySet":
        return self.filter(status=LetterDelivery.Status.QUEUED, next_attempt_at__lte=now)


class LetterDelivery(models.Model):
    """The email of one letter to its official: an outgoing-mail row with its attempts.

    ``send_queued_letters`` claims due rows (``sending``), at most
    ``LETTERS_EMAILS_PER_OFFICIAL_PER_HOUR`` per official in any hour, and records the
    outcome: ``sent``, back to ``queued`` with a later ``next_attempt_at`` (back-off),
    or ``failed`` after the last attempt.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    letter = models.OneToOneField(
        Letter, verbose_name=_("letter"), on_delete=models.CASCADE, related_name="email_delivery"
    )
    target = models.ForeignKey(
        Target, verbose_name=_("official"), on_delete=models.PROTECT, related_name="+"
    )
    to_email = models.EmailField(_("sent to"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = LetterDeliveryQuerySet.as_manager()

    class Meta:
        verbose_name = _("letter email")
        verbose_name_plural = _("letter emails")
        ordering = ["next_attempt_at", "pk"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="delivery_due"),
            models.Index(fields=["target", "status", "sent_at"], name="delivery_target_sent"),
        ]

    def __str__(self) -> str:
        return f"{self.to_email} ({self.get_status_display()}, {self.attempts})"


class PrintBatch(models.Model):
    """Staff job: the ready letters to one official merged into one PDF to print and post."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to start")
        RUNNING = "running", _("Making the PDF")
        DONE = "done", _("Ready to print")
        FAILED = "failed", _("Failed")
        POSTED = "posted", _("Posted")

    TRANSITIONS = {
        Status.PENDING: {Status.RUNNING, Status.FAILED},
        Status.RUNNING: {Status.DONE, Status.FAILED},
        Status.DONE: {Status.POSTED},
        Status.FAILED: set(),
        Status.POSTED: set(),
    }

    target = models.ForeignKey(
        Target, verbose_name=_("official"), on_delete=models.PROTECT, related_name="print_batches"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    envelopes = models.BooleanField(_("with an envelope page for each letter"), default=False)
    total = models.PositiveIntegerField(_("letters"), default=0)
    progress = models.PositiveIntegerField(_("letters done"), default=0)
    page_count = models.PositiveIntegerField(_("pages"), default=0)
    file = models.FileField(_("PDF"), storage=private_storage, blank=True, editable=False)
    error = models.TextField(_("error"), blank=True)
    # Raised when a letter of the batch is erased while the batch is being built: the
    # builder starts again from the letters left rather than store a PDF holding it.
    generation = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    posted_at = models.DateTimeField(_("posted"), null=True, blank=True)

    class Meta:
        verbose_name = _("print batch")
        verbose_name_plural = _("print batches")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.target} · {self.created_at:%Y-%m-%d %H:%M} ({self.total})"

    def get_absolute_url(self) -> str:
        return reverse("letters:manage_batch", args=[self.pk])

    @property
    def percent(self) -> int:
        return round(100 * self.progress / self.total) if self.total else 100

    @property
    def is_working(self) -> bool:
        return self.status in {self.Status.PENDING, self.Status.RUNNING}

    def set_status(self, status: str, *, fields: list[str] | tuple[str, ...] = ()) -> None:
        check_transition(self.TRANSITIONS, self.status, status)
        self.status = status
        self.save(update_fields=["status", *fields])
