"""Where a webhook may point, and a POST that goes only there.

A webhook's address is chosen by a user, so it must not reach Sori's own network: its
host must resolve only to public addresses (no private, loopback, link-local,
multicast or reserved ones) unless ``WEBHOOKS_ALLOW_PRIVATE`` is on, and in
production it must be HTTPS (``WEBHOOKS_REQUIRE_HTTPS``). The check is made when the
hook is saved and again at each delivery, after resolving the name, and the
connection goes to the very address that was checked (with the host name kept for
the Host header and for TLS), so a name that resolves elsewhere a second time (DNS
rebinding) cannot slip past. Redirects are never followed.
"""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

import urllib3
from django.conf import settings
from django.utils.translation import gettext as _


class UnsafeDestination(ValueError):
    pass


def _is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return address.is_global and not (
        address.is_multicast or address.is_reserved or address.is_unspecified
    )


@dataclass(frozen=True)
class Destination:
    scheme: str
    host: str
    port: int
    path: str
    address: str  # the checked IP address to connect to


def check_url(url: str) -> Destination:
    """The destination of ``url`` if a webhook may be sent there; else UnsafeDestination."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UnsafeDestination(_("Use an http or https address."))
    if settings.WEBHOOKS_REQUIRE_HTTPS and parts.scheme != "https":
        raise UnsafeDestination(_("Use an https address."))
    if parts.username or parts.password:
        raise UnsafeDestination(_("Leave the user name and password out of the address."))
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as error:
        raise UnsafeDestination(_("The port of this address is not valid.")) from error
    try:
        found = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as error:
        raise UnsafeDestination(_("The host name of this address cannot be found.")) from error
    addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in found]
    if not addresses:
        raise UnsafeDestination(_("The host name of this address cannot be found."))
    if not settings.WEBHOOKS_ALLOW_PRIVATE and not all(_is_public(a) for a in addresses):
        raise UnsafeDestination(
            _("This address leads to a private or local network, where webhooks may not go.")
        )
    path = parts.path or "/"
    if parts.query:
        path += f"?{parts.query}"
    return Destination(parts.scheme, parts.hostname, port, path, str(addresses[0]))


def post(url: str, body: bytes, headers: dict, *, timeout: float = 10.0) -> int:
    """POST ``body`` to ``url`` after checking where it resolves; the answer's status code.

    Raises UnsafeDestination for a refused address and urllib3's errors for a failed
    connection.
    """
    destination = check_url(url)
    headers = {**headers, "Host": _host_header(destination)}
    options = {"timeout": urllib3.Timeout(total=timeout), "retries": False}
    if destination.scheme == "https":
        pool = urllib3.HTTPSConnectionPool(
            destination.address,
            destination.port,
            server_hostname=destination.host,
            assert_hostname=destination.host,
            cert_reqs="CERT_REQUIRED",
            **options,
        )
    else:
        pool = urllib3.HTTPConnectionPool(destination.address, destination.port, **options)
    with pool:
        response = pool.urlopen(
            "POST", destination.path, body=body, headers=headers, redirect=False
        )
        return response.status


def _host_header(destination: Destination) -> str:
    default = 443 if destination.scheme == "https" else 80
    host = destination.host if ":" not in destination.host else f"[{destination.host}]"
    return host if destination.port == default else f"{host}:{destination.port}"
