"""Read settings from the environment, failing loudly and by name on bad values.

Used only by ``config/settings.py`` and ``config/app_settings.py``. Every error names
the variable, so a typo in a deployment stops start-up with a message a person can act
on.
"""

import os
from decimal import Decimal, InvalidOperation
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(
        f"{name} must be one of 1/0, true/false, yes/no, on/off; got {raw!r}."
    )


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number; got {raw!r}.") from None


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


def parse_database_url(url: str, *, name: str = "DATABASE_URL") -> dict:
    """Turn a database URL into a ``DATABASES`` entry, or explain what is wrong with it."""
    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql", "pgsql", "sqlite"}:
        raise ImproperlyConfigured(
            f"{name} must start with postgres:// or sqlite:///; got {_redact(url)!r}."
        )
    if parts.scheme != "sqlite" and not parts.path.strip("/"):
        raise ImproperlyConfigured(f"{name} names no database: {_redact(url)!r}.")
    try:
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    except (ValueError, KeyError) as error:
        raise ImproperlyConfigured(f"{name} could not be read: {error}.") from None
    return config


def parse_redis_url(url: str, *, name: str = "REDIS_URL") -> str:
    parts = urlsplit(url)
    if parts.scheme not in {"redis", "rediss", "unix"}:
        raise ImproperlyConfigured(
            f"{name} must start with redis://, rediss:// or unix://; got {_redact(url)!r}."
        )
    if parts.scheme != "unix":
        try:
            parts.port  # noqa: B018 - reading it validates it
        except ValueError:
            raise ImproperlyConfigured(f"{name} has an invalid port: {_redact(url)!r}.") from None
        if not parts.hostname:
            raise ImproperlyConfigured(f"{name} names no host: {_redact(url)!r}.")
    return url


def _redact(url: str) -> str:
    """Hide a password so that error messages never print a secret."""
    parts = urlsplit(url)
    if parts.password:
        return url.replace(f":{parts.password}@", ":***@")
    return url


def env_decimal_table(
    name: str, default: dict[str, tuple[str, ...]]
) -> dict[str, tuple[Decimal, ...]]:
    """Read ``KEY=1,2,3;OTHER=4,5`` into ``{"KEY": (1, 2, 3), ...}`` over a default.

    Keys are upper-cased; a key in the environment replaces the default's entry for
    that key and leaves the others alone.
    """
    table = {key.upper(): values for key, values in default.items()}
    raw = os.environ.get(name, "")
    for entry in (part.strip() for part in raw.split(";")):
        if not entry:
            continue
        key, sep, values = entry.partition("=")
        items = [item.strip() for item in values.split(",") if item.strip()]
        if not sep or not key.strip() or not items:
            raise ImproperlyConfigured(
                f"{name} must look like 'GBP=1,10000;KRW=1000,10000000'; got {entry!r}."
            )
        table[key.strip().upper()] = tuple(items)
    parsed = {}
    for key, values in table.items():
        try:
            numbers = tuple(Decimal(item) for item in values)
        except InvalidOperation:
            numbers = ()
        if not numbers or not all(number.is_finite() for number in numbers):
            raise ImproperlyConfigured(f"{name} must contain plain numbers; got {raw!r}.")
        parsed[key] = numbers
    return parsed


MISSING_SECRET_KEY = (
    "SECRET_KEY is not set. Set SECRET_KEY to a long random value in production "
    "(python -c 'import secrets; print(secrets.token_urlsafe(50))'), "
    "or set DEBUG=1 for local development."
)


def refuse_without_secret_key() -> None:
    """Stop a web server or worker from starting without a SECRET_KEY (settings loaded)."""
    from django.conf import settings

    if settings.SECRET_KEY_MISSING:
        raise ImproperlyConfigured(MISSING_SECRET_KEY)
