"""Every message the accounts app sends itself: one small function per message.

Each renders ``emails/<name>_subject.txt``, ``_message.txt`` and ``_message.html``
through ``lib.emails``. (allauth's own messages go through ``adapter.py``.)
"""

from django.conf import settings
from django.urls import reverse

from lib.emails import send_templated

from .models import Supporter


def send_data_link(supporter: Supporter, *, token: str, language: str) -> None:
    """The one-day link to "see or erase my data"."""
    url = settings.SITE_URL + reverse("accounts:data", args=[token])
    send_templated(
        "my_data_link",
        to=[supporter.email],
        context={"url": url, "supporter": supporter},
        language=language,
    )
