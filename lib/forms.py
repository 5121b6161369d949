"""Form fields shared by every app."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from lib.names import clean_name
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


NAME_MAX_LENGTH = 100


def person_name_fields(*, last_required: bool = True) -> tuple[forms.CharField, forms.CharField]:
    """The first and last name fields of every form that asks for a person's name:
    ``first_name, last_name = person_name_fields()`` in the form's body."""
    first = forms.CharField(
        label=_("First name"),
        max_length=NAME_MAX_LENGTH,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last = forms.CharField(
        label=_("Last name"),
        max_length=NAME_MAX_LENGTH,
        required=last_required,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    return first, last


class NameOrderMixin:
    """Forms that ask for a name: Korean readers are asked for the family name first,
    and every name goes through the one cleaner (``lib.names.clean_name``).

    "성" then "이름" on Korean pages, "First name" then "Last name" elsewhere. Templates
    show ``form.name_fields`` in a loop, and the error summary follows the same order.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.family_name_first and {"first_name", "last_name"} <= set(self.fields):
            names = list(self.fields)
            first, last = names.index("first_name"), names.index("last_name")
            names[first], names[last] = names[last], names[first]
            self.fields = {name: self.fields[name] for name in names}

    @property
    def family_name_first(self) -> bool:
        return (get_language() or "").split("-")[0] == "ko"

    @property
    def name_fields(self) -> list:
        order = ["first_name", "last_name"]
        if self.family_name_first:
            order.reverse()
        return [self[name] for name in order if name in self.fields]

    def clean_first_name(self) -> str:
        return clean_name(self.cleaned_data["first_name"])

    def clean_last_name(self) -> str:
        return clean_name(self.cleaned_data["last_name"])
