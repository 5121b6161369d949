"""Webhook work, run through the outbox (``lib.tasks.after_commit``) and Celery beat."""

from celery import shared_task

from lib.emails import mail_task

from . import emails, webhooks
from .models import Webhook


@shared_task(ignore_result=True)
def deliver_webhook(delivery_id: int) -> str:
    return webhooks.deliver(delivery_id)


@shared_task(ignore_result=True)
def retry_webhooks() -> int:
    """Every minute (beat) or ``manage.py webhook retry``: attempts whose time has come."""
    return webhooks.hand_over_due()


@mail_task(ignore_result=True)
def mail_webhook_disabled(webhook_id: int) -> None:
    hook = Webhook.objects.select_related("owner").filter(pk=webhook_id).first()
    if hook is not None and not hook.is_active:
        emails.send_webhook_disabled(hook)
