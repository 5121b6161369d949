"""Mail tasks retry a mail server that cannot take a message now, and never a refusal
for good. The server is real: a local aiosmtpd SMTP server that answers RCPT with the
codes it is given, then accepts (the network edge; nothing of ours is faked).

Celery runs eagerly here: a retry runs again at once, up to ``max_retries``.
"""

import socket
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from django.utils import timezone

from accounts import tasks as account_tasks
from letters import services as letter_services
from lib.emails import MAIL_RETRY_OPTIONS, MailNotSent, send_templated
from outbox.models import Message
from outbox.tasks import sweep
from petitions import tasks as petition_tasks
from petitions.models import Signature
from tests.factories import LetterFactory, PetitionFactory, SignatureFactory, SupporterFactory

ADDRESS = "jiwoo@example.org"


class RefusingThenAccepting:
    """Answers the first RCPTs with ``codes`` (one each), then takes every message."""

    def __init__(self, codes):
        self.codes = list(codes)
        self.rcpt_attempts = 0
        self.received = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self.rcpt_attempts += 1
        if self.codes:
            return self.codes.pop(0)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.received.append((list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def use_smtp(settings, port: int) -> None:
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "use_tls": False, "timeout": 5},
        }
    }


@pytest.fixture
def smtp_server(settings):
    """Start a server answering RCPT with the given codes first; yields its handler."""
    controllers = []

    def start(*codes):
        handler = RefusingThenAccepting(codes)
        controller = Controller(handler, hostname="127.0.0.1", port=free_port())
        controller.start()
        controllers.append(controller)
        use_smtp(settings, controller.port)
        return handler

    yield start
    for controller in controllers:
        controller.stop()


@pytest.fixture
def pending_signature(db):
    petition = PetitionFactory(slug="free-them", title="Free them now")
    supporter = SupporterFactory(email=ADDRESS)
    return SignatureFactory(
        petition=petition,
        supporter=supporter,
        status=Signature.Status.PENDING,
        confirmed_at=None,
    )


def test_confirmation_refused_once_with_451_arrives_exactly_once(smtp_server, pending_signature):
    server = smtp_server("451 4.7.1 Greylisted, try again later")

    petition_tasks.send_confirmation.delay(pending_signature.pk)

    assert server.rcpt_attempts == 2
    assert len(server.received) == 1
    recipients, content = server.received[0]
    assert recipients == [ADDRESS]
    assert b"Free them now" in content


def test_retries_do_not_use_up_the_address_cap(smtp_server, pending_signature, settings):
    settings.PETITIONS_MAIL_PER_ADDRESS_PER_DAY = 1
    server = smtp_server("451 4.7.1 Greylisted", "421 4.4.2 Timeout")
    second = SignatureFactory(
        petition=PetitionFactory(slug="second"),
        supporter=pending_signature.supporter,
        status=Signature.Status.PENDING,
        confirmed_at=None,
    )

    petition_tasks.send_confirmation.delay(pending_signature.pk)
    petition_tasks.send_confirmation.delay(second.pk)

    assert server.rcpt_attempts == 3
    assert [recipients for recipients, _ in server.received] == [[ADDRESS]]
    assert b"Free them now" in server.received[0][1]


def test_confirmation_refused_with_550_is_not_retried(smtp_server, pending_signature, caplog):
    server = smtp_server("550 5.1.1 No such mailbox")

    petition_tasks.send_confirmation.delay(pending_signature.pk)

    assert server.rcpt_attempts == 1
    assert server.received == []
    assert [r.getMessage() for r in caplog.records if r.name == "lib.emails"] == [
        "Mail refused for good, not retried: petition_confirm: recipient refused ([550])"
    ]


def test_already_signed_refused_once_with_451_arrives_exactly_once(smtp_server, pending_signature):
    server = smtp_server("451 4.3.0 Mailbox temporarily unavailable")

    petition_tasks.notify_repeat_signer.delay(pending_signature.pk)

    assert server.rcpt_attempts == 2
    assert len(server.received) == 1
    pending_signature.refresh_from_db()
    assert pending_signature.repeat_mailed_at is not None


def test_letter_confirmation_refused_once_with_451_arrives_once_from_the_outbox(
    smtp_server, db, django_capture_on_commit_callbacks
):
    server = smtp_server("451 4.7.1 Greylisted, try again later")
    letter = LetterFactory(supporter=SupporterFactory(email=ADDRESS))

    with django_capture_on_commit_callbacks(execute=True):
        letter_services.request_delivery(letter=letter, method="email")
    [message] = Message.objects.all()
    after_refusal = (server.rcpt_attempts, len(server.received), message.attempts)
    # The outbox retries after its backoff (2 minutes after one failure), not at once.
    Message.objects.filter(pk=message.pk).update(
        dispatched_at=timezone.now() - timedelta(minutes=3)
    )
    sweep()
    sweep()

    assert after_refusal == (1, 0, 1)
    message.refresh_from_db()
    assert (message.attempts, message.done_at is not None) == (1, True)
    assert server.rcpt_attempts == 2
    assert [recipients for recipients, _ in server.received] == [[ADDRESS]]
    assert b"/en/letters/confirm/" in server.received[0][1]


def test_a_letter_confirmation_for_an_old_revision_is_not_sent(smtp_server, db):
    server = smtp_server()
    letter = LetterFactory(supporter=SupporterFactory(email=ADDRESS), delivery="email")

    sent = letter_services.send_confirm_request(
        letter_id=letter.pk, revision=letter.revision - 1, method="email", language="en"
    )

    assert sent is False
    assert server.received == []


def test_data_link_refused_once_with_421_arrives_exactly_once(smtp_server, db):
    SupporterFactory(email=ADDRESS)
    server = smtp_server("421 4.4.5 Too many connections")

    account_tasks.send_data_link.delay(ADDRESS, "en")

    assert server.rcpt_attempts == 2
    assert [recipients for recipients, _content in server.received] == [[ADDRESS]]


def test_a_server_that_never_takes_it_is_tried_max_retries_plus_one_times(smtp_server, db):
    SupporterFactory(email=ADDRESS)
    server = smtp_server(*["451 4.7.1 Try again later"] * 20)

    with pytest.raises(MailNotSent):
        account_tasks.send_data_link.delay(ADDRESS, "en")

    assert MAIL_RETRY_OPTIONS["max_retries"] == 8
    assert server.rcpt_attempts == 9
    assert server.received == []


def test_no_server_listening_is_a_mail_not_sent(settings):
    use_smtp(settings, free_port())  # nothing listens there: the connection is refused

    with pytest.raises(MailNotSent) as raised:
        send_templated(
            "my_data_link",
            to=[ADDRESS],
            context={"url": "https://sori.example/my-data/x/", "supporter": None},
        )

    assert isinstance(raised.value.__cause__, ConnectionRefusedError)


def test_mail_tasks_keep_their_names_and_declare_the_backoff():
    for task, name in [
        (petition_tasks.send_confirmation, "petitions.tasks.send_confirmation"),
        (petition_tasks.notify_repeat_signer, "petitions.tasks.notify_repeat_signer"),
        (account_tasks.send_data_link, "accounts.tasks.send_data_link"),
    ]:
        assert task.name == name
        assert task.autoretry_for == (MailNotSent,)
        assert (task.retry_backoff, task.retry_backoff_max, task.max_retries) == (True, 3600, 8)
