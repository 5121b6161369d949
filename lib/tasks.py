"""The one way to start a Celery task after the current transaction commits.

Services never import their app's ``tasks`` module (which imports the services: a
cycle); they name the task instead. Celery has registered every app's tasks by the time
a service runs (``config.celery`` autodiscovers them), so the name is looked up when
the task runs (in a web process, the first look-up imports every app's ``tasks``
module).

``after_commit`` hands the work to whatever ``set_dispatcher`` installed: the ``outbox``
app (``outbox.apps.OutboxConfig.ready``) writes a row in the current transaction and
hands it to Celery on commit, so a broker outage delays the work but never loses it.
lib imports no app, hence the hook.
"""

from collections.abc import Callable

from celery import current_app
from django.db import transaction


def _queue_on_commit(name: str, *args) -> None:
    # Used only until the outbox app is ready (management commands before setup).
    transaction.on_commit(lambda: task(name).delay(*args), robust=True)


_dispatcher: Callable[..., None] = _queue_on_commit


def set_dispatcher(dispatcher: Callable[..., None]) -> None:
    """Install what ``after_commit`` calls (the outbox app does, once, in ``ready``)."""
    global _dispatcher
    _dispatcher = dispatcher


def after_commit(name: str, *args) -> None:
    """Run task ``name`` with ``args`` (ids and strings, never objects: they are stored
    as JSON) once the current transaction commits, and never if it rolls back.

    A broker that refuses the message must not turn a committed change into an error
    page: the work is recorded in the database (``outbox.Message``) and swept up later.
    """
    _dispatcher(name, *args)


def task(name: str):
    """The registered task called ``name`` (``"petitions.tasks.send_confirmation"``)."""
    try:
        return current_app.tasks[name]
    except KeyError:  # this process has not imported that app's tasks module yet
        current_app.loader.import_default_modules()
        return current_app.tasks[name]
