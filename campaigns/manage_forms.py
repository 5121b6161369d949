"""Forms of the manager area: campaigns, and the pieces that action forms share."""

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts import roles
from lib.embed import parse_origins
from lib.text import markup_problems
from lib.translated import LANGUAGE_CODES, language_name

from .models import Campaign, Target

ADDRESS_FIXED = _("The address is fixed once published: links that people shared point to it.")


def check_markdown(value: str) -> str:
    """Refuse Markdown holding what the sanitiser would drop, naming each piece."""
    problems = markup_problems(value)
    if problems:
        raise forms.ValidationError(
            _(
                "Sori shows Markdown only and would remove %(parts)s from the page. "
                "Take it out, or write it as Markdown (**bold**, [link](https://…))."
            ),
            code="markup",
            params={"parts": ", ".join(problems)},
        )
    return value


class OfficialsField(forms.ModelMultipleChoiceField):
    """Active officials as a set of checkboxes, each by the name in the reader's language."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", Target.objects.filter(active=True).order_by("name"))
        super().__init__(**kwargs)

    def label_from_instance(self, target: Target) -> str:
        label = target.display_name()
        organisation = target.display_organisation()
        if organisation:
            label = f"{label}, {organisation}"
        if not target.active:
            label = _("%(official)s (no longer active)") % {"official": label}
        return label

    def keep_chosen(self, instance) -> None:
        """Offer the officials an existing row already has, even if retired since, so that
        saving the form never drops one unseen."""
        if instance.pk:
            chosen = instance.targets.values("pk")
            self.queryset = Target.objects.filter(Q(active=True) | Q(pk__in=chosen)).order_by(
                "-active", "name"
            )


class ManagersField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, user) -> str:
        return f"{user.name} <{user.email}>" if user.name else user.email


class AddressFixedOncePublished:
    """Mixin for forms of things with a ``slug`` and ``published_at``: the slug stays put
    after the first publication, because shared links and counters use it."""

    def fix_address_if_published(self) -> None:
        instance = self.instance
        published = instance.published_at is not None or instance.status != "draft"
        if instance.pk and published and "slug" in self.fields:
            self.fields["slug"].disabled = True
            self.fields["slug"].help_text = ADDRESS_FIXED


MARKDOWN_HELP = _("Markdown: **bold**, *italic*, [link](https://…), lists, ## headings.")


def per_language(name: str) -> list[str]:
    """``["title_en", "title_ko"]`` for ``"title"``: a translated field's columns."""
    return [f"{name}_{code}" for code in LANGUAGE_CODES]


class TranslatedContentForm:
    """Mixin for forms of translated content (``lib.models.Translatable``).

    ``COLUMNS`` names the translated fields the form shows per language, side by side
    (``language_columns()``; the template is ``campaigns/manage/_language_columns.html``);
    ``MARKDOWN`` those written in Markdown, checked in every language. Each input says
    its language (``lang``), so browsers spell-check and choose fonts right.
    """

    COLUMNS: tuple[str, ...] = ()
    MARKDOWN: tuple[str, ...] = ()

    def mark_languages(self) -> None:
        for name in self.COLUMNS:
            for code in LANGUAGE_CODES:
                field = self.fields.get(f"{name}_{code}")
                if field is not None:
                    field.widget.attrs["lang"] = code

    def language_columns(self) -> list[dict]:
        return [
            {
                "code": code,
                "name": language_name(code),
                "fields": [
                    self[key]
                    for key in (f"{name}_{code}" for name in self.COLUMNS)
                    if key in self.fields
                ],
            }
            for code in LANGUAGE_CODES
        ]

    def clean(self):
        data = super().clean()
        for name in self.MARKDOWN:
            for key in per_language(name):
                if data.get(key):
                    try:
                        check_markdown(data[key])
                    except forms.ValidationError as error:
                        self.add_error(key, error)
        return data


class CampaignForm(AddressFixedOncePublished, TranslatedContentForm, forms.ModelForm):
    """A campaign's words in each language, image and officials; staff also choose its
    managers."""

    COLUMNS = ("title", "summary", "body")
    MARKDOWN = ("body",)

    targets = OfficialsField(label=_("Officials who decide"), required=False)

    class Meta:
        model = Campaign
        fields = [
            *per_language("title"),
            *per_language("summary"),
            *per_language("body"),
            "slug",
            "image",
            "image_alt",
            "targets",
            "managers",
        ]
        help_texts = {
            "slug": _("Letters, digits and hyphens: the page is at /campaigns/<address>/."),
            **dict.fromkeys(per_language("body"), MARKDOWN_HELP),
        }
        widgets = dict.fromkeys(per_language("body"), forms.Textarea(attrs={"rows": 12}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fix_address_if_published()
        self.mark_languages()
        self.fields["targets"].keep_chosen(self.instance)
        if roles.is_staff_member(user):
            users = get_user_model().objects.filter(groups__name=roles.MANAGERS, is_active=True)
            self.fields["managers"] = ManagersField(
                label=_("Managers"),
                queryset=users.order_by("email").distinct(),
                required=False,
                help_text=_("People in the “Campaign managers” group who run this campaign."),
            )
        else:
            # Who runs a campaign is staff's decision.
            del self.fields["managers"]

    def clean(self):
        data = super().clean()
        image = data.get("image")
        if image and not data.get("image_alt", "").strip():
            self.add_error("image_alt", _("Describe the image for people who cannot see it."))
        return data


class DuplicateForm(forms.Form):
    """Where the copy of an action goes: any campaign the person manages."""

    campaign = forms.ModelChoiceField(
        label=_("Copy into the campaign"), queryset=Campaign.objects.none()
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = Campaign.objects.managed_by(user)


class PublishWithoutForm(forms.Form):
    """The explicit choice to publish translated content without a language not written
    yet: one tick box per missing language, each required (``confirm_move``)."""

    def __init__(self, *args, subject, languages: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.codes = list(languages)
        for code in self.codes:
            language = language_name(code)
            missing = ", ".join(
                subject.field_label(name, code) for name in subject.untranslated_fields(code)
            )
            self.fields[f"without_{code}"] = forms.BooleanField(
                label=_("Publish without %(language)s for now") % {"language": language},
                help_text=_(
                    "Not written in %(language)s: %(fields)s. Its readers see the text in "
                    "another language, with a note that it is not translated yet."
                )
                % {"language": language, "fields": missing},
                error_messages={
                    "required": _(
                        "Tick this to publish without %(language)s, or add the missing text first."
                    )
                    % {"language": language}
                },
            )

    def languages(self) -> list[str]:
        return [code for code in self.codes if self.cleaned_data.get(f"without_{code}")]


class ColorInput(forms.TextInput):
    """A colour picker; the attributes HTML does not allow on one are left out."""

    input_type = "color"

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs)
        attrs.pop("maxlength", None)
        attrs.pop("required", None)  # a colour input always holds a colour
        return attrs


class EmbedSettingsForm(forms.ModelForm):
    """Which sites may frame the campaign's actions, and how the frame looks."""

    class Meta:
        model = Campaign
        fields = ["embed_origins", "embed_theme", "embed_accent", "embed_radius"]
        widgets = {
            "embed_origins": forms.Textarea(attrs={"rows": 4, "spellcheck": "false"}),
            "embed_theme": forms.RadioSelect,
            "embed_accent": ColorInput,
            "embed_radius": forms.NumberInput(attrs={"min": 0, "max": 24}),
        }

    def clean_embed_origins(self) -> str:
        """Stored one origin a line, as CSP will name it (the model's validator explains
        any line that is not one)."""
        value = self.cleaned_data["embed_origins"]
        try:
            return "\n".join(parse_origins(value))
        except forms.ValidationError:
            return value

    def clean_embed_accent(self) -> str:
        return self.cleaned_data["embed_accent"].lower()
