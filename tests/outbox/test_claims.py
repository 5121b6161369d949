"""A run's end is recorded across a short database outage, and a claim whose run died
is taken back at once, not an hour later (outbox.claims).

A run that ends without recording its end (its process killed, or the database gone
for longer than the run waits) leaves ``started_at`` and ``claimed_by`` behind. The
tests write that state directly, as such a run leaves it, then let the real code find
it. A database that goes away is a connection failing its queries (the network edge);
those tests run outside a test transaction, in autocommit, as a worker does. Celery
runs eagerly here, so a message handed over again runs at once.
"""

import os
import socket
import subprocess
from datetime import timedelta
from types import SimpleNamespace

from celery import shared_task
from celery.signals import worker_init
from django.db import OperationalError, connection, transaction
from django.utils import timezone

from accounts.models import Supporter
from outbox import claims
from outbox.models import Message
from outbox.tasks import run_message, sweep

HOST = socket.gethostname()
SUPPORTER = "jiwoo@example.org"
TASK = "tests.outbox.add_supporter"


@shared_task(name=TASK)
@transaction.atomic
def add_supporter(email: str) -> None:
    Supporter.objects.create(email=email)


class Unreachable:
    """Fails the next ``count`` queries, as a connection to a database that went away."""

    def __init__(self) -> None:
        self.count = 0
        self.outages = 0  # how many more runs of ``outage_during_work`` meet an outage

    def __call__(self, execute, sql, params, many, context):
        if self.count > 0:
            self.count -= 1
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)


DATABASE = Unreachable()


@shared_task(name="tests.outbox.work_then_outage")
def work_then_outage(email: str) -> None:
    """Does the work (as a mail is sent), then the database goes away for three queries."""
    Supporter.objects.create(email=email)
    DATABASE.count = 3


@shared_task(name="tests.outbox.outage_during_work")
def outage_during_work(email: str) -> None:
    """Meets an outage before its work (four failing queries), the first time only."""
    if DATABASE.outages:
        DATABASE.outages -= 1
        DATABASE.count = 4
    Supporter.objects.create(email=email)


def gone_pid() -> int:
    """The id of a process that has ended (and been reaped)."""
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def claimed(claim: str, args=(SUPPORTER,)) -> Message:
    """A message whose run claimed it a minute ago and never recorded its end."""
    message = Message.objects.create(task=TASK, args=list(args))
    a_minute_ago = timezone.now() - timedelta(minutes=1)
    Message.objects.filter(pk=message.pk).update(
        started_at=a_minute_ago, dispatched_at=a_minute_ago, claimed_by=claim
    )
    return message


def state(message: Message) -> tuple:
    message.refresh_from_db()
    return (message.done_at is not None, message.claimed_by)


def test_a_runner_takes_back_its_own_claim_left_when_the_database_went_away(db):
    left = claimed(claims.runner(HOST))
    other = Message.objects.create(task=TASK, args=["minho@example.org"])

    ran = run_message(other.pk)

    assert ran is True
    assert state(left) == (True, "")
    assert state(other) == (True, "")
    assert sorted(Supporter.objects.values_list("email", flat=True)) == [
        "jiwoo@example.org",
        "minho@example.org",
    ]


def test_a_redelivered_message_whose_process_is_gone_is_taken_over(db):
    message = claimed(f"{HOST} {gone_pid()} 1")

    ran = run_message(message.pk)

    assert ran is True
    assert state(message) == (True, "")
    assert Supporter.objects.filter(email=SUPPORTER).count() == 1


def test_a_claim_of_a_live_process_is_left_until_the_lease_ends(db):
    claim = f"{HOST} {os.getppid()} 1"
    message = claimed(claim)

    ran = run_message(message.pk)
    swept = sweep()

    assert (ran, swept) == (False, 0)
    assert state(message) == (False, claim)
    assert not Supporter.objects.exists()


def test_the_sweep_takes_back_the_claims_of_processes_that_are_gone(db):
    message = claimed(f"{HOST} {gone_pid()} 1")
    other_node = f"other-{HOST} {gone_pid()} 1"
    elsewhere = claimed(other_node, args=["minho@example.org"])

    sweep()

    assert state(message) == (True, "")
    assert state(elsewhere) == (False, other_node)
    assert list(Supporter.objects.values_list("email", flat=True)) == [SUPPORTER]


def test_a_starting_worker_takes_back_every_claim_of_its_node(db):
    mine = claimed(f"sori@{HOST} {os.getppid()} 1")
    theirs = claimed(f"sori@elsewhere {os.getppid()} 1", args=["minho@example.org"])

    claims.release_on_worker_start(sender=SimpleNamespace(hostname=f"sori@{HOST}"))

    assert state(mine) == (True, "")
    assert state(theirs) == (False, f"sori@elsewhere {os.getppid()} 1")
    assert list(Supporter.objects.values_list("email", flat=True)) == [SUPPORTER]


def test_the_worker_start_receiver_is_connected():
    assert any(key[0] == "outbox-claims" for key, _receiver in worker_init.receivers)


def test_a_run_records_its_end_once_the_database_is_back(transactional_db):
    message = Message.objects.create(task="tests.outbox.work_then_outage", args=[SUPPORTER])

    with connection.execute_wrapper(DATABASE):
        ran = run_message(message.pk)

    assert ran is True
    assert state(message) == (True, "")
    assert DATABASE.count == 0
    assert Supporter.objects.filter(email=SUPPORTER).count() == 1


def test_a_run_stopped_by_an_outage_counts_no_attempt_and_runs_again(transactional_db):
    message = Message.objects.create(task="tests.outbox.outage_during_work", args=[SUPPORTER])
    DATABASE.outages = 1

    with connection.execute_wrapper(DATABASE):
        ran = run_message(message.pk)
        message.refresh_from_db()
        stopped = (message.started_at, message.claimed_by, message.dispatched_at, message.attempts)
        sweep()

    assert ran is False
    assert stopped == (None, "", None, 0)
    assert state(message) == (True, "")
    assert Supporter.objects.filter(email=SUPPORTER).count() == 1
