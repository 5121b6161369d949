"""The one cleaner for a person's name, on every form that asks for one.

A name reaches other people: officials read it under a letter, and mail greets with
it. So it must show what it says. It is refused when it holds characters that hide or
reorder text (controls, bidi overrides, zero-width and other default-ignorable
characters), and when it reads as a web or email address once look-alike letters are
folded to Latin (``bit.ly/3abc``, ``evil.com`` typed in fullwidth letters or with a
Cyrillic "o"). The look-alikes come from Unicode's confusables.txt, as packaged by
``confusable-homoglyphs``, never from a list of our own.

Refusing is deliberate: silently removing characters would store a name its writer
never typed, and a name with hidden characters has no honest reading.
"""

import re
import unicodedata
from functools import cache

from confusable_homoglyphs.confusables import confusables_data
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from lib.text import DEFAULT_IGNORABLE

NOT_A_NAME = _("Please enter just your name, without web addresses or email addresses.")
INVISIBLE = _(
    "Your name contains invisible or control characters. Please type it again without them."
)

ZWNJ, ZWJ = "\u200c", "\u200d"

# Variation selectors pick a glyph for the character before them (a kanji variant in a
# Japanese name, an emoji's colour form); joiners shape Persian and Indic names. Both
# are kept right after a visible character and refused anywhere else.
_VARIATION_SELECTORS = ((0xFE00, 0xFE0F), (0xE0100, 0xE01EF))

# Label separators that IDNA (UTS #46) reads as a dot in a host name.
_IDNA_DOTS = str.maketrans({"\u3002": ".", "\uff0e": ".", "\uff61": "."})

_HOST = re.compile(r"[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}\b")
_PATH_AFTER_DOTTED_WORD = re.compile(r"[\w-]+\.[\w.-]*/")


def _in(code: int, ranges) -> bool:
    return any(low <= code <= high for low, high in ranges)


def _is_modifier(char: str) -> bool:
    """A joiner or a variation selector: invisible, but meaningful after a character."""
    return char in (ZWNJ, ZWJ) or _in(ord(char), _VARIATION_SELECTORS)


def _is_hidden(char: str) -> bool:
    """A control, a format character (bidi controls included) or another invisible one.

    Line and paragraph separators count too: a mail client may break a line there.
    """
    category = unicodedata.category(char)
    return category in ("Cc", "Cf", "Cs", "Zl", "Zp") or bool(DEFAULT_IGNORABLE.match(char))


def has_hidden_characters(name: str) -> bool:
    """True when ``name`` holds a character that hides or reorders text, or shows nothing.

    Joiners and variation selectors pass only right after a visible character.
    """
    if not name:
        return False
    previous_visible = False
    for char in name:
        if _is_modifier(char):
            if not previous_visible:
                return True
            continue
        if _is_hidden(char):
            return True
        previous_visible = not char.isspace()
    return not any(not char.isspace() and not _is_modifier(char) for char in name)


@cache
def _latin_folds() -> dict[int, str]:
    """Each character that confusables.txt says looks like ASCII text, to that text."""
    folds = {}
    for source, homoglyphs in confusables_data.items():
        source = source.replace("\u200e", "")  # the data wraps right-to-left text in LRMs
        if len(source) != 1 or source.isascii():
            continue
        for homoglyph in homoglyphs:
            target = homoglyph["c"].replace("\u200e", "")
            if target.isascii():
                folds[ord(source)] = target
                break
    return folds


def skeleton(text: str) -> str:
    """``text`` as it looks in Latin letters: NFKC, confusables folded, lower case.

    Accents, joiners and variation selectors are dropped, so ``evil.cöm``, and
    ``evil.com`` with a Cyrillic "o", both read ``evil.com``. For matching only: never
    store or show a skeleton.
    """
    folded = unicodedata.normalize("NFKC", text).translate(_IDNA_DOTS)
    folded = folded.translate(_latin_folds()).lower()
    return "".join(
        char
        for char in unicodedata.normalize("NFD", folded)
        if unicodedata.category(char) != "Mn" and not _is_modifier(char)
    )


def looks_like_address(text: str) -> bool:
    """True when ``text`` reads as an email address, a URL or a host name.

    ``J. K. Rowling``, ``St. John`` and ``Mary Jr.`` are names; ``bit.ly/3abc``,
    ``www.example``, ``evil.com`` in look-alike letters and ``me@example.org`` are
    not. A dot between two words (``J.Smith``) reads as a host too: a mail client
    would make it a link.
    """
    folded = skeleton(text)
    return (
        "@" in folded
        or "://" in folded
        or "www." in folded
        or bool(_HOST.search(folded) or _PATH_AFTER_DOTTED_WORD.search(folded))
    )


def clean_name(value: str) -> str:
    """A person's name as typed, NFKC-normalised with its spaces collapsed.

    Raises ValidationError ("invisible_characters") for hidden, control or bidi
    characters and ("not_a_name") for anything that reads as a web or email address.
    """
    name = unicodedata.normalize("NFKC", value)
    if has_hidden_characters(name):
        raise ValidationError(INVISIBLE, code="invisible_characters")
    name = " ".join(name.split())
    if looks_like_address(name):
        raise ValidationError(NOT_A_NAME, code="not_a_name")
    return name
