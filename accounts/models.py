from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from lib.text import canonical_email, email_key, full_name, initials

from . import roles


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("A user needs an email address.")
        user = self.model(email=canonical_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """An account. People sign in with their email address; there are no usernames."""

    email = models.EmailField(_("email address"), unique=True)
    name = models.CharField(_("name"), max_length=150, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("admin access"),
        default=False,
        help_text=_("May open the Django admin (members of the Staff group)."),
    )
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self) -> str:
        return self.email

    def save(self, *args, **kwargs):
        self.email = canonical_email(self.email)
        super().save(*args, **kwargs)

    def get_full_name(self) -> str:
        return self.name or self.email

    def get_short_name(self) -> str:
        return self.name or self.email.split("@")[0]

    @property
    def is_sori_staff(self) -> bool:
        return roles.is_staff_member(self)

    @property
    def is_campaign_manager(self) -> bool:
        return roles.is_campaign_manager(self)


class SupporterQuerySet(models.QuerySet):
    def for_email(self, address: str) -> "SupporterQuerySet":
        return self.filter(email=canonical_email(address))

    def same_mailbox(self, address: str) -> "SupporterQuerySet":
        """Every supporter whose address reaches the same inbox (gmail dots, +tags)."""
        return self.filter(email_key=email_key(address))


class Supporter(models.Model):
    """Anyone who acts: one row per canonical email address, account or not."""

    # Unique and indexed through Meta rather than unique=True/db_index=True, which on
    # PostgreSQL add a second, LIKE-prefix index per column that no query uses: two
    # indexes fewer to update for every new supporter.
    email = models.EmailField(_("email address"))
    email_key = models.CharField(
        _("mailbox key"),
        max_length=254,
        editable=False,
        help_text=_("The address with provider aliases folded, for duplicate detection."),
    )
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    country = CountryField(_("country"), blank=True)
    postcode = models.CharField(_("postcode"), max_length=20, blank=True)
    city = models.CharField(_("town or city"), max_length=100, blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supporter",
    )
    # Set when a mail server refused the address for good (a 5xx to RCPT): updates to
    # supporters skip it from then on (updates.sending). Cleared by hand in the admin.
    bouncing_since = models.DateTimeField(_("bouncing since"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = SupporterQuerySet.as_manager()

    class Meta:
        verbose_name = _("supporter")
        verbose_name_plural = _("supporters")
        constraints = [models.UniqueConstraint(fields=["email"], name="supporter_one_per_email")]
        indexes = [models.Index(fields=["email_key"], name="supporter_mailbox")]

    def __str__(self) -> str:
        return self.email

    def save(self, *args, **kwargs):
        self.email = canonical_email(self.email)
        self.email_key = email_key(self.email)
        if kwargs.get("update_fields") is not None and "email" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "email_key"}
        super().save(*args, **kwargs)

    @property
    def full_name(self) -> str:
        return full_name(self.first_name, self.last_name)

    @property
    def initials(self) -> str:
        return initials(self.first_name, self.last_name)

    @property
    def email_domain(self) -> str:
        return self.email.rpartition("@")[2]

    def latest_consent(self, purpose: str) -> "ConsentRecord | None":
        return self.consents.filter(purpose=purpose).order_by("-created_at", "-pk").first()

    def has_consent(self, purpose: str) -> bool:
        record = self.latest_consent(purpose)
        return bool(record and record.granted)


class AppendOnlyError(RuntimeError):
    """Raised when code tries to change a row of an append-only table."""


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError(f"{self.model.__name__} rows are never changed.")


class ConsentRecord(models.Model):
    """One consent given or withdrawn, with the exact notice the person saw.

    Append-only: a change of mind is a new row, so the history proves what each
    person agreed to and when (Korea's PIPA asks for separate consent to process a
    political opinion).
    """

    class Purpose(models.TextChoices):
        PETITION = "petition", _("Signing a petition (political opinion)")
        # Separate consent to process the political opinion a signature shows (PIPA 제23조).
        SENSITIVE = "sensitive", _("Processing my political opinion (sensitive information)")
        LETTER = "letter", _("Writing a letter to an official (political opinion)")
        UPDATES = "updates", _("Campaign updates by email")
        DONATION = "donation", _("Processing a donation")
        ACCOUNT = "account", _("Holding an account")

    supporter = models.ForeignKey(
        Supporter,
        verbose_name=_("supporter"),
        on_delete=models.CASCADE,
        related_name="consents",
    )
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    granted = models.BooleanField(_("granted"))
    notice_text = models.TextField(_("notice shown"))
    notice_version = models.CharField(_("notice version"), max_length=40)
    language = models.CharField(_("language"), max_length=8, default="en")
    source = models.CharField(_("source"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        state = "granted" if self.granted else "withdrawn"
        return f"{self.supporter_id} {self.purpose} {state} {self.created_at:%Y-%m-%d}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Consent records are never changed; add a new one.")
        super().save(*args, **kwargs)


class AuditEntry(models.Model):
    """Who exported or moderated what, with which filters, touching how many rows.

    Append-only like consent records: the site offers no way to change or delete an
    entry, and staff can only read them.
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="audit_entries",
    )
    actor_email = models.EmailField(_("who (email at the time)"))
    action = models.CharField(_("what"), max_length=80, db_index=True)
    subject = models.CharField(_("on"), max_length=200, blank=True)
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_email} {self.action} {self.subject}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Audit entries are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit entries are never deleted.")


class MailAllowance(models.Model):
    """How many mails of one kind Sori sent one mailbox on one (UTC) day: the daily caps
    of ``accounts.mailcap``. Keyed by a keyed hash of the mailbox, so no address is held
    here; rows of earlier days are deleted by the daily retention run."""

    subject = models.CharField(_("kind and mailbox hash"), max_length=64, primary_key=True)
    day = models.DateField(_("day"))
    sent = models.PositiveIntegerField(_("mails sent"), default=0)

    class Meta:
        db_table = "accounts_mailallowance"  # named in accounts.mailcap's upsert
        verbose_name = _("mail allowance")
        verbose_name_plural = _("mail allowances")

    def __str__(self) -> str:
        return f"{self.subject}: {self.sent} on {self.day}"
