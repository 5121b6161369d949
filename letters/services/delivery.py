"""Delivering letters: asking for delivery, confirming it, and the email queue to officials.

Delivery always needs the owner of the address: a confirmation link by email, or their
signed-in, verified account. Emails to officials are ``LetterDelivery`` rows drained
within each official's hourly allowance, with back-off and a visible last error.
"""

import logging
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import mailcap
from campaigns.models import Target
from lib import ratelimit
from lib.tasks import after_commit

from .. import emails
from ..models import Letter, LetterDelivery
from .printing import letter_pdf_bytes
from .writing import LetterError, owns

logger = logging.getLogger(__name__)

CONFIRM_SALT = "sori.letters.confirm-delivery"
# A person holding a letter's link may ask for a confirmation email; these limits keep
# that from becoming a way to flood somebody else's inbox.
MAIL_INTERVAL = ratelimit.Limit(1, 5 * 60)
MAILS_PER_ADDRESS_PER_DAY = 10
# A claimed email that was neither sent nor failed after this long belongs to a worker
# that died; it goes back to the queue (it may, rarely, be sent twice).
STALE_CLAIM = timedelta(minutes=15)
MAX_RETRY_DELAY = timedelta(hours=6)


def allowed_deliveries(letter: Letter) -> list[str]:
    """The ways Sori may deliver this letter (besides the supporter posting it)."""
    methods = []
    if letter.action.deliver_email and letter.target.email:
        methods.append(Letter.Delivery.EMAIL)
    if letter.action.deliver_print:
        methods.append(Letter.Delivery.POST)
    return methods


def make_confirm_token(letter: Letter, method: str) -> str:
    return signing.dumps(
        {"l": letter.pk, "r": letter.revision, "m": method}, salt=CONFIRM_SALT, compress=True
    )


@dataclass(frozen=True)
class Confirmation:
    letter: Letter
    revision: int
    method: str


def read_confirm_token(token: str) -> Confirmation:
    """The letter and request a confirmation link names; LetterError if it is unusable."""
    max_age = timedelta(days=settings.LETTERS_CONFIRM_MAX_AGE_DAYS)
    try:
        data = signing.loads(token, salt=CONFIRM_SALT, max_age=max_age)
    except signing.SignatureExpired:
        raise LetterError(
            _("This link has expired. Open your letter and ask for delivery again.")
        ) from None
    except signing.BadSignature:
        raise LetterError(_("This link is not valid.")) from None
    letter = (
        Letter.objects.select_related("action", "target", "supporter")
        .filter(pk=data.get("l"))
        .first()
    )
    if letter is None or data.get("m") not in {Letter.Delivery.EMAIL, Letter.Delivery.POST}:
        raise LetterError(_("This link is not valid."))
    return Confirmation(letter=letter, revision=int(data.get("r", 0)), method=data["m"])


def check_confirmation(confirmation: Confirmation) -> None:
    """Raise LetterError if the letter can no longer be confirmed by this link."""
    letter = confirmation.letter
    if not letter.is_draft:
        raise LetterError(_("This letter is already on its way."))
    if letter.revision != confirmation.revision:
        raise LetterError(
            _("This letter was changed after we sent this link. Open the letter and ask again.")
        )


@transaction.atomic
def request_delivery(
    *,
    letter: Letter,
    method: str,
    reply_to_supporter: bool = False,
    user=None,
    language: str = "en",
) -> bool:
    """Ask Sori to email or post a draft letter; True when it was confirmed at once.

    Side effects: the request is saved on the letter. If the signed-in account owns
    the supporter's verified address, ``confirm_delivery`` runs at once. Otherwise, on
    commit, a confirmation link goes to the supporter's address (at most one per
    letter every five minutes and ten per address a day; beyond that the request is
    saved but no mail is sent), through the outbox (``send_confirm_request``).
    """
    letter = (
        # Only the letter's row: PostgreSQL locks none on the nullable side of an outer
        # join, and since retention a letter's supporter may be gone.
        Letter.objects.select_for_update(of=("self",))
        .select_related("action", "target", "supporter")
        .get(pk=letter.pk)
    )
    if not letter.is_draft:
        raise LetterError(_("This letter is already on its way."))
    if method not in allowed_deliveries(letter):
        raise LetterError(_("This letter cannot be delivered that way."))
    letter.delivery = method
    letter.reply_to_supporter = bool(reply_to_supporter) and method == Letter.Delivery.EMAIL
    letter.delivery_requested_at = timezone.now()
    letter.save(
        update_fields=["delivery", "reply_to_supporter", "delivery_requested_at", "updated_at"]
    )
    if owns(user, letter.supporter):
        confirm_delivery(letter=letter, revision=letter.revision, method=method)
        return True
    if _may_mail_confirmation(letter):
        after_commit(
            "letters.tasks.send_confirm_request", letter.pk, letter.revision, method, language
        )
    return False


def send_confirm_request(*, letter_id: int, revision: int, method: str, language: str) -> bool:
    """Mail the confirmation link for ``revision`` if the letter still waits for it.

    Run from the outbox (so retried until the mail server takes it): a letter that was
    confirmed, rewritten or asked for another way meanwhile gets no stale link.
    """
    letter = (
        Letter.objects.select_related("action", "target", "supporter").filter(pk=letter_id).first()
    )
    if (
        letter is None
        or not letter.is_draft
        or letter.revision != revision
        or letter.delivery != method
    ):
        return False
    emails.send_confirm_request(letter, token=make_confirm_token(letter, method), language=language)
    return True


def _may_mail_confirmation(letter: Letter) -> bool:
    """At most one confirmation mail per letter in five minutes (in the cache), and a few
    per mailbox a day (counted exactly in the database, with this transaction:
    accounts.mailcap)."""
    if not ratelimit.allow(f"letter:{letter.pk}", MAIL_INTERVAL, prefix="letters:confirm-mail"):
        return False
    return mailcap.take("letters", letter.supporter.email, MAILS_PER_ADDRESS_PER_DAY)


@transaction.atomic
def confirm_delivery(*, letter: Letter, revision: int, method: str) -> Letter:
    """The owner of the address confirmed: queue the email, or mark it ready to post.

    Side effects: the letter leaves draft (queued for email, ready for post) with
    ``confirmed_at``; for email, a LetterDelivery row is queued and, on commit, the
    queue is drained (within each official's hourly allowance); on commit the PDF
    is stored if it is not yet. Confirming twice is harmless. Raises LetterError if
    the letter changed since the link was sent or a letter of this supporter to this
    official was already sent for this action.
    """
    letter = (
        # Only the letter's row: PostgreSQL locks none on the nullable side of an outer
        # join, and since retention a letter's supporter may be gone.
        Letter.objects.select_for_update(of=("self",))
        .select_related("action", "target", "supporter")
        .get(pk=letter.pk)
    )
    if not letter.is_draft:
        if letter.confirmed_at and letter.revision == revision:
            return letter  # already confirmed: the second click changes nothing
        raise LetterError(_("This letter is already on its way."))
    if letter.revision != revision:
        raise LetterError(
            _("This letter was changed after we sent this link. Open the letter and ask again.")
        )
    if method not in allowed_deliveries(letter):
        raise LetterError(_("This letter cannot be delivered that way."))
    duplicate = Letter.objects.committed().filter(
        action=letter.action_id, supporter=letter.supporter_id, target=letter.target_id
    )
    if duplicate.exists():
        raise LetterError(
            _(
                "You already sent a letter to %(official)s for this action, so this one "
                "was not sent. You can still download it."
            )
            % {"official": letter.target.display_name()}
        )
    now = timezone.now()
    letter.delivery = method
    letter.confirmed_at = now
    status = Letter.Status.QUEUED if method == Letter.Delivery.EMAIL else Letter.Status.READY
    letter.set_status(status, fields=["delivery", "confirmed_at"])
    if method == Letter.Delivery.EMAIL:
        _queue_email(letter, now)
    after_commit("letters.tasks.store_letter_pdf", letter.pk)
    return letter


def _queue_email(letter: Letter, now: datetime) -> None:
    LetterDelivery.objects.update_or_create(
        letter=letter,
        defaults={
            "target": letter.target,
            "to_email": letter.target.email,
            "status": LetterDelivery.Status.QUEUED,
            "attempts": 0,
            "next_attempt_at": now,
            "claimed_at": None,
            "last_error": "",
        },
    )
    after_commit("letters.tasks.send_queued_letters")


@transaction.atomic
def retry_delivery(*, letter: Letter, method: str) -> Letter:
    """A failed email: try it again, or print and post it instead.

    Side effects: the letter goes back to queued (its LetterDelivery restarts with
    no attempts, and the queue is drained on commit) or to ready for a print batch.
    The address owner already confirmed this exact letter, so no new confirmation.
    """
    letter = Letter.objects.select_for_update().select_related("action", "target").get(pk=letter.pk)
    if letter.status != Letter.Status.FAILED:
        raise LetterError(_("Only a letter whose email failed can be sent again."))
    if method not in allowed_deliveries(letter):
        raise LetterError(_("This letter cannot be delivered that way."))
    letter.delivery = method
    if method == Letter.Delivery.EMAIL:
        letter.set_status(Letter.Status.QUEUED, fields=["delivery"])
        _queue_email(letter, timezone.now())
    else:
        letter.set_status(Letter.Status.READY, fields=["delivery"])
    return letter


def send_queued_letters(*, now: datetime | None = None) -> Counter:
    """Email every due letter that each official's hourly allowance leaves room for.

    Side effects: abandoned claims go back to the queue; due LetterDelivery rows are
    claimed, emailed (PDF attached, text in the body, Reply-To the supporter if they
    agreed) and marked sent, queued again with back-off, or failed after the last
    attempt; their letters become sent or failed. Returns counts by outcome.
    """
    now = now or timezone.now()
    LetterDelivery.objects.filter(
        status=LetterDelivery.Status.SENDING, claimed_at__lt=now - STALE_CLAIM
    ).update(status=LetterDelivery.Status.QUEUED, claimed_at=None, next_attempt_at=now)
    outcomes: Counter = Counter()
    for delivery_id in claim_due_deliveries(now=now):
        outcomes[deliver_letter_email(delivery_id=delivery_id, now=now)] += 1
    return outcomes


@transaction.atomic
def claim_due_deliveries(*, now: datetime) -> list[int]:
    """Mark due emails as sending, at most the hourly allowance per official.

    Each official's row is locked while its allowance is counted, so two workers
    draining at once cannot both use the same room. Sent-in-the-last-hour and
    currently sending emails count against the allowance; failed attempts do not
    (they never reached the official).
    """
    per_hour = settings.LETTERS_EMAILS_PER_OFFICIAL_PER_HOUR
    due = LetterDelivery.objects.due(now)
    target_ids = set(due.order_by().values_list("target_id", flat=True).distinct())
    claimed: list[int] = []
    for target in Target.objects.select_for_update().filter(pk__in=target_ids).order_by("pk"):
        used = (
            LetterDelivery.objects.filter(target=target)
            .filter(
                Q(status=LetterDelivery.Status.SENDING)
                | Q(status=LetterDelivery.Status.SENT, sent_at__gt=now - timedelta(hours=1))
            )
            .count()
        )
        room = per_hour - used
        if room <= 0:
            continue
        ids = list(due.filter(target=target).values_list("pk", flat=True)[:room])
        LetterDelivery.objects.filter(pk__in=ids).update(
            status=LetterDelivery.Status.SENDING,
            claimed_at=now,
            attempts=F("attempts") + 1,
            updated_at=now,
        )
        claimed.extend(ids)
    return claimed


def deliver_letter_email(*, delivery_id: int, now: datetime | None = None) -> str:
    """Send one claimed email and record the outcome: "sent", "retry", "failed" or "skipped".

    ``now`` is the clock of the drain that claimed it: the hourly allowance and the
    back-off are counted from it.
    """
    now = now or timezone.now()
    delivery = (
        LetterDelivery.objects.select_related(
            "letter__action", "letter__target", "letter__supporter"
        )
        .filter(pk=delivery_id, status=LetterDelivery.Status.SENDING)
        .first()
    )
    if delivery is None:
        return "skipped"
    letter = delivery.letter
    try:
        message = emails.build_official_email(
            letter, to=delivery.to_email, pdf=letter_pdf_bytes(letter)
        )
        message.send()
    except Exception as error:  # SMTP refusals, network errors, anything in between
        logger.warning(
            "Letter email %s failed (attempt %s): %s", delivery.pk, delivery.attempts, error
        )
        return _record_failure(delivery.pk, f"{type(error).__name__}: {error}"[:1000], now)
    _record_success(delivery.pk, now)
    return "sent"


@transaction.atomic
def _record_success(delivery_id: int, now: datetime) -> None:
    delivery = (
        LetterDelivery.objects.select_for_update().select_related("letter").get(pk=delivery_id)
    )
    delivery.status = LetterDelivery.Status.SENT
    delivery.sent_at = now
    delivery.last_error = ""
    delivery.save(update_fields=["status", "sent_at", "last_error", "updated_at"])
    delivery.letter.mark_sent(now)


@transaction.atomic
def _record_failure(delivery_id: int, error: str, now: datetime) -> str:
    delivery = (
        LetterDelivery.objects.select_for_update().select_related("letter").get(pk=delivery_id)
    )
    delivery.last_error = error
    letter = delivery.letter
    if delivery.attempts >= settings.LETTERS_EMAIL_MAX_ATTEMPTS:
        delivery.status = LetterDelivery.Status.FAILED
        delivery.save(update_fields=["status", "last_error", "updated_at"])
        letter.mark_failed(error)
        return "failed"
    delivery.status = LetterDelivery.Status.QUEUED
    delivery.next_attempt_at = now + retry_delay(delivery.attempts)
    delivery.claimed_at = None
    delivery.save(
        update_fields=["status", "next_attempt_at", "claimed_at", "last_error", "updated_at"]
    )
    letter.last_delivery_error = error
    letter.save(update_fields=["last_delivery_error", "updated_at"])
    return "retry"


def retry_delay(attempts: int) -> timedelta:
    """Back-off after the n-th failed attempt: base, twice that, four times, ... at most 6 hours."""
    seconds = settings.LETTERS_EMAIL_RETRY_SECONDS * 2 ** max(0, attempts - 1)
    return min(timedelta(seconds=seconds), MAX_RETRY_DELAY)
