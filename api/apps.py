from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "API and webhooks"

    def ready(self) -> None:
        from . import receivers

        receivers.connect()
