"""Long jobs that must start again when what they read changes under them.

A delivery pack or a print batch reads its rows as it goes. When a person withdraws or
erases their data during the build, the service doing it raises the job's
``generation`` (one UPDATE, in its own transaction); the builder remembers the value it
started from and checks it at every progress report and, under a row lock, just before
it stores its file. A change means the output may name someone who has left: it is
thrown away and the build starts again from the rows as they are now.
"""

import logging
from collections.abc import Callable

from django.db import models

logger = logging.getLogger(__name__)

# A job that sees its rows change this many times in a row gives up (and fails, saying
# it must be started again) rather than loop for ever.
MAX_STARTS = 5


class Restart(Exception):
    """The job's generation moved since it started: discard the output, start again."""


class KeptChanging(RuntimeError):
    """The rows changed during every attempt."""


class Cancelled(Exception):
    """Someone cancelled the job (``Job.cancel``) while it ran: stop, store nothing."""


def generation_of(model: type[models.Model], pk: int) -> int:
    return model._default_manager.values_list("generation", flat=True).get(pk=pk)


def progress_reporter(model: type[models.Model], pk: int, generation: int) -> Callable[[int], None]:
    """A ``progress`` callback that saves how far the job got and raises Restart if the
    generation moved: one UPDATE does both."""

    def report(done: int) -> None:
        updated = model._default_manager.filter(pk=pk, generation=generation).update(progress=done)
        if not updated:
            raise Restart

    return report


def check_unchanged(model: type[models.Model], pk: int, generation: int) -> None:
    """Lock the job's row and raise Restart if its generation moved.

    Call inside the transaction that stores the result: a withdrawal waits for the lock,
    so it either comes first (and the job starts again) or finds the stored file (and
    deletes it).
    """
    current = (
        model._default_manager.select_for_update().values_list("generation", flat=True).get(pk=pk)
    )
    if current != generation:
        raise Restart


def run_with_restarts[T](build: Callable[[], T], *, job: models.Model, what: str) -> T:
    """Call ``build`` until it finishes without Restart; KeptChanging after MAX_STARTS,
    Cancelled if the Restart was ``job`` being cancelled."""
    for attempt in range(1, MAX_STARTS + 1):
        try:
            return build()
        except Restart:
            if not type(job)._default_manager.filter(pk=job.pk, status="running").exists():
                raise Cancelled from None
            logger.info("%s: its rows changed during attempt %s; starting again", what, attempt)
    raise KeptChanging(
        f"People withdrew or erased their data during each of {MAX_STARTS} attempts to "
        f"build {what}; start a new one."
    )
