"""Template filters for Korean text: ``{% load korean %}``.

``{{ name|josa:"은/는" }}`` attaches the particle that the name's last sound takes
(``lib.text.josa``). Django's template library has to live in a package; lib is not
an app, so settings register it by name (``TEMPLATES[...]["OPTIONS"]["libraries"]``).
"""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeData, mark_safe

from lib.text import in_sentence as _in_sentence
from lib.text import josa as _josa
from lib.text import keep_hangul_words

register = template.Library()


@register.filter(is_safe=False)
def josa(value, pair: str) -> str:
    """``{{ name|josa:"이/가" }}`` -> "김민준이" / "박지우가"."""
    return _josa(str(value), pair)


@register.filter(is_safe=True)
def keep_all(value):
    """``{{ text|keep_all|linebreaks }}`` in PDF templates: Hangul words do not break
    across lines (``lib.text.keep_hangul_words``; WeasyPrint has no keep-all). Escaping
    is left to autoescape or the next filter; safe input stays safe, as the joiner only
    goes between two syllables."""
    text = keep_hangul_words(str(value))
    return mark_safe(text) if isinstance(value, SafeData) else text


@register.filter
def address_segments(line):
    """One line of a postal address with its comma-separated parts kept whole:
    "47 Gwanmun-ro, Gwacheon-si" breaks only after the comma, never inside
    "Gwanmun-" / "ro" (``.address-part`` does not wrap). Escaped."""
    parts = [part.strip() for part in str(line).split(",") if part.strip()]
    if len(parts) < 2:
        return format_html('<span class="address-part">{}</span>', str(line))
    last = parts.pop()
    return format_html(
        "{}{}",
        format_html_join("", '<span class="address-part">{},</span> ', ((p,) for p in parts)),
        format_html('<span class="address-part">{}</span>', last),
    )


@register.filter
def in_sentence(value) -> str:
    """``{{ official|in_sentence }}``: "The Minister of Justice" inside a sentence reads
    "the Minister of Justice" (``lib.text.in_sentence``)."""
    return _in_sentence(str(value))
