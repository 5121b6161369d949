"""What staff make: moderation actions (with every move, for undo) and delivery packs."""

from django.conf import settings
from django.db import models, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lib.models import Job
from lib.storage import private_storage

from .petition import Petition
from .signature import Signature


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


class DeliveryPack(Job):
    """A PDF to hand a petition over: cover letter, totals by country, the signer list.

    Built by a background job (``petitions.staff.delivery.build_delivery_pack``) that
    reports its progress; the PDF and the list it was made from (``manifest``, the CSV
    whose SHA-256 is printed on the last page) live in private storage, never at a URL.
    Status, progress, error, attempts and restarts are those of every ``lib.models.Job``:
    ``generation`` is raised when a signature the pack may list is withdrawn or erased
    while it is being built, and the builder starts again.
    """

    petition = models.ForeignKey(
        Petition,
        verbose_name=_("petition"),
        on_delete=models.CASCADE,
        related_name="delivery_packs",
    )
    language = models.CharField(
        _("language of the pack"),
        max_length=8,
        choices=[("en", _("English")), ("ko", _("Korean"))],
        default="en",
    )
    cover_letter = models.TextField(_("cover letter"), blank=True)
    total = models.PositiveIntegerField(_("signatures listed"), default=0)
    page_count = models.PositiveIntegerField(_("pages"), default=0)
    sha256 = models.CharField(_("SHA-256 of the list"), max_length=64, blank=True)
    file = models.FileField(_("PDF"), storage=private_storage, blank=True, editable=False)
    manifest = models.FileField(
        _("list (CSV)"), storage=private_storage, blank=True, editable=False
    )

    class Meta(Job.Meta):
        verbose_name = _("delivery pack")
        verbose_name_plural = _("delivery packs")

    def __str__(self) -> str:
        return f"{self.petition} · {self.created_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("petitions:pack", args=[self.petition.slug, self.pk])

    @classmethod
    def forget(cls, *, petition_ids, finished: Q, reason: str) -> int:
        """Keep these petitions' packs from listing someone any longer: the packs still
        being built start again (``generation`` raised, ``lib.jobs``), and the finished
        ones that ``finished`` selects lose their PDF and list after commit, keeping
        their record with ``reason`` as the error. Call inside a transaction; returns
        how many packs lost their files.

        Restarts come first, so that a builder about to store its file either waits
        for this transaction (and starts again) or has stored it already (and is
        found by ``finished``).
        """
        cls.objects.filter(petition_id__in=petition_ids, status__in=cls.WORKING).update(
            generation=F("generation") + 1
        )
        packs = list(
            cls.objects.filter(finished)
            .exclude(file="", manifest="")
            .only("pk", "file", "manifest")
        )
        storage = private_storage()
        for pack in packs:
            for name in (pack.file.name, pack.manifest.name):
                if name:
                    transaction.on_commit(lambda name=name: storage.delete(name))
        cls.objects.filter(pk__in=[pack.pk for pack in packs]).update(
            file="", manifest="", error=reason
        )
        return len(packs)
