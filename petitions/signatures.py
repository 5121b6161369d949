"""A signature's life after signing: status moves, withdrawal, erasure, recounts.

Every change of a signature's status goes through ``change_signature_status`` (or its
bulk twin), which adjusts ``Petition.signature_count`` in the same transaction
(``hotpath.counting``); the count is therefore exactly the number of counted rows,
which ``reconcile_counts`` checks. Mail is sent by tasks scheduled after commit
(``lib.tasks.after_commit``), so a rolled-back move never sends a message.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts import notices
from accounts.models import ConsentRecord, Supporter
from accounts.services import record_consent
from lib.states import check_transition
from lib.tasks import after_commit
from lib.text import email_key

from .hotpath import counting
from .models import DeliveryPack, Petition, Signature, SignatureRequest
from .signals import signature_confirmed

BULK_CHUNK = 500


def consent_source(petition: Petition) -> str:
    return f"petition:{petition.slug}"


@transaction.atomic
def change_signature_status(*, signature: Signature, status: str, reason: str = "") -> Signature:
    """Move one signature to ``status`` and keep its petition's count exact.

    Side effects: the signature row (``confirmed_at`` stamped on the first move to
    confirmed; ``review_reason`` set when moving to review); the petition's count
    changes by one when the move crosses between counted and uncounted statuses; after
    commit, the confirmation email when a signature the sign form's defences held (and
    so never mailed) is released to pending.
    Raises ``lib.states.TransitionNotAllowed`` for a move the map does not allow.
    """
    current = Signature.objects.select_for_update().get(pk=signature.pk)
    previous = current.status
    if _released_unmailed(previous, current.review_reason, status):
        _send_confirmations_after_commit([current.pk])
    check_transition(Signature.TRANSITIONS, previous, status)
    fields = ["status"]
    current.status = status
    if status == Signature.Status.CONFIRMED and current.confirmed_at is None:
        current.confirmed_at = timezone.now()
        fields.append("confirmed_at")
    if status == Signature.Status.REVIEW:
        current.review_reason = reason or Signature.ReviewReason.STAFF
        fields.append("review_reason")
    current.save(update_fields=fields)
    if status == Signature.Status.CONFIRMED and previous != status:
        signature_confirmed.send(sender=Signature, signature_ids=[current.pk])
    delta = (status in Signature.COUNTED) - (previous in Signature.COUNTED)
    counting.add(current.petition_id, delta)
    for field in ("status", "confirmed_at", "review_reason"):
        setattr(signature, field, getattr(current, field))
    return signature


@transaction.atomic
def change_signature_statuses(*, signatures: QuerySet, status: str, reason: str = "") -> int:
    """Move many signatures to ``status`` at once (moderation: release, invalidate, undo).

    Signatures whose current status cannot move to ``status`` are left alone. Side
    effects as in ``change_signature_status`` (release mail included), with one count
    update per petition. Returns how many signatures moved.
    """
    rows = list(
        Signature.objects.filter(pk__in=signatures.values("pk"))
        .select_for_update()
        .values_list("pk", "petition_id", "status", "review_reason")
    )
    _send_confirmations_after_commit(
        [pk for pk, _, previous, reason in rows if _released_unmailed(previous, reason, status)]
    )
    movable = [row[:3] for row in rows if status in Signature.TRANSITIONS[row[2]]]
    deltas: Counter[int] = Counter()
    now = timezone.now()
    for start in range(0, len(movable), BULK_CHUNK):
        chunk = movable[start : start + BULK_CHUNK]
        pks = [pk for pk, _, _ in chunk]
        changes: dict = {"status": status}
        if status == Signature.Status.REVIEW:
            changes["review_reason"] = reason or Signature.ReviewReason.STAFF
        Signature.objects.filter(pk__in=pks).update(**changes)
        if status == Signature.Status.CONFIRMED:
            Signature.objects.filter(pk__in=pks, confirmed_at__isnull=True).update(confirmed_at=now)
        for _, petition_id, old in chunk:
            deltas[petition_id] += (status in Signature.COUNTED) - (old in Signature.COUNTED)
    if status == Signature.Status.CONFIRMED:
        confirmed = [pk for pk, _, old in movable if old != status]
        if confirmed:
            signature_confirmed.send(sender=Signature, signature_ids=confirmed)
    for petition_id, delta in sorted(deltas.items()):
        counting.add(petition_id, delta)
    return len(movable)


@transaction.atomic
def withdraw_signature(*, signature: Signature, language: str = "en") -> bool:
    """The signer takes their signature back. Returns False if it was already gone.

    Side effects: the signature row is deleted (a withdrawn political opinion is not
    kept); ConsentRecords withdrawing the petition consent and the consent to process
    the political opinion; the count goes down by one if the signature counted.
    Consent to updates is a separate choice and stays.
    """
    # Only the signature's row: since retention its supporter may be gone, and
    # PostgreSQL locks no row on the nullable side of an outer join.
    current = (
        Signature.objects.select_for_update(of=("self",))
        .select_related("petition", "supporter")
        .filter(pk=signature.pk)
        .first()
    )
    if current is None:
        return False
    for purpose, notice in (
        (ConsentRecord.Purpose.PETITION, notices.PETITION),
        (ConsentRecord.Purpose.SENSITIVE, notices.SENSITIVE),
    ):
        record_consent(
            supporter=current.supporter,
            purpose=purpose,
            granted=False,
            notice=notice,
            source=consent_source(current.petition),
            language=language,
        )
    forget_delivery_packs(listing=[(current.petition_id, current.confirmed_at)])
    current.delete()
    counting.add(current.petition_id, -1 if current.is_counted else 0)
    return True


@transaction.atomic
def erase_signatures(*, supporter: Supporter) -> int:
    """Delete every signature of a supporter (the right to erasure), counts kept exact.

    Side effects: the rows are deleted; each petition's count goes down by the number
    of counted signatures removed; sign forms of the mailbox still waiting to be
    processed (``SignatureRequest``) are deleted too. Returns how many signatures were
    deleted.
    """
    SignatureRequest.objects.filter(email_key=email_key(supporter.email)).delete()
    rows = list(
        Signature.objects.filter(supporter=supporter)
        .select_for_update()
        .values_list("pk", "petition_id", "status", "confirmed_at")
    )
    deltas: Counter[int] = Counter(
        petition_id for _, petition_id, status, _ in rows if status in Signature.COUNTED
    )
    forget_delivery_packs(
        listing=[(petition_id, confirmed) for _, petition_id, _, confirmed in rows]
    )
    Signature.objects.filter(pk__in=[pk for pk, _, _, _ in rows]).delete()
    for petition_id, removed in sorted(deltas.items()):
        counting.add(petition_id, -removed)
    return len(rows)


def _released_unmailed(previous: str, reason: str, status: str) -> bool:
    """A move that releases a signature held by the sign form's defences to pending."""
    return (
        previous == Signature.Status.REVIEW
        and reason in Signature.ABUSE_REASONS
        and status == Signature.Status.PENDING
    )


def _send_confirmations_after_commit(pks: list[int]) -> None:
    # No client address: staff released them, the client who posted is not asking.
    for pk in pks:
        after_commit("petitions.tasks.send_confirmation", pk)


def forget_delivery_packs(*, listing) -> int:
    """Keep delivery packs from listing these signatures, built or being built.

    ``listing`` holds (petition id, confirmed_at) pairs of signatures being withdrawn or
    erased. A pack lists the signatures confirmed when it was built. Side effects: every
    pack of those petitions still being built has its ``generation`` raised, so its
    builder throws away what it made and starts again (``lib.jobs``); every pack that
    finished since the confirmation loses its PDF and list after commit (its record
    stays, saying why). Returns how many packs lost their files.
    """
    confirmed = [(petition_id, at) for petition_id, at in listing if at is not None]
    if not confirmed:
        return 0
    wanted = Q()
    for petition_id, confirmed_at in confirmed:
        wanted |= Q(petition_id=petition_id, finished_at__gte=confirmed_at)
    return DeliveryPack.forget(
        petition_ids={petition_id for petition_id, _ in confirmed},
        finished=wanted,
        reason=(
            "The files were deleted when a signer withdrew their signature or erased their data."
        ),
    )


@dataclass(frozen=True)
class Drift:
    petition: Petition
    stored: int
    actual: int


def reconcile_counts(*, fix: bool = True) -> list[Drift]:
    """Recount every petition from its rows; return the petitions whose count drifted.

    Each petition is recounted under its row lock (and its shards' locks), so a
    confirmation running at the same time either finished before (and is in the
    recount) or waits and adds to the fixed value. With ``fix`` the stored count is set
    to the recount and any counter shards are folded back to zero.
    """
    drifts = []
    for petition_id in Petition.objects.order_by("pk").values_list("pk", flat=True):
        with transaction.atomic():
            petition = Petition.objects.select_for_update().get(pk=petition_id)
            stored = petition.current_count
            actual = Signature.objects.filter(petition_id=petition_id).counted().count()
            if actual != stored:
                drifts.append(Drift(petition, stored, actual))
            if fix and (actual != stored or petition.shard_total):
                counting.reset(petition_id, actual)  # also folds the shards back
    return drifts


def clear_ip_hashes(*, now: datetime | None = None) -> int:
    """Blank the address hash of signatures made more than PETITIONS_IP_HASH_DAYS ago.

    The hash serves moderation only: rate limits look back hours, and staff compare
    hashes while a signature is held. So a signature still held for review keeps its
    hash until it is released or invalidated (the next run after that blanks it).
    Side effect: ``ip_hash`` emptied on those rows. Returns how many were blanked.
    """
    cutoff = (now or timezone.now()) - timedelta(days=settings.PETITIONS_IP_HASH_DAYS)
    return (
        Signature.objects.filter(created_at__lt=cutoff)
        .exclude(ip_hash="")
        .exclude(status=Signature.Status.REVIEW)
        .update(ip_hash="")
    )
