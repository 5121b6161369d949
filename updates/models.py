"""Updates to supporters: what a manager tells the people who acted, and its sending.

An ``Update`` is the message (subject and Markdown body in each language) for a
petition, a letter action or a whole campaign. Sending it is an ``UpdateSend``, a
``lib.models.Job``; each person it goes to is one ``UpdateRecipient`` row, unique per
update and supporter, claimed before its message is sent, so nobody gets it twice.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Supporter
from campaigns.models import Campaign
from letters.models import LetterAction
from lib.models import Job, Translatable, keep_markdown_rendered
from lib.translated import Translated
from petitions.models import Petition


class UpdateQuerySet(models.QuerySet):
    def sent(self) -> "UpdateQuerySet":
        """Updates whose sending finished: the public ones (petition page, feed)."""
        return self.filter(send__status=Job.Status.DONE)

    def for_petition(self, petition: Petition) -> "UpdateQuerySet":
        """The petition's own updates and its campaign's updates to everyone."""
        return self.filter(
            Q(petition=petition)
            | Q(campaign_id=petition.campaign_id, petition=None, letter_action=None)
        )


class Update(Translatable):
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="updates"
    )
    petition = models.ForeignKey(
        Petition,
        verbose_name=_("petition"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="updates",
    )
    letter_action = models.ForeignKey(
        LetterAction,
        verbose_name=_("letter action"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="updates",
    )
    subject_en = models.CharField(_("subject (English)"), max_length=200, blank=True)
    subject_ko = models.CharField(_("subject (Korean)"), max_length=200, blank=True)
    body_en = models.TextField(_("text (English)"), blank=True, help_text=_("Markdown."))
    body_ko = models.TextField(_("text (Korean)"), blank=True, help_text=_("Markdown."))
    body_html_en = models.TextField(editable=False, blank=True)
    body_html_ko = models.TextField(editable=False, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Prepared for a threshold of its petition: sent by itself once the threshold is
    # reached (``updates.receivers``), as its writer would send it.
    send_at_threshold = models.ForeignKey(
        "petitions.Milestone",
        verbose_name=_("send when this threshold is reached"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="prepared_updates",
    )
    created_at = models.DateTimeField(_("written"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    subject = Translated("subject")
    body = Translated("body")
    body_html = Translated("body_html")

    TRANSLATED = ("subject", "body")
    REQUIRED = ("subject", "body")

    objects = UpdateQuerySet.as_manager()

    class Meta:
        verbose_name = _("update")
        verbose_name_plural = _("updates")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(petition=None) | Q(letter_action=None),
                name="update_one_action_at_most",
            )
        ]

    def __str__(self) -> str:
        return str(self.subject)

    def save(self, *args, **kwargs):
        keep_markdown_rendered(self, "body", kwargs)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("updates:detail", args=[self.pk])

    @property
    def scope(self):
        """What the update is about: the petition, the letter action or the campaign."""
        return self.petition or self.letter_action or self.campaign

    @property
    def sending(self) -> "UpdateSend | None":
        try:
            return self.send
        except UpdateSend.DoesNotExist:
            return None


class UpdateSend(Job):
    """Sending one update to its audience (a ``lib.models.Job``; ``expected`` is the
    number of recipients, ``progress`` how many have been dealt with)."""

    update = models.OneToOneField(
        Update, verbose_name=_("update"), on_delete=models.CASCADE, related_name="send"
    )

    class Meta(Job.Meta):
        verbose_name = _("sending of an update")
        verbose_name_plural = _("sendings of updates")

    def __str__(self) -> str:
        return f"{self.update} · {self.get_status_display()}"

    def get_absolute_url(self) -> str:
        return self.update.get_absolute_url()


class UpdateRecipient(models.Model):
    """One supporter an update goes to. The unique constraint and the claim (queued ->
    sending, one conditional UPDATE) make sure nobody gets an update twice."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        BOUNCED = "bounced", _("Refused (bouncing)")
        SKIPPED = "skipped", _("Skipped (left the audience)")

    update = models.ForeignKey(
        Update, verbose_name=_("update"), on_delete=models.CASCADE, related_name="recipients"
    )
    supporter = models.ForeignKey(
        Supporter, verbose_name=_("supporter"), on_delete=models.CASCADE, related_name="+"
    )
    language = models.CharField(_("language"), max_length=8, default="en")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    error = models.CharField(_("error"), max_length=300, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("recipient of an update")
        verbose_name_plural = _("recipients of updates")
        constraints = [
            models.UniqueConstraint(fields=["update", "supporter"], name="update_once_each")
        ]
        indexes = [models.Index(fields=["update", "status"], name="update_recipient_status")]

    def __str__(self) -> str:
        return f"{self.update_id} → {self.supporter_id}: {self.status}"
