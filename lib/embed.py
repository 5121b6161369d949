"""Embedding Sori's actions in other sites (issue 13; docs/embedding.md).

The shared pieces of the petition and letter embeds:

- the fixed sizes and the plain ``<iframe>`` tag (also used by oEmbed);
- which origins a campaign lets frame its embeds (``parse_origins``), and the
  decorator that sends them, on embed views only (``embed_view``);
- the signed, short-lived form token bound to one action, which replaces the CSRF
  cookie on embed submit views (``make_form_token``, ``check_form_token``);
- the host's resize snippet and the ``/embed.js`` loader (``loader_js``).

Every other page keeps ``X-Frame-Options: DENY`` and ``frame-ancestors 'none'``.
"""

import base64
import functools
import hashlib
import ipaddress
import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import translate_url
from django.utils.cache import patch_cache_control
from django.utils.csp import CSP, build_policy
from django.utils.html import format_html
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

# Heights (CSS pixels) that show the whole form of a petition or a letter action without
# a scroll bar in the common case, for the plain iframe that cannot resize itself.
DEFAULT_HEIGHT = {"petition": 720, "letter": 900}
# A width for consumers that need a number (oEmbed); the plain iframe uses 100%.
DEFAULT_WIDTH = 480


def iframe_html(src: str, *, title: str, height: int, width: str | int = "100%") -> str:
    """An escaped ``<iframe>`` tag for ``src``: titled, lazy, border-less by attribute.

    No ``style`` attribute: a host whose CSP forbids inline style would drop it.
    """
    return format_html(
        '<iframe src="{}" title="{}" width="{}" height="{}" loading="lazy" frameborder="0">'
        "</iframe>",
        src,
        title,
        width,
        int(height),
    )


# Which origins may frame an embed --------------------------------------------------

ANY_ORIGIN = "*"
# Nothing that could end a CSP source or start another may pass: a host is letters,
# digits, hyphens and dots (internationalised names in their xn-- form).
_UNSAFE = re.compile(r"[\s;,'\"]")
_HOST = re.compile(
    r"^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$"
)
MAX_ORIGINS = 50


def _is_loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def parse_origin(line: str) -> str:
    """One origin as CSP wants it (``https://example.org[:port]``), or ValidationError.

    HTTPS only, except loopback hosts (``http://localhost:8001``, ``http://127.0.0.1``),
    which let a partner, and our tests, try an embed on their own machine.
    """
    value = line.strip()
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        parts, port = None, None
    if parts is None or not parts.scheme or not parts.hostname or _UNSAFE.search(value):
        raise ValidationError(
            _("“%(value)s” is not an origin. Write it as https://example.org."),
            params={"value": value},
            code="not_origin",
        )
    if parts.path not in ("", "/") or parts.query or parts.fragment or "@" in parts.netloc:
        raise ValidationError(
            _(
                "“%(value)s” has more than an origin: leave out any path, query or user "
                "name (https://example.org, not https://example.org/page)."
            ),
            params={"value": value},
            code="not_origin",
        )
    scheme, host = parts.scheme.lower(), parts.hostname.lower()
    if scheme != "https" and not (scheme == "http" and _is_loopback(host)):
        raise ValidationError(
            _("“%(value)s” must start with https:// (http:// is allowed for localhost only)."),
            params={"value": value},
            code="not_https",
        )
    if "*" in host:
        raise ValidationError(
            _("“%(value)s”: list each site; a wildcard is allowed only as “*” alone."),
            params={"value": value},
            code="wildcard",
        )
    if ":" in host:  # an IPv6 address
        host = f"[{host}]"
    elif not _HOST.match(host):
        raise ValidationError(
            _("“%(value)s” is not an origin. Write it as https://example.org."),
            params={"value": value},
            code="not_origin",
        )
    return f"{scheme}://{host}" + (f":{port}" if port is not None else "")


def parse_origins(text: str) -> list[str]:
    """The origins of an allowlist, one per line; ``["*"]`` for ``*``; [] for none.

    Raises ValidationError listing every line that is not an origin.
    """
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if ANY_ORIGIN in lines:
        if len(lines) > 1:
            raise ValidationError(
                _("“*” lets every site frame the embeds: write it alone, or list the sites."),
                code="wildcard",
            )
        return [ANY_ORIGIN]
    if len(lines) > MAX_ORIGINS:
        raise ValidationError(
            _("List at most %(count)d sites.") % {"count": MAX_ORIGINS}, code="too_many"
        )
    origins, errors = [], []
    for line in lines:
        try:
            origin = parse_origin(line)
        except ValidationError as error:
            errors.append(error)
            continue
        if origin not in origins:
            origins.append(origin)
    if errors:
        raise ValidationError(errors)
    return origins


def validate_origins(text: str) -> None:
    parse_origins(text)


# Framing headers -------------------------------------------------------------------


def allow_framing(response: HttpResponse, origins: list[str]) -> HttpResponse:
    """Let ``origins`` (and this site) frame ``response``: no X-Frame-Options, and the
    site's CSP with ``frame-ancestors 'self' <origins>`` instead of ``'none'``."""
    policy = {**settings.SECURE_CSP, "frame-ancestors": [CSP.SELF, *origins]}
    if any(CSP.NONCE in values for values in policy.values() if values):
        response._csp_config = policy  # Django's CSP middleware adds the nonce
    else:
        # Set here, built once per allowlist: Django's CSP middleware keeps a header
        # that is already there, and would otherwise build it for every response.
        response.headers[str(CSP.HEADER_ENFORCE)] = _framed_policy(tuple(origins))
    response.xframe_options_exempt = True  # read by XFrameOptionsMiddleware
    return response


_built: tuple[object, dict[tuple[str, ...], str]] = (None, {})


def _framed_policy(origins: tuple[str, ...]) -> str:
    global _built
    config = settings.SECURE_CSP
    if _built[0] is not config:  # a test changed the setting
        _built = (config, {})
    policies = _built[1]
    if origins not in policies:
        if len(policies) > 1000:
            policies.clear()
        policies[origins] = build_policy({**config, "frame-ancestors": [CSP.SELF, *origins]})
    return policies[origins]


def embed_view(view: Callable) -> Callable:
    """For embed views only: frame the answer for the campaign's allowlist, and send a
    GET with ``?lang=`` to the page's address in that language first.

    The view names the allowlist by setting ``request.embed_origins`` once it has found
    the action (``campaign.embed_origin_list()``); an answer given before that (a 404)
    keeps the site's ``DENY``.
    """

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method in ("GET", "HEAD") and (moved := language_redirect(request)):
            return moved  # ?lang=ko: the same page at its Korean address
        response = view(request, *args, **kwargs)
        origins = getattr(request, "embed_origins", None)
        if origins is not None:
            allow_framing(response, origins)
        return response

    return wrapper


def render_frame(
    request: HttpRequest, template_name: str, context: dict, *, status: int = 200
) -> HttpResponse:
    """An embed page rendered for this request only (a form with what was typed, a
    notice, a manager's preview): never kept by a shared cache."""
    response = render(request, template_name, context, status=status)
    patch_cache_control(response, private=True, no_cache=True)
    return response


# The form token --------------------------------------------------------------------

FORM_TOKEN_SALT = "sori.embed.form-token"
FORM_TOKEN_FIELD = "embed_token"
TOKEN_MISSING = gettext_lazy(
    "This form could not be checked, so nothing was sent. Please send it again."
)
TOKEN_EXPIRED = gettext_lazy(
    "This form was open for a long time, so nothing was sent. Check your details and send it again."
)
TOKEN_INVALID = gettext_lazy(
    "This form does not belong to this action, so nothing was sent. Please send it again."
)


def make_form_token(action: str) -> str:
    """A token for the embed form of ``action`` ("petition:12"), valid for
    ``EMBED_FORM_TOKEN_MAX_AGE`` seconds. It names the action, not a person: the page
    that carries it may be shared for a few seconds by every visitor."""
    return signing.dumps(action, salt=FORM_TOKEN_SALT)


def check_form_token(token: str, action: str) -> str:
    """ "" when ``token`` is ours, fresh and made for ``action``; else what to tell the
    person (nothing was done)."""
    if not token:
        return str(TOKEN_MISSING)
    try:
        named = signing.loads(
            token, salt=FORM_TOKEN_SALT, max_age=settings.EMBED_FORM_TOKEN_MAX_AGE
        )
    except signing.SignatureExpired:
        return str(TOKEN_EXPIRED)
    except signing.BadSignature:
        return str(TOKEN_INVALID)
    return "" if named == action else str(TOKEN_INVALID)


# The host's scripts ----------------------------------------------------------------


def _static_text(name: str) -> str:
    found = finders.find(name)
    if not found:
        raise FileNotFoundError(name)
    return Path(found).read_text(encoding="utf-8")


@functools.cache
def resize_snippet() -> str:
    """The resize snippet hosts copy into their page (static/embed/resize.js), as served."""
    return _static_text("embed/resize.js")


def csp_hash(text: str) -> str:
    """``'sha256-…'``: the CSP source that allows ``text`` as an inline script."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


@functools.cache
def _loader() -> bytes:
    return _static_text("embed/loader.js").encode("utf-8")


@require_safe
def loader_js(request: HttpRequest) -> HttpResponse:
    """``/embed.js``: turns ``<a data-sori-embed href="…">`` links into resized frames."""
    response = HttpResponse(_loader(), content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = f"public, max-age={settings.EMBED_LOADER_MAX_AGE}"
    # Hosts load it cross-origin with a plain <script>; CORS lets them add integrity.
    response["Access-Control-Allow-Origin"] = "*"
    return response


# Pages in the frame ----------------------------------------------------------------

_HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


def language_redirect(request: HttpRequest) -> HttpResponse | None:
    """``?lang=ko`` on an embed address: the same page at its ``/ko/`` address.

    Lets a host pick the frame's language with a query, as the issue's snippets do;
    the language stays in the address like on every other page.
    """
    language = request.GET.get("lang", "")
    if language not in dict(settings.LANGUAGES):
        return None
    query = request.GET.copy()
    del query["lang"]
    target = translate_url(request.path, language)
    if query:
        target += "?" + query.urlencode()
    return HttpResponseRedirect(target)


def language_links(request: HttpRequest) -> list[tuple[str, str, str]]:
    """(code, name, path) of this frame in each other language, for links in the frame."""
    current = get_language()
    return [
        (code, LANGUAGE_NAMES.get(code, name), translate_url(request.path, code))
        for code, name in settings.LANGUAGES
        if code != current
    ]


LANGUAGE_NAMES = {"en": "English", "ko": "한국어"}


def _darker(colour: str, factor: float = 0.75) -> str:
    channels = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return "#" + "".join(f"{round(c * factor):02x}" for c in channels)


def theme_stylesheet(*, accent: str, radius: int, on_accent: str) -> str:
    """The theme tokens of a campaign's embeds as CSS custom properties.

    Served as a stylesheet of our own (static/embed/embed.css reads the tokens), since
    the CSP allows no inline style. The values are checked here again, so nothing but a
    colour and a length ever reaches the CSS.
    """
    accent = accent if _HEX_COLOUR.match(accent or "") else "#0b5e57"
    on_accent = on_accent if _HEX_COLOUR.match(on_accent or "") else "#ffffff"
    radius = max(0, min(int(radius), 24))
    return (
        ":root {\n"
        f"  --brand: {accent};\n"
        f"  --brand-dark: {_darker(accent)};\n"
        f"  --on-brand: {on_accent};\n"
        f"  --radius: {radius}px;\n"
        "}\n"
    )


def theme_version(stylesheet: str) -> str:
    """A short digest of a theme, for the stylesheet's address: a new theme, a new URL."""
    return hashlib.blake2b(stylesheet.encode(), digest_size=6).hexdigest()


def frame_context(request: HttpRequest, *, campaign, theme_url: str) -> dict:
    """What every embed page takes from its campaign: the theme and language links.

    ``campaign`` is a ``campaigns.models.Campaign`` (lib imports no app);
    ``theme_url`` the address of its stylesheet view, which gets the theme's digest.
    """
    stylesheet = campaign.embed_stylesheet()
    return {
        "campaign": campaign,
        "theme_url": f"{theme_url}?v={theme_version(stylesheet)}",
        "embed_theme": campaign.embed_theme,
        "language_links": language_links(request),
    }


def theme_response(stylesheet: str) -> HttpResponse:
    response = HttpResponse(stylesheet, content_type="text/css; charset=utf-8")
    # The address carries the theme's digest (``theme_version``), so it may be kept.
    response["Cache-Control"] = "public, max-age=86400"
    return response


# The three versions a manager copies -------------------------------------------------


def embed_codes(
    *, page_url: str, embed_url: str, kind: str, title: str, loader_url: str
) -> dict[str, str]:
    """The HTML a host pastes to embed the action at ``embed_url`` (its full page at
    ``page_url``):

    - ``plain``: the iframe at a fixed height, and a link for when it cannot show;
    - ``resized``: the iframe with the resize snippet inline (CSP: ``resize_hash()``);
    - ``loader``: a link that ``/embed.js`` turns into a resized frame.
    """
    frame = iframe_html(embed_url, title=title, height=DEFAULT_HEIGHT[kind])
    fallback = format_html(
        '<p><a href="{}">{}</a></p>',
        page_url,
        _("Cannot see the form? Open “%(title)s”.") % {"title": title},
    )
    return {
        "plain": f"{frame}\n{fallback}",
        "resized": f"{frame}\n<script>{resize_snippet()}</script>",
        "loader": format_html(
            '<a data-sori-embed href="{}">{}</a>\n<script src="{}" async></script>',
            page_url,
            title,
            loader_url,
        ),
    }


def resize_hash() -> str:
    """The CSP hash (``'sha256-…'``) of the resize snippet, as served and as pasted."""
    return csp_hash(resize_snippet())
