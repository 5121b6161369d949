"""Celery application. Tasks run inline (eager) unless REDIS_URL is set."""

import os

from celery import Celery
from celery.signals import worker_init
from django.core.exceptions import ImproperlyConfigured

from lib.env import refuse_without_secret_key

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("sori")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
def _refuse_without_secret_key(**kwargs) -> None:
    # Celery logs an exception from a signal handler and carries on; SystemExit stops.
    try:
        refuse_without_secret_key()
    except ImproperlyConfigured as error:
        raise SystemExit(f"Sori's worker does not start: {error}") from None
