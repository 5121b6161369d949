"""lib/broker.py: a channel whose transport forgot Redis still puts its tasks back.

Runs against a redis-server of its own (``redis_server`` in tests/lib/conftest.py).
"""

import pytest
from kombu import Connection, Exchange, Queue

TRANSPORT = "lib.broker:Transport"


def _queue() -> Queue:
    return Queue("broker-test", Exchange("broker-test", type="direct"), "broker-test")


def _holding(url: str, payload: dict):
    """A connection and a channel holding ``payload``, delivered and not acknowledged,
    as a worker's channel holds the task it runs (acks late)."""
    connection = Connection(url, transport=TRANSPORT)
    channel = connection.channel()
    queue = _queue()
    connection.Producer(channel).publish(
        payload, exchange=queue.exchange, routing_key="broker-test", declare=[queue]
    )
    message = queue(channel).get(no_ack=False)
    assert message.payload == payload
    return connection, channel


def test_closing_a_channel_after_its_transport_forgot_redis_requeues_its_task(redis_server):
    connection, channel = _holding(redis_server.url, {"task": 1})

    # What Celery 5.7's collect() leaves when its socket timeout cuts it short: the
    # transport closed (it forgets the connection), the channel not yet.
    connection._do_close_transport()
    channel.close()  # kombu's own transport raised AttributeError here

    with Connection(redis_server.url, transport=TRANSPORT) as other:
        back = _queue()(other.default_channel).get(no_ack=True)
        assert back is not None and back.payload == {"task": 1}


def test_with_redis_gone_the_close_fails_as_a_connection_error(redis_server):
    connection, channel = _holding(redis_server.url, {"task": 2})
    redis_server.stop()
    connection._do_close_transport()

    # Celery ignores connection errors while it reconnects; anything else stops the worker.
    with pytest.raises(connection.connection_errors):
        channel.close()


def test_the_worker_uses_this_transport_when_redis_is_the_broker():
    from django.conf import settings

    from config.celery import app

    if not settings.REDIS_URL:
        pytest.skip("no REDIS_URL: Celery runs tasks inline, without a broker")
    with app.connection_for_read() as connection:
        assert type(connection.transport).__module__ == "lib.broker"
