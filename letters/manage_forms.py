"""Forms of the manager area for letter actions."""

from django import forms
from django.utils.translation import gettext_lazy as _

from campaigns.manage_forms import (
    MARKDOWN_HELP,
    AddressFixedOncePublished,
    OfficialsField,
    TranslatedContentForm,
    per_language,
)
from campaigns.models import Campaign

from .models import LetterAction

PLACEHOLDER_HELP = _(
    "Placeholders Sori fills in for each writer: {first_name}, {last_name}, {full_name}, "
    "{city}, {country}, {target_name}, {target_salutation}, {date}."
)


class LetterActionForm(AddressFixedOncePublished, TranslatedContentForm, forms.ModelForm):
    """A letter action: words and letter per language, officials, what supporters may
    change, delivery.

    Unknown placeholders are refused by ``LetterAction.clean`` (run by the form), which
    names each one in the field's error.
    """

    # Per language, side by side: the page (title, summary, introduction), then the
    # letter (subject and text).
    COLUMNS = ("title", "summary", "intro", "subject", "body")
    MARKDOWN = ("intro",)

    campaign = forms.ModelChoiceField(label=_("Campaign"), queryset=Campaign.objects.none())
    targets = OfficialsField(
        label=_("Officials"),
        error_messages={"required": _("Choose at least one official to write to.")},
    )
    goal = forms.IntegerField(
        label=_("Goal (letters)"),
        required=False,
        min_value=1,
        error_messages={"min_value": _("The goal must be at least 1 letter, or empty.")},
    )

    class Meta:
        model = LetterAction
        # The form's fields are the ones a copy takes over, plus where it lives.
        fields = ["campaign", "slug", "targets", *LetterAction.COPIED_FIELDS]
        help_texts = {
            "slug": _("Letters, digits and hyphens: the page is at /letters/<address>/."),
            **dict.fromkeys(per_language("intro"), MARKDOWN_HELP),
            "subject_en": PLACEHOLDER_HELP,
            "subject_ko": PLACEHOLDER_HELP,
            "body_ko": _(
                "The body of the letter in Korean, between the salutation and the closing, "
                "which Sori adds."
            ),
        }
        labels = {
            "target_mode": _("Who receives each letter"),
            # Beside the page's title in the same column: "subject" alone reads as a title.
            "subject_en": _("letter subject (English)"),
            "subject_ko": _("letter subject (Korean)"),
        }
        widgets = {
            **dict.fromkeys(per_language("intro"), forms.Textarea(attrs={"rows": 6})),
            "body_en": forms.Textarea(attrs={"rows": 12}),
            "body_ko": forms.Textarea(attrs={"rows": 12}),
            "target_mode": forms.RadioSelect,
            "editing": forms.RadioSelect,
        }

    def __init__(self, *args, user, campaign: Campaign | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fix_address_if_published()
        self.mark_languages()
        self.fields["targets"].keep_chosen(self.instance)
        if self.instance.pk:
            # An action stays in its campaign: its letters were written there.
            del self.fields["campaign"]
        else:
            self.fields["campaign"].queryset = Campaign.objects.managed_by(user)
            if campaign is not None:
                self.initial.setdefault("campaign", campaign.pk)
