"""Petition workflows: sign, confirm, change status, withdraw, erase.

Every change of a signature's status goes through ``change_signature_status`` (or its
bulk twin), which adjusts ``Petition.signature_count`` in the same transaction; the
count is therefore exactly the number of counted rows, which ``reconcile_counts``
checks. Mail is sent by tasks scheduled after commit, so a rolled-back signature never
sends a message.
"""

import contextlib
import hashlib
import logging
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.db.models import DateTimeField, F, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts import notices
from accounts.models import ConsentRecord, Supporter
from accounts.services import record_consent
from lib import ratelimit
from lib.states import check_transition
from lib.text import canonical_email, email_key

from . import abuse, counting, emails, tasks
from .models import Petition, Signature, SignatureRequest

logger = logging.getLogger(__name__)

REPEAT_MAIL_INTERVAL = timedelta(days=1)
BULK_CHUNK = 500
MAIL_CAP_SECONDS = 24 * 60 * 60
# The sweep signs stored forms older than this (their task should have run by then) and
# leaves one that failed REQUEST_MAX_ATTEMPTS times to staff (and logs it).
REQUEST_SWEEP_SECONDS = 60
REQUEST_MAX_ATTEMPTS = 5


class PetitionNotOpen(Exception):
    """The petition takes no signatures now (draft, closed, not yet open, campaign not live)."""


@dataclass(frozen=True)
class SignResult:
    signature: Signature
    created: bool  # False: the mailbox had signed already (never shown to the person)


def consent_source(petition: Petition) -> str:
    return f"petition:{petition.slug}"


# What decides whether and how a petition takes a signature. The signing transaction
# reads these again, so a caller's copy of the petition (a cached one, or one read a
# moment before someone closed it) never lets a signature through.
_SIGNING_STATE = ("status", "opens_at", "closes_at", "requires_confirmation", "campaign__status")


def _lock_mailbox_and_read(address: str, petition: Petition) -> list[Supporter]:
    """Serialise signing for one mailbox until the transaction ends; read what signing needs.

    Two requests for the same mailbox (a double click, a bot, or "a.b@gmail.com" and
    "ab+x@gmail.com" at once) would otherwise both find no signature and both insert.
    The unique constraint stops two rows for one Supporter, but aliases may be two
    Supporters; the lock covers them. SQLite needs none: its transactions begin
    IMMEDIATE, so writers already take turns.

    Returns every supporter of the mailbox (the address and its aliases), oldest first,
    and refreshes ``petition``'s signing state (``_SIGNING_STATE``) in place. On
    PostgreSQL the lock and both reads go in one message, three statements: each takes
    its own snapshot, so the reads run once the lock is granted and see whatever the
    lock's previous holder committed. Signing is the busiest write: one round trip, not
    three.
    """
    supporters = Supporter.objects.same_mailbox(address).order_by("pk")
    state = Petition.objects.filter(pk=petition.pk).order_by().values_list(*_SIGNING_STATE)
    if connection.vendor != "postgresql":
        _set_signing_state(petition, state.first())
        return list(supporters)
    key = email_key(address)
    digest = hashlib.blake2b(f"sori.petitions.sign:{key}".encode(), digest_size=8).digest()
    supporters_sql, supporters_params = supporters.query.sql_with_params()
    state_sql, state_params = state.query.sql_with_params()
    columns = [field.attname for field in Supporter._meta.concrete_fields]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT pg_advisory_xact_lock(%s); {supporters_sql}; {state_sql}",
            [int.from_bytes(digest, signed=True), *supporters_params, *state_params],
        )
        cursor.nextset()
        rows = cursor.fetchall()
        cursor.nextset()
        _set_signing_state(petition, cursor.fetchone())
    return [Supporter.from_db(connection.alias, columns, row) for row in rows]


def _set_signing_state(petition: Petition, row: tuple | None) -> None:
    if row is None:  # deleted since the caller read it
        raise PetitionNotOpen(petition.slug)
    *fields, campaign_status = row
    for name, value in zip(_SIGNING_STATE[:-1], fields, strict=True):
        setattr(petition, name, value)
    petition.campaign.status = campaign_status


def _signature_of_mailbox(known: list[Supporter], petition: Petition) -> Signature | None:
    """The signature one of the mailbox's supporters gave ``petition``, if any.

    Most signers are new to Sori: with no supporter there is nothing to look up.
    """
    if not known:
        return None
    return (
        Signature.objects.filter(petition=petition, supporter__in=known)
        .select_related("supporter")
        .first()
    )


def _supporter_for(address: str, known: list[Supporter], details: dict, language: str) -> Supporter:
    """The supporter for an address: the exact one, else one of the same mailbox, else new.

    An existing supporter's name and country are filled in only where blank: anyone can
    type anyone's address, so an unconfirmed form must not rename a known person.
    """
    supporter = next((s for s in known if s.email == address), None) or next(iter(known), None)
    if supporter is None:
        # Another kind of action (a letter, an account) may create this address at the
        # same moment; sign_petition then tries again and finds it.
        return Supporter.objects.create(email=address, language=language, **details)
    blanks = [field for field, value in details.items() if value and not getattr(supporter, field)]
    for field in blanks:
        setattr(supporter, field, details[field])
    if blanks:
        supporter.save(update_fields=[*blanks, "updated_at"])
    return supporter


def sign_petition(
    *,
    petition: Petition,
    email: str,
    first_name: str,
    last_name: str = "",
    country: str,
    postcode: str = "",
    city: str = "",
    display: str = Signature.Display.INITIALS,
    comment: str = "",
    wants_updates: bool = False,
    source: str = "",
    ip_hash: str = "",
    language: str = "en",
    verified_supporter: Supporter | None = None,
    review_reason: str = "",
) -> SignResult:
    """Sign ``petition`` for the owner of ``email``, or note that their mailbox already has.

    ``verified_supporter`` is the signed-in person's supporter when their account's
    address is verified: ``email`` must then be theirs, and the signature is confirmed
    at once. ``review_reason`` (client rate limit, honeypot, failed challenge) holds the
    new signature in review, uncounted. A new signature with no such reason counts
    toward the petition-wide rate limit, and is held (``rate_petition``) over it.

    Side effects, all in one transaction:
    - a Supporter for the address unless the mailbox has one (blank details filled in);
      a verified supporter's name and country are updated from the form;
    - the Signature: confirmed (verified supporter, or the petition needs no
      confirmation), in review (``review_reason``), else pending;
    - ConsentRecords: the petition notice (always) and updates (when ticked);
    - the count goes up by one when the signature counts (milestones stamped);
    - after commit: the confirmation email for a signature that needs one, unless it
      is held (a held signature is mailed when staff release it); a signature held for
      the petition-wide limit is added to the petition's surge record.
    A repeat (the same mailbox signed already) stores nothing new; after commit the
    owner is mailed "you have already signed" (at most once a day), unless the attempt
    tripped a defence. A verified supporter repeating confirms their own waiting
    signature instead. Mail is capped per address and per client (``ip_hash``) a day.

    ``petition`` may be a cached copy: what decides whether and how it takes the
    signature (status, times, confirmation, the campaign's status) is read again inside
    the transaction and set on it.

    Raises PetitionNotOpen when the petition takes no signatures.
    """
    arguments = dict(locals())
    try:
        return _sign(**arguments)
    except IntegrityError:
        # The address's Supporter was created by another kind of action between our
        # look-up and our insert (signers of one mailbox queue on the lock, others do
        # not). The transaction is rolled back; the second try finds the supporter.
        return _sign(**arguments)


@transaction.atomic
def _sign(
    *,
    petition: Petition,
    email: str,
    first_name: str,
    last_name: str,
    country: str,
    postcode: str,
    city: str,
    display: str,
    comment: str,
    wants_updates: bool,
    source: str,
    ip_hash: str,
    language: str,
    verified_supporter: Supporter | None,
    review_reason: str,
) -> SignResult:
    address = canonical_email(verified_supporter.email if verified_supporter else email)
    known = _lock_mailbox_and_read(address, petition)
    if not petition.is_open:
        raise PetitionNotOpen(petition.slug)
    existing = _signature_of_mailbox(known, petition)
    if existing is not None:
        return _repeat(
            existing,
            verified=verified_supporter is not None,
            ip_hash=ip_hash,
            mail=not review_reason,
        )
    # Only now, for a new signature that passed the request's checks, does the attempt
    # count toward the petition-wide limit: repeats and already-held attempts must not
    # push the petition into holding genuine signers.
    surge = False
    if not review_reason:
        review_reason = abuse.petition_rate_reason(petition_id=petition.pk)
        surge = bool(review_reason)

    details = {"first_name": first_name, "last_name": last_name, "country": country}
    if verified_supporter is not None:
        supporter = verified_supporter
        for field, value in details.items():
            setattr(supporter, field, value)
        supporter.save(update_fields=[*details, "updated_at"])
    else:
        supporter = _supporter_for(
            address, known, {**details, "postcode": postcode, "city": city}, language
        )

    now = timezone.now()
    confirmed_at = None
    if verified_supporter is not None or (not petition.requires_confirmation and not review_reason):
        confirmed_at = now
    if review_reason:
        status = Signature.Status.REVIEW
    elif confirmed_at:
        status = Signature.Status.CONFIRMED
    else:
        status = Signature.Status.PENDING
    # No savepoint: under the mailbox lock nobody else can sign for this supporter
    # until we commit, so the unique constraint is only a backstop here.
    signature = Signature.objects.create(
        petition=petition,
        supporter=supporter,
        status=status,
        review_reason=review_reason,
        first_name=first_name,
        last_name=last_name,
        display=display,
        comment=comment,
        country=country,
        postcode=postcode,
        city=city,
        source=source,
        wants_updates=wants_updates,
        ip_hash=ip_hash,
        created_at=now,
        confirmed_at=confirmed_at,
    )

    source_label = consent_source(petition)
    record_consent(
        supporter=supporter,
        purpose=ConsentRecord.Purpose.PETITION,
        granted=True,
        notice=notices.PETITION,
        source=source_label,
        language=language,
    )
    if wants_updates:
        record_consent(
            supporter=supporter,
            purpose=ConsentRecord.Purpose.UPDATES,
            granted=True,
            notice=notices.UPDATES,
            source=source_label,
            language=language,
        )
    # Last statement before commit: the petition row stays locked for the shortest time.
    if signature.is_counted:
        counting.add(petition.pk, +1)
    if signature.needs_email_confirmation and not review_reason:
        # Held signatures get no mail: the address may be a stranger's, typed by a bot.
        pk = signature.pk
        transaction.on_commit(lambda: tasks.send_confirmation.delay(pk, ip_hash), robust=True)
    if surge:
        petition_id = petition.pk
        transaction.on_commit(lambda: _record_surge_hold(petition_id, now), robust=True)
    return SignResult(signature=signature, created=True)


def _record_surge_hold(petition_id: int, now) -> None:
    """Note on the petition that a signature was held for a surge (after commit, so the
    petition row is not locked for the whole signing transaction)."""
    Petition.objects.filter(pk=petition_id).update(
        flood_held_at=Coalesce("flood_held_at", Value(now, output_field=DateTimeField())),
        flood_held_count=F("flood_held_count") + 1,
    )


def _repeat(existing: Signature, *, verified: bool, ip_hash: str, mail: bool) -> SignResult:
    if verified and existing.needs_email_confirmation:
        _confirm(existing)
    elif mail:
        pk = existing.pk
        transaction.on_commit(lambda: tasks.notify_repeat_signer.delay(pk, ip_hash), robust=True)
    return SignResult(signature=existing, created=False)


def _confirm(signature: Signature) -> Signature:
    if signature.status == Signature.Status.PENDING:
        return change_signature_status(signature=signature, status=Signature.Status.CONFIRMED)
    if signature.status == Signature.Status.REVIEW and signature.confirmed_at is None:
        signature.confirmed_at = timezone.now()
        signature.save(update_fields=["confirmed_at"])
    return signature


@transaction.atomic
def confirm_signature(*, signature: Signature, name: dict | None = None) -> Signature:
    """The signer followed their confirmation link and pressed the button.

    ``name`` (``first_name``, ``last_name``, ``display``) is the name as the owner of
    the address confirmed it: whoever typed the address may not be its owner, so the
    owner sees the name on the confirmation page and may correct it before it counts.
    It is applied only while the signature still waits for confirmation.

    Side effects: the name fields, then pending -> confirmed, count +1 (milestones
    stamped). A signature held in review records that its signer confirmed and stays
    held, uncounted. Confirmed or invalidated: nothing changes, so confirming twice is
    harmless.
    """
    current = Signature.objects.select_for_update().get(pk=signature.pk)
    if name and current.needs_email_confirmation:
        for field, value in name.items():
            setattr(current, field, value)
        current.save(update_fields=list(name))
    return _confirm(current)


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
    for petition_id, delta in sorted(deltas.items()):
        counting.add(petition_id, delta)
    return len(movable)


@transaction.atomic
def withdraw_signature(*, signature: Signature, language: str = "en") -> bool:
    """The signer takes their signature back. Returns False if it was already gone.

    Side effects: the signature row is deleted (a withdrawn political opinion is not
    kept); a ConsentRecord withdrawing the petition consent; the count goes down by one
    if the signature counted. Consent to updates is a separate choice and stays.
    """
    current = (
        Signature.objects.select_for_update()
        .select_related("petition", "supporter")
        .filter(pk=signature.pk)
        .first()
    )
    if current is None:
        return False
    record_consent(
        supporter=current.supporter,
        purpose=ConsentRecord.Purpose.PETITION,
        granted=False,
        notice=notices.PETITION,
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
        transaction.on_commit(lambda pk=pk: tasks.send_confirmation.delay(pk), robust=True)


def forget_delivery_packs(*, listing) -> int:
    """Keep delivery packs from listing these signatures, built or being built.

    ``listing`` holds (petition id, confirmed_at) pairs of signatures being withdrawn or
    erased. A pack lists the signatures confirmed when it was built. Side effects: every
    pack of those petitions still being built has its ``generation`` raised, so its
    builder throws away what it made and starts again (``lib.jobs``); every pack that
    finished since the confirmation loses its PDF and list after commit (its record
    stays, saying why). Returns how many packs lost their files.
    """
    from lib.storage import private_storage

    from .models import DeliveryPack

    confirmed = [(petition_id, at) for petition_id, at in listing if at is not None]
    if not confirmed:
        return 0
    # First, so that a builder about to store its file either waits for this
    # transaction (and starts again) or has stored it already (and it is found below).
    DeliveryPack.objects.filter(
        petition_id__in={petition_id for petition_id, _ in confirmed},
        status__in=[DeliveryPack.Status.PENDING, DeliveryPack.Status.RUNNING],
    ).update(generation=F("generation") + 1)
    wanted = Q()
    for petition_id, confirmed_at in confirmed:
        wanted |= Q(petition_id=petition_id, finished_at__gte=confirmed_at)
    packs = list(DeliveryPack.objects.filter(wanted).exclude(file="", manifest=""))
    storage = private_storage()
    for pack in packs:
        for name in (pack.file.name, pack.manifest.name):
            if name:
                transaction.on_commit(lambda name=name: storage.delete(name))
    DeliveryPack.objects.filter(pk__in=[pack.pk for pack in packs]).update(
        file="",
        manifest="",
        error="The files were deleted when a signer withdrew their signature or erased their data.",
    )
    return len(packs)


def resend_confirmation(*, signature: Signature, ip_hash: str = "") -> None:
    """Mail a fresh confirmation link (after commit) if the signature still needs one.

    ``ip_hash`` is the client asking, for the per-client mail cap.
    """
    if signature.needs_email_confirmation:
        pk = signature.pk
        transaction.on_commit(lambda: tasks.send_confirmation.delay(pk, ip_hash), robust=True)


def _mail_allowed(*, address: str, ip_hash: str) -> bool:
    """Count one petition mail to ``address`` asked for by client ``ip_hash``; False over
    a cap (``PETITIONS_MAIL_PER_ADDRESS_PER_DAY``, ``PETITIONS_MAIL_PER_CLIENT_PER_DAY``).

    Anyone can type anyone's address into a sign form: without a cap Sori would mail
    strangers as often as someone asked it to. The cache never sees the address, only
    a keyed hash of its mailbox.
    """
    checks = [
        (
            f"petitions:mail-to:{ratelimit.subject_hash(email_key(address))}",
            ratelimit.Limit(settings.PETITIONS_MAIL_PER_ADDRESS_PER_DAY, MAIL_CAP_SECONDS),
        )
    ]
    if ip_hash:
        checks.append(
            (
                f"petitions:mail-from:{ip_hash}",
                ratelimit.Limit(settings.PETITIONS_MAIL_PER_CLIENT_PER_DAY, MAIL_CAP_SECONDS),
            )
        )
    return all(ratelimit.hit(checks))


def send_confirmation_email(*, signature_id: int, ip_hash: str = "") -> bool:
    """Send the confirmation email if the signature still exists and still needs it.

    Skipped over the mail caps (``_mail_allowed``): the signature stays pending, and its
    signer can ask for a fresh link later. Returns whether a message was sent.
    """
    signature = (
        Signature.objects.select_related("petition", "supporter").filter(pk=signature_id).first()
    )
    if signature is None or not signature.needs_email_confirmation:
        return False
    if not _mail_allowed(address=signature.supporter.email, ip_hash=ip_hash):
        return False
    emails.send_confirmation(signature)
    return True


def notify_repeat_signer(*, signature_id: int, ip_hash: str = "") -> bool:
    """Mail "you have already signed" unless this signature's owner had one in the last day.

    The conditional UPDATE claims the day's message, so concurrent repeats send one.
    Skipped (the day's message claimed all the same) over the mail caps.
    """
    now = timezone.now()
    due = Q(repeat_mailed_at__isnull=True) | Q(repeat_mailed_at__lte=now - REPEAT_MAIL_INTERVAL)
    claimed = Signature.objects.filter(due, pk=signature_id).update(repeat_mailed_at=now)
    if not claimed:
        return False
    signature = Signature.objects.select_related("petition", "supporter").get(pk=signature_id)
    if not _mail_allowed(address=signature.supporter.email, ip_hash=ip_hash):
        return False
    emails.send_already_signed(signature)
    return True


# Anonymous signing in two steps: the request stores the form, a task signs. ----------


def _check_open(petition: Petition) -> None:
    """Read ``petition``'s signing state again (it may be a cached copy); raise
    PetitionNotOpen unless it takes signatures now."""
    state = Petition.objects.filter(pk=petition.pk).order_by().values_list(*_SIGNING_STATE)
    _set_signing_state(petition, state.first())
    if not petition.is_open:
        raise PetitionNotOpen(petition.slug)


@transaction.atomic
def request_signature(
    *, petition: Petition, fields: dict, ip_hash: str, language: str, review_reason: str
) -> SignatureRequest:
    """Take an anonymous sign form: store it and have a task sign (``sign_petition``).

    ``fields`` are the validated form's ``signature_fields()``; ``review_reason`` the
    request-side defences' verdict (client rate limit, honeypot, challenge). Everything
    that depends on whether the address has signed before (Supporter, Signature,
    consent, mail) happens in the task, so this does the same work for every address
    and its timing tells nobody who has signed.

    Side effects: one SignatureRequest row; after commit, the task
    a drain task (``wake_signer``). Raises PetitionNotOpen when the petition takes no
    signatures (read afresh: ``petition`` may be a cached copy).
    """
    _check_open(petition)
    row = SignatureRequest.objects.create(
        petition=petition,
        data=fields,
        ip_hash=ip_hash,
        review_reason=review_reason,
        language=language,
        email_key=email_key(fields["email"]),
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
    """Make sure a task is draining the stored sign forms (``sign_waiting_requests``)."""
    try:
        queued = not cache.add(DRAIN_FLAG, 1, timeout=DRAIN_FLAG_SECONDS)
    except Exception:  # no shared cache: a drain too many is harmless, one too few is not
        logger.warning("Could not read the signing-drain flag; queueing a drain")
        queued = False
    if not queued:
        tasks.sign_waiting_requests.delay()


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
            **row.data,
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
