"""``{% oembed_href page_path %}``: the absolute oEmbed address of one of our pages, for
the discovery link in its ``<head>`` (``api.oembed``)."""

from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.urls import reverse

register = template.Library()


@register.simple_tag
def oembed_href(page_path: str) -> str:
    query = urlencode({"url": settings.SITE_URL + page_path, "format": "json"})
    return f"{settings.SITE_URL}{reverse('oembed')}?{query}"
