"""Webhooks: what an event sends, how it is signed, and each delivery's attempts.

An event (a signature confirmed, a letter written, a payment received) becomes one
``WebhookDelivery`` row per active webhook whose owner may see the record, written in
the transaction of the change, with an outbox task (``api.tasks.deliver_webhook``) to
send it after commit. The body is a JSON array of OSDI hashes, as Action Network
sends them (``[{"osdi:signature": {...}, "idempotency_key": "..."}]``); the key is the
same on every attempt, so a receiver keeps each event once. The body is signed:
``Sori-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the secret>``.

A failed attempt is tried again after 1 minute, 5 minutes, 30 minutes, 2, 5, 8 and
8 hours (``RETRY_DELAYS``: the last attempt comes some 23.6 hours after the first);
then the delivery has failed. A webhook whose delivery fails for good with no success
since that delivery began is disabled, and its owner is mailed.
"""

import hashlib
import hmac
import json
import logging
import time
from datetime import datetime, timedelta

import urllib3
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from lib.tasks import after_commit

from . import represent, ssrf
from .access import Viewer
from .models import Event, Kind, Webhook, WebhookDelivery

logger = logging.getLogger(__name__)

RETRY_DELAYS = tuple(timedelta(seconds=s) for s in (60, 300, 1800, 7200, 18000, 28800, 28800))
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
# A claimed delivery whose worker died is due again after this.
LEASE = timedelta(minutes=10)
TIMEOUT_SECONDS = 10.0
# Active webhooks are read once per process per this many seconds, not for every
# event (a confirmation is on the signing path); saving a webhook clears the copy.
HOOKS_SECONDS = 5.0

_hooks: dict = {"at": 0.0, "rows": None}


def forget_hooks(**kwargs) -> None:
    _hooks["rows"] = None


def hooks_for(event: str) -> list[Webhook]:
    now = time.monotonic()
    if _hooks["rows"] is None or now - _hooks["at"] > HOOKS_SECONDS:
        _hooks["rows"] = list(Webhook.objects.active().select_related("owner"))
        _hooks["at"] = now
    return [hook for hook in _hooks["rows"] if event in hook.events]


def sign(secret: str, body: bytes, timestamp: int) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"


def _links(viewer: Viewer) -> represent.Links:
    return represent.Links(
        base=settings.SITE_URL.rstrip("/") + "/api/v1/",
        sees_contact_details=viewer.sees_contact_details,
    )


def _queue(hook: Webhook, event: str, key: str, payload: dict) -> None:
    delivery, created = WebhookDelivery.objects.get_or_create(
        webhook=hook,
        idempotency_key=key,
        defaults={"event": event, "payload": [{**payload, "idempotency_key": key}]},
    )
    if created:
        after_commit("api.tasks.deliver_webhook", delivery.pk)


def _person(viewer: Viewer, supporter_id: int | None, links) -> dict:
    """The person, embedded for staff hooks only: personal data goes to staff alone."""
    if not viewer.is_staff or supporter_id is None:
        return {}
    row = viewer.people().filter(pk=supporter_id).first()
    return {"person": represent.person(row, links)} if row else {}


def signatures_confirmed(signature_ids: list[int]) -> None:
    hooks = hooks_for(Event.SIGNATURE_CONFIRMED)
    for hook in hooks:
        viewer = Viewer(hook.owner)
        links = _links(viewer)
        rows = list(viewer.signatures().filter(pk__in=signature_ids))
        links.load(Kind.SIGNATURE, [row.pk for row in rows])
        for row in rows:
            body = {**represent.signature(row, links), **_person(viewer, row.supporter_id, links)}
            _queue(
                hook,
                Event.SIGNATURE_CONFIRMED,
                f"sori-signature-{row.pk}",
                {"osdi:signature": body},
            )


def letters_written(letter_ids: list[int]) -> None:
    hooks = hooks_for(Event.OUTREACH_CREATED)
    for hook in hooks:
        viewer = Viewer(hook.owner)
        links = _links(viewer)
        rows = list(viewer.letters().filter(pk__in=letter_ids).select_related("target"))
        for row in rows:
            body = {**represent.outreach(row, links), **_person(viewer, row.supporter_id, links)}
            _queue(hook, Event.OUTREACH_CREATED, f"sori-outreach-{row.pk}", {"osdi:outreach": body})


def payment_received(payment_id: int) -> None:
    hooks = hooks_for(Event.DONATION_SUCCEEDED)
    for hook in hooks:
        viewer = Viewer(hook.owner)
        links = _links(viewer)
        row = viewer.payments().select_related("donation").filter(pk=payment_id).first()
        if row is None:
            continue
        body = {
            **represent.donation(row, links),
            **_person(viewer, row.donation.supporter_id, links),
        }
        _queue(hook, Event.DONATION_SUCCEEDED, f"sori-donation-{row.pk}", {"osdi:donation": body})


def send_test(hook: Webhook) -> WebhookDelivery:
    """A delivery with a made-up signature, so the receiver can check its set-up."""
    now = timezone.now()
    key = f"sori-test-{int(now.timestamp() * 1000)}"
    payload = {
        "osdi:signature": {
            "identifiers": ["sori:0"],
            "origin_system": represent.VENDOR,
            "created_date": represent.osdi_date(now),
            "modified_date": represent.osdi_date(now),
            "action_date": represent.osdi_date(now),
            "comments": "This is a test from Sori.",
            "_links": {},
        },
        "idempotency_key": key,
        "test": True,
    }
    delivery = WebhookDelivery.objects.create(
        webhook=hook, event="test", idempotency_key=key, payload=[payload]
    )
    after_commit("api.tasks.deliver_webhook", delivery.pk)
    return delivery


# Attempts --------------------------------------------------------------------------------


def _claim(delivery_id: int, now: datetime) -> bool:
    """Take the delivery for one attempt (a lease), unless another worker has it."""
    return bool(
        WebhookDelivery.objects.filter(pk=delivery_id, status=WebhookDelivery.Status.PENDING)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .update(next_attempt_at=now + LEASE)
    )


def deliver(delivery_id: int, *, now: datetime | None = None) -> str:
    """Make one attempt at a delivery; its status afterwards.

    Idempotent by its row: a delivered or failed delivery, or one another worker
    holds, is left alone. Side effects: one signed POST (no lock is held meanwhile);
    the row's attempts, answer and next attempt; on success the webhook's
    ``last_success_at``; on the last failure, the webhook disabled and its owner mailed
    (after commit) if nothing has reached it since this delivery began.
    """
    now = now or timezone.now()
    if not _claim(delivery_id, now):
        return (
            WebhookDelivery.objects.filter(pk=delivery_id).values_list("status", flat=True).first()
            or ""
        )
    delivery = WebhookDelivery.objects.select_related("webhook").get(pk=delivery_id)
    hook = delivery.webhook
    if not hook.is_active:
        return _finish(
            delivery, now, status=WebhookDelivery.Status.FAILED, error="The webhook is disabled."
        )
    body = json.dumps(delivery.payload, ensure_ascii=False, separators=(",", ":")).encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": f"{settings.SITE_NAME}-Webhooks/1",
        "Sori-Signature": sign(hook.secret, body, int(now.timestamp())),
        "Sori-Event": delivery.event,
        "Idempotency-Key": delivery.idempotency_key,
    }
    code, error = None, ""
    try:
        code = ssrf.post(hook.url, body, headers, timeout=TIMEOUT_SECONDS)
        if not 200 <= code < 300:
            error = f"The address answered {code}."
    except ssrf.UnsafeDestination as refused:
        error = str(refused)
    except (urllib3.exceptions.HTTPError, OSError) as failure:
        error = f"{type(failure).__name__}: {failure}"[:400]
    delivery.attempts += 1
    delivery.last_status_code = code
    if not error:
        Webhook.objects.filter(pk=hook.pk).update(last_success_at=now)
        return _finish(delivery, now, status=WebhookDelivery.Status.DELIVERED)
    if delivery.attempts >= MAX_ATTEMPTS:
        _finish(delivery, now, status=WebhookDelivery.Status.FAILED, error=error)
        _disable_if_dead(hook, since=delivery.created_at, now=now, error=error)
        return delivery.status
    delivery.next_attempt_at = now + RETRY_DELAYS[delivery.attempts - 1]
    delivery.last_error = error[:500]
    delivery.save(update_fields=["attempts", "last_status_code", "next_attempt_at", "last_error"])
    return delivery.status


def _finish(delivery: WebhookDelivery, now: datetime, *, status: str, error: str = "") -> str:
    delivery.status = status
    delivery.next_attempt_at = None
    delivery.last_error = error[:500]
    fields = ["status", "attempts", "last_status_code", "next_attempt_at", "last_error"]
    if status == WebhookDelivery.Status.DELIVERED:
        delivery.delivered_at = now
        fields.append("delivered_at")
    delivery.save(update_fields=fields)
    return status


@transaction.atomic
def _disable_if_dead(hook: Webhook, *, since: datetime, now: datetime, error: str) -> None:
    disabled = (
        Webhook.objects.filter(pk=hook.pk, disabled_at__isnull=True)
        .filter(Q(last_success_at__isnull=True) | Q(last_success_at__lt=since))
        .update(disabled_at=now, disabled_reason=error[:300])
    )
    if disabled:
        logger.warning("Webhook %s disabled after failing for a day: %s", hook.pk, error)
        after_commit("api.tasks.mail_webhook_disabled", hook.pk)


def hand_over_due(*, now: datetime | None = None, limit: int = 500) -> int:
    """Queue an attempt for every pending delivery whose retry (or lease) is due."""
    now = now or timezone.now()
    due = list(
        WebhookDelivery.objects.filter(
            status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now
        ).values_list("pk", flat=True)[:limit]
    )
    for pk in due:
        after_commit("api.tasks.deliver_webhook", pk)
    return len(due)
