import shutil
import subprocess
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader

from lib.pdf import STATIC_BASE, StaticOnlyFetcher, merge_pdfs, render_pdf, static_path_for


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)


def embedded_fonts(pdf: bytes) -> set[str]:
    names = set()
    for page in PdfReader(BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            descriptor = (descendants[0].get_object() if descendants else font)["/FontDescriptor"]
            if any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
                names.add(str(font["/BaseFont"]).split("+", 1)[-1])
    return names


def test_render_pdf_prints_latin_and_hangul_with_our_embedded_fonts():
    html = "<p style=\"font-family: 'Sori Serif', 'Sori Korean'\">Dear Minister 장관님께 똠</p>"

    pdf = render_pdf(html)

    assert "Dear Minister 장관님께 똠" in pdf_text(pdf)
    assert embedded_fonts(pdf) == {"Sori-Serif", "Sori-Korean"}


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://169.254.169.254/latest/meta-data/",
        "http://localhost:5432/",
        "https://example.org/logo.png",
        "data:text/css,body{}",
        f"{STATIC_BASE}../config/settings.py",
        f"{STATIC_BASE}css/sori.css",
        f"{STATIC_BASE}fonts/../../manage.py",
    ],
)
def test_fetcher_refuses_anything_but_our_static_fonts_images_and_print_css(url):
    fetcher = StaticOnlyFetcher()

    with pytest.raises(ValueError):
        fetcher.fetch(url)

    assert fetcher.refused == [url]


def test_fetcher_serves_our_fonts_as_truetype():
    response = StaticOnlyFetcher().fetch(f"{STATIC_BASE}fonts/NotoSerif-Regular.woff2")

    assert response.read()[:4] == b"\x00\x01\x00\x00"
    assert response.content_type == "font/ttf"
    assert static_path_for(f"{STATIC_BASE}fonts/NotoSerif-Regular.woff2").name == (
        "NotoSerif-Regular.woff2"
    )


def test_hostile_markup_in_html_fetches_nothing():
    fetcher = StaticOnlyFetcher()
    html = (
        '<img src="file:///etc/passwd"><link rel="stylesheet" href="http://169.254.169.254/">'
        '<p style="background: url(http://localhost:5432/)">x</p>'
    )

    pdf = render_pdf(html, fetcher=fetcher)

    assert pdf.startswith(b"%PDF")
    assert sorted(fetcher.refused) == [
        "file:///etc/passwd",
        "http://169.254.169.254/",
        "http://localhost:5432/",
    ]
    assert "root:" not in pdf_text(pdf)


def test_merge_pdfs_keeps_every_page():
    one = render_pdf("<p>one</p>")
    two = render_pdf("<p>two</p><p style='break-before: page'>three</p>")

    merged = merge_pdfs([one, two])

    assert len(PdfReader(BytesIO(merged)).pages) == 3


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_pdftotext_reads_hangul_from_our_pdf(tmp_path):
    path = tmp_path / "k.pdf"
    path.write_bytes(render_pdf("<p style=\"font-family: 'Sori Korean'\">국가보안법 개정</p>"))

    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout

    assert "국가보안법 개정" in text


def test_woff2_is_decompressed_once_and_then_read_from_the_cache(settings, tmp_path):
    from fontTools.ttLib import TTFont

    from lib.pdf import truetype_from_woff2

    settings.VAR_DIR = tmp_path
    woff2 = (Path(settings.BASE_DIR) / "static/fonts/NotoSerif-Bold.woff2").read_bytes()

    first = truetype_from_woff2(woff2, name="NotoSerif-Bold")
    [cached] = (tmp_path / "cache" / "fonts").iterdir()
    cached.write_bytes(first[:12] + b"marker")
    second = truetype_from_woff2(woff2, name="NotoSerif-Bold")

    assert TTFont(BytesIO(first))["name"].getDebugName(1) == "Noto Serif"
    assert cached.name.startswith("NotoSerif-Bold-") and cached.suffix == ".ttf"
    assert second == first[:12] + b"marker"
