"""Who is running an outbox message, and taking back the claims of runs that died.

``run_message`` claims a message for one run (``started_at``) and names the runner in
``claimed_by``: the Celery node, the process id and the thread. A run can end without
recording its end: its worker process was killed (the OOM killer, SIGKILL, a crash),
or the database went away before the run could mark the message done or failed. Its
claim stays behind, and without more nobody could run the message before the lease
ends, an hour later: a confirmation mail an hour late, a delivery pack shown as
"running" for an hour (and then never built, as it is no longer pending).

So a claim is taken back as soon as its run is certainly dead, and the message is
handed to the broker again at once:

- when the same runner starts another message: a thread of a worker process runs
  one message at a time, so any other claim it holds is from a run that ended
  unrecorded (the database went away under it);
- when its process no longer exists on this node: Celery requeues the task of a killed
  pool process at once (``CELERY_TASK_REJECT_ON_WORKER_LOST``), and the sweep looks;
- when a worker starts: nothing of this node runs yet, so every claim naming the node
  is from before (the whole worker was killed).

The lease stays as the backstop for a node that never comes back. A run taken back
after it had done its work runs again (delivery is at least once, as ever: every task
is idempotent by its own rows); a run that is alive is never taken back, so a message
never runs twice at the same time.
"""

import contextlib
import logging
import os
import socket
import threading

from django.db import connections

from .dispatch import hand_over
from .models import Message

logger = logging.getLogger(__name__)

_local = threading.local()


def runner(node: str | None) -> str:
    """This thread's name in ``claimed_by``: "<node> <pid> <thread>"."""
    return f"{node or socket.gethostname()} {os.getpid()} {threading.get_ident()}"


def _running() -> set[int]:
    if not hasattr(_local, "running"):
        _local.running = set()
    return _local.running


@contextlib.contextmanager
def running(message_id: int):
    """Mark ``message_id`` as run by this thread now. Without a broker a task runs inline,
    so a message's run may start another's in the same thread: the outer one is alive."""
    _running().add(message_id)
    try:
        yield
    finally:
        _running().discard(message_id)


def release_own(me: str) -> int:
    """Take back the claims this runner holds on messages it is not running now."""
    rows = _claimed().filter(claimed_by=me).exclude(pk__in=_running())
    return _release(rows.values_list("pk", "claimed_by"))


def release_dead(node: str | None, *, message_id: int | None = None, hand: bool = True) -> int:
    """Take back the claims of this node's processes that no longer exist (of one message,
    or of all); ``hand``: give them to the broker again (not when the caller runs it)."""
    rows = _claimed().filter(claimed_by__startswith=f"{node or socket.gethostname()} ")
    if message_id is not None:
        rows = rows.filter(pk=message_id)
    dead = [(pk, claim) for pk, claim in rows.values_list("pk", "claimed_by") if _dead(claim)]
    return _release(dead, hand=hand)


def release_node(node: str) -> int:
    """Take back every claim naming ``node``: call only when none of its runs can be alive."""
    return _release(
        _claimed().filter(claimed_by__startswith=f"{node} ").values_list("pk", "claimed_by")
    )


def release_on_worker_start(sender=None, **kwargs) -> None:
    """``worker_init`` receiver: the pool has not started, so the node runs nothing yet."""
    try:
        released = release_node(sender.hostname)
        if released:
            logger.warning(
                "%s outbox message(s) claimed by %s before it started: handed over again",
                released,
                sender.hostname,
            )
    except Exception:  # the lease still frees them; never stop a worker starting
        logger.exception("Could not take back the outbox claims of %s", sender.hostname)
    finally:
        # Not handed down to the pool's processes, forked next (a test's stays open).
        for database in connections.all(initialized_only=True):
            if not database.in_atomic_block:
                database.close()


def _claimed():
    return Message.objects.pending().filter(started_at__isnull=False)


def _dead(claim: str) -> bool:
    try:
        pid = int(claim.split(" ")[1])
    except (IndexError, ValueError):
        return False
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # someone else's process has that id now: alive, to be safe
        return False
    return False


def _release(rows, *, hand: bool = True) -> int:
    """Clear each claim if it is still the one read, and hand the message over again."""
    released = 0
    for pk, claim in list(rows):
        taken = Message.objects.filter(pk=pk, claimed_by=claim, done_at__isnull=True).update(
            started_at=None, claimed_by="", dispatched_at=None
        )
        if taken:
            released += 1
            logger.warning("Outbox message %s: its run (%s) died; running it again", pk, claim)
            if hand:
                hand_over(pk)
    return released
