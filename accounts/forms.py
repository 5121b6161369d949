from django import forms
from django.utils.translation import gettext_lazy as _

from lib.forms import EmailAddressField


class DataRequestForm(forms.Form):
    email = EmailAddressField(
        label=_("Your email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class EraseForm(forms.Form):
    confirm = forms.BooleanField(
        label=_(
            "I understand: my signatures, letters and consents will be deleted and "
            "cannot be restored."
        ),
        required=True,
    )
