"""Letter actions: a campaign's letter, its officials, templates and rules."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign, Target
from lib.models import Publishable, Translatable, keep_markdown_rendered
from lib.text import free_slug, unknown_placeholders
from lib.translated import Translated

PLACEHOLDERS = (
    "first_name",
    "last_name",
    "full_name",
    "city",
    "country",
    "target_name",
    "target_salutation",
    "date",
)
LANGUAGES = (("en", _("English")), ("ko", _("Korean")))


def placeholder_error(field_label: str, names: list[str]) -> str:
    listed = ", ".join(f"{{{name}}}" for name in names)
    known = ", ".join(f"{{{name}}}" for name in PLACEHOLDERS)
    return _(
        "%(field)s uses %(names)s, which is not a placeholder Sori can fill. "
        "Use only %(known)s, or write {{ and }} for literal braces."
    ) % {"field": field_label, "names": listed, "known": known}


class LetterActionQuerySet(models.QuerySet):
    def open(self) -> "LetterActionQuerySet":
        """Actions a supporter can write today: open, in a live campaign."""
        return self.filter(status=LetterAction.Status.OPEN, campaign__status=Campaign.Status.LIVE)

    def managed_by(self, user) -> "LetterActionQuerySet":
        return self.filter(campaign__in=Campaign.objects.managed_by(user))


class LetterAction(Translatable, Publishable):
    """A campaign's letter: its officials, templates in English and Korean, and rules.

    The page's title, summary and introduction exist per language (``lib.translated``),
    like the letter's subject and text; the letter needs both languages, since its
    language follows the official and the writer, not the page.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    TRANSITIONS = {
        Status.DRAFT: {Status.OPEN},
        Status.OPEN: {Status.CLOSED, Status.DRAFT},
        Status.CLOSED: {Status.OPEN},
    }
    PUBLISHED_STATUS = Status.OPEN
    TRANSLATED = ("title", "summary", "intro")
    REQUIRED = ("title", "summary")

    class TargetMode(models.TextChoices):
        ALL = "all", _("Each supporter writes to every official listed")
        CHOOSE = "choose", _("Supporters choose which of the officials to write to")

    class Editing(models.TextChoices):
        FIXED = "fixed", _("Fixed text: supporters add only their name and town")
        PARAGRAPH = "paragraph", _("Supporters may add a personal paragraph")
        FULL = "full", _("Supporters may rewrite the whole letter")

    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("campaign"),
        on_delete=models.PROTECT,
        related_name="letter_actions",
    )
    slug = models.SlugField(_("address"), max_length=80, unique=True)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    title_ko = models.CharField(_("title (Korean)"), max_length=200, blank=True)
    summary_en = models.CharField(
        _("summary (English)"),
        max_length=300,
        blank=True,
        help_text=_("One or two sentences for lists and cards."),
    )
    summary_ko = models.CharField(
        _("summary (Korean)"),
        max_length=300,
        blank=True,
        help_text=_("One or two sentences for lists and cards."),
    )
    intro_en = models.TextField(_("introduction (English)"), blank=True, help_text=_("Markdown."))
    intro_ko = models.TextField(_("introduction (Korean)"), blank=True, help_text=_("Markdown."))
    intro_html_en = models.TextField(editable=False, blank=True)
    intro_html_ko = models.TextField(editable=False, blank=True)
    targets = models.ManyToManyField(
        Target, verbose_name=_("officials"), related_name="letter_actions"
    )
    target_mode = models.CharField(
        _("officials"), max_length=10, choices=TargetMode.choices, default=TargetMode.ALL
    )
    subject_en = models.CharField(_("subject (English)"), max_length=200)
    body_en = models.TextField(
        _("letter (English)"),
        help_text=_(
            "The body of the letter, between the salutation and the closing, which Sori "
            "adds. Leave a blank line between paragraphs. Placeholders: {first_name}, "
            "{last_name}, {full_name}, {city}, {country}, {target_name}, "
            "{target_salutation}, {date}."
        ),
    )
    subject_ko = models.CharField(_("subject (Korean)"), max_length=200)
    body_ko = models.TextField(_("letter (Korean)"))
    editing = models.CharField(
        _("what supporters may change"),
        max_length=10,
        choices=Editing.choices,
        default=Editing.PARAGRAPH,
    )
    paragraph_max_length = models.PositiveIntegerField(
        _("longest personal paragraph (characters)"),
        default=1500,
        validators=[MinValueValidator(100), MaxValueValidator(5000)],
    )
    body_max_length = models.PositiveIntegerField(
        _("longest rewritten letter (characters)"),
        default=6000,
        validators=[MinValueValidator(500), MaxValueValidator(20000)],
    )
    deliver_download = models.BooleanField(
        _("supporters may print and post it themselves"), default=True
    )
    deliver_email = models.BooleanField(_("Sori may email it to the official"), default=True)
    deliver_print = models.BooleanField(_("staff may print and post it in a batch"), default=False)
    goal = models.PositiveIntegerField(_("goal (letters)"), null=True, blank=True)
    letter_count = models.PositiveIntegerField(_("letters written"), default=0, editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    title = Translated("title")
    summary = Translated("summary")
    intro = Translated("intro")
    intro_html = Translated("intro_html")

    objects = LetterActionQuerySet.as_manager()

    class Meta:
        verbose_name = _("letter action")
        verbose_name_plural = _("letter actions")
        ordering = ["position", "title_en", "title_ko"]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        keep_markdown_rendered(self, "intro", kwargs)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("letters:action", args=[self.slug])

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        try:
            super().clean()
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        for name in ("subject_en", "body_en", "subject_ko", "body_ko"):
            unknown = unknown_placeholders(getattr(self, name), PLACEHOLDERS)
            if unknown:
                label = capfirst(self._meta.get_field(name).verbose_name)
                errors.setdefault(name, []).append(placeholder_error(label, unknown))
        if not (self.deliver_download or self.deliver_email or self.deliver_print):
            errors.setdefault("deliver_download", []).append(
                _("Choose at least one way for letters to reach the official.")
            )
        if errors:
            raise ValidationError(errors)

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN and self.campaign.is_live

    @property
    def supporters_choose(self) -> bool:
        return self.target_mode == self.TargetMode.CHOOSE

    @property
    def allows_paragraph(self) -> bool:
        return self.editing == self.Editing.PARAGRAPH

    @property
    def allows_rewrite(self) -> bool:
        return self.editing == self.Editing.FULL

    def subject_template(self, language: str) -> str:
        return getattr(self, f"subject_{language}", self.subject_en)

    def body_template(self, language: str) -> str:
        return getattr(self, f"body_{language}", self.body_en)

    # Everything a copy takes over: the words, templates, rules and ways of delivery.
    COPIED_FIELDS = (
        "title_en",
        "title_ko",
        "summary_en",
        "summary_ko",
        "intro_en",
        "intro_ko",
        "target_mode",
        "subject_en",
        "body_en",
        "subject_ko",
        "body_ko",
        "editing",
        "paragraph_max_length",
        "body_max_length",
        "deliver_download",
        "deliver_email",
        "deliver_print",
        "goal",
    )

    @transaction.atomic
    def copy_as_draft(self, *, campaign: Campaign | None = None) -> "LetterAction":
        """A new draft with this action's words, templates, rules and officials.

        It gets a fresh address (``<slug>-copy``, ``-copy-2``...) and no letters, count
        or dates: a starting point for the next letter action.
        """
        copy = LetterAction.objects.create(
            campaign=campaign or self.campaign,
            slug=free_slug(
                f"{self.slug}-copy", lambda slug: LetterAction.objects.filter(slug=slug).exists()
            ),
            **{name: getattr(self, name) for name in self.COPIED_FIELDS},
        )
        copy.targets.set(self.targets.all())
        return copy
