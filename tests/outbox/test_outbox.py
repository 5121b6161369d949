"""After-commit work is a row first (outbox.Message), then a Celery task."""

from datetime import timedelta

import pytest
from celery import current_app, shared_task
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from accounts.models import Supporter
from lib.tasks import after_commit
from outbox.models import LEASE, MAX_ATTEMPTS, Message, backoff
from outbox.tasks import purge_done, run_message, sweep
from tests.petitions.conftest import form_data, sign_url

SUPPORTER = "jiwoo@example.org"
# How many more times ``flaky`` fails before it works.
FAILURES_LEFT = {"count": 0}


@shared_task(name="tests.outbox.flaky")
@transaction.atomic
def flaky(email: str) -> None:
    """Adds a supporter in one transaction (as every service does), which fails while
    FAILURES_LEFT says so: the failed runs leave nothing behind."""
    Supporter.objects.create(email=email)
    if FAILURES_LEFT["count"] > 0:
        FAILURES_LEFT["count"] -= 1
        raise ValueError("a bad day")


@pytest.fixture
def failing_twice():
    FAILURES_LEFT["count"] = 2
    yield
    FAILURES_LEFT["count"] = 0


@pytest.fixture
def refusing_broker():
    """A broker on a closed port, with tasks really sent (not run inline)."""
    conf = current_app.conf
    saved = (conf.broker_url, conf.task_always_eager, conf.task_publish_retry)
    _forget_connections()
    conf.broker_url = "redis://127.0.0.1:9/0"
    conf.task_always_eager = False
    conf.task_publish_retry = False
    yield
    _forget_connections()
    conf.broker_url, conf.task_always_eager, conf.task_publish_retry = saved


def _forget_connections() -> None:
    # Celery keeps a connection pool per app; a new broker URL needs new connections.
    current_app._pool = None
    current_app.amqp._producer_pool = None


def age(message: Message, **delta) -> None:
    """Move a message's last hand-over into the past (instead of sleeping)."""
    Message.objects.filter(pk=message.pk).update(dispatched_at=timezone.now() - timedelta(**delta))


def test_a_rolled_back_change_leaves_no_message_and_runs_nothing(
    db, django_capture_on_commit_callbacks
):
    Supporter.objects.create(email=SUPPORTER)

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        after_commit("accounts.tasks.send_data_link", SUPPORTER, "en")
        raise RuntimeError("the change fails")

    assert Message.objects.count() == 0
    assert callbacks == []
    assert mail.outbox == []


def test_a_committed_change_leaves_one_done_message_and_runs_it_once(
    db, django_capture_on_commit_callbacks
):
    Supporter.objects.create(email=SUPPORTER)

    with django_capture_on_commit_callbacks(execute=False) as pending:
        after_commit("accounts.tasks.send_data_link", SUPPORTER, "en")
    written = Message.objects.get()
    undone_before_commit = written.done_at is None
    with django_capture_on_commit_callbacks(execute=True):
        pending[0]()

    message = Message.objects.get()
    assert undone_before_commit is True
    assert (message.task, message.args, message.attempts) == (
        "accounts.tasks.send_data_link",
        [SUPPORTER, "en"],
        0,
    )
    assert message.done_at is not None
    assert len(mail.outbox) == 1


def test_a_message_delivered_twice_runs_once(db, django_capture_on_commit_callbacks):
    Supporter.objects.create(email=SUPPORTER)
    with django_capture_on_commit_callbacks(execute=True):
        after_commit("accounts.tasks.send_data_link", SUPPORTER, "en")
    message = Message.objects.get()

    again = run_message(message.pk)

    assert again is False
    assert len(mail.outbox) == 1


def test_a_refused_hand_over_leaves_the_row_and_the_sweep_runs_it_once(
    db, django_capture_on_commit_callbacks, refusing_broker
):
    Supporter.objects.create(email=SUPPORTER)
    with django_capture_on_commit_callbacks(execute=True):
        after_commit("accounts.tasks.send_data_link", SUPPORTER, "en")
    left = Message.objects.get()
    left_undone = (left.done_at, left.dispatched_at, len(mail.outbox))
    current_app.conf.task_always_eager = True  # the broker is back (eager, as in tests)

    handed = sweep()
    handed_again = sweep()

    assert left_undone == (None, None, 0)
    assert (handed, handed_again) == (1, 0)
    assert Message.objects.get().done_at is not None
    assert len(mail.outbox) == 1


def test_a_failing_task_records_its_error_and_is_retried_when_due(
    db, django_capture_on_commit_callbacks, failing_twice
):
    with django_capture_on_commit_callbacks(execute=True):
        after_commit("tests.outbox.flaky", SUPPORTER)
    first = Message.objects.get()
    not_yet = sweep()
    age(first, minutes=1)  # the first retry waits 2 minutes
    still_not = sweep()
    age(first, minutes=3)
    retried = sweep()
    second = Message.objects.get()
    age(second, minutes=5)  # the second waits 4
    last = sweep()

    message = Message.objects.get()
    assert first.attempts == 1
    assert "ValueError: a bad day" in first.last_error
    assert first.done_at is None
    assert (not_yet, still_not, retried, last) == (0, 0, 1, 1)
    assert second.attempts == 2
    assert second.done_at is None
    assert message.attempts == 2
    assert message.done_at is not None
    # The failed runs' own transactions rolled back; only the run that worked added a row.
    assert Supporter.objects.filter(email=SUPPORTER).count() == 1


def test_the_sweep_gives_up_after_the_last_attempt(db):
    message = Message.objects.create(
        task="tests.outbox.flaky", args=[SUPPORTER], attempts=MAX_ATTEMPTS
    )
    age(message, days=2)

    handed = sweep()

    assert handed == 0
    assert Message.objects.get().done_at is None


def test_backoff_doubles_and_stops_at_six_hours():
    assert [backoff(attempts) for attempts in (1, 2, 8, 9, 10)] == [
        timedelta(minutes=2),
        timedelta(minutes=4),
        timedelta(minutes=256),
        timedelta(hours=6),
        timedelta(hours=6),
    ]


def test_the_sweep_hands_over_only_messages_handed_over_a_minute_ago(db):
    Supporter.objects.create(email=SUPPORTER)
    recent = Message.objects.create(task="accounts.tasks.send_data_link", args=[SUPPORTER, "en"])
    age(recent, seconds=30)

    while_recent = sweep()
    age(recent, seconds=90)
    once_stale = sweep()

    assert (while_recent, once_stale) == (0, 1)
    assert len(mail.outbox) == 1


def test_relay_outbox_command_sweeps(db, capsys):
    Supporter.objects.create(email=SUPPORTER)
    Message.objects.create(task="accounts.tasks.send_data_link", args=[SUPPORTER, "en"])

    call_command("relay_outbox")

    assert capsys.readouterr().out == "Handed 1 outbox messages to the workers.\n"
    assert len(mail.outbox) == 1


def test_signing_a_petition_leaves_one_done_message_and_sends_one_mail(
    post,
    petition,
    settings,
):
    settings.PETITIONS_CHALLENGE = False

    post(sign_url(petition), form_data())

    message = Message.objects.get()
    assert message.task == "petitions.tasks.send_confirmation"
    assert message.done_at is not None
    assert len(mail.outbox) == 1


def test_staff_see_messages_read_only_undone_first(client, carol):
    done = Message.objects.create(task="letters.tasks.send_queued_letters", done_at=timezone.now())
    undone = Message.objects.create(task="letters.tasks.send_queued_letters")
    client.force_login(carol)

    listing = client.get("/admin/outbox/message/")
    adding = client.get("/admin/outbox/message/add/")

    assert listing.status_code == 200
    assert [row.pk for row in listing.context["cl"].result_list] == [undone.pk, done.pk]
    assert adding.status_code == 403


def test_supporters_cannot_see_the_outbox(client, alice):
    client.force_login(alice)

    response = client.get("/admin/outbox/message/")

    assert response.status_code == 302


def test_a_claimed_run_is_not_run_again_until_its_lease_ends(db):
    message = Message.objects.create(task="tests.outbox.flaky", args=[SUPPORTER])
    Message.objects.filter(pk=message.pk).update(
        started_at=timezone.now() - timedelta(minutes=5),
        dispatched_at=timezone.now() - timedelta(minutes=5),
    )

    second_delivery = run_message(message.pk)
    swept_while_running = sweep()
    Message.objects.filter(pk=message.pk).update(
        started_at=timezone.now() - LEASE - timedelta(minutes=1)
    )
    swept_after_the_lease = sweep()

    assert (second_delivery, swept_while_running, swept_after_the_lease) == (False, 0, 1)
    assert Message.objects.get().done_at is not None
    assert Supporter.objects.filter(email=SUPPORTER).count() == 1


def test_done_messages_are_deleted_after_the_keeping_period_and_undone_ones_stay(db, settings):
    settings.OUTBOX_KEEP_DAYS = 14
    now = timezone.now()
    old_done = Message.objects.create(task="t", done_at=now - timedelta(days=15))
    recent_done = Message.objects.create(task="t", done_at=now - timedelta(days=13))
    old_undone = Message.objects.create(task="t", created_at=now - timedelta(days=30))

    deleted = purge_done()

    assert deleted == 1
    assert set(Message.objects.values_list("pk", flat=True)) == {recent_done.pk, old_undone.pk}
    assert not Message.objects.filter(pk=old_done.pk).exists()


def test_relay_outbox_command_purges_done_messages_when_asked(db, capsys, settings):
    settings.OUTBOX_KEEP_DAYS = 14
    Message.objects.create(task="t", done_at=timezone.now() - timedelta(days=20))
    undone = Message.objects.create(task="t", created_at=timezone.now() - timedelta(days=20))

    call_command("relay_outbox", "--purge-done")

    assert capsys.readouterr().out == "Deleted 1 done outbox messages.\n"
    assert list(Message.objects.values_list("pk", flat=True)) == [undone.pk]
