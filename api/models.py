"""API tokens, foreign identifiers, webhooks and their deliveries.

A token is shown once, when it is made; only its SHA-256 is stored, so a copy of the
database cannot be used to call the API. A webhook keeps its secret in full, since
Sori must sign every delivery with it. Deliveries are rows (pending / delivered /
failed) so that retries are visible in the manager area and in the admin.
"""

import hashlib
import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

TOKEN_PREFIX = "sori_"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_secret() -> str:
    return secrets.token_urlsafe(32)


class ApiTokenQuerySet(models.QuerySet):
    def active(self) -> "ApiTokenQuerySet":
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    """A key for the API that acts as its owner, with read or read-and-write scope."""

    class Scope(models.TextChoices):
        READ = "read", _("Read")
        WRITE = "write", _("Read and write")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(_("name"), max_length=60)
    scope = models.CharField(_("scope"), max_length=8, choices=Scope.choices, default=Scope.READ)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    # The first characters, so that people can tell their tokens apart in a list.
    prefix = models.CharField(_("starts with"), max_length=16, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def issue(cls, *, owner, name: str, scope: str = Scope.READ) -> tuple["ApiToken", str]:
        """A new token for ``owner``; returns the row and the token, shown only now."""
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        row = cls.objects.create(
            owner=owner,
            name=name,
            scope=scope,
            token_hash=hash_token(token),
            prefix=token[: len(TOKEN_PREFIX) + 6],
        )
        return row, token

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @property
    def can_write(self) -> bool:
        return self.scope == self.Scope.WRITE

    @property
    def source(self) -> str:
        """What records made with this token carry as their source."""
        return f"api:{self.name}"

    def revoke(self) -> None:
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])


class Kind(models.TextChoices):
    """The kinds of record the API speaks of."""

    PERSON = "person", _("person")
    PETITION = "petition", _("petition")
    SIGNATURE = "signature", _("signature")
    ADVOCACY_CAMPAIGN = "advocacy_campaign", _("letter action")
    OUTREACH = "outreach", _("letter")
    DONATION = "donation", _("donation")


class ForeignIdentifier(models.Model):
    """An identifier another system gave one of our records ("civicrm:1234").

    Clients send them with helpers (``identifiers``); the API returns them beside
    ``sori:<id>`` and finds records by them (``filter=identifier eq 'civicrm:1234'``).
    """

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    object_id = models.BigIntegerField(_("record"))
    value = models.CharField(_("identifier"), max_length=255)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("foreign identifier")
        verbose_name_plural = _("foreign identifiers")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "value"], name="foreign_identifier_unique"),
        ]
        indexes = [models.Index(fields=["kind", "object_id"], name="foreign_identifier_record")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id} = {self.value}"


class Origin(models.Model):
    """Which system a record came from (OSDI ``origin_system``) and through which token."""

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    object_id = models.BigIntegerField(_("record"))
    origin_system = models.CharField(_("origin system"), max_length=200)
    token = models.ForeignKey(
        ApiToken, verbose_name=_("API token"), null=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("origin")
        verbose_name_plural = _("origins")
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="origin_one_per_record"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id} from {self.origin_system}"


class Event(models.TextChoices):
    SIGNATURE_CONFIRMED = "signature.confirmed", _("A signature is confirmed")
    OUTREACH_CREATED = "outreach.created", _("A letter is written")
    DONATION_SUCCEEDED = "donation.succeeded", _("A donation is paid")


class WebhookQuerySet(models.QuerySet):
    def active(self) -> "WebhookQuerySet":
        return self.filter(disabled_at__isnull=True)


class Webhook(models.Model):
    """A URL told about events, signed with its secret, acting as its owner."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.CASCADE,
        related_name="webhooks",
    )
    url = models.URLField(_("address"), max_length=500)
    events = models.JSONField(_("events"), default=list)
    secret = models.CharField(max_length=100, default=new_secret, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    last_success_at = models.DateTimeField(_("last delivered"), null=True, blank=True)
    disabled_at = models.DateTimeField(_("disabled"), null=True, blank=True)
    disabled_reason = models.CharField(_("why disabled"), max_length=300, blank=True)

    objects = WebhookQuerySet.as_manager()

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.url

    @property
    def is_active(self) -> bool:
        return self.disabled_at is None


class WebhookDelivery(models.Model):
    """One event for one webhook, tried until it is delivered or 24 hours have passed."""

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("webhook delivery", "Waiting")
        DELIVERED = "delivered", pgettext_lazy("webhook delivery", "Delivered")
        FAILED = "failed", pgettext_lazy("webhook delivery", "Failed")

    webhook = models.ForeignKey(
        Webhook, verbose_name=_("webhook"), on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField(_("event"), max_length=40)
    # The same for every attempt: the receiver keeps each key once.
    idempotency_key = models.CharField(_("idempotency key"), max_length=100)
    uuid = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    payload = models.JSONField(_("payload"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(_("last answer"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["webhook", "idempotency_key"], name="webhook_delivery_once"
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status="pending"),
                name="webhook_delivery_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} {self.idempotency_key} ({self.status})"
