"""Celery's Redis transport (kombu's), with one fault of a Redis outage mended.

Set as the broker transport in config/settings.py (``CELERY_BROKER_TRANSPORT``).

When the worker loses Redis, Celery 5.7 first collects the broken connection (with a
short socket timeout) and then closes it. If that timeout cuts the collection short,
the transport has already forgotten where Redis is (kombu sets ``Transport.client`` to
None) while the consumer's channel is still open. Closing the channel then puts its
unacknowledged tasks back on the queue through a new Redis client, and building that
client reads the forgotten address: ``AttributeError: 'NoneType' object has no
attribute 'hostname'``. Celery does not count that as a connection error, calls it
unrecoverable, and the worker stops consuming yet stays alive (celery/celery#8030 and
kombu#582 describe the family; `make cluster-test` met it in one run of three).

The channel here remembers the connection's details when it is opened and uses them
when the transport no longer has them, so the tasks go back on the queue if Redis is
back, or the close fails with an ordinary connection error, which Celery ignores
before it reconnects.
"""

from kombu.transport import redis


class Channel(redis.Channel):
    def __init__(self, connection, *args, **kwargs):
        self._client_details = connection.client  # the kombu Connection: URL, options
        super().__init__(connection, *args, **kwargs)

    def _connparams(self, asynchronous=False):
        transport = self.connection
        if transport.client is not None:
            return super()._connparams(asynchronous=asynchronous)
        transport.client = self._client_details  # only for reading the address
        try:
            return super()._connparams(asynchronous=asynchronous)
        finally:
            transport.client = None


class Transport(redis.Transport):
    Channel = Channel
