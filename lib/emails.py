"""One renderer for every message Sori sends (the allauth ``render_mail`` pattern).

Each message is three templates: ``emails/<name>_subject.txt``,
``emails/<name>_message.txt`` and ``emails/<name>_message.html``. Apps add one small
function per message that builds the context and calls ``send_templated``.
"""

from collections.abc import Iterable, Sequence

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.utils import translation


def render_templated(
    name: str, context: dict, *, language: str | None = None
) -> tuple[str, str, str]:
    """Render subject, text body and HTML body in the recipient's language."""
    context = {
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
        "organisation_name": settings.ORGANISATION_NAME,
        **context,
    }
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = _render_plain(f"emails/{name}_subject.txt", context)
        text = _render_plain(f"emails/{name}_message.txt", context)
        html = render_to_string(f"emails/{name}_message.html", context)
    # One line: a line break in a header would start a header of the sender's choosing.
    subject = " ".join(subject.split())
    return subject, text, html


def _render_plain(template_name: str, context: dict) -> str:
    """A plain-text template, not HTML-escaped: "Workers' rights & pay", never
    "Workers&#x27; rights &amp; pay". Only the HTML part needs escaping."""
    template = get_template(template_name).template
    return template.render(Context(context, autoescape=False))


def build_templated(
    name: str,
    *,
    to: Sequence[str],
    context: dict,
    language: str | None = None,
    reply_to: Sequence[str] = (),
    attachments: Iterable[tuple[str, bytes, str]] = (),
    headers: dict | None = None,
) -> EmailMultiAlternatives:
    subject, text, html = render_templated(name, context, language=language)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        to=list(to),
        reply_to=list(reply_to),
        headers=headers or {},
    )
    message.attach_alternative(html, "text/html")
    for filename, content, mimetype in attachments:
        message.attach(filename, content, mimetype)
    return message


def send_templated(name: str, **kwargs) -> None:
    build_templated(name, **kwargs).send()
