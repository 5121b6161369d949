"""The messages petitions send, one function each, over ``lib.emails``."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from accounts import mailcap
from lib import ratelimit
from lib.emails import MailNotSent, send_templated

from ..models import Signature
from . import tokens


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


# The mail caps, and the tasks' entry points. ------------------------------------------

REPEAT_MAIL_INTERVAL = timedelta(days=1)
MAIL_CAP_SECONDS = 24 * 60 * 60


# The kind of mail counted against PETITIONS_MAIL_PER_ADDRESS_PER_DAY (accounts.mailcap).
MAIL_TO_ADDRESS = "petitions"


def _client_caps(ip_hash: str) -> list[tuple[str, ratelimit.Limit]]:
    """The cap on petition mail asked for by client ``ip_hash`` (none without one)."""
    if not ip_hash:
        return []
    limit = ratelimit.Limit(settings.PETITIONS_MAIL_PER_CLIENT_PER_DAY, MAIL_CAP_SECONDS)
    return [(f"petitions:mail-from:{ip_hash}", limit)]


def _send_within_caps(send, signature: Signature, *, ip_hash: str) -> bool:
    """``send(signature)`` if the caps allow one more mail; whether it was sent.

    Anyone can type anyone's address into a sign form: without caps Sori would mail
    strangers as often as someone asked it to. Capped per client a day
    (``PETITIONS_MAIL_PER_CLIENT_PER_DAY``, in the cache) and per recipient mailbox a day
    (``PETITIONS_MAIL_PER_ADDRESS_PER_DAY``, exactly, in the database: accounts.mailcap).
    The caps count mail sent: a message the server did not take (``MailNotSent``, which
    the task retries) is given back, so retries during a mail outage never use up the
    address's allowance and leave its owner without a link.
    """
    address = signature.supporter.email
    client = _client_caps(ip_hash)
    if not all(ratelimit.hit(client)):
        return False
    if not mailcap.take(MAIL_TO_ADDRESS, address, settings.PETITIONS_MAIL_PER_ADDRESS_PER_DAY):
        return False
    try:
        send(signature)
    except MailNotSent:
        ratelimit.give_back(client)
        mailcap.give_back(MAIL_TO_ADDRESS, address)
        raise
    return True


def send_confirmation_email(*, signature_id: int, ip_hash: str = "") -> bool:
    """Send the confirmation email if the signature still exists and still needs it.

    Skipped over the mail caps (``_send_within_caps``): the signature stays pending, and its
    signer can ask for a fresh link later. Returns whether a message was sent.
    """
    signature = (
        Signature.objects.select_related("petition", "supporter").filter(pk=signature_id).first()
    )
    if signature is None or not signature.needs_email_confirmation:
        return False
    return _send_within_caps(send_confirmation, signature, ip_hash=ip_hash)


def notify_repeat_signer(*, signature_id: int, ip_hash: str = "") -> bool:
    """Mail "you have already signed" unless this signature's owner had one in the last day.

    The conditional UPDATE claims the day's message, so concurrent repeats send one.
    Skipped (the day's message claimed all the same) over the mail caps.
    """
    now = timezone.now()
    due = Q(repeat_mailed_at__isnull=True) | Q(repeat_mailed_at__lte=now - REPEAT_MAIL_INTERVAL)
    claimed = Signature.objects.filter(due, pk=signature_id).update(repeat_mailed_at=now)
    if not claimed:
        return False
    signature = Signature.objects.select_related("petition", "supporter").get(pk=signature_id)
    try:
        return _send_within_caps(send_already_signed, signature, ip_hash=ip_hash)
    except MailNotSent:
        # Give the claim back, so the task's retry can send the day's message.
        Signature.objects.filter(pk=signature_id, repeat_mailed_at=now).update(
            repeat_mailed_at=None
        )
        raise
