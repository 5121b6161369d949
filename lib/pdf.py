"""WeasyPrint plumbing shared by every PDF Sori makes (letters, delivery packs, receipts).

Two rules hold for every render:

* Nothing is fetched from outside. ``StaticOnlyFetcher`` serves our own fonts, images
  and print stylesheets from the static folders and refuses everything else: ``file:``,
  ``http(s):``, ``data:``, other hosts, paths outside the allowed folders. Supporter text
  is escaped by the template engine before it reaches WeasyPrint; the fetcher is the
  second wall in case it ever is not.
* One font configuration per process: the fonts in ``static/fonts/`` are loaded once
  and reused by every render.

Templates refer to static files through ``{{ pdf_static }}`` (``STATIC_BASE``), a
made-up origin under the reserved ``.invalid`` domain that only this fetcher knows.
"""

import hashlib
import logging
import mimetypes
import os
import posixpath
import ssl
import tempfile
import threading
from collections.abc import Iterable, Sequence
from functools import cache
from io import BytesIO
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

logger = logging.getLogger(__name__)

STATIC_BASE = "https://static.sori.invalid/"
ALLOWED_FOLDERS = ("fonts/", "img/", "pdf/")
FONTS_CSS = "pdf/fonts.css"


class FetchRefused(ValueError):
    """A PDF asked for something that is not one of our own static files."""


@cache
def _unused_ssl_context() -> ssl.SSLContext:
    """A bare TLS context handed to every fetcher, which never opens a connection.

    Without it, each ``URLFetcher`` builds a default context and loads the system's CA
    store (about 25 ms, half the time of a one-page letter); ours never uses it.
    """
    return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)


class StaticOnlyFetcher(URLFetcher):
    """A URL fetcher that can only read Sori's own static fonts, images and print CSS."""

    def __init__(self) -> None:
        super().__init__(
            timeout=1,
            ssl_context=_unused_ssl_context(),
            allowed_protocols=set(),
            allow_redirects=False,
        )
        self.refused: list[str] = []

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        path = static_path_for(url)
        if path is None:
            self.refused.append(url)
            raise FetchRefused(f"PDFs may load only Sori's static files; refused {url[:200]!r}")
        body = _read(path)
        if body[:4] == b"\x00\x01\x00\x00":
            content_type = "font/ttf"  # a WOFF2 file served decompressed, see _read
        else:
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=body, headers={"Content-Type": content_type})


def static_path_for(url: str) -> Path | None:
    """The file behind one of our static URLs, or None if the URL is anything else."""
    if not url.startswith(STATIC_BASE):
        return None
    relative = url[len(STATIC_BASE) :].split("?", 1)[0].split("#", 1)[0]
    normalised = posixpath.normpath(relative)
    if normalised != relative or not normalised.startswith(ALLOWED_FOLDERS):
        return None
    found = finders.find(normalised)
    return Path(found) if found else None


def static_font(relative: str) -> bytes:
    """One of our fonts (``"fonts/NotoSerif-Regular.woff2"``) as TrueType bytes."""
    path = static_path_for(STATIC_BASE + relative)
    if path is None:
        raise FetchRefused(f"No such font: {relative!r}")
    return _read(path)


@cache
def _read(path: Path) -> bytes:
    data = path.read_bytes()
    return truetype_from_woff2(data, name=path.stem) if data[:4] == b"wOF2" else data


def truetype_from_woff2(data: bytes, *, name: str) -> bytes:
    """A WOFF2 font as plain TrueType, decompressed once per machine.

    WeasyPrint decompresses WOFF2 itself, but in pure Python: about 8 s of CPU for our
    two Korean fonts (11,172 syllables each) in every process that renders a PDF, so
    the first letter a web or Celery worker serves would take that long. The result
    is kept under ``VAR_DIR/cache/fonts`` (named by the WOFF2 file's hash, written
    atomically), so later processes read it in milliseconds.
    """
    folder = Path(settings.VAR_DIR) / "cache" / "fonts"
    cached = folder / f"{name}-{hashlib.sha256(data).hexdigest()[:16]}.ttf"
    try:
        return cached.read_bytes()
    except OSError:
        pass
    from fontTools.ttLib import woff2

    out = BytesIO()
    woff2.decompress(BytesIO(data), out)
    font = out.getvalue()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, suffix=".part", delete=False) as part:
            part.write(font)
        os.replace(part.name, cached)
    except OSError as error:
        logger.warning("Could not cache the decompressed font %s: %s", name, error)
    return font


_lock = threading.Lock()
_shared: dict[str, object] = {}


def font_configuration() -> tuple[FontConfiguration, CSS]:
    """The process-wide font configuration and the parsed @font-face stylesheet."""
    with _lock:
        if "fonts" not in _shared:
            config = FontConfiguration()
            css = CSS(
                url=STATIC_BASE + FONTS_CSS, url_fetcher=StaticOnlyFetcher(), font_config=config
            )
            _shared["fonts"] = (config, css)
        return _shared["fonts"]  # type: ignore[return-value]


def stylesheet(path: str, fetcher: StaticOnlyFetcher | None = None) -> CSS:
    """A print stylesheet, parsed once per process (on every use while DEBUG is on).

    Parsing ``pdf/letter.css`` is about a tenth of a one-page render; the parsed rules
    are only read while rendering, so one copy serves every render.
    """
    config, _fonts = font_configuration()
    if settings.DEBUG:
        return CSS(
            url=STATIC_BASE + path, url_fetcher=fetcher or StaticOnlyFetcher(), font_config=config
        )
    key = f"css:{path}"
    with _lock:
        if key not in _shared:
            _shared[key] = CSS(
                url=STATIC_BASE + path, url_fetcher=StaticOnlyFetcher(), font_config=config
            )
        return _shared[key]  # type: ignore[return-value]


def render_pdf(
    html: str,
    *,
    stylesheets: Sequence[str] = (),
    variant: str | None = None,
    fetcher: StaticOnlyFetcher | None = None,
) -> bytes:
    """Render HTML to PDF bytes with our fonts and only our static files.

    ``stylesheets`` are static paths such as ``"pdf/letter.css"``. ``variant`` is a
    WeasyPrint PDF variant (``"pdf/a-3u"``, ``"pdf/ua-1"``) or None. Pure: no database
    access, no file written.
    """
    fetcher = fetcher or StaticOnlyFetcher()
    config, fonts_css = font_configuration()
    sheets = [fonts_css] + [stylesheet(path, fetcher) for path in stylesheets]
    document = HTML(string=html, base_url=STATIC_BASE, url_fetcher=fetcher)
    options = {"pdf_variant": variant} if variant else {}
    return document.write_pdf(stylesheets=sheets, font_config=config, **options)


def render_template_pdf(template_name: str, context: dict, **options) -> bytes:
    """Render a Django template under templates/pdf/ to PDF bytes."""
    html = render_to_string(template_name, {"pdf_static": STATIC_BASE, **context})
    return render_pdf(html, **options)


def merge_pdfs(parts: Iterable[bytes]) -> bytes:
    """Concatenate PDFs (for print batches and delivery packs)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for part in parts:
        writer.append(BytesIO(part))
    out = BytesIO()
    writer.write(out)
    return out.getvalue()
