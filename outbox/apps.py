from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "outbox"
    verbose_name = "Outbox (after-commit work)"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from lib import tasks

        from . import dispatch

        tasks.set_dispatcher(dispatch.after_commit)
