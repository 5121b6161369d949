"""Template filters for Korean text: ``{% load korean %}``.

``{{ name|josa:"은/는" }}`` attaches the particle that the name's last sound takes
(``lib.text.josa``). Django's template library has to live in a package; lib is not
an app, so settings register it by name (``TEMPLATES[...]["OPTIONS"]["libraries"]``).
"""

from django import template

from lib.text import josa as _josa

register = template.Library()


@register.filter(is_safe=False)
def josa(value, pair: str) -> str:
    """``{{ name|josa:"이/가" }}`` -> "김민준이" / "박지우가"."""
    return _josa(str(value), pair)
