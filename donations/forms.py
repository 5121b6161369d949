from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign
from lib.forms import EmailAddressField, NameOrderMixin, person_name_fields

from . import money
from .models import Donation

OTHER = "other"


class DonationForm(NameOrderMixin, forms.Form):
    """Amount (a preset or another), how often, and who gives.

    The currency is chosen before the form (links that reload the page with its
    presets, so the form works without JavaScript) and travels in a hidden field.
    """

    currency = forms.ChoiceField(widget=forms.HiddenInput)
    campaign = forms.ModelChoiceField(
        queryset=Campaign.objects.live(),
        to_field_name="slug",
        required=False,
        widget=forms.HiddenInput,
    )
    frequency = forms.ChoiceField(
        label=_("How often"),
        choices=Donation.Frequency.choices,
        initial=Donation.Frequency.ONCE,
        widget=forms.RadioSelect,
    )
    preset = forms.ChoiceField(label=_("Amount"), widget=forms.RadioSelect, required=False)
    other_amount = forms.CharField(
        label=_("Your own amount"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    first_name, last_name = person_name_fields()
    email = EmailAddressField(
        label=_("Email"),
        max_length=254,
        help_text=_("We send your receipt here."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def __init__(self, *args, currency: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.currency_code = currency
        self.fields["currency"].choices = [(code, code) for code in money.currencies()]
        self.fields["currency"].initial = currency
        choices = [
            (str(amount), money.format_money(amount, currency))
            for amount in money.presets(currency)
        ]
        self.fields["preset"].choices = [*choices, (OTHER, _("Other amount"))]
        self.fields["preset"].initial = choices[1][0] if len(choices) > 1 else choices[0][0]
        low, high = money.limits(currency)
        self.fields["other_amount"].help_text = _("Between %(minimum)s and %(maximum)s.") % {
            "minimum": money.format_money(low, currency),
            "maximum": money.format_money(high, currency),
        }

    def clean_currency(self) -> str:
        # The page's currency, from the URL, must match what the form was built for.
        currency = self.cleaned_data["currency"]
        if currency != self.currency_code:
            raise ValidationError(_("Choose the currency again."), code="currency")
        return currency

    def clean(self):
        cleaned = super().clean()
        if self.errors.get("currency"):
            return cleaned
        preset, other = cleaned.get("preset"), (cleaned.get("other_amount") or "").strip()
        if preset and preset != OTHER and not other:
            cleaned["amount"] = int(preset)
        elif not other:
            self.add_error("other_amount", _("Choose an amount or enter another."))
        else:
            try:
                cleaned["amount"] = money.parse_amount(other, self.currency_code)
            except ValidationError as error:
                self.add_error("other_amount", error)
        return cleaned


class PaymentFilterForm(forms.Form):
    """Filters of the staff donations page and its export (GET)."""

    campaign = forms.ModelChoiceField(
        label=_("Campaign"),
        queryset=Campaign.objects.order_by("title_en", "title_ko"),
        to_field_name="slug",
        required=False,
        empty_label=_("All campaigns"),
    )
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False, empty_value=None)
    currency = forms.ChoiceField(label=_("Currency"), required=False)

    def __init__(self, *args, **kwargs):
        from .models import Payment

        super().__init__(*args, **kwargs)
        years = [d.year for d in Payment.objects.dates("paid_at", "year", order="DESC")]
        self.fields["year"].choices = [("", _("All years")), *((y, y) for y in years)]
        codes = sorted({*money.currencies(), *Payment.objects.values_list("currency", flat=True)})
        self.fields["currency"].choices = [("", _("All currencies")), *((c, c) for c in codes)]

    def filter(self, payments):
        """The payments that match; invalid filters match nothing rather than everything."""
        if not self.is_bound:
            return payments
        if not self.is_valid():
            return payments.none()
        data = self.cleaned_data
        if data.get("campaign"):
            payments = payments.filter(donation__campaign=data["campaign"])
        if data.get("year"):
            payments = payments.filter(paid_at__year=data["year"])
        if data.get("currency"):
            payments = payments.filter(currency=data["currency"])
        return payments
