"""The fixed words of a delivery pack, and how its cover letter greets the officials.

They belong to the document, in the pack's language, not to the interface (as in
``letters/pdf.py``): ``wording`` is called under the pack's language.
"""

from datetime import date

from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import pgettext

from ..models import DeliveryPack

LANGUAGES = frozenset(code for code, _name in DeliveryPack._meta.get_field("language").choices)


def wording() -> dict:
    """The fixed words of a pack, in the active language (``write_pack`` sets it)."""
    return {
        "title": pgettext("delivery pack", "Petition delivery"),
        "to": pgettext("delivery pack", "To"),
        "salutation_many": pgettext("delivery pack", "Dear officials,"),
        "default_letter": pgettext(
            "delivery pack",
            (
                "On behalf of the {count} people who signed the petition “{title}”, "
                "we hand you their names and ask you to act on what they call for.\n\n"
                "The petition and the list of signers follow. Each signer chose how "
                "their name appears; some asked that it be withheld, and they are "
                "counted all the same.\n\n"
                "We would welcome the chance to discuss the petition with you."
            ),
        ),
        "closing": pgettext("delivery pack", "Yours sincerely,"),
        "petition": pgettext("delivery pack", "The petition"),
        "total": pgettext("delivery pack", "Signatures"),
        "period": pgettext("delivery pack", "Signed between {first} and {last}"),
        "by_country": pgettext("delivery pack", "Signatures by country"),
        "country": pgettext("delivery pack", "Country"),
        "share": pgettext("delivery pack", "Share"),
        "list_title": pgettext("delivery pack", "Signers of “{title}”"),
        "columns": (
            pgettext("delivery pack", "#"),
            pgettext("delivery pack", "Name"),
            pgettext("delivery pack", "Town or city"),
            pgettext("delivery pack", "Country"),
            pgettext("delivery pack", "Signed"),
        ),
        "withheld": pgettext("delivery pack", "Name withheld"),
        "end": pgettext("delivery pack", "End of the list"),
        "end_count": pgettext(
            "delivery pack", ("This list holds {count} signatures, on pages {first} to {last}.")
        ),
        "hash_label": pgettext("delivery pack", "SHA-256 of the list:"),
        "hash_explained": pgettext(
            "delivery pack",
            (
                "The SHA-256 above is the fingerprint of the list as a CSV file (UTF-8, "
                "lines ending in a line feed): the header number,name,city,country,signed_on "
                "and one line per signer in the order printed, holding the number, "
                "the name as printed, the town, the ISO country code and the date "
                "signed (YYYY-MM-DD); name, town and country are empty when the name "
                "is withheld. A cell holding a comma, a quotation mark or a line break "
                "is quoted, with quotation marks doubled; a cell starting with =, "
                "+, -, @, a tab or a line break starts with an apostrophe. {organisation} "
                "keeps this file; anyone holding it can check it with sha256sum."
            ),
        ),
        "made": pgettext("delivery pack", "Made by {organisation} on {date}."),
        "page": pgettext("delivery pack", "Page {number} of {total}"),
        "enclosures": pgettext("delivery pack", "Enclosures"),
        "enclosed_petition": pgettext("delivery pack", "The petition, 1 copy."),
        "enclosed_list": pgettext("delivery pack", "The list of signers ({pages} pages), 1 copy."),
    }


def pack_date(day: date, language: str) -> str:
    """A date as the pack prints it: "2 December 2026", "2026년 12월 2일"."""
    with translation.override(language):
        return date_format(day, "DATE_FORMAT")


def joined_salutation(salutations: list[str], language: str, fallback: str) -> str:
    """One salutation for every addressee of the pack, never a generic one when each
    official has their own: "대통령님, 법무부 장관님, 국회의장님께" and "Dear President,
    Minister and Speaker". ``fallback`` ("Dear officials,") only when some have none."""
    words = [s.strip().rstrip(",") for s in salutations]
    if not words or not all(words):
        return fallback
    if len(words) == 1:
        return words[0]
    if language == "ko":
        if all(word.endswith("께") for word in words):
            return ", ".join(word[:-1] for word in words) + "께"
        return fallback
    if all(word.startswith("Dear ") for word in words):
        names = [word[len("Dear ") :] for word in words]
        return "Dear " + ", ".join(names[:-1]) + " and " + names[-1]
    return fallback


def starts_with_salutation(text: str, language: str) -> bool:
    """True when a cover letter written by a manager opens with its own salutation
    ("관계자 여러분께", "장관님,", "Dear Minister,"), so the pack does not print a second:
    a short first line ending as salutations end."""
    first = text.strip().split("\n", 1)[0].strip()
    if not first or len(first) > 60:
        return False
    if first.endswith((",", ":")):
        return True
    if language == "ko":
        return first.endswith(("께", "님", "여러분"))
    return first.lower().startswith("dear ")
