"""Letters as PDF: one letter for the supporter, many merged for a staff print batch.

Both go through one template (``templates/pdf/letters.html``), so a printed batch
holds exactly the letters supporters downloaded. Rendering is pure: no database
writes, no files; the caller stores the bytes if it wants to keep them.

Everything a supporter typed reaches the template as plain text and is escaped there
(autoescape, ``linebreaks``); the fetcher of ``lib.pdf`` is the second wall.
"""

import re
from collections.abc import Callable, Iterable, Sequence

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import pgettext

from lib.pdf import STATIC_BASE, StaticOnlyFetcher, merge_pdfs, render_pdf

from .models import LANGUAGES as LETTER_LANGUAGES
from .models import Letter

STYLESHEETS = ("pdf/letter.css",)
# The languages a letter can be written in (``Letter.LANGUAGES``).
LANGUAGES = frozenset(code for code, _name in LETTER_LANGUAGES)


def _wording() -> dict[str, str]:
    """The fixed words of a letter, in the active language (``letter_context`` sets it).

    They are part of the letter, in the letter's language, not of the interface: they
    do not follow the reader's interface language.
    """
    organisation = {"organisation": settings.ORGANISATION_NAME}
    return {
        "closing": pgettext("letter", "Yours sincerely,"),
        "subject": pgettext("letter", "Subject"),
        # The line under the letter says who carries it: we do when asked to email it
        # or to post it from a print batch; a letter the writer posts is only made here.
        "through_us": pgettext(
            "letter",
            "This letter was written by a person who took part in %(organisation)s's "
            "online letter-writing, and %(organisation)s delivers it at the writer's request.",
        )
        % organisation,
        "through_self": pgettext(
            "letter", "This letter was written through %(organisation)s's online letter-writing."
        )
        % organisation,
        "personal": pgettext(
            "letter", "The part the writer added in their own words is the writer's own view."
        ),
        "from": pgettext("letter", "From"),
        "replies": pgettext("letter", "Replies to this email reach the writer directly."),
    }


def _address_lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _paragraphs(text: str) -> list[str]:
    # Paragraphs as Django's ``linebreaks`` sees them: separated by a blank line.
    parts = re.split(r"\n\s*\n", (text or "").replace("\r\n", "\n"))
    return [part.strip() for part in parts if part.strip()]


def letter_parts(letter: Letter) -> list[dict]:
    """The letter's paragraphs in print order, each ``{"text", "personal"}``.

    The writer's own paragraph goes before the last paragraph of the action's text,
    which is where its closing courtesy ("Thank you for your attention…") stands, so
    the thanks end the letter instead of sitting in its middle.
    """
    body = _paragraphs(letter.body)
    parts = [{"text": text, "personal": False} for text in body]
    personal = letter.personal_paragraph.strip()
    if personal:
        at = len(parts) - 1 if len(parts) > 1 else len(parts)
        parts.insert(at, {"text": personal, "personal": True})
    return parts


def letter_place(letter: Letter, language: str) -> str:
    """Where the writer writes from: "Busan, South Korea"; in Korean, country first
    with no comma ("대한민국 부산"), and no country for a writer in Korea ("부산")."""
    city = letter.city.strip()
    country = letter.country_name()
    if language == "ko":
        if letter.country and letter.country.code == "KR":
            country = ""
        return " ".join(part for part in (country, city) if part)
    return ", ".join(part for part in (city, country) if part)


def letter_context(letter: Letter) -> dict:
    """What the template needs for one letter; reads only the letter and its official."""
    language = letter.language if letter.language in LANGUAGES else "en"
    with translation.override(language):
        wording = _wording()
    target = letter.target
    place = letter_place(letter, language)
    delivered_by_us = letter.delivery in (Letter.Delivery.EMAIL, Letter.Delivery.POST)
    through = wording["through_us"] if delivered_by_us else wording["through_self"]
    if letter.personal_paragraph.strip():
        through = f"{through} {wording['personal']}"
    recipient_name = target.display_name(language)
    return {
        "letter": letter,
        "lang": language,
        "wording": wording,
        "through": through,
        "parts": letter_parts(letter),
        "recipient_name": recipient_name,
        # Korean address blocks put the address first and end with "…장관 귀하".
        "recipient_addressee": f"{recipient_name} 귀하" if language == "ko" else recipient_name,
        "recipient_lines": _address_lines(target.address(language)),
        "salutation": target.salutation(language),
        "sender_name": letter.full_name,
        "sender_lines": _address_lines(letter.postal_address) or [place],
        "place": place,
        "date": letter.placeholder_values()["date"],
    }


def letters_html(
    letters: Sequence[Letter], *, envelopes: bool = False, return_address: str = "sender"
) -> str:
    """The HTML of a document holding ``letters`` (one or many), ready for WeasyPrint.

    ``return_address`` on envelope pages is the writer's ("sender", when they post it
    themselves) or the organisation's ("organisation", for print batches).
    """
    first = letters[0]
    single = len(letters) == 1
    return render_to_string(
        "pdf/letters.html",
        {
            "pdf_static": STATIC_BASE,
            "items": [letter_context(letter) for letter in letters],
            "envelopes": envelopes,
            "return_address": return_address,
            "organisation_name": settings.ORGANISATION_NAME,
            "organisation_lines": _address_lines(settings.ORGANISATION_ADDRESS),
            "organisation_email": settings.ORGANISATION_EMAIL,
            "document_lang": first.language if single else "en",
            "title": first.subject if single else f"{len(letters)} letters to {first.target}",
            "author": first.full_name if single else settings.ORGANISATION_NAME,
            "subject_line": first.action.title,
            "created": timezone.now(),
        },
    )


def render_letter(
    letter: Letter, *, envelope: bool = False, fetcher: StaticOnlyFetcher | None = None
) -> bytes:
    """One letter as PDF bytes. Pure: reads the letter, writes nothing."""
    html = letters_html([letter], envelopes=envelope, return_address="sender")
    return render_pdf(
        html,
        stylesheets=STYLESHEETS,
        variant=settings.LETTERS_PDF_VARIANT or None,
        fetcher=fetcher,
    )


def render_letters(
    letters: Iterable[Letter],
    *,
    envelopes: bool = False,
    chunk: int | None = None,
    progress: Callable[[int], None] | None = None,
    fetcher: StaticOnlyFetcher | None = None,
) -> bytes:
    """Many letters as one PDF, each starting on a new page (print batches).

    Letters are laid out ``chunk`` at a time (``LETTERS_BATCH_CHUNK``) in one WeasyPrint
    document each: fonts are subset and the PDF is written once per chunk instead of
    once per letter, and memory stays bounded by the chunk rather than growing with
    the batch. Laying out each page remains most of the work (see bench_letters), so a
    batch is faster per letter than single renders, not several times faster.
    ``progress`` is called with the number of letters done after each chunk.
    """
    size = chunk or settings.LETTERS_BATCH_CHUNK
    parts: list[bytes] = []
    done = 0
    pending: list[Letter] = []

    def flush() -> None:
        nonlocal done
        html = letters_html(pending, envelopes=envelopes, return_address="organisation")
        # Batches are for the printer: no PDF/UA tagging, which costs time and which
        # merging would not keep anyway.
        parts.append(render_pdf(html, stylesheets=STYLESHEETS, fetcher=fetcher))
        done += len(pending)
        pending.clear()
        if progress:
            progress(done)

    for letter in letters:
        pending.append(letter)
        if len(pending) >= size:
            flush()
    if pending:
        flush()
    if not parts:
        raise ValueError("A print batch needs at least one letter.")
    return parts[0] if len(parts) == 1 else merge_pdfs(parts)
