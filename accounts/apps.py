from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts and supporters"

    def ready(self) -> None:
        from . import receivers  # noqa: F401 - connects allauth signals
        from .mailcap import RETENTION
        from .retention import register

        register(RETENTION)
