"""Every message the letters app sends: one small function per message.

Each renders ``emails/<name>_subject.txt``, ``_message.txt`` and ``_message.html``
through ``lib.emails``. Services decide when a message goes; these decide what it says.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse

from lib.emails import build_templated, send_templated

from .models import Letter
from .pdf import letter_context


def send_confirm_request(letter: Letter, *, token: str, language: str) -> None:
    """The link the owner of the supporter's address follows to confirm delivery.

    Anyone can type anyone's address, so until its owner confirms, the mail carries
    nothing the writer chose (subject, words, name): only the action and the official,
    which are ours. The letter itself stays out of the context.
    """
    context = {
        "action": letter.action.text("title", language),
        "official": letter.target.display_name(language),
        "url": settings.SITE_URL + reverse("letters:confirm", args=[token]),
        "method": letter.delivery,
        "days": settings.LETTERS_CONFIRM_MAX_AGE_DAYS,
    }
    send_templated(
        "letter_confirm", to=[letter.supporter.email], context=context, language=language
    )


def build_official_email(letter: Letter, *, to: str, pdf: bytes) -> EmailMultiAlternatives:
    """The letter to its official: the text in the body, the PDF attached."""
    context = {"letter": letter, "organisation_name": settings.ORGANISATION_NAME}
    context.update(letter_context(letter))
    return build_templated(
        "letter_to_official",
        to=[to],
        context=context,
        language=letter.language,
        # Replies reach the writer only if they agreed; otherwise the organisation.
        reply_to=[
            letter.supporter.email if letter.reply_to_supporter else settings.ORGANISATION_EMAIL
        ],
        attachments=[(letter.pdf_filename(), pdf, "application/pdf")],
    )
