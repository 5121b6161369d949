"""Mail the API app sends: one function per message (``lib.emails``)."""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import get_language

from lib.emails import send_templated

from .models import Webhook


def send_webhook_disabled(hook: Webhook) -> None:
    """Tell a webhook's owner that it was switched off, why, and where to switch it on."""
    owner = hook.owner
    supporter = getattr(owner, "supporter", None)
    language = getattr(supporter, "language", None) or get_language() or settings.LANGUAGE_CODE
    send_templated(
        "webhook_disabled",
        to=[owner.email],
        context={
            "hook": hook,
            "url": settings.SITE_URL + reverse("api:manage_webhook", args=[hook.pk]),
        },
        language=language,
    )
