"""Background jobs of updates (queued by name through ``lib.tasks.after_commit``)."""

from celery import shared_task

from . import sending


@shared_task(ignore_result=True)
def send_update(send_id: int) -> None:
    sending.run_update_send(send_id=send_id)
