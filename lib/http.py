"""Request helpers: the client's address, hashed so that it is never stored."""

import hashlib
import hmac

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The client's address, trusting as many X-Forwarded-For hops as we have proxies."""
    proxies = settings.ALLAUTH_TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def hash_ip(ip: str) -> str:
    """A keyed hash of an address: groups requests from one place, reveals no address."""
    if not ip:
        return ""
    key = settings.IP_HASH_SALT.encode()
    return hmac.new(key, ip.encode(), hashlib.sha256).hexdigest()[:32]
