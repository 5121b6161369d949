"""Letter workflows: writing, asking for delivery, confirming, emailing, printing.

Who may change a letter: whoever holds its link (the token; this browser keeps the
tokens it wrote or opened) or the signed-in owner of the supporter's address. Anybody
else who writes again with the same address rewrites the *draft* (nothing of the old
text is shown to them) or, if a letter was already sent, starts a new draft that can
never be delivered as well. Either way the screen looks exactly like a first letter,
so nobody learns whether an address wrote before. Delivery always needs the owner of
the address: a confirmation link by email, or their signed-in, verified account.
"""

import logging
import secrets
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from io import BytesIO

from django.conf import settings
from django.core import signing
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.db.models.functions import Greatest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import notices
from accounts.models import ConsentRecord, Supporter
from accounts.services import get_or_create_supporter, record_consent
from campaigns.models import Target
from lib import jobs, ratelimit
from lib.emails import build_templated, send_templated
from lib.text import email_key

from .models import Letter, LetterAction, LetterDelivery, PrintBatch, private_storage
from .pdf import render_letter, render_letters

logger = logging.getLogger(__name__)

CONFIRM_SALT = "sori.letters.confirm-delivery"
# A person holding a letter's link may ask for a confirmation email; these limits keep
# that from becoming a way to flood somebody else's inbox.
MAIL_INTERVAL = ratelimit.Limit(1, 5 * 60)
MAILS_PER_ADDRESS = ratelimit.Limit(10, 24 * 60 * 60)
# A claimed email that was neither sent nor failed after this long belongs to a worker
# that died; it goes back to the queue (it may, rarely, be sent twice).
STALE_CLAIM = timedelta(minutes=15)
MAX_RETRY_DELAY = timedelta(hours=6)


class LetterError(ValueError):
    """A request about a letter that cannot be carried out; the message says why."""


@dataclass(frozen=True)
class SenderDetails:
    """What the supporter typed about themselves."""

    email: str
    first_name: str
    last_name: str
    city: str
    country: str
    postal_address: str = ""


@dataclass
class WriteResult:
    letters: list[Letter] = field(default_factory=list)
    # Letters already on their way that this visitor may see: shown, not changed.
    unchanged: list[Letter] = field(default_factory=list)


def resolve_language(choice: str, *, target: Target, interface_language: str) -> str:
    """English or Korean: as chosen, else Korean if the official or the supporter prefers it."""
    if choice in {"en", "ko"}:
        return choice
    if target.preferred_language == "ko" or interface_language == "ko":
        return "ko"
    return "en"


def compose_letter(
    *,
    action: LetterAction,
    target: Target,
    sender: SenderDetails,
    language: str,
    subject: str = "",
    body: str = "",
    personal_paragraph: str = "",
) -> Letter:
    """An unsaved letter: the action's template (or the supporter's rewrite) filled in.

    Raises ``lib.text.UnknownPlaceholder`` if a rewritten text names an unknown
    placeholder (forms check this first).
    """
    letter = Letter(
        action=action,
        target=target,
        language=language,
        first_name=sender.first_name.strip(),
        last_name=sender.last_name.strip(),
        city=sender.city.strip(),
        country=sender.country,
        postal_address=_clean_text(sender.postal_address),
        written_at=timezone.now(),
    )
    rewrite = action.allows_rewrite
    letter.fill(
        _clean_text(subject) if rewrite and subject.strip() else action.subject_template(language),
        _clean_text(body) if rewrite and body.strip() else action.body_template(language),
    )
    if action.allows_paragraph:
        letter.personal_paragraph = _clean_text(personal_paragraph)
    return letter


def _clean_text(text: str) -> str:
    """Unix line ends, no trailing spaces, at most one blank line between paragraphs."""
    lines = [
        line.rstrip() for line in (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    ]
    cleaned: list[str] = []
    for line in lines:
        if line or (cleaned and cleaned[-1]):
            cleaned.append(line)
    return "\n".join(cleaned).strip()


def _owns(user, supporter: Supporter) -> bool:
    """A signed-in account whose verified address is this supporter's."""
    return bool(user is not None and user.is_authenticated and supporter.user_id == user.pk)


WRITABLE_FIELDS = (
    "language",
    "first_name",
    "last_name",
    "city",
    "country",
    "postal_address",
    "subject",
    "body",
    "personal_paragraph",
    "written_at",
)


@transaction.atomic
def write_letter(
    *,
    action: LetterAction,
    targets: Collection[Target],
    sender: SenderDetails,
    language_choice: str = "",
    subject: str = "",
    body: str = "",
    personal_paragraph: str = "",
    known_tokens: Collection[str] = (),
    user=None,
    interface_language: str = "en",
) -> WriteResult:
    """Write (or rewrite) one supporter's letter to each chosen official.

    Side effects: a Supporter for a new address (an existing one is left as it is:
    the letter keeps the details typed here); one ConsentRecord with the letter
    notice; per official, a new draft or the existing draft rewritten (revision goes
    up, any unconfirmed delivery request is voided, the stored PDF becomes stale);
    ``LetterAction.letter_count`` goes up by the letters written; on commit, a task
    renders and stores each letter's PDF. Letters already on their way are returned
    in ``unchanged`` when this visitor may see them, and never changed.
    """
    if not action.is_open:
        raise LetterError(_("This letter action is closed."))
    supporter, _created = get_or_create_supporter(
        email=sender.email,
        defaults={
            "first_name": sender.first_name.strip(),
            "last_name": sender.last_name.strip(),
            "city": sender.city.strip(),
            "country": sender.country,
            "language": interface_language,
        },
    )
    record_consent(
        supporter=supporter,
        purpose=ConsentRecord.Purpose.LETTER,
        granted=True,
        notice=notices.LETTER,
        source=f"letter:{action.slug}",
        language=interface_language,
    )
    owner = _owns(user, supporter)
    known = set(known_tokens)
    result = WriteResult()
    counted = 0
    for target in targets:
        mine = Letter.objects.filter(action=action, supporter=supporter, target=target)
        committed = mine.committed().first()
        if committed is not None and (owner or committed.token in known):
            result.unchanged.append(committed)
            continue
        fresh = compose_letter(
            action=action,
            target=target,
            sender=sender,
            language=resolve_language(
                language_choice, target=target, interface_language=interface_language
            ),
            subject=subject,
            body=body,
            personal_paragraph=personal_paragraph,
        )
        fresh.supporter = supporter
        letter, new = _save_draft(fresh, mine)
        # A rewrite from a browser that did not write the draft counts like a new
        # letter, so that the public count never tells whether an address wrote before.
        if new or not (owner or letter.token in known):
            counted += 1
        result.letters.append(letter)
    if counted:
        LetterAction.objects.filter(pk=action.pk).update(letter_count=F("letter_count") + counted)
    from .tasks import store_letter_pdf

    for letter in result.letters:
        store_letter_pdf.delay_on_commit(letter.pk)
    return result


def _save_draft(fresh: Letter, mine) -> tuple[Letter, bool]:
    """Create the draft, or rewrite the existing one in place; (letter, created)."""
    for _attempt in range(2):
        draft = mine.drafts().select_for_update().first()
        if draft is None:
            try:
                with transaction.atomic():
                    fresh.save()
                return fresh, True
            except IntegrityError:
                continue  # another request created it a moment ago: rewrite that one
        for name in WRITABLE_FIELDS:
            setattr(draft, name, getattr(fresh, name))
        draft.revision += 1
        draft.delivery = Letter.Delivery.NONE
        draft.delivery_requested_at = None
        draft.reply_to_supporter = False
        draft.save()
        return draft, False
    raise LetterError(_("Your letter could not be saved. Please try again."))


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
    saved but no mail is sent).
    """
    letter = (
        Letter.objects.select_for_update()
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
    if _owns(user, letter.supporter):
        confirm_delivery(letter=letter, revision=letter.revision, method=method)
        return True
    if _may_mail_confirmation(letter):
        url = settings.SITE_URL + reverse(
            "letters:confirm", args=[make_confirm_token(letter, method)]
        )
        # Anyone can type anyone's address, so until its owner confirms, the mail
        # carries nothing the writer chose (subject, words, name): only the action and
        # the official, which are ours. The letter itself stays out of the context.
        context = {
            "action": letter.action.title,
            "official": letter.target.display_name(language),
            "url": url,
            "method": method,
            "days": settings.LETTERS_CONFIRM_MAX_AGE_DAYS,
        }
        address = letter.supporter.email
        transaction.on_commit(
            lambda: send_templated(
                "letter_confirm", to=[address], context=context, language=language
            )
        )
    return False


def _may_mail_confirmation(letter: Letter) -> bool:
    """At most one confirmation mail per letter in five minutes, and a few per mailbox a day.

    The mailbox is counted by a keyed hash of its key: the cache holds no address.
    """
    prefix = "letters:confirm-mail"
    if not ratelimit.allow(f"letter:{letter.pk}", MAIL_INTERVAL, prefix=prefix):
        return False
    mailbox = ratelimit.subject_hash(email_key(letter.supporter.email))
    return ratelimit.allow(mailbox, MAILS_PER_ADDRESS, prefix=prefix)


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
        Letter.objects.select_for_update()
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
    from .tasks import store_letter_pdf

    store_letter_pdf.delay_on_commit(letter.pk)
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
    from .tasks import send_queued_letters

    send_queued_letters.delay_on_commit()


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


def store_letter_pdf(*, letter_id: int, envelope: bool = False) -> bytes | None:
    """Render a letter and keep the PDF in private storage (skipped if already current).

    With ``envelope``, the letter with its envelope page, kept in ``envelope_pdf``.
    Side effects: one file written (and the previous one deleted); the letter's
    ``pdf`` and ``pdf_revision`` (or the envelope pair) updated unless it was edited
    meanwhile. Returns the rendered PDF, or None when nothing was rendered.
    """
    field = "envelope_pdf" if envelope else "pdf"
    letter = Letter.objects.select_related("action", "target").filter(pk=letter_id).first()
    if letter is None or (letter.envelope_pdf_is_current if envelope else letter.pdf_is_current):
        return None
    revision = letter.revision
    storage = private_storage()
    pdf = render_letter(letter, envelope=envelope)
    suffix = "-envelope" if envelope else ""
    name = storage.save(
        f"letters/{letter.pk}-{revision}{suffix}-{secrets.token_hex(8)}.pdf", ContentFile(pdf)
    )
    with transaction.atomic():
        current = Letter.objects.select_for_update().filter(pk=letter_id).first()
        if current is None or current.revision != revision:
            transaction.on_commit(lambda: storage.delete(name))
            return pdf
        old = getattr(current, field).name
        # update(), not save(): storing a file changes neither the letter nor its date.
        Letter.objects.filter(pk=letter_id).update(**{field: name, f"{field}_revision": revision})
    if old and old != name:
        storage.delete(old)
    return pdf


def letter_pdf_bytes(letter: Letter, *, envelope: bool = False) -> bytes:
    """The stored PDF if it is current. Otherwise the letter is rendered: the plain
    letter freshly (its task stores it); the one with an envelope page, which no task
    makes, is stored on this first request (see ``store_letter_pdf``)."""
    stored = letter.envelope_pdf if envelope else letter.pdf
    if letter.envelope_pdf_is_current if envelope else letter.pdf_is_current:
        try:
            with stored.open("rb") as handle:
                return handle.read()
        except FileNotFoundError:
            logger.warning("Stored PDF of letter %s is missing; rendering it again", letter.pk)
    if envelope:
        return store_letter_pdf(letter_id=letter.pk, envelope=True) or render_letter(
            letter, envelope=True
        )
    return render_letter(letter)


# Outgoing email to officials --------------------------------------------------------


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


def build_official_email(letter: Letter, *, to: str, pdf: bytes):
    context = {"letter": letter, "organisation_name": settings.ORGANISATION_NAME}
    from .pdf import letter_context

    context.update(letter_context(letter))
    return build_templated(
        "letter_to_official",
        to=[to],
        context=context,
        language=letter.language,
        # Replies reach the writer only if they agreed; otherwise the organisation.
        reply_to=[
            letter.supporter.email if letter.reply_to_supporter else settings.ORGANISATION_EMAIL
        ],
        attachments=[(letter.pdf_filename(), pdf, "application/pdf")],
    )


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
        message = build_official_email(letter, to=delivery.to_email, pdf=letter_pdf_bytes(letter))
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


# Print batches ---------------------------------------------------------------------


@transaction.atomic
def start_print_batch(*, target: Target, user, envelopes: bool = False) -> PrintBatch:
    """Gather every ready letter to an official into a new print batch.

    Side effects: a PrintBatch; each ready letter not yet in a batch is claimed by it
    (one UPDATE, so two staff starting batches at once never print a letter twice);
    on commit, a task makes the PDF. Raises LetterError if no letter is ready.
    """
    batch = PrintBatch.objects.create(target=target, created_by=user, envelopes=envelopes)
    claimed = Letter.objects.ready_to_print().filter(target=target).update(print_batch=batch)
    if not claimed:
        raise LetterError(
            _("No letters to %(official)s are waiting to be printed.") % {"official": target}
        )
    batch.total = claimed
    batch.save(update_fields=["total"])
    from .tasks import build_print_batch as build_task

    build_task.delay_on_commit(batch.pk)
    return batch


def build_print_batch(*, batch_id: int) -> None:
    """Make a batch's PDF, recording progress as it goes (runs in a worker).

    Side effects: the batch moves to running, its ``progress`` rises after each chunk
    (committed at once, for the progress bar), then the merged PDF is saved in
    private storage and the batch is done; on an error the batch fails and its
    letters are released for the next batch. When a letter of the batch is erased
    during the build (``generation`` moves, see ``lib.jobs``), what was made is thrown
    away and the build starts again from the letters left.
    """
    batch = PrintBatch.objects.select_related("target").get(pk=batch_id)
    if batch.status != PrintBatch.Status.PENDING:
        return
    batch.set_status(PrintBatch.Status.RUNNING)
    try:
        jobs.run_with_restarts(lambda: _build_batch_once(batch), what=f"print batch {batch.pk}")
    except Exception as error:
        logger.exception("Print batch %s failed", batch.pk)
        if batch.file:
            batch.file.delete(save=False)
        batch.error = f"{type(error).__name__}: {error}"[:1000]
        batch.set_status(PrintBatch.Status.FAILED, fields=["error", "file"])
        Letter.objects.filter(print_batch=batch, status=Letter.Status.READY).update(
            print_batch=None
        )


def _build_batch_once(batch: PrintBatch) -> None:
    """One attempt: render the batch, then store it unless one of its letters was erased."""
    generation = jobs.generation_of(PrintBatch, batch.pk)
    letters = batch.letters.select_related("action", "target").order_by("written_at", "pk")
    total = letters.count()
    PrintBatch.objects.filter(pk=batch.pk).update(total=total, progress=0)
    pdf = render_letters(
        letters.iterator(chunk_size=500),
        envelopes=batch.envelopes,
        progress=jobs.progress_reporter(PrintBatch, batch.pk, generation),
    )
    from pypdf import PdfReader

    pages = len(PdfReader(BytesIO(pdf)).pages)
    with transaction.atomic():
        jobs.check_unchanged(PrintBatch, batch.pk, generation)
        batch.file.save(
            f"batches/{batch.pk}-{secrets.token_hex(8)}.pdf", ContentFile(pdf), save=False
        )
        batch.page_count = pages
        batch.total = batch.progress = total
        batch.finished_at = timezone.now()
        batch.set_status(
            PrintBatch.Status.DONE,
            fields=["file", "page_count", "total", "progress", "finished_at"],
        )


@transaction.atomic
def mark_batch_posted(*, batch: PrintBatch) -> int:
    """Staff posted the printed letters. Side effects: each letter and the batch become posted."""
    batch = PrintBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != PrintBatch.Status.DONE:
        raise LetterError(_("Only a finished batch can be marked as posted."))
    now = timezone.now()
    letters = list(batch.letters.select_for_update().filter(status=Letter.Status.READY))
    for letter in letters:
        letter.mark_posted(now)
    batch.posted_at = now
    batch.set_status(PrintBatch.Status.POSTED, fields=["posted_at"])
    return len(letters)


# Personal data ---------------------------------------------------------------------


@transaction.atomic
def erase_letters(*, supporter: Supporter) -> int:
    """Delete a supporter's letters, their PDFs and any print batch file holding them.

    Side effects: print batches holding one of these letters that are still being built
    have their ``generation`` raised, so they start again without them; letter PDFs
    (with and without envelope page) and the merged PDFs of batches that include one of
    these letters are deleted from storage (the batch keeps its record, without a file);
    letters and their email rows are deleted; each action's count goes down.
    """
    # First, so that a batch about to store its PDF either waits for this transaction
    # (and starts again without these letters, see lib.jobs) or has stored it already
    # (and the file is found and deleted below).
    PrintBatch.objects.filter(
        letters__supporter=supporter,
        status__in=[PrintBatch.Status.PENDING, PrintBatch.Status.RUNNING],
    ).update(generation=F("generation") + 1)
    letters = list(supporter.letters.select_related("print_batch"))
    storage = private_storage()
    for letter in letters:
        for stored in (letter.pdf, letter.envelope_pdf):
            if stored:
                transaction.on_commit(lambda name=stored.name: storage.delete(name))
        batch = letter.print_batch
        if batch is not None and batch.file:
            name = batch.file.name
            transaction.on_commit(lambda name=name: storage.delete(name))
            PrintBatch.objects.filter(pk=batch.pk).update(
                file="", error=_("The PDF was deleted when a supporter erased their data.")
            )
    for action_id, count in Counter(letter.action_id for letter in letters).items():
        LetterAction.objects.filter(pk=action_id).update(
            letter_count=Greatest(F("letter_count") - count, 0)
        )
    supporter.letters.all().delete()
    return len(letters)
