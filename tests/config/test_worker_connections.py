"""A Celery worker's database connection between tasks (config.celery), on PostgreSQL:
kept like gunicorn's between requests, and replaced when the server dropped it."""

import psycopg
import pytest
from celery.signals import task_postrun, task_prerun
from django.db import connection, transaction

from outbox.tasks import sweep as task

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def between_tasks() -> None:
    """What a worker process signals after one task and before the next."""
    task_postrun.send(sender=task, task_id="done", task=task)
    task_prerun.send(sender=task, task_id="next", task=task)


@pytest.fixture
def persistent_connection(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: what is kept is a server's connection")
    connection.close()
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 60)
    monkeypatch.setitem(connection.settings_dict, "CONN_HEALTH_CHECKS", True)
    yield
    connection.close()


def test_the_connection_is_kept_from_one_task_to_the_next(persistent_connection):
    first = backend_pid()

    between_tasks()

    assert backend_pid() == first


def test_a_connection_the_server_dropped_is_replaced_before_the_next_task(
    persistent_connection,
):
    first = backend_pid()
    params = connection.get_connection_params()
    with psycopg.connect(**{k: v for k, v in params.items() if k != "cursor_factory"}) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [first])

    between_tasks()

    assert backend_pid() != first


def test_a_task_run_inline_leaves_the_callers_transaction_alone(persistent_connection):
    with transaction.atomic():
        first = backend_pid()
        task.push_request(is_eager=True)
        try:
            between_tasks()
        finally:
            task.pop_request()

        assert connection.in_atomic_block
        assert backend_pid() == first
