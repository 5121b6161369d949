"""An SMTP server for the cluster test that accepts every message and counts them."""

import asyncio
import contextlib
import email
import threading
import time

from aiosmtpd.controller import Controller


class MailSink:
    """An SMTP server that accepts every message and remembers who got what.

    ``hold()`` stops it answering the end of a message (the moment a message counts
    as accepted) until the block ends; a message whose sender went away meanwhile is
    discarded, as a mail server does with a message whose acceptance it could not
    report. The worker-kill phase uses it to kill the worker at a moment when no
    message is between acceptance and the worker's record of it: no mail system can
    close that window (RFC 1047), and a kill inside it sends that message twice.
    """

    def __init__(self, port: int) -> None:
        self.port = port
        self.messages: list[tuple[float, str, bool]] = []  # (time, recipient, confirmation)
        self.discarded = 0
        self._held = threading.Event()
        self._lock = threading.Lock()
        self._controller = Controller(self, hostname="127.0.0.1", port=port)

    def start(self) -> None:
        self._controller.start()

    def stop(self) -> None:
        self._controller.stop()

    @contextlib.contextmanager
    def hold(self):
        self._held.set()
        try:
            yield
        finally:
            self._held.clear()

    async def handle_DATA(self, server, session, envelope) -> str:
        while self._held.is_set():
            await asyncio.sleep(0.02)
        if server.transport is None or server.transport.is_closing():
            with self._lock:
                self.discarded += 1
            return "451 Sender went away"
        confirmation = _is_confirmation(envelope.content)
        now = time.monotonic()
        with self._lock:
            for recipient in envelope.rcpt_tos:
                self.messages.append((now, recipient.lower(), confirmation))
        return "250 Message accepted for delivery"

    def received(self) -> list[tuple[float, str, bool]]:
        with self._lock:
            return list(self.messages)


def _is_confirmation(content: bytes) -> bool:
    """Whether a message carries a link to confirm a signature."""
    message = email.message_from_bytes(content)
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            text = (part.get_payload(decode=True) or b"").decode("utf-8", "replace")
            if "/petitions/confirm/" in text:
                return True
    return False
