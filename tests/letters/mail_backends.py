"""Mail backends standing in for an SMTP server that refuses (the network edge)."""

import smtplib

from django.core.mail.backends.base import BaseEmailBackend


class RefusingBackend(BaseEmailBackend):
    """Every message is refused, as a relay that is down or rejects the recipient."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPRecipientsRefused(
            {m.to[0]: (550, b"5.1.1 mailbox unavailable") for m in email_messages}
        )
