"""The one way to start a Celery task after the current transaction commits.

Services never import their app's ``tasks`` module (which imports the services: a
cycle); they name the task instead. Celery has registered every app's tasks by the time
a service runs (``config.celery`` autodiscovers them), so the name is looked up when
the transaction commits (in a web process, the first look-up imports every app's
``tasks`` module). In eager mode (no Redis) ``delay`` runs the task inline.
"""

from celery import current_app
from django.db import transaction


def after_commit(name: str, *args) -> None:
    """Queue task ``name`` with ``args`` (ids, never objects) once the transaction commits.

    ``robust``: a broker that refuses the message must not turn a committed change into
    an error page; the work is recorded in the database and swept up later.
    """
    transaction.on_commit(lambda: task(name).delay(*args), robust=True)


def task(name: str):
    """The registered task called ``name`` (``"petitions.tasks.send_confirmation"``)."""
    try:
        return current_app.tasks[name]
    except KeyError:  # this process has not imported that app's tasks module yet
        current_app.loader.import_default_modules()
        return current_app.tasks[name]
