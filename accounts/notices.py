"""The notices people see before they give us something, versioned.

The text shown is stored with each ConsentRecord, so change a notice by editing its
text *and* raising its version.

Each notice says what Korea's PIPA (제15조②, 제22조, 제23조) asks of a consent: the
purpose, the items, how long they are kept, and that the person may refuse and what
follows if they do. Signing a petition or writing a letter discloses a political
opinion, sensitive information (제23조), so it gets a consent of its own: a separate,
unticked checkbox (``SENSITIVE`` on the sign form; the letter form's checkbox names
it too).
"""

from dataclasses import dataclass

from django.conf import settings
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Notice:
    version: str
    text: str | Promise


def _petition_text() -> str:
    return gettext(
        "Signing shows your political opinion, which Korea's Personal Information "
        "Protection Act treats as sensitive information. We use your name, email address "
        "and country (and your postcode or town where this petition asks for them) only "
        "to count and deliver this petition, to confirm your signature and to prove it is "
        "genuine. We do not show your email address or give it to anyone. Your name "
        "appears publicly only as you choose in this form (partly, such as \u201cJ. K.\u201d, "
        "unless you choose otherwise), and officials receive the names, towns and "
        "countries of signers who chose to be shown. We keep your signature until you "
        "withdraw it or erase your data, which you can do at any time from the link in "
        "our emails, and at most %(retention)s days after the petition closes or is "
        "delivered: then we delete who signed and keep only the count. The hash of your "
        "internet address is deleted after %(days)s days. You may refuse to agree, but "
        "then you cannot sign."
    ) % {"days": settings.PETITIONS_IP_HASH_DAYS, "retention": settings.PETITIONS_RETENTION_DAYS}


PETITION = Notice("2026-12-petition-v4", lazy(_petition_text, str)())

SENSITIVE = Notice(
    "2026-12-sensitive-v1",
    _(
        "I agree to the processing of my details, including my political opinion "
        "(sensitive information), as the notice above describes."
    ),
)


def _letter_text() -> str:
    return gettext(
        "Your letter shows your political opinion, which Korea's Personal Information "
        "Protection Act treats as sensitive information. We use your name, town, country, "
        "postal address (if you give one), email address and the text you write only to "
        "make your letter, to send it to the officials you chose if you ask us to, and to "
        "tell you what happened to it. The official receives your letter with your name, "
        "town, country and postal address, and your email address only if you allow "
        "replies. We keep your letter until you erase your data, which you can do at any "
        "time, and at most %(retention)s days after it is delivered: then we delete your "
        "details, its text and its PDF. You may refuse to agree, but then we cannot make "
        "your letter."
    ) % {"retention": settings.LETTERS_RETENTION_DAYS}


LETTER = Notice("2026-12-letter-v3", lazy(_letter_text, str)())

UPDATES = Notice(
    "2026-12-updates-v2",
    _(
        "Optional: send me occasional emails about this and related campaigns, to my name "
        "and email address, until I unsubscribe with one click in any of them. Saying no "
        "changes nothing else."
    ),
)

DONATION = Notice(
    "2026-12-donation-v2",
    _(
        "We use your name, email address and gift only to take the gift and send your "
        "receipt. Stripe processes the payment for us, outside Korea: your card details "
        "go to Stripe directly and never reach us. We keep donation records as long as "
        "tax law requires; if you erase your data, your name and email address are "
        "removed from them. You may refuse, but then we cannot take your gift."
    ),
)
