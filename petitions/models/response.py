"""Officials' responses to a petition: one per official, in every language."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from campaigns.models import Target
from lib.models import MarkdownBody, Translatable

from .petition import Petition


class Response(Translatable, MarkdownBody):
    """What one official answered: the date, the text in each language, maybe a PDF.

    The PDF is the official's own letter, a public document shown with the text on the
    petition's page, so it lives in public media storage (never signers' data: that
    stays in ``lib.storage.private_storage``). Recorded and removed through
    ``petitions.responses`` (which moves the petition's status).
    """

    TRANSLATED = ("body",)
    REQUIRED = ("body",)

    petition = models.ForeignKey(
        Petition, verbose_name=_("petition"), on_delete=models.CASCADE, related_name="responses"
    )
    target = models.ForeignKey(
        Target, verbose_name=_("from"), on_delete=models.PROTECT, related_name="responses"
    )
    responded_on = models.DateField(_("date of the response"))
    pdf = models.FileField(
        _("the response as a PDF"),
        upload_to="responses/%Y/",
        blank=True,
        help_text=_("Optional: published with the response."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        ordering = ["responded_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["petition", "target"], name="response_one_per_target"),
        ]

    def __str__(self) -> str:
        return f"{self.target} ({self.responded_on:%Y-%m-%d})"

    def get_absolute_url(self) -> str:
        return reverse("petitions:detail", args=[self.petition.slug]) + f"#response-{self.pk}"
