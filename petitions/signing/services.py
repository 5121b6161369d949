"""Signing: sign a petition, confirm a signature, send a fresh link.

Mail is sent by tasks scheduled after commit (``lib.tasks.after_commit``), so a
rolled-back signature never sends a message. Status moves after signing, withdrawal
and erasure are in ``petitions.signatures``; the stored-form intake is ``intake``.
"""

import dataclasses
import hashlib
from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.db.models import DateTimeField, F, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts import notices
from accounts.models import ConsentRecord, Supporter
from lib.tasks import after_commit
from lib.text import canonical_email, email_key

from .. import regions
from ..hotpath import counting
from ..models import Petition, Signature
from ..signals import signature_confirmed
from ..signatures import change_signature_status, consent_source
from . import abuse


class PetitionNotOpen(Exception):
    """The petition takes no signatures now (draft, closed, not yet open, campaign not live)."""


@dataclass(frozen=True)
class SignResult:
    signature: Signature
    created: bool  # False: the mailbox had signed already (never shown to the person)


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


@dataclass(frozen=True)
class SignerDetails:
    """What a signer typed into the sign form, validated (``SignForm.signature_fields``).

    Stored as JSON with a waiting sign form (``SignatureRequest.data``) and rebuilt
    from it for signing (``from_json``).
    """

    email: str
    first_name: str
    country: str
    last_name: str = ""
    postcode: str = ""
    city: str = ""
    display: str = Signature.Display.INITIALS
    comment: str = ""
    wants_updates: bool = False
    source: str = ""
    # The separate consent to process the political opinion (the sign form requires
    # it); False only for forms stored before the form asked for it.
    sensitive_consent: bool = False

    def as_json(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> "SignerDetails":
        return cls(**data)


def sign_petition(
    *,
    petition: Petition,
    signer: SignerDetails,
    ip_hash: str = "",
    language: str = "en",
    verified_supporter: Supporter | None = None,
    review_reason: str = "",
) -> SignResult:
    """Sign ``petition`` for the owner of ``signer.email``, or note that their mailbox already has.

    ``verified_supporter`` is the signed-in person's supporter when their account's
    address is verified: ``signer.email`` must then be theirs, and the signature is confirmed
    at once. ``review_reason`` (client rate limit, honeypot, failed challenge) holds the
    new signature in review, uncounted. A new signature with no such reason counts
    toward the petition-wide rate limit, and is held (``rate_petition``) over it.

    Side effects, all in one transaction:
    - a Supporter for the address unless the mailbox has one (blank details filled in);
      a verified supporter's name and country are updated from the form;
    - the Signature: confirmed (verified supporter, or the petition needs no
      confirmation), in review (``review_reason``), else pending;
    - ConsentRecords, in one INSERT: the petition notice (always), the separate consent
      to process the political opinion (given on every sign form), updates (when ticked);
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
    arguments = {
        "petition": petition,
        "signer": signer,
        "ip_hash": ip_hash,
        "language": language,
        "verified_supporter": verified_supporter,
        "review_reason": review_reason,
    }
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
    signer: SignerDetails,
    ip_hash: str,
    language: str,
    verified_supporter: Supporter | None,
    review_reason: str,
) -> SignResult:
    address = canonical_email(verified_supporter.email if verified_supporter else signer.email)
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

    details = {
        "first_name": signer.first_name,
        "last_name": signer.last_name,
        "country": signer.country,
    }
    # A signer in Korea gives a postcode for their region; only the region is kept,
    # unless the petition keeps full postcodes (to deliver by constituency).
    region = regions.region_of(signer.country, signer.postcode)
    postcode = signer.postcode
    if str(signer.country) == regions.KOREA and not petition.postcode_kept:
        postcode = ""
    if verified_supporter is not None:
        supporter = verified_supporter
        for field, value in details.items():
            setattr(supporter, field, value)
        supporter.save(update_fields=[*details, "updated_at"])
    else:
        supporter = _supporter_for(
            address, known, {**details, "postcode": postcode, "city": signer.city}, language
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
        first_name=signer.first_name,
        last_name=signer.last_name,
        display=signer.display,
        comment=signer.comment,
        country=signer.country,
        postcode=postcode,
        region=region,
        city=signer.city,
        source=signer.source,
        wants_updates=signer.wants_updates,
        ip_hash=ip_hash,
        created_at=now,
        confirmed_at=confirmed_at,
    )

    purposes = [(ConsentRecord.Purpose.PETITION, notices.PETITION)]
    if signer.sensitive_consent:
        purposes.append((ConsentRecord.Purpose.SENSITIVE, notices.SENSITIVE))
    if signer.wants_updates:
        purposes.append((ConsentRecord.Purpose.UPDATES, notices.UPDATES))
    # One INSERT for every consent given: signing is the busiest write.
    source = consent_source(petition)
    ConsentRecord.objects.bulk_create(
        [
            ConsentRecord(
                supporter=supporter,
                purpose=purpose,
                granted=True,
                notice_text=str(notice.text),
                notice_version=notice.version,
                language=language,
                source=source[:200],
                created_at=now,
            )
            for purpose, notice in purposes
        ]
    )
    if signature.is_counted:
        signature_confirmed.send(sender=Signature, signature_ids=[signature.pk])
    # Last statement before commit: the petition row stays locked for the shortest time.
    if signature.is_counted:
        counting.add(petition.pk, +1)
    if signature.needs_email_confirmation and not review_reason:
        # Held signatures get no mail: the address may be a stranger's, typed by a bot.
        after_commit("petitions.tasks.send_confirmation", signature.pk, ip_hash)
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
        after_commit("petitions.tasks.notify_repeat_signer", existing.pk, ip_hash)
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


def resend_confirmation(*, signature: Signature, ip_hash: str = "") -> None:
    """Mail a fresh confirmation link (after commit) if the signature still needs one.

    ``ip_hash`` is the client asking, for the per-client mail cap.
    """
    if signature.needs_email_confirmation:
        after_commit("petitions.tasks.send_confirmation", signature.pk, ip_hash)


def check_open(petition: Petition) -> None:
    """Read ``petition``'s signing state again (it may be a cached copy); raise
    PetitionNotOpen unless it takes signatures now."""
    state = Petition.objects.filter(pk=petition.pk).order_by().values_list(*_SIGNING_STATE)
    _set_signing_state(petition, state.first())
    if not petition.is_open:
        raise PetitionNotOpen(petition.slug)
