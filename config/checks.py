"""Sori's own system checks (registered by config.apps)."""

from django.conf import settings
from django.core import checks

from lib.env import MISSING_SECRET_KEY


@checks.register(checks.Tags.security, deploy=True)
def secret_key_check(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """No SECRET_KEY with DEBUG off. The servers refuse to start (lib.env); commands that
    need no key (migrate, makemigrations --check) still run."""
    if settings.SECRET_KEY_MISSING:
        return [checks.Error(MISSING_SECRET_KEY, id="config.E001")]
    return []
