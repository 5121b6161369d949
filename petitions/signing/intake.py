"""Anonymous signing in two steps: the request stores the form, a drain task signs it.

Anonymous signing writes one ``SignatureRequest`` row in the request and does the rest
in a task, so the request does the same work whether or not the address has signed
before: a stranger cannot tell from the answer's timing. One drain at a time signs
every waiting form (``sign_waiting_requests``); a sweep run by beat picks up forms
whose drain never came (``process_stale_signature_requests``).
"""

import contextlib
import logging
from datetime import timedelta

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from lib.tasks import task
from lib.text import email_key

from ..models import Petition, SignatureRequest
from .services import PetitionNotOpen, SignerDetails, check_open, sign_petition

logger = logging.getLogger(__name__)

# The sweep signs stored forms older than this (their task should have run by then) and
# leaves one that failed REQUEST_MAX_ATTEMPTS times to staff (and logs it).
REQUEST_SWEEP_SECONDS = 60
REQUEST_MAX_ATTEMPTS = 5


@transaction.atomic
def request_signature(
    *, petition: Petition, signer: SignerDetails, ip_hash: str, language: str, review_reason: str
) -> SignatureRequest:
    """Take an anonymous sign form: store it and have a task sign (``sign_petition``).

    ``signer`` is the validated form's ``signature_fields()``; ``review_reason`` the
    request-side defences' verdict (``abuse.review_reason``). Everything
    that depends on whether the address has signed before (Supporter, Signature,
    consent, mail) happens in the task, so this does the same work for every address
    and its timing tells nobody who has signed.

    Side effects: one SignatureRequest row; after commit, a drain task
    (``wake_signer``). Raises PetitionNotOpen when the petition takes no
    signatures (read afresh: ``petition`` may be a cached copy).
    """
    check_open(petition)
    row = SignatureRequest.objects.create(
        petition=petition,
        data=signer.as_json(),
        ip_hash=ip_hash,
        review_reason=review_reason,
        language=language,
        email_key=email_key(signer.email),
    )
    transaction.on_commit(wake_signer, robust=True)
    return row


# One drain at a time takes every waiting form, so a burst of signatures costs the
# broker one message, not one each. The flag says a drain is running or queued; the
# drain clears it before its last look at the table, so a form committed after that
# look finds no flag and queues a new drain.
DRAIN_FLAG = "petitions:signing-drain"
DRAIN_FLAG_SECONDS = 30


def wake_signer() -> None:
    """Make sure a task is draining the stored sign forms (``sign_waiting_requests``).

    With the broker down the stored form waits for the sweep run by beat
    (``process_stale_signature_requests``) or the next signature's drain: one line is
    logged, not the traceback Django logs for a failing on-commit callback.
    """
    try:
        queued = not cache.add(DRAIN_FLAG, 1, timeout=DRAIN_FLAG_SECONDS)
    except Exception:  # no shared cache: a drain too many is harmless, one too few is not
        logger.warning("Could not read the signing-drain flag; queueing a drain")
        queued = False
    if not queued:
        try:
            task("petitions.tasks.sign_waiting_requests").delay()
        except Exception as error:  # the broker is down: the form waits, stored
            _clear_drain_flag()  # so that the next signature tries again
            logger.warning(
                "Could not queue the signing drain (%s: %s); the sweep signs waiting forms",
                type(error).__name__,
                error,
            )


def sign_waiting_requests() -> int:
    """Sign every stored sign form, oldest first, each in its own transaction.

    Several drains may run at once (SKIP LOCKED keeps them apart). A form whose signing
    fails has its attempts counted and stops the drain: the sweep
    (``process_stale_signature_requests``) tries it again later. Returns how many forms
    were processed.
    """
    processed = 0
    flag_cleared = False
    while True:
        outcome = _sign_next_request()
        if outcome is True:
            processed += 1
        elif outcome is None and not flag_cleared:
            _clear_drain_flag()
            flag_cleared = True
        else:  # empty after the flag was cleared, or a failure
            return processed


def _clear_drain_flag() -> None:
    try:
        cache.delete(DRAIN_FLAG)
    except Exception:
        logger.warning("Could not clear the signing-drain flag")


def _sign_next_request() -> bool | None:
    """Claim the oldest waiting form nobody else holds, sign it and delete it.

    True when one was signed, None when none waits, False when signing failed (its
    attempts are counted in the same transaction, the signing itself rolled back).
    """
    rows = (
        SignatureRequest.objects.filter(attempts__lt=REQUEST_MAX_ATTEMPTS)
        .select_related("petition__campaign")
        .order_by("pk")
    )
    if connection.features.has_select_for_update_skip_locked:
        rows = rows.select_for_update(skip_locked=True, of=("self",))
    with transaction.atomic():
        row = rows.first()
        if row is None:
            return None
        try:
            with transaction.atomic():
                _sign_request(row)
        except Exception:
            logger.exception("Could not sign stored sign form %s; the sweep will retry it", row.pk)
            SignatureRequest.objects.filter(pk=row.pk).update(attempts=F("attempts") + 1)
            return False
    return True


def _sign_request(row: SignatureRequest) -> None:
    # A petition closed meanwhile just drops the form (PetitionNotOpen).
    with contextlib.suppress(PetitionNotOpen):
        sign_petition(
            petition=row.petition,
            signer=SignerDetails.from_json(row.data),
            ip_hash=row.ip_hash,
            language=row.language,
            review_reason=row.review_reason,
        )
    SignatureRequest.objects.filter(pk=row.pk).delete()


def process_signature_request(*, request_id: int) -> bool:
    """Sign for a stored sign form (``request_signature``), then delete it: once only.

    In one transaction: the row is locked (skipped if another worker holds it),
    ``sign_petition`` runs with the stored form, and the row is deleted; a second run
    finds no row and does nothing. A petition that stopped taking signatures meanwhile
    just drops the row. Side effects: those of ``sign_petition``. Returns whether a row
    was processed.
    """
    with transaction.atomic():
        rows = SignatureRequest.objects.filter(pk=request_id).select_related("petition__campaign")
        if connection.features.has_select_for_update_skip_locked:
            rows = rows.select_for_update(skip_locked=True, of=("self",))
        row = rows.first()
        if row is None:
            return False
        _sign_request(row)
    return True


def process_stale_signature_requests(*, older_than: timedelta) -> int:
    """Process stored sign forms older than ``older_than`` whose task never ran (the
    broker was down, a worker died). Each attempt is counted first; a row that failed
    ``REQUEST_MAX_ATTEMPTS`` times is left for staff and logged. Returns how many rows
    were processed.
    """
    stale = SignatureRequest.objects.filter(
        created_at__lte=timezone.now() - older_than, attempts__lt=REQUEST_MAX_ATTEMPTS
    )
    processed = 0
    for pk in list(stale.order_by("created_at", "pk").values_list("pk", flat=True)):
        SignatureRequest.objects.filter(pk=pk).update(attempts=F("attempts") + 1)
        try:
            processed += process_signature_request(request_id=pk)
        except Exception:
            logger.exception("Could not process signature request %s", pk)
    return processed
