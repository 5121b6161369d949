"""One renderer for every message Sori sends (the allauth ``render_mail`` pattern).

Each message is three templates: ``emails/<name>_subject.txt``,
``emails/<name>_message.txt`` and ``emails/<name>_message.html``. Apps add one small
function per message that builds the context and calls ``send_templated``.

A mail server that cannot take a message now (a 4xx answer, a 5xx on connecting or to
the sender, a dropped connection, a timeout) makes ``send_templated`` raise
``MailNotSent``; tasks declared with ``mail_task`` retry it with a growing delay (at
most an hour apart, eight times). A recipient refused for good (5xx to RCPT) raises
``MailRefused``, which ``mail_task`` logs and does not retry: asking again would get
the same answer.
"""

import functools
import logging
import smtplib
from collections.abc import Iterable, Sequence

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import Context
from django.template.loader import get_template, render_to_string

from lib import i18n


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
    # The recipient's language and its time zone: a Korean reader's dates in Korea's time.
    with i18n.override(language or settings.LANGUAGE_CODE):
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


logger = logging.getLogger(__name__)

# Celery's own retry: countdowns of about 1, 2, 4... seconds, at most an hour, with
# jitter; in eager mode (no Redis) a retry runs again at once.
MAIL_RETRY_OPTIONS = {
    "retry_backoff": True,
    "retry_backoff_max": 3600,
    "max_retries": 8,
}


class MailNotSent(Exception):
    """The mail server could not take the message now; sending it later may work."""


class MailRefused(Exception):
    """The mail server refused the recipient for good (5xx); sending again will not help."""


def send_templated(name: str, **kwargs) -> None:
    """Render and send message ``name``.

    Raises ``MailNotSent`` when the failure may pass, ``MailRefused`` when every
    recipient was refused with a permanent (5xx) answer.
    """
    deliver(build_templated(name, **kwargs), name=name)


def deliver(message: EmailMultiAlternatives, *, name: str, connection=None) -> None:
    """Send a built message (over ``connection`` when given, kept open by the caller for
    many messages), with the failures told apart as ``send_templated`` says."""
    try:
        if connection is not None:
            connection.send_messages([message])
        else:
            message.send()
    except smtplib.SMTPRecipientsRefused as refused:
        codes = sorted({code for code, _text in refused.recipients.values()})
        if codes and all(500 <= code < 600 for code in codes):
            raise MailRefused(f"{name}: recipient refused ({codes})") from refused
        raise MailNotSent(f"{name}: recipient not taken now ({codes})") from refused
    except OSError as failure:  # smtplib.SMTPException, timeouts, refused connections
        raise MailNotSent(f"{name}: {type(failure).__name__}: {failure}") from failure


def describe_failure(error: BaseException) -> str:
    """What went wrong as `Type: text`, naming the mail server's own error, not ours."""
    if isinstance(error, MailNotSent | MailRefused) and error.__cause__ is not None:
        error = error.__cause__
    return f"{type(error).__name__}: {error}"


class _GaveUp(MailNotSent):
    """Still not sent after every retry, run inline (eager mode): not retried again."""


def mail_task(*args, **options):
    """``shared_task`` for a task that sends mail: ``MailNotSent`` is retried with backoff,
    ``MailRefused`` logged and not retried. Same name as ``shared_task`` would give.

    Use as ``@mail_task`` or ``@mail_task(ignore_result=True)``. In eager mode (no
    broker) Celery would raise its ``Retry`` to the caller, as eager tasks propagate
    their errors: the retries are then run here, at once, and the last failure raised.
    """

    def decorate(function):
        @functools.wraps(function)
        def run(*call_args, **call_kwargs):
            retries_left = MAIL_RETRY_OPTIONS["max_retries"] if task.request.is_eager else 0
            while True:
                try:
                    return function(*call_args, **call_kwargs)
                except MailRefused as refused:
                    # No address in the log: the message name and the codes say enough.
                    logger.warning("Mail refused for good, not retried: %s", refused)
                    return None
                except MailNotSent as failure:
                    if not task.request.is_eager:
                        raise  # Celery's autoretry schedules the next attempt
                    if retries_left <= 0:
                        raise _GaveUp(str(failure)) from failure
                    retries_left -= 1

        task = shared_task(
            autoretry_for=(MailNotSent,),
            dont_autoretry_for=(_GaveUp,),
            **MAIL_RETRY_OPTIONS,
            **options,
        )(run)
        return task

    if len(args) == 1 and callable(args[0]) and not options:
        return decorate(args[0])
    return decorate
