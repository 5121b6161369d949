"""oEmbed (https://oembed.com) for petitions and letter actions: a CMS given the address of
one of our action pages asks here, and gets the ``<iframe>`` of its embed.

Only our own published action pages have an answer: the address must start with
``SITE_URL`` and name a petition or a letter action in one of our languages
(``/en/petitions/<slug>/``, ``/ko/letters/<slug>/``); anything else, a draft, and an
action whose campaign lets no other site frame it (``Campaign.embed_origins``) is 404.
The frame shows the embed in the language of the address. Only JSON is offered: the
spec's answer to ``format=xml`` is 501. Read-only, with CORS for any origin
(``lib.opendata``).
"""

import json
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponse
from django.urls import Resolver404, resolve, reverse
from django.utils import translation

from letters.opendata import public_actions
from lib import embed, opendata
from lib.translated import LANGUAGE_CODES, text_of
from petitions.models import Petition

# How long a consumer may keep an answer (seconds): titles change seldom.
CACHE_AGE = 3600
MAX_AGE = 300
# What each action page leads to: (its kind, its embed's URL name).
PAGES = {
    "petitions:detail": ("petition", "petitions:embed"),
    "letters:action": ("letter", "letters:embed"),
}


class NotOurs(Exception):
    """The address is not one of our published action pages."""


class NotEmbeddable(Exception):
    """The action's campaign lets no other site frame its embeds (an empty allowlist)."""


def _action(url: str):
    """(kind, the petition or letter action, language) that ``url`` names, or NotOurs."""
    try:
        parts = urlsplit(url)
        ours = urlsplit(settings.SITE_URL)
        same_site = (parts.scheme.lower(), parts.hostname, parts.port) == (
            ours.scheme.lower(),
            ours.hostname,
            ours.port,
        )
    except ValueError as error:
        raise NotOurs from error
    language = parts.path.split("/")[1] if parts.path.startswith("/") else ""
    if not same_site or parts.username or language not in LANGUAGE_CODES:
        raise NotOurs
    with translation.override(language):
        try:
            match = resolve(parts.path)
        except Resolver404 as error:
            raise NotOurs from error
    if match.view_name not in PAGES:
        raise NotOurs
    kind, _embed = PAGES[match.view_name]
    found = (
        Petition.objects.public().select_related("campaign")
        if kind == "petition"
        else public_actions()
    )
    action = found.filter(slug=match.kwargs["slug"]).first()
    if action is None:
        raise NotOurs
    if not action.campaign.embed_origin_list():
        raise NotEmbeddable
    return match.view_name, action, language


def _bound(request, name: str, default: int) -> int:
    """``default``, or ``maxwidth``/``maxheight`` if smaller (ValueError if not a number)."""
    raw = request.GET.get(name)
    if raw is None:
        return default
    if not raw.isascii() or not raw.isdigit() or int(raw) < 1:
        raise ValueError(f"{name} must be a whole number of pixels.")
    return min(default, int(raw))


@opendata.read_only
def oembed(request):
    if request.GET.get("format", "json") != "json":
        return opendata.error(501, "Only format=json is offered.")
    url = request.GET.get("url", "")
    if not url:
        return opendata.error(400, "Give the address of a petition or letter action in url=.")
    try:
        view_name, action, language = _action(url)
    except NotOurs:
        return opendata.error(404, "Not a published petition or letter action of this site.")
    except NotEmbeddable:
        # An iframe the browser would refuse helps nobody: say why instead.
        return opendata.error(404, "This campaign does not let other sites embed its actions.")
    kind, embed_name = PAGES[view_name]
    try:
        width = _bound(request, "maxwidth", embed.DEFAULT_WIDTH)
        height = _bound(request, "maxheight", embed.DEFAULT_HEIGHT[kind])
    except ValueError as problem:
        return opendata.error(400, str(problem))
    title = str(text_of(action, "title", language))
    with translation.override(language):
        src = settings.SITE_URL + reverse(embed_name, kwargs={"slug": action.slug})
    body = {
        "type": "rich",
        "version": "1.0",
        "title": title,
        "provider_name": settings.SITE_NAME,
        "provider_url": settings.SITE_URL + "/",
        "cache_age": CACHE_AGE,
        "html": str(embed.iframe_html(src, title=title, height=height, width=width)),
        "width": width,
        "height": height,
    }
    response = HttpResponse(json.dumps(body, ensure_ascii=False), content_type="application/json")
    response.headers["Cache-Control"] = f"public, max-age={MAX_AGE}"
    return opendata.cors(response)
