"""Text helpers shared by every app: email canonical forms, Markdown, names."""

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from html.parser import HTMLParser
from urllib.parse import urlsplit

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe
from email_validator import EmailNotValidError, validate_email

# Providers whose mailboxes ignore a "+tag" in the local part. Only these fold
# tags away, because elsewhere "a+b@example.org" may be a different person.
PLUS_TAG_DOMAINS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "outlook.com",
        "hotmail.com",
        "live.com",
        "icloud.com",
        "me.com",
        "mac.com",
        "fastmail.com",
        "fastmail.fm",
        "proton.me",
        "protonmail.com",
        "pm.me",
    }
)
GMAIL_DOMAINS = frozenset({"gmail.com", "googlemail.com"})

# Unicode's Default_Ignorable_Code_Point ranges (DerivedCoreProperties.txt, which
# unicodedata does not expose): characters that render as nothing, such as the soft
# hyphen, zero-width joiners, the word joiner, variation selectors and the byte-order
# mark. Typed into an address they change nothing a person sees, so they are dropped.
DEFAULT_IGNORABLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f"
    "\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff]"
)
EMAIL_MAX_LENGTH = 254


class InvalidEmail(ValueError):
    """An address that cannot be brought to one canonical form."""


def canonical_email(address: str) -> str:
    """The identity form of an address: one spelling for every way to write one mailbox.

    Invisible (default-ignorable) characters are dropped and the text is NFKC-normalised,
    so fullwidth letters, soft hyphens or a trailing zero-width joiner do not make a
    second supporter. The domain becomes its IDNA (punycode) form; a quoted local part
    loses its quotes when it means the same without them; everything is lower-cased.
    A local part in another script (SMTPUTF8, such as Hangul) is kept.

    Raises InvalidEmail for control characters, a quoted local part that needs its
    quotes, a domain literal, or anything else that is not an address.
    """
    if not isinstance(address, str):
        raise InvalidEmail("An email address must be text.")
    text = unicodedata.normalize("NFKC", DEFAULT_IGNORABLE.sub("", address))
    text = DEFAULT_IGNORABLE.sub("", text).strip()
    if any(unicodedata.category(char) in ("Cc", "Cs") for char in text):
        raise InvalidEmail("The email address contains control characters.")
    try:
        parsed = validate_email(
            text.lower(),
            check_deliverability=False,
            allow_smtputf8=True,
            allow_quoted_local=True,
            allow_domain_literal=False,
            allow_display_name=False,
            allow_empty_local=False,
        )
    except EmailNotValidError as error:
        raise InvalidEmail(str(error)) from error
    # email-validator unquotes a quoted local part that is a valid dot-atom; one that
    # keeps its quotes (spaces, "@", backslashes) has no spelling without them.
    if parsed.local_part.startswith('"'):
        raise InvalidEmail("The email address has a quoted local part that needs its quotes.")
    local = unicodedata.normalize("NFKC", parsed.local_part.lower())
    canonical = f"{local}@{parsed.ascii_domain}"
    if len(canonical) > EMAIL_MAX_LENGTH:
        raise InvalidEmail("The email address is too long.")
    return canonical


def email_key(address: str) -> str:
    """A second canonical form that folds aliases of one mailbox together.

    Gmail ignores dots in the local part and treats googlemail.com as gmail.com;
    several providers deliver "name+tag@" to "name@". Two addresses with the same key
    reach the same inbox, so they are the same supporter for duplicate detection.
    Raises InvalidEmail like canonical_email().
    """
    email = canonical_email(address)
    local, _, domain = email.rpartition("@")
    if not local:
        return email
    if domain in PLUS_TAG_DOMAINS:
        local = local.split("+", 1)[0]
    if domain in GMAIL_DOMAINS:
        local = local.replace(".", "")
        domain = "gmail.com"
    return f"{local}@{domain}"


def is_hangul(text: str) -> bool:
    """True when ``text`` holds a Hangul syllable or letter."""
    return any("\uac00" <= char <= "\ud7a3" or "\u3131" <= char <= "\u318e" for char in text)


def _korean(first_name: str, last_name: str) -> bool:
    """A name written in Hangul: every part given holds Hangul."""
    parts = [p for p in (first_name, last_name) if p]
    return bool(parts) and all(is_hangul(p) for p in parts)


def full_name(first_name: str, last_name: str = "") -> str:
    """ "Ji-woo", "Kim" -> "Ji-woo Kim"; "지우", "김" -> "김지우".

    A name written in Hangul reads family name first with no space, in any language's
    text; a romanised name keeps the order it was typed in.
    """
    first, last = first_name.strip(), last_name.strip()
    if _korean(first, last):
        return f"{last}{first}"
    return f"{first} {last}".strip()


def initials(first_name: str, last_name: str = "") -> str:
    """ "Ji-woo", "Kim" -> "J. K."; "지우", "김" -> "김**".

    A Hangul name is shown the Korean way: the family name, each syllable of the given
    name masked (with no family name: the given name's first syllable, the rest masked).
    """
    first, last = first_name.strip(), last_name.strip()
    if _korean(first, last):
        if last:
            return last + "*" * len(first)
        return first[0] + "*" * (len(first) - 1)
    parts = [p for p in (first, last) if p]
    return " ".join(f"{p[0].upper()}." for p in parts)


MARKDOWN_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "b",
    "i",
    "a",
    "ul",
    "ol",
    "li",
    "blockquote",
    "h2",
    "h3",
    "h4",
    "hr",
    "code",
    "pre",
}
MARKDOWN_ATTRIBUTES = {"a": {"href", "title"}}
MARKDOWN_URL_SCHEMES = {"http", "https", "mailto"}


def render_markdown(source: str) -> SafeString:
    """Markdown to HTML that is safe to show: nh3 keeps a short list of tags.

    Scripts, event handlers, style attributes and javascript: links are removed;
    links get rel="noopener noreferrer nofollow" so a campaign page leaks nothing.
    """
    html = markdown.markdown(source or "", extensions=["sane_lists"], output_format="html")
    clean = nh3.clean(
        html,
        tags=MARKDOWN_TAGS,
        attributes=MARKDOWN_ATTRIBUTES,
        url_schemes=MARKDOWN_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(_headings_from_h2(clean.strip()))


_HEADING_TAG = re.compile(r"<(/?)h([1-6])\b")


def _headings_from_h2(html: str) -> str:
    """Written text sits under its page's h1: its top heading becomes an h2 and the others
    follow it, so a page's headings never skip a level (authors often start at ###)."""
    levels = [int(level) for closing, level in _HEADING_TAG.findall(html) if not closing]
    if not levels:
        return html
    shift = 2 - min(levels)
    return _HEADING_TAG.sub(lambda tag: f"<{tag[1]}h{min(6, int(tag[2]) + shift)}", html)


# Placeholders in text that managers and supporters write: "{first_name}". Anything in
# single braces (up to 40 characters, no line break) is a placeholder, so a typo such as
# "{first name}" is caught instead of being printed; "{{" and "}}" stand for literal
# braces. This is deliberately not a template language: no attributes, filters, loops
# or code, and one pass only, so a value that itself looks like "{city}" stays as typed.
PLACEHOLDER_PATTERN = re.compile(r"\{\{|\}\}|\{([^{}\n]{1,40})\}")


class UnknownPlaceholder(ValueError):
    """Text names placeholders that cannot be filled."""

    def __init__(self, names: list[str]) -> None:
        self.names = names
        super().__init__("Unknown placeholder(s): " + ", ".join(f"{{{n}}}" for n in names))


def find_placeholders(text: str) -> list[str]:
    """The placeholder names in text, each once, in order of first appearance."""
    names: dict[str, None] = {}
    for match in PLACEHOLDER_PATTERN.finditer(text or ""):
        if match.group(1) is not None:
            names.setdefault(match.group(1).strip(), None)
    return list(names)


def unknown_placeholders(text: str, allowed: Iterable[str]) -> list[str]:
    known = set(allowed)
    return [name for name in find_placeholders(text) if name not in known]


def fill_placeholders(text: str, values: Mapping[str, str]) -> str:
    """Replace each ``{name}`` with ``values[name]`` in one pass; ``{{``/``}}`` -> braces.

    Raises UnknownPlaceholder naming every placeholder that ``values`` lacks. The result
    is plain text: callers escape it for HTML like any other text.
    """
    unknown = [name for name in find_placeholders(text) if name not in values]
    if unknown:
        raise UnknownPlaceholder(unknown)

    def replace(match: re.Match) -> str:
        if match.group(1) is None:
            return match.group(0)[0]
        return str(values[match.group(1).strip()])

    return PLACEHOLDER_PATTERN.sub(replace, text or "")


# Markdown that managers write is sanitised when saved (render_markdown). Forms also say
# what the sanitiser would drop, so nobody is surprised by a page missing a part.


class _MarkupScanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: dict[str, None] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in MARKDOWN_TAGS:
            self.problems.setdefault(f"<{tag}>", None)
            return
        allowed = MARKDOWN_ATTRIBUTES.get(tag, set())
        for name, value in attrs:
            if name not in allowed:
                self.problems.setdefault(f"{name}=", None)
            elif name == "href" and value:
                scheme = urlsplit(value.strip()).scheme.lower()
                if scheme and scheme not in MARKDOWN_URL_SCHEMES:
                    self.problems.setdefault(f"{scheme}:", None)


def markup_problems(source: str) -> list[str]:
    """What ``render_markdown`` would remove from ``source``: tags, attributes, link schemes.

    Each is named once, in order (``<script>``, ``onclick=``, ``javascript:``); an
    empty list means the Markdown shows as written.
    """
    scanner = _MarkupScanner()
    scanner.feed(markdown.markdown(source or "", extensions=["sane_lists"], output_format="html"))
    scanner.close()
    return list(scanner.problems)


def free_slug(base: str, taken: Callable[[str], bool], *, max_length: int = 80) -> str:
    """``base`` if it is free, else ``base-2``, ``base-3``... cut to fit ``max_length``."""
    base = base[:max_length].strip("-") or "copy"
    candidate, number = base, 1
    while taken(candidate):
        number += 1
        suffix = f"-{number}"
        candidate = base[: max_length - len(suffix)].rstrip("-") + suffix
    return candidate


# Korean particles (조사) after a word that changes: the form depends on whether the
# word's last syllable ends in a consonant (받침). Each pair names the form after a
# final consonant first: "을/를", "이/가", "은/는", "과/와", "으로/로".
JOSA_PAIRS = frozenset({"을/를", "이/가", "은/는", "과/와", "으로/로", "이에요/예요", "아/야"})
# How digits are read in Korean (영 일 이 삼 사 오 육 칠 팔 구): which end in a
# consonant, and which of those in ㄹ (일, 칠, 팔), which takes "로" like a vowel.
_DIGITS_WITH_FINAL = frozenset("013678")
_DIGITS_WITH_RIEUL = frozenset("178")
_TRAILING_MARKS = " )]}\u201d\u2019'\"\u300d\u300f"  # closing brackets and quotes


def josa(word: str, pair: str) -> str:
    """``word`` with the particle of ``pair`` that its last sound takes.

    ``josa("김민준", "은/는")`` -> "김민준은"; ``josa("박지우", "은/는")`` -> "박지우는";
    ``josa("서울", "으로/로")`` -> "서울로" (ㄹ takes 로); ``josa("인천", "으로/로")`` ->
    "인천으로". Closing quotes and brackets are skipped ("“청원”을"); digits are read the
    Korean way ("3을", "2를"). A word ending in Latin letters or symbols cannot be
    decided from its spelling, so both forms are given, "Sori은(는)": rewrite such
    sentences so the particle follows fixed text instead (see KOREAN.md).
    """
    if pair not in JOSA_PAIRS:
        raise ValueError(f"Unknown particle pair: {pair!r}")
    after_consonant, after_vowel = pair.split("/")
    last = word.rstrip(_TRAILING_MARKS)[-1:]
    if "가" <= last <= "힣":
        final = (ord(last) - 0xAC00) % 28
        has_final, rieul = final != 0, final == 8
    elif last.isdigit() and last.isascii():
        has_final, rieul = last in _DIGITS_WITH_FINAL, last in _DIGITS_WITH_RIEUL
    else:
        return f"{word}{after_consonant}({after_vowel})"
    if after_consonant == "으로":
        return word + ("으로" if has_final and not rieul else "로")
    return word + (after_consonant if has_final else after_vowel)


_HANGUL_WORD = re.compile("[\uac00-\ud7a3]{2,20}")
WORD_JOINER = "\u2060"


def keep_hangul_words(text: str) -> str:
    """Joins the syllables of each Hangul word with U+2060 WORD JOINER.

    Korean breaks lines between words, never inside one (CSS ``word-break: keep-all``),
    but WeasyPrint ignores keep-all for Hangul (Kozea/WeasyPrint#1153), so PDFs ask for
    it this way: the joiner forbids a break, prints nothing, and leaves the PDF's text
    as typed when searched or copied. Words over 20 syllables keep their break chances,
    so they never run off the page.
    """
    return _HANGUL_WORD.sub(lambda match: WORD_JOINER.join(match.group(0)), text)


def in_sentence(name: str) -> str:
    """An English title as it reads inside a sentence: "The Minister of Justice" ->
    "the Minister of Justice" ("Your letter to the Minister of Justice"). Anything else
    is returned as it is."""
    if name.startswith("The ") and len(name) > 4:
        return "the " + name[4:]
    return name
