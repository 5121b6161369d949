"""Form fields shared by every app."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from lib.text import InvalidEmail, canonical_email

UNCANONICAL_EMAIL = _(
    "Enter an email address that can receive mail, without hidden or unusual characters."
)


class EmailAddressField(forms.EmailField):
    """An email field whose cleaned value is the canonical address (lib.text).

    Every form that takes a supporter's address uses it, so two spellings of one
    mailbox (fullwidth letters, hidden characters, quotes) cannot become two people.
    """

    default_error_messages = {"uncanonical": UNCANONICAL_EMAIL}

    def clean(self, value):
        address = super().clean(value)
        if address in self.empty_values:
            return address
        try:
            return canonical_email(address)
        except InvalidEmail as error:
            raise ValidationError(self.error_messages["uncanonical"], code="uncanonical") from error
