"""Background jobs of letters. Each takes ids and calls a service (see services.py)."""

from celery import shared_task

from lib.emails import mail_task

from . import services


@shared_task(ignore_result=True)
def store_letter_pdf(letter_id: int) -> None:
    services.store_letter_pdf(letter_id=letter_id)


@mail_task
def send_confirm_request(letter_id: int, revision: int, method: str, language: str) -> None:
    services.send_confirm_request(
        letter_id=letter_id, revision=revision, method=method, language=language
    )


@shared_task(ignore_result=True)
def send_queued_letters() -> dict:
    """Drains the email queue; also run every minute by Celery beat (or cron)."""
    return dict(services.send_queued_letters())


@shared_task(ignore_result=True)
def build_print_batch(batch_id: int) -> None:
    services.build_print_batch(batch_id=batch_id)
