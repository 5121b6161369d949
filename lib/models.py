"""Abstract models and mixins every app uses the same way.

- ``MarkdownBody``: a ``body`` written in Markdown and its sanitised HTML, kept in step
  on every save (campaigns, petitions, letter actions).
- ``Publishable``: a status moved through a checked transition map, with the time of
  first publication stamped once (campaigns, petitions, letter actions).
- ``Job``: a long background job (delivery packs, print batches): status, progress,
  error, attempts, who started it, and a ``generation`` that tells the builder to start
  again when its rows change under it (``lib.jobs``).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lib.states import check_transition
from lib.text import render_markdown


class MarkdownBody(models.Model):
    """``body`` (Markdown) and ``body_html`` (rendered through nh3), kept in step."""

    body = models.TextField(_("text"), blank=True, help_text=_("Markdown."))
    body_html = models.TextField(editable=False, blank=True)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.body_html = render_markdown(self.body)
        if kwargs.get("update_fields") is not None and "body" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "body_html"}
        super().save(*args, **kwargs)


class Publishable(models.Model):
    """A status with a checked transition map, and the time it was first published.

    Subclasses define ``status`` (with ``choices``), ``TRANSITIONS`` and
    ``PUBLISHED_STATUS`` (the status that publishes), and an ``updated_at`` field.
    ``STAMPS`` maps further statuses to the time field stamped on every move to them.
    """

    published_at = models.DateTimeField(_("first published"), null=True, blank=True)

    TRANSITIONS: dict[str, set[str]] = {}
    PUBLISHED_STATUS = ""
    STAMPS: dict[str, str] = {}

    class Meta:
        abstract = True

    def set_status(self, status: str) -> None:
        """Move to ``status`` if the map allows it (``TransitionNotAllowed`` if not)."""
        check_transition(self.TRANSITIONS, self.status, status)
        self.status = status
        fields = ["status", "updated_at"]
        if status == self.PUBLISHED_STATUS and self.published_at is None:
            self.published_at = timezone.now()
            fields.append("published_at")
        if status in self.STAMPS:
            setattr(self, self.STAMPS[status], timezone.now())
            fields.append(self.STAMPS[status])
        self.save(update_fields=fields)


class Job(models.Model):
    """A long job worked in steps by a Celery task, shown with a progress bar.

    A new kind of job is a subclass with its own inputs and outputs; the status map,
    progress, error, attempts and restarts (``lib.jobs``) are shared.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to start")
        RUNNING = "running", _("Working")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    TRANSITIONS = {
        Status.PENDING: {Status.RUNNING, Status.FAILED, Status.CANCELLED},
        # Running -> pending: a worker died mid-job and the job is handed out again.
        Status.RUNNING: {Status.DONE, Status.FAILED, Status.CANCELLED, Status.PENDING},
        Status.DONE: set(),
        Status.FAILED: set(),
        Status.CANCELLED: set(),
    }
    WORKING = frozenset({Status.PENDING, Status.RUNNING})

    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    expected = models.PositiveIntegerField(_("steps expected"), default=0)
    progress = models.PositiveIntegerField(_("steps done"), default=0)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0, editable=False)
    # Raised when rows the job reads change under it (a withdrawal, an erasure): the
    # builder compares it with the value it started from and starts again (lib.jobs).
    generation = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-pk"]

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.progress / self.expected)) if self.expected else 100

    @property
    def is_working(self) -> bool:
        return self.status in self.WORKING

    def set_status(self, status: str, *, fields: list[str] | tuple[str, ...] = ()) -> None:
        check_transition(self.TRANSITIONS, self.status, status)
        self.status = status
        extra = list(fields)
        if status in (self.Status.DONE, self.Status.FAILED, self.Status.CANCELLED):
            self.finished_at = timezone.now()
            extra.append("finished_at")
        self.save(update_fields=["status", *dict.fromkeys(extra)])
