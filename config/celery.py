"""Celery application. Tasks run inline (eager) unless REDIS_URL is set."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("sori")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
