"""The update as an email: rendered once per language, then addressed to each person.

Every message carries ``List-Unsubscribe`` with an https address (one-click, RFC 8058:
a POST with ``List-Unsubscribe=One-Click``, no session) and a mailto address, and
``List-Unsubscribe-Post: List-Unsubscribe=One-Click``. Nothing tracks the reader: no
pixel, no redirected links; the links are the plain addresses.

The body is the same for everyone who reads one language except the unsubscribe
address, so each language is rendered once with a marker where the address goes, and
the marker replaced for each person (a signed token holds only URL-safe characters, so
the HTML part needs no escaping of it). Rendering per person would cost three template
renders per message.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse

from lib.emails import render_templated

from .models import Update

UNSUBSCRIBE_SALT = "updates.unsubscribe"
MARKER = "SORI-UNSUBSCRIBE-ADDRESS-8c1f"
TEMPLATE = "update"


def unsubscribe_token(*, update_id: int, supporter_id: int | None) -> str:
    """A token naming the update and the supporter; it never expires (RFC 8058 links
    must keep working). ``supporter_id`` None: a test message to a manager."""
    return signing.dumps({"u": update_id, "s": supporter_id}, salt=UNSUBSCRIBE_SALT)


def read_token(token: str) -> dict | None:
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return data if isinstance(data, dict) and "u" in data else None


def unsubscribe_url(token: str) -> str:
    return settings.SITE_URL + reverse("updates_unsubscribe", args=[token])


def unsubscribe_mailto(token: str) -> str:
    return f"mailto:{settings.UPDATES_UNSUBSCRIBE_EMAIL}?subject=unsubscribe%20{token}"


@dataclass
class Rendered:
    subject: str
    text: str
    html: str


def render_update(update: Update, language: str, *, test: bool = False) -> Rendered:
    """The update in ``language`` (falling back to another one), with ``MARKER`` where
    each person's unsubscribe address goes."""
    context = {
        "update": update,
        "subject": update.text("subject", language),
        "body": update.text("body", language),
        "body_html": update.text("body_html", language),
        "scope": update.scope,
        "scope_url": settings.SITE_URL + update.scope.get_absolute_url(),
        "unsubscribe_url": MARKER,
        "test": test,
    }
    subject, text, html = render_templated(TEMPLATE, context, language=language)
    return Rendered(subject, text, html)


def address(rendered: Rendered, *, to: str, token: str) -> EmailMultiAlternatives:
    """The message for one person: their unsubscribe address and the list headers."""
    url = unsubscribe_url(token)
    message = EmailMultiAlternatives(
        subject=rendered.subject,
        body=rendered.text.replace(MARKER, url),
        to=[to],
        headers={
            "List-Unsubscribe": f"<{url}>, <{unsubscribe_mailto(token)}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(rendered.html.replace(MARKER, url), "text/html")
    return message
