"""How allauth treats Sori's accounts."""

import time

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.authentication import get_authentication_records
from allauth.core.internal.ratelimit import truncate_ip
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from lib.forms import UNCANONICAL_EMAIL
from lib.http import hash_ip
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

    def get_client_ip(self, request: HttpRequest) -> str:
        """A keyed hash of the client's address (``lib.http.hash_ip``), never the address.

        allauth builds its rate-limit keys from this ("allauth:rl:...:ip:<this>"), and
        those keys sit in the shared cache, where the privacy notice promises no network
        address is kept. An IPv6 address is first cut to allauth's prefix
        (``ALLAUTH_RATE_LIMIT_IPV6_PREFIX``), so one network still counts as one client.
        The security notification mail, the one other user here, gets the address itself
        from ``send_notification_mail``.
        """
        return hash_ip(truncate_ip(super().get_client_ip(request)))

    def send_notification_mail(self, template_prefix, user, context=None, email=None) -> None:
        # The mail tells the account holder where a change came from: their own
        # address, sent to them and not stored, so the real one, not its hash.
        context = {"ip": super().get_client_ip(self.request), **(context or {})}
        super().send_notification_mail(template_prefix, user, context=context, email=email)

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        """A sign-in within ``ACCOUNT_REAUTHENTICATION_TIMEOUT`` counts as confirming it's you.

        allauth asks for the password before MFA is switched on or off, and counts only
        its own "confirm it's you" step as recent: a manager whom the manager area sends
        from signing in straight to the MFA set-up was asked for the password typed a
        moment before. A sign-in (password, emailed code or MFA) in this session within
        the window proves as much as that step would.
        """
        if not super().is_reauthentication_required(app=app, **kwargs):
            return False
        return not self._signed_in_recently()

    def _signed_in_recently(self) -> bool:
        request = self.request
        if request is None or not request.user.is_authenticated:
            return False
        methods = account_settings.REAUTHENTICATION_METHODS
        window = account_settings.REAUTHENTICATION_TIMEOUT
        now = time.time()
        return any(
            record.get("method") in methods and now - record.get("at", 0) < window
            for record in get_authentication_records(request, request.user)
        )
