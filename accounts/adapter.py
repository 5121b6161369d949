"""How allauth treats Sori's accounts."""

from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import ValidationError

from lib.forms import UNCANONICAL_EMAIL
from lib.text import InvalidEmail, canonical_email


class AccountAdapter(DefaultAccountAdapter):
    def clean_email(self, email: str) -> str:
        """Sign-up, added addresses and password resets use the canonical address.

        Otherwise one mailbox spelt two ways (fullwidth letters, hidden characters)
        could hold two accounts, and a reset asked for in one spelling would miss the
        account stored in the other.
        """
        try:
            address = canonical_email(email)
        except InvalidEmail as error:
            raise ValidationError(UNCANONICAL_EMAIL, code="uncanonical") from error
        return super().clean_email(address)
