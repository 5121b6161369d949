"""Template filters for Korean text: ``{% load korean %}``.

``{{ name|josa:"은/는" }}`` attaches the particle that the name's last sound takes
(``lib.text.josa``). Django's template library has to live in a package; lib is not
an app, so settings register it by name (``TEMPLATES[...]["OPTIONS"]["libraries"]``).
"""

from django import template
from django.utils.safestring import SafeData, mark_safe

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
