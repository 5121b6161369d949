"""Print batches: staff jobs that merge ready letters into one PDF to post."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from campaigns.models import Target
from lib.models import Job
from lib.storage import private_storage


class PrintBatch(Job):
    """Staff job: the ready letters to one official merged into one PDF to print and post.

    A ``lib.models.Job``: the status map, progress, error, attempts, who started it and
    the ``generation`` (raised when a letter of the batch is erased during the build,
    see ``lib.jobs``) are shared; a finished batch may further be marked as posted.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to start")
        RUNNING = "running", _("Making the PDF")
        DONE = "done", _("Ready to print")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")
        POSTED = "posted", _("Posted")

    TRANSITIONS = {**Job.TRANSITIONS, Status.DONE: {Status.POSTED}, Status.POSTED: set()}

    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    target = models.ForeignKey(
        Target, verbose_name=_("official"), on_delete=models.PROTECT, related_name="print_batches"
    )
    envelopes = models.BooleanField(_("with an envelope page for each letter"), default=False)
    # Progress counts letters out of ``total``, the batch's own count: Job's ``expected``
    # would say the same thing twice.
    total = models.PositiveIntegerField(_("letters"), default=0)
    expected = None
    page_count = models.PositiveIntegerField(_("pages"), default=0)
    file = models.FileField(_("PDF"), storage=private_storage, blank=True, editable=False)
    posted_at = models.DateTimeField(_("posted"), null=True, blank=True)

    class Meta(Job.Meta):
        verbose_name = _("print batch")
        verbose_name_plural = _("print batches")

    def __str__(self) -> str:
        return f"{self.target} · {self.created_at:%Y-%m-%d %H:%M} ({self.total})"

    def get_absolute_url(self) -> str:
        return reverse("letters:manage_batch", args=[self.pk])

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.progress / self.total)) if self.total else 100
