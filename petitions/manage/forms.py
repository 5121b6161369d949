"""Forms of the manager area for petitions: create and edit, duplicate."""

import re

from django import forms
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from campaigns.manage_forms import (
    MARKDOWN_HELP,
    AddressFixedOncePublished,
    OfficialsField,
    TranslatedContentForm,
    per_language,
)
from campaigns.models import Campaign
from lib.days import check_day
from lib.text import free_slug

from ..hotpath import counting
from ..models import Milestone, Petition

# "1000", "1,000" or "10,000": digits, optionally grouped by commas in threes.
NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+|\d+")
MOMENT_FORMAT = "%Y-%m-%dT%H:%M"
# Goals and milestones are stored in 32-bit integer columns; a larger number would be a
# database error (a 500), and no petition needs more than a billion signatures. The
# messages say "one billion": change them with this.
MAX_COUNT = 1_000_000_000


class MomentInput(forms.DateTimeInput):
    """The browser's date and time picker; typed as 2026-12-31T18:00 without it."""

    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format=MOMENT_FORMAT, **kwargs)


class MilestonesField(forms.CharField):
    """Counts worth celebrating, typed as "1,000 10,000 100,000"; a sorted list of ints."""

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return " ".join(f"{number:,}" for number in value)
        return value

    def to_python(self, value) -> list[int]:
        text = super().to_python(value) or ""
        numbers = set()
        for token in re.split(r"[\s;]+", text.strip()):
            token = token.rstrip(",")
            if not token:
                continue
            if not NUMBER.fullmatch(token):
                raise forms.ValidationError(
                    _("“%(token)s” is not a whole number. Separate milestones with spaces."),
                    code="invalid",
                    params={"token": token},
                )
            number = int(token.replace(",", ""))
            if number < 1:
                raise forms.ValidationError(_("Milestones start at 1."), code="min_value")
            if number > MAX_COUNT:
                raise forms.ValidationError(_("Milestones go up to one billion."), code="max_value")
            numbers.add(number)
        return sorted(numbers)


class PetitionForm(AddressFixedOncePublished, TranslatedContentForm, forms.ModelForm):
    """A petition's words in each language, officials, goal, milestones, times and what
    the form asks."""

    COLUMNS = ("title", "summary", "body")
    MARKDOWN = ("body",)

    campaign = forms.ModelChoiceField(label=_("Campaign"), queryset=Campaign.objects.none())
    targets = OfficialsField(label=_("Addressed to"), required=False)
    goal = forms.IntegerField(
        label=_("Goal"),
        min_value=1,
        max_value=MAX_COUNT,
        initial=Petition._meta.get_field("goal").default,
        error_messages={
            "min_value": _("The goal must be at least 1 signature."),
            "max_value": _("The goal can be at most one billion signatures."),
        },
        help_text=_("The count the campaign aims for."),
    )
    milestones = MilestonesField(
        label=_("Milestones"),
        required=False,
        help_text=_(
            "Counts to celebrate on the way, separated by spaces, e.g. 1,000 10,000. "
            "The page's progress bar runs to the next one."
        ),
    )

    class Meta:
        model = Petition
        fields = [
            "campaign",
            *per_language("title"),
            *per_language("summary"),
            *per_language("body"),
            "slug",
            "targets",
            "goal",
            "opens_at",
            "closes_at",
            "requires_confirmation",
            "postcode_field",
            "postcode_kept",
            "city_field",
        ]
        help_texts = {
            "slug": _(
                "Letters, digits and hyphens: the page is at /petitions/<address>/. "
                "Left empty, it is made from the English title."
            ),
            **dict.fromkeys(
                per_language("summary"),
                _("One or two sentences, shown under the title and in shared links."),
            ),
            **dict.fromkeys(per_language("body"), MARKDOWN_HELP),
            "opens_at": _("Empty: as soon as it is published."),
            "closes_at": _("Empty: until you close it."),
        }
        widgets = {
            **dict.fromkeys(per_language("body"), forms.Textarea(attrs={"rows": 14})),
            "opens_at": MomentInput(),
            "closes_at": MomentInput(),
        }

    def __init__(self, *args, user, campaign: Campaign | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fix_address_if_published()
        self.mark_languages()
        self.fields["targets"].keep_chosen(self.instance)
        if self.instance.pk:
            # A petition stays in its campaign: its signers signed it there.
            del self.fields["campaign"]
            self.initial.setdefault(
                "milestones", list(self.instance.milestones.values_list("threshold", flat=True))
            )
        else:
            self.fields["campaign"].queryset = Campaign.objects.managed_by(user)
            if campaign is not None:
                self.initial.setdefault("campaign", campaign.pk)
        if "slug" in self.fields and not self.fields["slug"].disabled:
            # Left empty, the address is made from the English title (clean_slug); the
            # editor's script fills it in as the title is typed (static/js/slug.js).
            self.fields["slug"].required = False
            self.fields["slug"].widget.attrs.update(
                {"data-slug-from": self["title_en"].auto_id, "autocomplete": "off"}
            )
        for name in ("opens_at", "closes_at"):
            self.fields[name].input_formats = [MOMENT_FORMAT, "%Y-%m-%d %H:%M"]
            self.fields[name].validators.append(check_day)

    def clean_slug(self):
        """The address typed, else one made from the English title (free, not taken)."""
        slug = self.cleaned_data["slug"]
        if slug or self.fields["slug"].disabled:
            return slug
        made = slugify(self.cleaned_data.get("title_en", ""))[:80].strip("-")
        if not made:
            raise forms.ValidationError(
                _("Give the page an address, or an English title to make one from."),
                code="required",
            )
        others = Petition.objects.exclude(pk=self.instance.pk)
        return free_slug(made, lambda candidate: others.filter(slug=candidate).exists())

    def clean_closes_at(self):
        closes_at = self.cleaned_data["closes_at"]
        if closes_at and "closes_at" in self.changed_data and closes_at <= timezone.now():
            raise forms.ValidationError(
                _(
                    "That time has passed. To stop taking signatures now, close the "
                    "petition from its dashboard."
                ),
                code="past",
            )
        return closes_at

    def clean(self):
        data = super().clean()
        opens_at, closes_at = data.get("opens_at"), data.get("closes_at")
        if opens_at and closes_at and opens_at >= closes_at:
            self.add_error("closes_at", _("The closing time must come after the opening time."))
        return data

    def _save_m2m(self) -> None:
        """Officials, then milestones: removed ones go, new ones are added (and stamped
        at once if the count has already passed them)."""
        super()._save_m2m()
        petition = self.instance
        wanted = set(self.cleaned_data["milestones"])
        petition.milestones.exclude(threshold__in=wanted).delete()
        new = wanted - set(petition.milestones.values_list("threshold", flat=True))
        if new:
            Milestone.objects.bulk_create(
                Milestone(petition=petition, threshold=threshold) for threshold in sorted(new)
            )
            counting.mark_milestones(petition.pk)
