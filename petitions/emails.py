"""The messages petitions send, one function each, over ``lib.emails``."""

from django.conf import settings

from lib.emails import send_templated

from . import tokens
from .models import Signature


def _context(signature: Signature) -> dict:
    # No name: it was typed on a form, and anyone can type anyone's address. Mail to an
    # address whose owner has not confirmed it carries nothing a stranger chose.
    petition = signature.petition
    return {
        "petition": petition,
        "petition_url": settings.SITE_URL + petition.get_absolute_url(),
        "signed_at": signature.created_at,
        "withdraw_url": tokens.withdraw_url(signature),
    }


def send_confirmation(signature: Signature) -> None:
    """ "Please confirm your signature": the link opens a page whose button confirms."""
    send_templated(
        "petition_confirm",
        to=[signature.supporter.email],
        context={**_context(signature), "confirm_url": tokens.confirm_url(signature)},
        language=signature.supporter.language,
    )


def send_already_signed(signature: Signature) -> None:
    """ "You have already signed": sent to the address owner when someone signs again.

    Carries a fresh confirmation link while the signature still waits for one.
    """
    context = _context(signature)
    if signature.needs_email_confirmation:
        context["confirm_url"] = tokens.confirm_url(signature)
    send_templated(
        "petition_already_signed",
        to=[signature.supporter.email],
        context=context,
        language=signature.supporter.language,
    )
