"""A cache that does not answer, as when Redis is down (the network edge, in tests)."""

from django.core.cache.backends.base import BaseCache


class DownCache(BaseCache):
    def _down(self, *args, **kwargs):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    add = get = set = touch = delete = clear = incr = get_many = set_many = has_key = _down
