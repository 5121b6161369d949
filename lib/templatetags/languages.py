"""The page in every language: ``{% load languages %}{% language_alternates %}``.

Pages carry their language in the address (``/en/...``, ``/ko/...``), so a search
engine or a shared link can pick the right one. Each page names its versions with
``<link rel="alternate" hreflang>``, plus ``x-default`` for readers of any other
language (the site's default language). Pages outside ``i18n_patterns`` (accounts, the
admin) have one address and get none.
"""

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

register = template.Library()


def alternates(path: str) -> dict[str, str]:
    """``{language: path}`` for the page at ``path``; empty if it has no language."""
    versions = {code: translate_url(path, code) for code, _name in settings.LANGUAGES}
    return versions if len(set(versions.values())) == len(versions) else {}


@register.simple_tag(takes_context=True)
def language_alternates(context) -> str:
    request = context.get("request")
    if request is None:
        return ""
    versions = alternates(request.path)
    if not versions:
        return ""
    links = [(code, settings.SITE_URL + path) for code, path in versions.items()]
    links.append(("x-default", settings.SITE_URL + versions[settings.LANGUAGE_CODE]))
    return format_html_join(
        mark_safe("\n  "), '<link rel="alternate" hreflang="{}" href="{}">', links
    )
