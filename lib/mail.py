"""The development mailbox: every message saved as an .eml file, readable in the browser.

With ``DEBUG`` on, ``MAILERS["default"]`` uses ``DevMailboxBackend`` and /dev/mail/
lists what the site sent, newest first, so sign-up and confirmation flows can be
followed on a laptop with no mail server.
"""

import email
import email.policy
import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage as ParsedMessage
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend

NAME_PATTERN = re.compile(r"^[0-9]{8}T[0-9]{12}-[0-9a-f]{32}\.eml$")


class DevMailboxBackend(BaseEmailBackend):
    def __init__(self, *, directory: str, **kwargs):
        super().__init__(**kwargs)
        self.directory = Path(directory)

    def send_messages(self, email_messages) -> int:
        self.directory.mkdir(parents=True, exist_ok=True)
        sent = 0
        for message in email_messages:
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
            path = self.directory / f"{stamp}-{uuid.uuid4().hex}.eml"
            path.write_bytes(message.message().as_bytes())
            sent += 1
        return sent


@dataclass
class StoredMail:
    name: str
    subject: str
    sender: str
    to: str
    date: str
    text: str = ""
    html: str = ""
    attachments: list[tuple[str, str, int]] = field(default_factory=list)


def list_mailbox(directory: Path, limit: int = 200) -> list[StoredMail]:
    if not directory.is_dir():
        return []
    names = sorted(
        (p.name for p in directory.glob("*.eml") if NAME_PATTERN.match(p.name)), reverse=True
    )
    return [read_mail(directory, name, with_body=False) for name in names[:limit]]


def read_mail(directory: Path, name: str, *, with_body: bool = True) -> StoredMail:
    """Parse one stored message. Raises FileNotFoundError for unknown or odd names."""
    if not NAME_PATTERN.match(name):
        raise FileNotFoundError(name)
    raw = (directory / name).read_bytes()
    parsed: ParsedMessage = email.message_from_bytes(raw, policy=email.policy.default)
    mail = StoredMail(
        name=name,
        subject=str(parsed.get("Subject", "")),
        sender=str(parsed.get("From", "")),
        to=str(parsed.get("To", "")),
        date=str(parsed.get("Date", "")),
    )
    if not with_body:
        return mail
    text_part = parsed.get_body(preferencelist=("plain",))
    html_part = parsed.get_body(preferencelist=("html",))
    mail.text = text_part.get_content() if text_part else ""
    mail.html = html_part.get_content() if html_part else ""
    for part in parsed.iter_attachments():
        payload = part.get_payload(decode=True) or b""
        mail.attachments.append(
            (part.get_filename() or "attachment", part.get_content_type(), len(payload))
        )
    return mail


def read_attachment(directory: Path, name: str, index: int) -> tuple[str, str, bytes]:
    if not NAME_PATTERN.match(name):
        raise FileNotFoundError(name)
    parsed = email.message_from_bytes((directory / name).read_bytes(), policy=email.policy.default)
    parts = list(parsed.iter_attachments())
    if not 0 <= index < len(parts):
        raise FileNotFoundError(name)
    part = parts[index]
    return (
        part.get_filename() or "attachment",
        part.get_content_type(),
        part.get_payload(decode=True) or b"",
    )
