"""Signatures, and sign forms waiting to be signed (``SignatureRequest``)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from accounts.models import Supporter
from lib.text import full_name, initials

from .petition import Petition


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
    # move (petitions.signatures.change_signature_status) adjusts the petition's count.
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
    # petitions provider withdraws each signature and keeps the counts exact. None once
    # the signature is past retention (petitions.retention): it still counts, but no
    # longer says who signed it.
    supporter = models.ForeignKey(
        Supporter,
        verbose_name=_("supporter"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="signatures",
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
    # The 시·도 of a signer in Korea, from their postcode (``lib.kr_regions``); kept
    # without the postcode unless the petition keeps postcodes (``postcode_kept``).
    # db_default: rows written by code that predates the column (an older data
    # migration, a worker still running the previous release) get no region.
    region = models.CharField(_("region"), max_length=16, blank=True, default="", db_default="")
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
    """A sign form as it arrived, waiting for ``signing.intake.sign_waiting_requests``.

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
    # The validated form (``SignForm.signature_fields``): a ``SignerDetails`` as JSON.
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
