"""Signed links in petition emails: confirm a signature, withdraw it.

Each purpose has its own salt, so a withdraw link can never confirm and the reverse.
A token names the signature and its supporter; a signature deleted and a new one made
later can never be reached by an old link.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse

from ..models import Signature

CONFIRM_SALT = "sori.petitions.confirm-signature"
WITHDRAW_SALT = "sori.petitions.withdraw-signature"
CONFIRM_MAX_AGE = timedelta(days=14)


@dataclass(frozen=True)
class TokenCheck:
    """What a link turned out to be: its signature (if it still exists) and whether it is stale."""

    valid: bool
    expired: bool = False
    signature: Signature | None = None


def _make(signature: Signature, salt: str) -> str:
    return signing.dumps([signature.pk, signature.supporter_id], salt=salt)


def _signature_for(data) -> Signature | None:
    if not (isinstance(data, list) and len(data) == 2 and all(isinstance(v, int) for v in data)):
        return None
    return (
        Signature.objects.select_related("petition", "petition__campaign", "supporter")
        .filter(pk=data[0], supporter_id=data[1])
        .first()
    )


def make_confirm_token(signature: Signature) -> str:
    return _make(signature, CONFIRM_SALT)


def make_withdraw_token(signature: Signature) -> str:
    return _make(signature, WITHDRAW_SALT)


def check_confirm_token(token: str) -> TokenCheck:
    """A confirmation link: valid for 14 days. An expired one still names its signature,
    so the page can offer a fresh email (to the signer's own address, nobody else's)."""
    try:
        data = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
        expired = False
    except signing.SignatureExpired:
        data = signing.loads(token, salt=CONFIRM_SALT)
        expired = True
    except signing.BadSignature:
        return TokenCheck(valid=False)
    return TokenCheck(valid=True, expired=expired, signature=_signature_for(data))


def check_withdraw_token(token: str) -> TokenCheck:
    """A withdraw link never expires: the privacy notice promises withdrawal at any time."""
    try:
        data = signing.loads(token, salt=WITHDRAW_SALT)
    except signing.BadSignature:
        return TokenCheck(valid=False)
    return TokenCheck(valid=True, signature=_signature_for(data))


def confirm_url(signature: Signature) -> str:
    return settings.SITE_URL + reverse("petitions:confirm", args=[make_confirm_token(signature)])


def withdraw_url(signature: Signature) -> str:
    return settings.SITE_URL + reverse("petitions:withdraw", args=[make_withdraw_token(signature)])
