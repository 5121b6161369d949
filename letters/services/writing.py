"""Writing letters: composing, saving drafts, and erasing a supporter's letters.

Who may change a letter, and why a rewrite looks exactly like a first letter: see the
package docstring (``letters/services/__init__.py``).
"""

from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import notices
from accounts.models import ConsentRecord, Supporter
from accounts.services import get_or_create_supporter, record_consent
from campaigns.models import Target
from lib.storage import private_storage
from lib.tasks import after_commit

from ..models import Letter, LetterAction, PrintBatch
from ..signals import letters_written


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


def owns(user, supporter: Supporter) -> bool:
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
    ``LetterAction.letter_count`` goes up by the letters written; the signal
    ``letters_written`` names the new ones; on commit, a task renders and stores each
    letter's PDF. Letters already on their way are returned
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
    owner = owns(user, supporter)
    known = set(known_tokens)
    result = WriteResult()
    counted = 0
    created: list[int] = []
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
        if new:
            created.append(letter.pk)
        # A rewrite from a browser that did not write the draft counts like a new
        # letter, so that the public count never tells whether an address wrote before.
        if new or not (owner or letter.token in known):
            counted += 1
        result.letters.append(letter)
    if counted:
        LetterAction.objects.filter(pk=action.pk).update(letter_count=F("letter_count") + counted)
    if created:
        letters_written.send(sender=Letter, letter_ids=created)
    for letter in result.letters:
        after_commit("letters.tasks.store_letter_pdf", letter.pk)
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
