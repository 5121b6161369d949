"""Background jobs: they take ids and call a service (eager, i.e. inline, without Redis).

Services never import this module: they queue a task by its name
(``lib.tasks.after_commit("petitions.tasks.<name>", ...)``), and beat names them in
``config/app_settings.py``; the names must not change.
"""

from datetime import timedelta

from celery import shared_task

from lib.emails import mail_task

from . import signatures, thresholds
from .hotpath import page_views
from .signing import emails, intake
from .staff import delivery


@mail_task
def send_confirmation(signature_id: int, ip_hash: str = "") -> None:
    emails.send_confirmation_email(signature_id=signature_id, ip_hash=ip_hash)


@mail_task
def notify_repeat_signer(signature_id: int, ip_hash: str = "") -> None:
    emails.notify_repeat_signer(signature_id=signature_id, ip_hash=ip_hash)


@shared_task(ignore_result=True)
def sign_waiting_requests() -> int:
    """Sign every stored sign form (queued by ``intake.wake_signer``)."""
    return intake.sign_waiting_requests()


@shared_task(ignore_result=True)
def process_stale_signature_requests() -> int:
    """Sign the stored forms whose own task never ran; run every minute by beat."""
    return intake.process_stale_signature_requests(
        older_than=timedelta(seconds=intake.REQUEST_SWEEP_SECONDS)
    )


@shared_task(ignore_result=True)
def build_delivery_pack(pack_id: int) -> None:
    delivery.build_delivery_pack(pack_id=pack_id)


@shared_task(ignore_result=True)
def flush_page_views() -> int | None:
    """Move page views counted in the cache to the database; run every few minutes by beat."""
    return page_views.flush()


@shared_task(ignore_result=True)
def clear_ip_hashes() -> int:
    """Blank address hashes past PETITIONS_IP_HASH_DAYS; run daily by beat."""
    return signatures.clear_ip_hashes()


@shared_task(ignore_result=True)
def announce_thresholds(petition_id: int) -> list[int]:
    """Queued after commit by the count when it reaches a threshold."""
    return thresholds.announce_thresholds(petition_id=petition_id)


@mail_task
def mail_threshold_reached(milestone_id: int, user_id: int) -> None:
    thresholds.send_threshold_mail(milestone_id=milestone_id, user_id=user_id)
