from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "outbox"
    verbose_name = "Outbox (after-commit work)"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from celery.signals import worker_init

        from lib import tasks

        from . import claims, dispatch

        tasks.set_dispatcher(dispatch.after_commit)
        # A starting worker takes back the claims its previous run left (outbox.claims).
        worker_init.connect(claims.release_on_worker_start, dispatch_uid="outbox-claims")
