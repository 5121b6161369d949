"""Delivery packs: the PDF that hands a petition over to the officials it addresses.

A pack holds, in this order: a cover letter to the official(s); the petition, its
total and the signatures by country; the signer list; and a closing page with the
SHA-256 of the list (tamper evidence).

**What the list shows.** Only what each signer agreed to show (the privacy notice
promises it): the name as they chose it (full name, initials, or "Name withheld"), and
for named signers their town and country; the date signed. Never an email. Withheld
signers are counted everywhere (total, countries) and listed without town or country.

**Speed and memory.** The cover pages are laid out by WeasyPrint; the list, which may
run to tens of thousands of pages, is drawn by ``lib.pdfstream`` straight to a file,
page by page (48 rows a page, each name fitted to its cell verbatim: smaller type, up
to three lines, squeezed if it must be), so memory stays flat whatever the number of
signatures. The rows are read in one pass, which also counts countries and computes
the hash: the totals on the cover and the list cannot disagree. Page numbers ("Page 3
of 2,301") are stamped on every page once the total is known.

**The hash** is SHA-256 over the list as a CSV file, the ``manifest`` kept beside the
PDF (and downloadable): UTF-8, ``\\n`` line ends, the header
``number,name,city,country,signed_on``, then one line per signer in printed order: the
number, the name as printed (empty when withheld), the town, the ISO country code, the
date signed (YYYY-MM-DD, site time zone); town and country empty when the name is
withheld. Cells are quoted when they hold a comma, a quotation mark, CR or LF (quotes
doubled), and made formula-safe as in every export (``lib.exports.neutralise``).
``sha256sum`` of the manifest gives the printed value.
"""

import hashlib
import logging
import secrets
import tempfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django_countries import countries

from accounts.services import record_audit
from lib import jobs
from lib.exports import neutralise
from lib.i18n import time_zone_for
from lib.pdf import render_template_pdf, static_font
from lib.pdfstream import Font, FontSet, PdfStream
from lib.tasks import after_commit
from lib.text import full_name, initials

from ..models import DeliveryPack, Petition, Signature
from .exports import csv_line
from .pack_layout import ListLayout, closing_page
from .pack_wording import LANGUAGES, joined_salutation, pack_date, starts_with_salutation, wording

logger = logging.getLogger(__name__)

PROGRESS_EVERY = 2000
MANIFEST_HEADER = ("number", "name", "city", "country", "signed_on")


class NothingToDeliver(Exception):
    """The petition has no confirmed signature to hand over."""


@dataclass(frozen=True)
class PackResult:
    total: int
    pages: int
    sha256: str
    countries: list[tuple[str, int]]  # (ISO code, signatures), most first


def listed_row(display: str, first: str, last: str, city: str, country: str):
    """(name, town, country) as the list shows them: only what the signer agreed to."""
    if display == Signature.Display.FULL:
        return full_name(first, last), city, country
    if display == Signature.Display.INITIALS:
        return initials(first, last), city, country
    return "", "", ""


def pack_signatures(petition: Petition):
    """The signatures a pack lists: the counted ones, in the order they were signed."""
    return (
        Signature.objects.filter(petition=petition)
        .counted()
        .order_by("created_at", "pk")
        .values_list(
            "display",
            "first_name",
            "last_name",
            "city",
            "country",
            "created_at",
        )
    )


def manifest_line(number: int, name: str, city: str, country: str, signed_on: str) -> str:
    return csv_line([str(number), *(neutralise(v) for v in (name, city, country, signed_on))])


# Starting and building --------------------------------------------------------------


@transaction.atomic
def start_delivery_pack(
    *, petition: Petition, user, language: str = "en", cover_letter: str = ""
) -> DeliveryPack:
    """Queue a delivery pack of a petition's confirmed signatures.

    Side effects: a DeliveryPack (pending); an audit entry
    (``export.signatures.pack_build``); after commit, the task that builds it.
    Raises NothingToDeliver when no signature is confirmed.
    """
    expected = Signature.objects.filter(petition=petition).counted().count()
    if not expected:
        raise NothingToDeliver(
            _("This petition has no confirmed signatures yet: there is nothing to deliver.")
        )
    pack = DeliveryPack.objects.create(
        petition=petition,
        created_by=user,
        language=language,
        cover_letter=cover_letter.strip(),
        expected=expected,
    )
    record_audit(
        actor=user,
        action="export.signatures.pack_build",
        subject=f"petition:{petition.slug} pack:{pack.pk}",
        filters={"language": language},
        rows=expected,
    )
    after_commit("petitions.tasks.build_delivery_pack", pack.pk)
    return pack


def build_delivery_pack(*, pack_id: int) -> None:
    """Make a pack's PDF and list (runs in a worker), reporting progress as it goes.

    Side effects: the pack moves to running (one left running by a run that died starts
    again, ``Job.start_run``); ``progress`` rises every 2,000 signatures
    (committed at once, for the progress bar); the PDF and the manifest CSV are saved in
    private storage and the pack is done with its total, pages and SHA-256; on an error
    the pack fails with the error kept and nothing stored. When a signature of the
    petition is withdrawn or erased during the build (``generation`` moves, see
    ``lib.jobs``), what was made is thrown away and the build starts again.
    """
    pack = DeliveryPack.objects.select_related("petition__campaign").get(pk=pack_id)
    if not pack.start_run():
        return
    try:
        jobs.run_with_restarts(lambda: _build_once(pack), job=pack, what=f"delivery pack {pack.pk}")
    except jobs.Cancelled:
        logger.info("Delivery pack %s was cancelled while it was built", pack.pk)
        return
    except Exception as error:
        logger.exception("Delivery pack %s failed", pack.pk)
        for stored in (pack.file, pack.manifest):
            if stored:
                stored.delete(save=False)
        pack.error = f"{type(error).__name__}: {error}"[:1000]
        pack.set_status(DeliveryPack.Status.FAILED, fields=["error", "file", "manifest"])
        return


def _build_once(pack: DeliveryPack) -> PackResult:
    """One attempt: write the pack, then store it unless a listed signer left meanwhile."""
    generation = jobs.generation_of(DeliveryPack, pack.pk)
    expected = Signature.objects.filter(petition=pack.petition).counted().count()
    DeliveryPack.objects.filter(pk=pack.pk).update(expected=expected, progress=0)
    token = secrets.token_hex(8)
    with tempfile.TemporaryDirectory(prefix="sori-pack-") as folder:
        pdf_path, csv_path = Path(folder) / "pack.pdf", Path(folder) / "list.csv"
        with pdf_path.open("wb") as pdf_out, csv_path.open("wb") as csv_out:
            result = write_pack(
                petition=pack.petition,
                language=pack.language,
                cover_letter=pack.cover_letter,
                pdf_out=pdf_out,
                csv_out=csv_out,
                progress=jobs.progress_reporter(DeliveryPack, pack.pk, generation),
            )
        with transaction.atomic():
            jobs.check_unchanged(DeliveryPack, pack.pk, generation)
            with pdf_path.open("rb") as pdf_in, csv_path.open("rb") as csv_in:
                pack.file.save(f"packs/{pack.pk}-{token}.pdf", File(pdf_in), save=False)
                pack.manifest.save(f"packs/{pack.pk}-{token}.csv", File(csv_in), save=False)
            pack.expected = expected
            pack.total = pack.progress = result.total
            pack.page_count = result.pages
            pack.sha256 = result.sha256
            pack.set_status(
                DeliveryPack.Status.DONE,
                fields=[
                    "file",
                    "manifest",
                    "expected",
                    "total",
                    "progress",
                    "page_count",
                    "sha256",
                ],
            )
    return result


# The document -------------------------------------------------------------------------


def pack_fonts() -> FontSet:
    return FontSet(
        [
            Font(static_font("fonts/NotoSerif-Regular.woff2"), name="SoriSerif"),
            Font(static_font("fonts/SoriMyeongjo-Regular.woff2"), name="SoriMyeongjo"),
        ]
    )


def country_name(code: str, language: str) -> str:
    with translation.override(language):
        return str(countries.name(code)) if code else ""


def write_pack(
    *,
    petition: Petition,
    language: str,
    cover_letter: str,
    pdf_out,
    csv_out,
    progress: Callable[[int], None] | None = None,
    rows=None,
) -> PackResult:
    """Write the pack's PDF to ``pdf_out`` and its manifest CSV to ``csv_out``.

    Reads the rows once (``rows``: an iterable of ``pack_signatures`` tuples, for
    tests and benchmarks; by default the petition's). Writes no database rows.
    """
    language = language if language in LANGUAGES else "en"
    with translation.override(language):
        words = wording()
    # The petition's own words in the pack's language (the template reads them under
    # the same override), whoever builds it in whichever language.
    title = petition.text("title", language)
    fonts = pack_fonts()
    writer = PdfStream(
        pdf_out,
        fonts,
        title=f"{words['title']}: {title}",
        author=settings.ORGANISATION_NAME,
        language=language,
        footer=lambda number, total: words["page"].format(number=f"{number:,}", total=f"{total:,}"),
    )
    digest = hashlib.sha256()
    header = csv_line(MANIFEST_HEADER).encode()
    digest.update(header)
    csv_out.write(header)
    tally: Counter[str] = Counter()
    names: dict[str, str] = {}
    layout = ListLayout(writer, words, title)
    total = 0
    first_day = last_day = None
    source = rows if rows is not None else pack_signatures(petition).iterator(chunk_size=2000)
    pending = bytearray()
    shown_days: dict[str, str] = {}
    for display, first, last, city, country, created_at in source:
        total += 1
        # The list's CSV (and so its hash) keeps ISO dates; the page shows the
        # language's short date ("2026. 12. 2.", "2 Dec 2026").
        local_day = timezone.localtime(created_at).date()
        day = local_day.isoformat()
        if day not in shown_days:
            with translation.override(language):
                shown_days[day] = date_format(local_day, "SHORT_DATE_FORMAT")
        first_day = first_day or day
        last_day = day
        country = str(country or "")
        tally[country] += 1
        name, city, shown_country = listed_row(
            display, first or "", last or "", city or "", country
        )
        if shown_country and shown_country not in names:
            names[shown_country] = country_name(shown_country, language)
        layout.row(total, name, city, names.get(shown_country, ""), shown_days[day])
        pending += manifest_line(total, name, city, shown_country, day).encode()
        if len(pending) >= 65536:
            digest.update(pending)
            csv_out.write(pending)
            pending.clear()
        if progress and total % PROGRESS_EVERY == 0:
            progress(total)
    digest.update(pending)
    csv_out.write(pending)
    sha256 = digest.hexdigest()
    writer.finish_page()
    list_pages = writer.page_count
    ranked = sorted(tally.items(), key=lambda item: (-item[1], item[0]))
    front = _front_matter(
        petition,
        words,
        language=language,
        cover_letter=cover_letter,
        total=total,
        ranked=ranked,
        period=(first_day, last_day),
        list_pages=list_pages,
    )
    front_pages = writer.add_pdf_pages(front, at_start=True)
    with translation.override(language):  # its date in the pack's language
        closing_page(
            writer,
            words,
            total=total,
            first=front_pages + 1,
            last=front_pages + list_pages,
            sha256=sha256,
        )
    pages = writer.close()
    if progress:
        progress(total)
    return PackResult(total=total, pages=pages, sha256=sha256, countries=ranked)


def _front_matter(
    petition, words, *, language, cover_letter, total, ranked, period, list_pages
) -> bytes:
    targets = list(petition.targets.all())
    title = petition.text("title", language)
    text = cover_letter or words["default_letter"].format(count=f"{total:,}", title=title)
    # One salutation, naming every office; none if the manager's letter has its own.
    salutation = ""
    if not starts_with_salutation(text, language):
        salutation = joined_salutation(
            [target.salutation(language) for target in targets],
            language,
            words["salutation_many"],
        )
    with translation.override(language):
        first, last = (
            (pack_date(date.fromisoformat(day), language) for day in period)
            if period[0]
            else ("", "")
        )
        context = {
            "petition": petition,
            "lang": language,
            "words": words,
            "paragraphs": [p.strip() for p in text.split("\n\n") if p.strip()],
            "salutation": salutation,
            "recipients": [
                {
                    "name": target.display_name(language),
                    # Officials have no Korean organisation name: a Korean pack leaves
                    # "Ministry of Justice" out rather than print English under 법무부 장관.
                    "organisation": (
                        getattr(target, "organisation_ko", "")
                        if language == "ko"
                        else target.organisation
                    ),
                    "lines": [
                        line.strip()
                        for line in target.address(language).splitlines()
                        if line.strip()
                    ],
                }
                for target in targets
            ],
            "organisation_name": settings.ORGANISATION_NAME,
            "organisation_lines": [
                line for line in settings.ORGANISATION_ADDRESS.splitlines() if line.strip()
            ],
            "organisation_email": settings.ORGANISATION_EMAIL,
            "today": pack_date(
                timezone.localdate(timezone=ZoneInfo(time_zone_for(language))), language
            ),
            "total": f"{total:,}",
            "period": words["period"].format(first=first, last=last) if period[0] else "",
            "enclosed_list": words["enclosed_list"].format(pages=f"{list_pages:,}"),
            "countries": [
                {
                    "name": country_name(code, language) or "—",
                    "count": f"{count:,}",
                    "share": f"{100 * count / total:.1f}%" if total else "",
                }
                for code, count in ranked
            ],
        }
        return render_template_pdf(
            "pdf/delivery_pack.html", context, stylesheets=["pdf/delivery.css"]
        )
