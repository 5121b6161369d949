from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts import roles
from lib.embed import parse_origins, theme_stylesheet, validate_origins
from lib.models import MarkdownBody, Publishable, Translatable
from lib.translated import Text, Translated, pick


class Target(models.Model):
    """An official or office that actions address (staff keep these in the admin)."""

    class Language(models.TextChoices):
        ENGLISH = "en", _("English")
        KOREAN = "ko", _("Korean")

    name = models.CharField(_("name or office"), max_length=200)
    name_ko = models.CharField(_("name in Korean"), max_length=200, blank=True)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    organisation_ko = models.CharField(_("organisation in Korean"), max_length=200, blank=True)
    salutation_en = models.CharField(_("salutation (English)"), max_length=120)
    salutation_ko = models.CharField(_("salutation (Korean)"), max_length=120)
    postal_address = models.TextField(_("postal address"), blank=True)
    postal_address_ko = models.TextField(_("postal address in Korean"), blank=True)
    email = models.EmailField(_("email"), blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=Language.choices, default=Language.KOREAN
    )
    active = models.BooleanField(_("active"), default=True)
    illustrative = models.BooleanField(
        _("illustrative demo data"),
        default=False,
        help_text=_("Demo content: the office is real, the details are for illustration."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("official")
        verbose_name_plural = _("officials")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def salutation(self, language: str) -> str:
        return self.salutation_ko if language == "ko" else self.salutation_en

    def display_name(self, language: str | None = None) -> str:
        language = language or get_language()
        return self.name_ko if language == "ko" and self.name_ko else self.name

    def display_organisation(self, language: str | None = None) -> Text:
        """The organisation in ``language`` (default: the reader's), else in English."""
        return pick({"en": self.organisation, "ko": self.organisation_ko}, language)

    def address(self, language: str) -> str:
        if language == "ko" and self.postal_address_ko:
            return self.postal_address_ko
        return self.postal_address


class CampaignQuerySet(models.QuerySet):
    def live(self) -> "CampaignQuerySet":
        return self.filter(status=Campaign.Status.LIVE)

    def managed_by(self, user) -> "CampaignQuerySet":
        """The campaigns a user may manage: all for staff, their own for managers."""
        if roles.is_staff_member(user):
            return self.all()
        if roles.is_campaign_manager(user):
            return self.filter(managers=user)
        return self.none()


class Campaign(Translatable, MarkdownBody, Publishable):
    """A cause: the story, the ask, and the actions that serve it, in every language."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        LIVE = "live", _("Live")
        ARCHIVED = "archived", _("Archived")

    class EmbedTheme(models.TextChoices):
        LIGHT = "light", _("Light")
        DARK = "dark", _("Dark")

    TRANSITIONS = {
        Status.DRAFT: {Status.LIVE, Status.ARCHIVED},
        Status.LIVE: {Status.DRAFT, Status.ARCHIVED},
        Status.ARCHIVED: {Status.LIVE},
    }
    PUBLISHED_STATUS = Status.LIVE
    TRANSLATED = ("title", "summary", "body")
    REQUIRED = ("title", "summary")

    slug = models.SlugField(_("address"), max_length=80, unique=True)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    title_ko = models.CharField(_("title (Korean)"), max_length=200, blank=True)
    summary_en = models.CharField(_("summary (English)"), max_length=300, blank=True)
    summary_ko = models.CharField(_("summary (Korean)"), max_length=300, blank=True)
    body_en = models.TextField(_("story (English)"), blank=True, help_text=_("Markdown."))
    body_ko = models.TextField(_("story (Korean)"), blank=True, help_text=_("Markdown."))
    image = models.ImageField(_("image"), upload_to="campaigns/", blank=True)
    image_alt = models.CharField(_("image description"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("managers"),
        blank=True,
        related_name="managed_campaigns",
    )
    targets = models.ManyToManyField(
        Target, verbose_name=_("officials"), blank=True, related_name="campaigns"
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    # Embeds on other sites (lib/embed.py, docs/embedding.md): framing is opt-in, per
    # campaign. db_default: rows written by code that predates the columns.
    embed_origins = models.TextField(
        _("sites that may embed its actions"),
        blank=True,
        default="",
        db_default="",
        validators=[validate_origins],
        help_text=_(
            "One address per line, such as https://partner.example.org. Write * alone to "
            "let every site embed them. Empty: no other site can."
        ),
    )
    embed_accent = models.CharField(
        _("accent colour"),
        max_length=7,
        default="#0b5e57",
        db_default="#0b5e57",
        validators=[
            RegexValidator(
                r"^#[0-9a-fA-F]{6}$", _("Write the colour as # and six hex digits, like #0b5e57.")
            )
        ],
    )
    embed_radius = models.PositiveSmallIntegerField(
        _("corner radius (pixels)"),
        default=6,
        db_default=6,
        validators=[MaxValueValidator(24)],
    )
    embed_theme = models.CharField(
        _("theme"),
        max_length=5,
        choices=EmbedTheme.choices,
        default=EmbedTheme.LIGHT,
        db_default=EmbedTheme.LIGHT,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    title = Translated("title")
    summary = Translated("summary")

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["position", "-published_at", "title_en", "title_ko"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("campaigns:detail", args=[self.slug])

    @property
    def is_live(self) -> bool:
        return self.status == self.Status.LIVE

    def embed_origin_list(self) -> list[str]:
        """The origins that may frame this campaign's embeds (["*"]: any; []: none)."""
        try:
            return parse_origins(self.embed_origins)
        except ValidationError:  # never stored through the forms; frame for nobody
            return []

    def embed_stylesheet(self) -> str:
        """The theme tokens of this campaign's embeds, as CSS (``lib.embed``)."""
        return theme_stylesheet(
            accent=self.embed_accent, radius=self.embed_radius, on_accent=self.embed_on_accent
        )

    @property
    def embed_on_accent(self) -> str:
        """White or near-black, whichever reads better on the accent colour."""
        red, green, blue = (int(self.embed_accent[i : i + 2], 16) / 255 for i in (1, 3, 5))

        def linear(c: float) -> float:
            return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

        luminance = 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)
        # Contrast with white (1.05 / (L + 0.05)) against contrast with #1b1c1f (~0.011).
        return "#ffffff" if 1.05 / (luminance + 0.05) >= (luminance + 0.05) / 0.061 else "#1b1c1f"
