"""Background jobs: thin wrappers that call a service (eager, i.e. inline, without Redis)."""

from celery import shared_task

from lib.emails import mail_task

from . import retention, services


@mail_task(ignore_result=True)
def send_data_link(email: str, language: str) -> None:
    # An address, not an id: whether a supporter exists for it is decided here, after
    # the request has answered, so the request cannot tell a known address apart.
    services.send_data_link(email=email, language=language)


@shared_task(ignore_result=True)
def apply_retention() -> None:
    """Anonymise what is past each app's retention period; run daily by beat."""
    retention.apply_retention()
