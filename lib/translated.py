"""Content in every language Sori serves: one column per language, read in the reader's.

A model keeps each translated field as one column per language, ``<name>_en`` and
``<name>_ko`` (as ``LetterAction.subject_en``/``subject_ko`` always did), and names the
pair once with ``Translated``:

    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    title_ko = models.CharField(_("title (Korean)"), max_length=200, blank=True)
    title = Translated("title")

``petition.title`` is then the title in the active language, or, where that one is
empty, in the first other language that has it (``LANGUAGE_CODES`` order). It is a
``Text``: a ``str`` that also says which language it is in, so a page can mark a
fallback with the right ``lang`` attribute and a note (``text.lang_attr``,
``text.note``). ``obj.text("title", "ko")`` reads one language on purpose (mail, PDFs).
Assigning ``petition.title = "..."`` (or ``Petition(title=...)``) writes the active
language's column, so older callers and scripts keep working.

Why not django-modeltranslation or django-parler: a fallback must be visible (the note
and the ``lang`` attribute), and neither tells the template that one happened; both also
change how querysets and the admin behave. Two columns and this descriptor are the
whole mechanism (README, "Content in two languages").
"""

from django.conf import settings
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, override
from django.utils.translation import gettext_lazy as _

LANGUAGE_CODES: tuple[str, ...] = tuple(code for code, _name in settings.LANGUAGES)

# Shown above content that falls back to another language, in the reader's language.
FALLBACK_NOTES = {
    "en": _("This text is not yet available in English."),
    "ko": _("This text is not yet available in Korean."),
}


def reader_language(language: str | None = None) -> str:
    """``language`` (default: the active one) as one of ``LANGUAGE_CODES``."""
    code = (language or get_language() or settings.LANGUAGE_CODE).lower()
    if code in LANGUAGE_CODES:
        return code
    base = code.split("-")[0]
    return base if base in LANGUAGE_CODES else settings.LANGUAGE_CODE


def fallback_order(language: str) -> list[str]:
    """The languages to try for a reader of ``language``: theirs first."""
    return [language, *(code for code in LANGUAGE_CODES if code != language)]


class Text(str):
    """A piece of content, with the language it is in and the language wanted.

    ``is_fallback`` is true when the wanted language had nothing and another one
    stands in; templates then mark the element (``lang_attr``) and say so (``note``).
    """

    def __new__(cls, value: str = "", language: str = "", wanted: str = ""):
        text = super().__new__(cls, value)
        text.language = language
        text.wanted = wanted or language
        return text

    @property
    def is_fallback(self) -> bool:
        return bool(self) and self.language != self.wanted

    @property
    def lang_attr(self) -> SafeString:
        """`` lang="en"`` on a fallback (for an element's opening tag), else nothing."""
        if not self.is_fallback:
            return mark_safe("")
        return format_html(' lang="{}"', self.language)

    @property
    def inline(self) -> SafeString:
        """The text escaped for HTML, in a ``<span lang>`` when it is a fallback (for a
        title quoted inside a sentence)."""
        if not self.is_fallback:
            return format_html("{}", str(self))
        return format_html('<span lang="{}">{}</span>', self.language, str(self))

    @property
    def note(self) -> str:
        """The visible note for a fallback, in the reader's language; else empty."""
        if not self.is_fallback:
            return ""
        with override(self.wanted):
            return str(FALLBACK_NOTES.get(self.wanted, ""))


def pick(values: dict[str, str], language: str | None = None) -> Text:
    """The value for a reader of ``language`` from ``{code: value}``, falling back."""
    wanted = reader_language(language)
    for code in fallback_order(wanted):
        value = values.get(code) or ""
        if value:
            return Text(value, code, wanted)
    return Text("", wanted, wanted)


def text_of(obj, name: str, language: str | None = None) -> Text:
    """``obj``'s field ``name`` for a reader of ``language`` (default: the active one)."""
    return pick({code: getattr(obj, f"{name}_{code}") for code in LANGUAGE_CODES}, language)


class Translated(property):
    """``title = Translated("title")``: reads ``title_<lang>`` in the active language.

    A ``property`` (so Django's model constructor accepts ``title=...``); assigning
    writes the active language's column.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(self._get, self._set, doc=f"``{name}`` in the active language.")

    def _get(self, obj) -> Text:
        return text_of(obj, self.name)

    def _set(self, obj, value: str) -> None:
        setattr(obj, f"{self.name}_{reader_language()}", value)


def language_name(code: str) -> str:
    """The name of a language of Sori, in the active language ("Korean", "한국어")."""
    return str(dict(settings.LANGUAGES).get(code, code))
