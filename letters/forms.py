from django import forms
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from accounts import notices
from campaigns.models import Target
from lib.forms import EmailAddressField, NameOrderMixin, person_name_fields
from lib.names import looks_like_address
from lib.text import unknown_placeholders

from .models import PLACEHOLDERS, Letter, LetterAction, placeholder_error
from .services import SenderDetails, resolve_language

# Each language by its own name, as in the language switch of every page.
LANGUAGE_CHOICES = [
    ("auto", _("The official's language (recommended)")),
    ("en", "English"),
    ("ko", "한국어"),
]


TOO_LONG = _("Keep this to %(limit_value)s characters or fewer; it has %(show_value)s.")


def _limit(field: forms.CharField, limit: int) -> None:
    field.max_length = limit
    field.widget.attrs["maxlength"] = str(limit)
    field.widget.attrs["data-count"] = str(limit)
    field.validators.append(MaxLengthValidator(limit))
    field.error_messages["max_length"] = TOO_LONG


class OfficialsField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, target: Target) -> str:
        return target.display_name()


class LetterForm(NameOrderMixin, forms.Form):
    """A supporter's letter: officials, language, their words, their details, consent."""

    targets = OfficialsField(
        label=_("Who do you want to write to?"),
        queryset=Target.objects.none(),
        error_messages={"required": _("Choose at least one official.")},
    )
    language = forms.ChoiceField(
        label=_("Language of the letter"),
        choices=LANGUAGE_CHOICES,
        initial="auto",
        widget=forms.RadioSelect,
    )
    subject = forms.CharField(label=_("Subject"), max_length=200, required=False)
    body = forms.CharField(
        label=_("Your letter"), required=False, widget=forms.Textarea(attrs={"rows": 14})
    )
    personal_paragraph = forms.CharField(
        label=_("Your own paragraph"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Officials read letters in a person's own words most closely: say why this "
            "matters to you. Keep it courteous; it is printed as you type it."
        ),
    )
    first_name, last_name = person_name_fields()
    email = EmailAddressField(
        label=_("Email address"),
        max_length=254,
        help_text=_("Never printed or shown to the official unless you allow replies."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    city = forms.CharField(
        label=_("Town or city"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "address-level2"}),
    )
    country = CountryField(blank_label=_("Choose your country")).formfield(
        label=_("Country"),
        widget=forms.Select(attrs={"autocomplete": "country"}),
        error_messages={"invalid_choice": _("Choose a country from the list.")},
    )
    postal_address = forms.CharField(
        label=_("Your postal address, for the letterhead"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "street-address"}),
        help_text=_("Optional. Without it the letter shows your town and country only."),
    )
    # The letter discloses a political opinion: the box names it (PIPA 제23조).
    consent = forms.BooleanField(
        label=notices.SENSITIVE.text,
        error_messages={
            "required": _("Please agree to the notice so that we can make your letter.")
        },
    )

    def __init__(
        self,
        *args,
        action: LetterAction,
        interface_language: str = "en",
        letter: Letter | None = None,
        **kwargs,
    ):
        if letter is not None and not kwargs.get("initial"):
            kwargs["initial"] = {
                "language": letter.language,
                "subject": letter.subject,
                "body": letter.body,
                "personal_paragraph": letter.personal_paragraph,
                "first_name": letter.first_name,
                "last_name": letter.last_name,
                "city": letter.city,
                "country": letter.country.code,
                "postal_address": letter.postal_address,
            }
        if letter is None and action.allows_rewrite:
            # The whole letter is editable: start from the template, placeholders and all.
            first = action.targets.filter(active=True).order_by("name").first()
            language = (
                resolve_language("auto", target=first, interface_language=interface_language)
                if first
                else interface_language
            )
            kwargs["initial"] = {
                "subject": action.subject_template(language),
                "body": action.body_template(language),
                **(kwargs.get("initial") or {}),
            }
        super().__init__(*args, **kwargs)
        self.action = action
        self.letter = letter
        self.interface_language = interface_language
        self.notice = notices.LETTER
        officials = action.targets.filter(active=True).order_by("name")
        self.fields["targets"].queryset = officials
        if letter is not None:
            # Editing one letter: its official and address stay as they are.
            del self.fields["targets"]
            del self.fields["email"]
        elif not action.supporters_choose:
            # Every official listed receives the letter: nothing to choose.
            del self.fields["targets"]
        if action.allows_rewrite:
            self.fields["subject"].required = True
            self.fields["body"].required = True
            _limit(self.fields["body"], action.body_max_length)
            self.fields["body"].help_text = _(
                "Change anything you like. Words in braces are filled in for you: "
                "{first_name}, {city}, {target_salutation} and the like."
            )
        else:
            del self.fields["subject"]
            del self.fields["body"]
        if action.allows_paragraph:
            _limit(self.fields["personal_paragraph"], action.paragraph_max_length)
        else:
            del self.fields["personal_paragraph"]

    @property
    def officials(self) -> list[Target]:
        return list(self.action.targets.filter(active=True).order_by("name"))

    def clean_city(self):
        value = self.cleaned_data["city"].strip()
        if looks_like_address(value):
            raise forms.ValidationError(_("Please leave web addresses out of your name and town."))
        return value

    def _placeholders_known(self, name: str) -> str:
        value = self.cleaned_data.get(name, "")
        unknown = unknown_placeholders(value, PLACEHOLDERS)
        if unknown:
            raise forms.ValidationError(placeholder_error(str(self.fields[name].label), unknown))
        return value

    def clean_subject(self):
        return self._placeholders_known("subject")

    def clean_body(self):
        return self._placeholders_known("body")

    def clean(self):
        data = super().clean()
        if "targets" not in self.fields and not self.chosen_targets():
            raise forms.ValidationError(
                _("This letter has no official to go to at the moment. Please try again later.")
            )
        return data

    def chosen_targets(self) -> list[Target]:
        if self.letter is not None:
            return [self.letter.target]
        if "targets" in self.fields:
            return list(self.cleaned_data.get("targets") or [])
        return self.officials

    def sender(self) -> SenderDetails:
        data = self.cleaned_data
        return SenderDetails(
            email=self.letter.supporter.email if self.letter else data["email"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            city=data["city"],
            country=data["country"],
            postal_address=data.get("postal_address", ""),
        )

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "targets": self.chosen_targets(),
            "sender": self.sender(),
            "language_choice": data["language"],
            "subject": self.own_words("subject", data.get("subject", "")),
            "body": self.own_words("body", data.get("body", "")),
            "personal_paragraph": data.get("personal_paragraph", ""),
        }

    def own_words(self, name: str, value: str) -> str:
        """The supporter's text, or "" if it is one of the action's templates untouched.

        "" makes the letter use the template of the language it is written in, so
        switching language after the form opened still gives the matching template.
        """
        templates = {
            " ".join(getattr(self.action, f"{name}_{code}").split()) for code in ("en", "ko")
        }
        return "" if " ".join(value.split()) in templates else value

    def typed(self, name: str):
        """What the person typed (bound form) or what the form starts with (unbound)."""
        if self.is_bound:
            return self.data.get(self.add_prefix(name), "")
        if name in self.initial:
            return self.initial[name]
        field = self.fields.get(name)
        return field.initial if field is not None and field.initial is not None else ""

    def typed_list(self, name: str) -> list:
        if self.is_bound:
            return self.data.getlist(self.add_prefix(name)) if hasattr(self.data, "getlist") else []
        return list(self.initial.get(name) or [])


class DeliveryForm(forms.Form):
    method = forms.ChoiceField(
        label=_("How should your letter reach the official?"), widget=forms.RadioSelect
    )
    reply_to_supporter = forms.BooleanField(
        label=_("The official may reply to me by email (they will see my email address)."),
        required=False,
    )

    def __init__(self, *args, methods: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        labels = {
            Letter.Delivery.EMAIL: _("Sori emails it to the official for me"),
            Letter.Delivery.POST: _("Sori prints it and posts it for me"),
        }
        self.fields["method"].choices = [(m, labels[m]) for m in methods]
        if len(methods) == 1:
            self.fields["method"].initial = methods[0]
        if Letter.Delivery.EMAIL not in methods:
            del self.fields["reply_to_supporter"]


class PrintBatchForm(forms.Form):
    target = forms.ModelChoiceField(queryset=Target.objects.all(), widget=forms.HiddenInput)
    envelopes = forms.BooleanField(
        label=_("Add an envelope page after each letter"), required=False
    )
