"""A supporter's letter to one official, and its outgoing email to the official."""

import secrets
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import dateformat, timezone, translation
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from accounts.models import Supporter
from campaigns.models import Target
from lib.i18n import time_zone_for
from lib.states import check_transition
from lib.storage import private_storage
from lib.text import fill_placeholders, full_name

from .action import LANGUAGES, LetterAction


def new_token() -> str:
    return secrets.token_urlsafe(32)


def letter_date(day: date, language: str) -> str:
    """The date as a letter prints it: "30 November 2026" or "2026년 11월 30일"."""
    with translation.override(language):
        return dateformat.format(day, "Y년 n월 j일" if language == "ko" else "j F Y")


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
    # None once the letter is past retention (letters.retention): it still counts, but no
    # longer says who wrote it.
    supporter = models.ForeignKey(
        Supporter,
        verbose_name=_("supporter"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="letters",
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
        """The day the letter was written where its language is read: a Korean letter
        written at 00:30 in Seoul is dated that day, not the day before in UTC."""
        return timezone.localtime(self.written_at, ZoneInfo(time_zone_for(self.language))).date()

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
