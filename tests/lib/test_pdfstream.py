import os
import re
import shutil
import subprocess
from io import BytesIO

import pytest
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from lib.pdf import render_pdf, static_font
from lib.pdffonts import Font, FontSet
from lib.pdfstream import PdfStream


def fonts() -> FontSet:
    # No fontconfig fallbacks: what is drawn must not depend on the machine's fonts.
    return FontSet(
        [
            Font(static_font("fonts/NotoSerif-Regular.woff2"), name="Sori Serif"),
            Font(static_font("fonts/SoriMyeongjo-Regular.woff2"), name="SoriMyeongjo"),
        ],
        fallback=False,
    )


def write_pdf(pages: list[list[str]], *, cover: bytes | None = None) -> bytes:
    """A PDF with one line of text per entry, pages in order; ``cover`` copied first."""
    out = BytesIO()
    writer = PdfStream(
        out, fonts(), title="Signers", footer=lambda number, total: f"Page {number} of {total}"
    )
    for lines in pages:
        writer.new_page()
        for row, line in enumerate(lines):
            writer.text(72, 760 - 20 * row, line, 11)
    if cover is not None:
        writer.add_pdf_pages(cover, at_start=True)
    writer.close()
    return out.getvalue()


def qpdf_check(pdf: bytes, tmp_path) -> subprocess.CompletedProcess:
    if shutil.which("qpdf") is None:
        if os.environ.get("SORI_REQUIRE_BROWSER"):
            pytest.fail("qpdf is required here (.ci/run installs the Debian package qpdf)")
        pytest.skip("qpdf is not installed (Debian package qpdf; .ci/run installs it)")
    path = tmp_path / "out.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)


def font_dictionaries(reader: PdfReader) -> dict[str, dict]:
    """Every font the pages use, by BaseFont: the Type0 font and its descendant."""
    found = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            found[str(font["/BaseFont"])] = {
                "type0": font,
                "cid": font["/DescendantFonts"][0].get_object(),
            }
    return found


def test_pdfstream_writes_pages_whose_text_pypdf_reads_back():
    pdf = write_pdf([["Kim Minji, Seoul", "김민지, 서울"], ["Jane Doe, Leeds"], ["Park Jisoo"]])

    reader = PdfReader(BytesIO(pdf))

    assert len(reader.pages) == 3
    assert [page.extract_text().splitlines() for page in reader.pages] == [
        ["Kim Minji, Seoul", "김민지, 서울", "Page 1 of 3"],
        ["Jane Doe, Leeds", "Page 2 of 3"],
        ["Park Jisoo", "Page 3 of 3"],
    ]
    assert reader.metadata.title == "Signers"


def test_pdfstream_output_passes_qpdf_check(tmp_path):
    pdf = write_pdf([["Kim Minji, Seoul", "김민지, 서울"], ["Jane Doe, Leeds"]])

    result = qpdf_check(pdf, tmp_path)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "No syntax or stream encoding errors found" in result.stdout


def test_pdfstream_embeds_each_font_as_a_tagged_subset_of_the_glyphs_drawn():
    pdf = write_pdf([["Aa 가"]])

    reader = PdfReader(BytesIO(pdf))
    found = font_dictionaries(reader)

    assert sorted(re.sub(r"^/[A-Z]{6}\+", "/TAG+", name) for name in found) == [
        "/TAG+SoriMyeongjo",
        "/TAG+SoriSerif",
    ]
    serif = next(font for name, font in found.items() if name.endswith("SoriSerif"))
    assert serif["type0"]["/Subtype"] == "/Type0"
    assert serif["cid"]["/Subtype"] == "/CIDFontType2"
    descriptor = serif["cid"]["/FontDescriptor"].get_object()
    assert "/FontFile3" not in descriptor
    program = TTFont(BytesIO(descriptor["/FontFile2"].get_object().get_data()))
    original = TTFont(BytesIO(static_font("fonts/NotoSerif-Regular.woff2")))
    # Glyph ids are kept (the content streams use them), but only the glyphs drawn (the
    # text and its footer, "Page 1 of 1") still have outlines (Noto's .notdef has none).
    cmap = original.getBestCmap()
    order = original.getGlyphOrder()
    drawn = {order.index(cmap[ord(char)]) for char in "Aa" + "Page1of"}
    glyf = program["glyf"]
    with_outlines = {
        gid for gid, name in enumerate(program.getGlyphOrder()) if glyf[name].numberOfContours
    }
    assert with_outlines == drawn
    assert (
        len(descriptor["/FontFile2"].get_object().get_data())
        < len(static_font("fonts/NotoSerif-Regular.woff2")) / 20
    )


def test_pdfstream_copies_another_pdfs_pages_before_its_own(tmp_path):
    cover = render_pdf("<h1 style=\"font-family: 'Sori Serif'\">Petition delivery</h1>")

    pdf = write_pdf([["Kim Minji, Seoul"]], cover=cover)

    reader = PdfReader(BytesIO(pdf))
    assert len(reader.pages) == 2
    assert reader.pages[0].extract_text().splitlines() == ["Petition delivery", "Page 1 of 2"]
    assert reader.pages[1].extract_text().splitlines() == ["Kim Minji, Seoul", "Page 2 of 2"]
    result = qpdf_check(pdf, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_pdfstream_copies_streams_byte_for_byte():
    cover = render_pdf("<h1 style=\"font-family: 'Sori Serif'\">Petition delivery</h1>")
    original = PdfReader(BytesIO(cover))
    original_font = font_dictionaries(original)
    (name,) = original_font
    program = original_font[name]["cid"]["/FontDescriptor"].get_object()["/FontFile2"]

    pdf = write_pdf([], cover=cover)

    copied = font_dictionaries(PdfReader(BytesIO(pdf)))
    copied_program = copied[name]["cid"]["/FontDescriptor"].get_object()["/FontFile2"]
    assert copied_program.get_object().get("/Filter") == program.get_object().get("/Filter")
    assert copied_program.get_object().get_data() == program.get_object().get_data()
