"""The supporter's forms: sign a petition, confirm the name a signature shows."""

from functools import cache

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_countries.fields import CountryField, LazyTypedChoiceField

from accounts import notices
from accounts.models import Supporter
from lib import kr_regions
from lib.forms import EmailAddressField, NameOrderMixin, person_name_fields

from ..hotpath.page_cache import clean_ref
from ..models import Petition, Signature
from . import abuse
from .services import SignerDetails

COMMENT_MAX_LENGTH = 500


@cache
def _country_codes() -> frozenset[str]:
    return frozenset(code for code, _name in countries)


class CountryChoiceField(LazyTypedChoiceField):
    """The country list, checked with a set look-up instead of a scan of 250 choices."""

    def valid_value(self, value) -> bool:
        return str(value) in _country_codes()


class SignForm(NameOrderMixin, forms.Form):
    """The sign form. A signed-in supporter with a verified address gets it without the
    email, the honeypot and the challenge, prefilled with what we know."""

    first_name, last_name = person_name_fields(last_required=False)
    email = EmailAddressField(
        label=_("Email address"),
        max_length=254,
        help_text=_("We send you a link to confirm your signature. It is never shown."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    country = CountryField(blank_label=_("Choose your country")).formfield(
        choices_form_class=CountryChoiceField,
        label=_("Country"),
        error_messages={"invalid_choice": _("Choose a country from the list.")},
    )
    postcode = forms.CharField(
        label=_("Postcode"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code"}),
    )
    city = forms.CharField(
        label=_("Town or city"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "address-level2"}),
    )
    display = forms.ChoiceField(
        label=_("How should your name appear in the public list of signers?"),
        choices=Signature.Display.choices,
        initial=Signature.Display.INITIALS,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Why are you signing?"),
        max_length=COMMENT_MAX_LENGTH,
        required=False,
        help_text=_("Up to 500 characters. Shown with your name unless you hide your name."),
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": COMMENT_MAX_LENGTH}),
    )
    # Separate, unticked consent to process the political opinion that signing shows
    # (PIPA 제23조): required to sign, recorded as its own ConsentRecord.
    sensitive_consent = forms.BooleanField(
        label=notices.SENSITIVE.text,
        error_messages={
            "required": _(
                "To sign, please agree to the processing of your political opinion. "
                "Without it we cannot take your signature."
            )
        },
    )
    wants_updates = forms.BooleanField(label=notices.UPDATES.text, required=False)
    # Bots fill every field; people never see this one (hidden by CSS, skipped by
    # keyboard and screen readers). A filled honeypot holds the signature for review.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    # Filled by static/js/petition-sign.js with the solved proof-of-work challenge.
    altcha = forms.CharField(required=False, widget=forms.HiddenInput)
    source = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, petition: Petition, supporter: Supporter | None = None, **kwargs):
        self.petition = petition
        self.supporter = supporter
        if supporter is not None:
            kwargs.setdefault(
                "initial",
                {
                    "first_name": supporter.first_name,
                    "last_name": supporter.last_name,
                    "country": supporter.country.code or None,
                    "postcode": supporter.postcode,
                    "city": supporter.city,
                },
            )
        super().__init__(*args, **kwargs)
        if supporter is not None:
            for name in ("email", "website", "altcha"):
                del self.fields[name]
        for name in ("postcode", "city"):
            if not petition.asks(name):
                del self.fields[name]
            elif petition.requires(name):
                self.fields[name].required = True

    def clean_email(self) -> str:
        address = self.cleaned_data["email"]
        if abuse.is_disposable(address):
            raise ValidationError(
                _(
                    "Addresses from disposable email services cannot confirm a signature "
                    "for long enough. Please use an address you keep."
                ),
                code="disposable",
            )
        return address

    def clean_postcode(self) -> str:
        return " ".join(self.cleaned_data["postcode"].split()).upper()

    def clean_city(self) -> str:
        return " ".join(self.cleaned_data["city"].split())

    def clean(self):
        data = super().clean()
        # A Korean postcode gives the signer's region (시·도): it must be one.
        postcode = data.get("postcode", "")
        if (
            postcode
            and str(data.get("country", "")) == "KR"
            and not kr_regions.is_postcode(postcode)
        ):
            self.add_error(
                "postcode", _("Enter the 5-digit postcode (for example 03154), or leave it empty.")
            )
        return data

    def clean_comment(self) -> str:
        return self.cleaned_data["comment"].strip()

    def clean_source(self) -> str:
        return clean_ref(self.cleaned_data["source"])

    def signature_fields(self) -> SignerDetails:
        """The signer's details, for ``services.sign_petition``."""
        data = self.cleaned_data
        return SignerDetails(
            email=data["email"] if self.supporter is None else self.supporter.email,
            first_name=data["first_name"],
            last_name=data["last_name"],
            country=data["country"],
            postcode=data.get("postcode", ""),
            city=data.get("city", ""),
            display=data["display"],
            comment=data["comment"],
            wants_updates=data["wants_updates"],
            source=data["source"],
            sensitive_consent=data["sensitive_consent"],
        )


class ConfirmForm(NameOrderMixin, forms.Form):
    """The name a signature will show, as the owner of the address confirms it."""

    first_name = SignForm.base_fields["first_name"]
    last_name = SignForm.base_fields["last_name"]
    display = SignForm.base_fields["display"]

    def __init__(self, *args, signature: Signature, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "first_name": signature.first_name,
                "last_name": signature.last_name,
                "display": signature.display,
            },
        )
        super().__init__(*args, **kwargs)
