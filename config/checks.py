"""Sori's own system checks (registered by config.apps)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks
from django.http.request import split_domain_port, validate_host

from lib.env import MISSING_SECRET_KEY


@checks.register(checks.Tags.security, deploy=True)
def secret_key_check(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """No SECRET_KEY with DEBUG off. The servers refuse to start (lib.env); commands that
    need no key (migrate, makemigrations --check) still run."""
    if settings.SECRET_KEY_MISSING:
        return [checks.Error(MISSING_SECRET_KEY, id="config.E001")]
    return []


@checks.register(checks.Tags.security, deploy=True)
def site_url_check(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """SITE_URL is where every link in mail points (confirmations, "my data" links).

    Outside development it must be https (a link over http can be read or changed on
    the way) and one of ALLOWED_HOSTS (a link to any other host does not reach Sori).
    """
    if settings.DEBUG:
        return []
    url = urlsplit(settings.SITE_URL)
    host, _port = split_domain_port(url.netloc.rpartition("@")[2])
    messages = []
    if url.scheme != "https":
        messages.append(
            checks.Warning(
                f"SITE_URL ({settings.SITE_URL}) is not https: links in mail would be sent "
                "over plain HTTP.",
                hint="Set SITE_URL to the site's https:// address.",
                id="config.W001",
            )
        )
    if not host or not validate_host(host, settings.ALLOWED_HOSTS):
        messages.append(
            checks.Warning(
                f"The host of SITE_URL ({settings.SITE_URL}) is not in ALLOWED_HOSTS: "
                "links in mail would point at a site that refuses them.",
                hint="Set SITE_URL to this site's address, or add its host to ALLOWED_HOSTS.",
                id="config.W002",
            )
        )
    return messages
