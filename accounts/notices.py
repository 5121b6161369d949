"""The notices people see before they give us something, versioned.

The text shown is stored with each ConsentRecord, so change a notice by editing its
text *and* raising its version.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Notice:
    version: str
    text: str | Promise


PETITION = Notice(
    "2026-11-petition-v2",
    _(
        "Signing shows your political opinion, which the law treats as sensitive "
        "information. We use your name, email and country only to count and deliver this "
        "petition, to confirm your signature, and to prove it is genuine. Your email is "
        "never shown or handed over. Your name appears publicly only as you choose in this "
        "form (initials unless you choose otherwise). You can withdraw your signature and erase "
        "your data at any time from the link in our emails."
    ),
)

LETTER = Notice(
    "2026-11-letter-v1",
    _(
        "Your letter shows your political opinion, which the law treats as sensitive "
        "information. We use your name, town, country and the text you write to make your "
        "letter and, if you ask us, to send it to the official you chose. We keep your "
        "email address to confirm it and to tell you what happened to your letter. You can "
        "erase your data at any time."
    ),
)

UPDATES = Notice(
    "2026-11-updates-v1",
    _(
        "Send me occasional emails about this and related campaigns. I can unsubscribe "
        "with one click in any email."
    ),
)

DONATION = Notice(
    "2026-11-donation-v1",
    _(
        "We use your name and email to process your gift through Stripe and to send your "
        "receipt. Card details go to Stripe directly and never reach us."
    ),
)
