"""Embedding Sori's actions in other sites (issue 13).

The shared pieces of the petition and letter embeds: the fixed sizes and the plain
``<iframe>`` tag (also used by oEmbed), the framing policy of embed views, the signed
form token that replaces the CSRF cookie inside a frame, and the ``/embed.js`` loader.
"""

from django.utils.html import format_html

# Heights (CSS pixels) that show the whole form of a petition or a letter action without
# a scroll bar in the common case, for the plain iframe that cannot resize itself.
DEFAULT_HEIGHT = {"petition": 720, "letter": 900}
# A width for consumers that need a number (oEmbed); the plain iframe uses 100%.
DEFAULT_WIDTH = 480


def iframe_html(src: str, *, title: str, height: int, width: str | int = "100%") -> str:
    """An escaped ``<iframe>`` tag for ``src``: titled, lazy, border-less by attribute."""
    return format_html(
        '<iframe src="{}" title="{}" width="{}" height="{}" loading="lazy" frameborder="0">'
        "</iframe>",
        src,
        title,
        width,
        int(height),
    )


def loader_js(request):
    from django.http import Http404

    raise Http404("Not built yet.")
