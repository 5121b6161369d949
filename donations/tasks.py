"""Background work for donations. Tasks take ids and call a service.

Without Redis they run inline (eager); a failure then stays on its row (the event's
``error``, the payment's receipt status) instead of failing the web request. On a
worker they retry with a growing delay.
"""

from celery import shared_task

from . import services
from .models import Donation

RETRIES = 6


def _retry_later(task) -> None:
    if not task.request.is_eager and task.request.retries < RETRIES:
        raise task.retry(countdown=60 * 2**task.request.retries)


@shared_task(bind=True, ignore_result=True)
def process_stripe_event(self, event_id: str) -> None:
    if not services.process_stripe_event(event_id=event_id):
        _retry_later(self)


@shared_task(bind=True, ignore_result=True)
def send_receipt(self, payment_id: int) -> None:
    if not services.send_receipt(payment_id=payment_id):
        _retry_later(self)


@shared_task(bind=True, ignore_result=True)
def cancel_monthly(self, donation_id: int) -> None:
    donation = Donation.objects.filter(pk=donation_id).first()
    if donation is None:
        return
    try:
        services.cancel_monthly_donation(donation=donation)
    except services.StripeUnavailable:
        _retry_later(self)
        raise
