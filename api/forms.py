"""Forms of the API app: a person sent to the signup helper, tokens and webhooks."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from lib.forms import EmailAddressField
from lib.names import clean_name

from .models import ApiToken, Event
from .ssrf import UnsafeDestination, check_url


class PersonForm(forms.Form):
    """A person as the signup helper takes one; the same checks as the site's forms."""

    email = EmailAddressField(max_length=254)
    first_name = forms.CharField(max_length=100, required=False)
    last_name = forms.CharField(max_length=100, required=False)
    country = CountryField(blank=True).formfield(required=False)
    city = forms.CharField(max_length=100, required=False)
    postcode = forms.CharField(max_length=20, required=False)

    def clean_first_name(self) -> str:
        value = self.cleaned_data["first_name"]
        return clean_name(value) if value else ""

    def clean_last_name(self) -> str:
        value = self.cleaned_data["last_name"]
        return clean_name(value) if value else ""


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=60,
        help_text=_("Where the token is used, e.g. “CiviCRM sync”. Records it makes carry it."),
    )
    scope = forms.ChoiceField(
        label=_("Scope"),
        choices=ApiToken.Scope.choices,
        initial=ApiToken.Scope.READ,
        widget=forms.RadioSelect,
    )


class WebhookForm(forms.Form):
    url = forms.URLField(
        label=_("Address"),
        max_length=500,
        assume_scheme="https",
        help_text=_("Sori POSTs each event here, signed with the webhook's secret."),
    )
    events = forms.MultipleChoiceField(
        label=_("Events"),
        choices=Event.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one event.")},
    )

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        try:
            check_url(url)
        except UnsafeDestination as error:
            raise forms.ValidationError(str(error)) from error
        return url
