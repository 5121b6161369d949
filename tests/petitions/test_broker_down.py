"""With the broker down a signature is still taken: the form is stored for the sweep,
and the failure is one line in the log, not a traceback per signature.

The broker is a closed port (the network edge); tasks are really sent, not run inline,
with the project's publish retry policy (one immediate retry).
"""

import logging

import pytest
from celery import current_app

from petitions.models import SignatureRequest
from tests.petitions.conftest import form_data, sign_url


@pytest.fixture
def refusing_broker():
    # Every app's tasks registered first: the first look-up imports them, which sets up
    # logging again and would take caplog's handler away in the middle of the test.
    current_app.loader.import_default_modules()
    conf = current_app.conf
    saved = (conf.broker_url, conf.task_always_eager)
    _forget_connections()
    conf.broker_url = "redis://127.0.0.1:9/0"
    conf.task_always_eager = False
    yield
    _forget_connections()
    conf.broker_url, conf.task_always_eager = saved


def _forget_connections() -> None:
    # Celery keeps a connection pool per app; a new broker URL needs new connections.
    current_app._pool = None
    current_app.amqp._producer_pool = None


def test_a_signature_taken_while_the_broker_is_down_waits_stored_and_logs_one_line(
    petition, post, refusing_broker, caplog
):
    caplog.set_level(logging.WARNING)

    response = post(sign_url(petition), form_data())

    assert (response.status_code, response["Location"]) == (302, "/en/petitions/free-them/thanks/")
    assert list(SignatureRequest.objects.values_list("data__email", flat=True)) == [
        "jiwoo@example.org"
    ]
    logged = [(r.name, r.levelname, r.exc_info) for r in caplog.records]
    assert logged == [("petitions.signing.intake", "WARNING", None)]
    assert caplog.records[0].getMessage().startswith("Could not queue the signing drain")
    assert current_app.conf.task_publish_retry_policy["max_retries"] == 1
