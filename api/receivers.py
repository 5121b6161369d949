"""Connected in ``ApiConfig.ready``: events of the action apps become webhook deliveries.

The action apps send their signals inside the transaction of the change, and never
import this app; the deliveries and their outbox rows are written in that transaction.
"""

from django.db.models.signals import post_delete, post_save

from donations.signals import payment_received
from letters.signals import letters_written
from petitions.signals import signature_confirmed

from . import webhooks
from .models import Webhook


def on_signature_confirmed(sender, signature_ids, **kwargs) -> None:
    webhooks.signatures_confirmed(signature_ids)


def on_letters_written(sender, letter_ids, **kwargs) -> None:
    webhooks.letters_written(letter_ids)


def on_payment_received(sender, payment_id, **kwargs) -> None:
    webhooks.payment_received(payment_id)


def connect() -> None:
    signature_confirmed.connect(on_signature_confirmed, dispatch_uid="api.signature_confirmed")
    letters_written.connect(on_letters_written, dispatch_uid="api.letters_written")
    payment_received.connect(on_payment_received, dispatch_uid="api.payment_received")
    for signal in (post_save, post_delete):
        signal.connect(webhooks.forget_hooks, sender=Webhook, dispatch_uid=f"api.hooks.{signal}")
