"""A PDF written page by page straight to a file: long lists in bounded memory.

WeasyPrint lays out about 150 table rows a second and keeps the whole document in
memory, which is right for letters and wrong for a list of a million signers. This
writer draws plain text at known positions (no layout engine): each page's content is
compressed and written as soon as the page is done, so memory holds only object
offsets and the set of glyphs used, whatever the number of pages.

* Fonts are our TrueType files, embedded once at the end as subsets of the glyphs
  actually drawn (``Type0``/``CIDFontType2``, ``Identity-H``, with a ``ToUnicode`` map
  so text can be searched and copied). A character is drawn with the first font that
  has it; characters none of our fonts has are looked up through fontconfig, and
  drawn as the missing-glyph box if no installed font has them either (the text layer
  still holds the real character). The font side lives in ``lib.pdffonts``.
* Pages made elsewhere (WeasyPrint's cover pages) are copied in object by object
  (``add_pdf_pages``).
* Every page gets its footer ("Page 3 of 2,301") only when the document is closed,
  when the number of pages is known, so pages can be written before the total is.

No shaping is done: fine for Latin and Hangul (precomposed syllables), which is what
the fonts we ship cover.
"""

import hashlib
import zlib
from array import array
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from io import BytesIO
from typing import BinaryIO

from .pdffonts import Font, FontSet, cid_widths, subset_program, subset_tag, to_unicode_cmap

__all__ = ["A4", "Font", "FontSet", "Name", "PdfStream", "Ref", "serialise"]

A4 = (595.28, 841.89)


# Serialising our own objects ----------------------------------------------------------


class Ref(int):
    """An indirect reference to object number ``self``."""


class Name(str):
    """A PDF name (written /Name)."""


def _literal(text: str) -> bytes:
    """A PDF text string: ASCII as a literal, anything else as UTF-16BE hex."""
    if text.isascii():
        escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        return b"(" + escaped.encode("ascii") + b")"
    return b"<FEFF" + text.encode("utf-16-be").hex().upper().encode() + b">"


def serialise(value) -> bytes:
    if isinstance(value, Ref):
        return b"%d 0 R" % value
    if isinstance(value, Name):
        return b"/" + value.encode("ascii")
    if isinstance(value, bool):
        return b"true" if value else b"false"
    if isinstance(value, int):
        return b"%d" % value
    if isinstance(value, float):
        return (b"%.4f" % value).rstrip(b"0").rstrip(b".")
    if isinstance(value, str):
        return _literal(value)
    if isinstance(value, bytes):  # already PDF syntax
        return value
    if isinstance(value, dict):
        items = b" ".join(b"/" + k.encode("ascii") + b" " + serialise(v) for k, v in value.items())
        return b"<< " + items + b" >>"
    if isinstance(value, list | tuple):
        return b"[" + b" ".join(serialise(v) for v in value) + b"]"
    if value is None:
        return b"null"
    raise TypeError(f"cannot write {type(value).__name__} into a PDF")


# The writer -----------------------------------------------------------------------------


@dataclass
class _Page:
    content: list[bytes] = field(default_factory=list)
    fonts: set = field(default_factory=set)


class PdfStream:
    """Write a PDF to ``out`` one page at a time; ``close()`` adds footers and fonts.

    ``footer(page_number, page_total) -> str`` gives the text printed at the foot of
    every page (centred), pages copied from other PDFs included.
    """

    def __init__(
        self,
        out: BinaryIO,
        fonts: FontSet,
        *,
        title: str = "",
        author: str = "",
        language: str = "en",
        footer: Callable[[int, int], str] | None = None,
        size: tuple[float, float] = A4,
    ):
        self.out = out
        self.fonts = fonts
        self.size = size
        self.title, self.author, self.language = title, author, language
        self.footer = footer
        self._offsets = array("Q", [0])
        self._pages = array("Q")  # page object numbers, in order
        self._footers = array("Q")  # the footer content stream of each page
        self._page: _Page | None = None
        self._digest = hashlib.sha256()
        self._position = 0
        self._write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
        self._pages_ref = self.reserve()
        self._push_ref = self._pop_ref = None
        # The fonts given are in every page's resources (footers use them too);
        # fallback fonts only in the pages that need them.
        self._base_fonts = list(fonts.fonts)
        for font in self._base_fonts:
            self._font_name(font)

    # Low level.

    def _write(self, data: bytes) -> None:
        self.out.write(data)
        self._digest.update(data)
        self._position += len(data)

    def reserve(self) -> Ref:
        self._offsets.append(0)
        return Ref(len(self._offsets) - 1)

    def write_object(self, ref: Ref, body: bytes) -> None:
        self._offsets[ref] = self._position
        self._write(b"%d 0 obj\n" % ref + body + b"\nendobj\n")

    def write_stream(self, ref: Ref, data: bytes, extra: dict | None = None, compress=True) -> None:
        entries = dict(extra or {})
        if compress:
            data = zlib.compress(data, 6)
            entries["Filter"] = Name("FlateDecode")
        entries["Length"] = len(data)
        self.write_object(ref, serialise(entries) + b"\nstream\n" + data + b"\nendstream")

    def add_object(self, value) -> Ref:
        ref = self.reserve()
        self.write_object(ref, serialise(value))
        return ref

    # Drawing.

    @property
    def page_count(self) -> int:
        return len(self._pages)

    def new_page(self) -> None:
        self.finish_page()
        self._page = _Page()

    def finish_page(self) -> None:
        """End the page being drawn, if any."""
        if self._page is not None:
            self.end_page()

    def text(self, x: float, y: float, text: str, size: float, *, scale: float = 100) -> None:
        """Draw one line of text with its baseline starting at (x, y), in points."""
        if not text:
            return
        page = self._page
        parts = [b"BT %.2f %.2f Td" % (x, y)]
        if scale != 100:
            parts.append(b"%.1f Tz" % scale)
        for run in self.fonts.runs(text):
            page.fonts.add(run.font)
            parts.append(
                b"/%s %.2f Tf <%s> Tj" % (self._font_name(run.font), size, run.hex.encode())
            )
        parts.append(b"ET 100 Tz" if scale != 100 else b"ET")
        page.content.append(b" ".join(parts))

    def line(self, x1: float, y1: float, x2: float, y2: float, *, width=0.3, grey=0.75) -> None:
        self._page.content.append(
            b"%.2f G %.2f w %.2f %.2f m %.2f %.2f l S" % (grey, width, x1, y1, x2, y2)
        )

    def raw(self, operators: bytes) -> None:
        self._page.content.append(operators)

    def _font_name(self, font: Font) -> bytes:
        if font.ref is None:
            font.ref = self.reserve()
        return b"SF%d" % font.ref

    def _font_resources(self, fonts) -> dict:
        return {f"SF{font.ref}": Ref(font.ref) for font in fonts}

    def end_page(self) -> None:
        page, self._page = self._page, None
        content = self.reserve()
        self.write_stream(content, b"\n".join(page.content))
        footer = self.reserve()
        ref = self.add_object(
            {
                "Type": Name("Page"),
                "Parent": self._pages_ref,
                "MediaBox": [0, 0, self.size[0], self.size[1]],
                "Resources": {"Font": self._font_resources({*self._base_fonts, *page.fonts})},
                "Contents": [content, footer],
            }
        )
        self._pages.append(ref)
        self._footers.append(footer)

    # Pages from another PDF (WeasyPrint's), copied object by object.

    def add_pdf_pages(self, pdf: bytes, *, at_start: bool = False) -> int:
        """Add every page of ``pdf`` at the end (or before all pages written so far).

        Returns how many pages were added. Memory: that PDF only.
        """
        from pypdf import PdfReader
        from pypdf.generic import IndirectObject

        self.finish_page()
        reader = PdfReader(BytesIO(pdf))
        position = 0
        if self._push_ref is None:
            # The copied page's drawing may leave transforms in force: wrap it in q/Q
            # before our footer is drawn.
            self._push_ref, self._pop_ref = self.reserve(), self.reserve()
            self.write_stream(self._push_ref, b"q", compress=False)
            self.write_stream(self._pop_ref, b"Q", compress=False)
        mapping: dict[tuple[int, int], Ref] = {}
        pending: list[IndirectObject] = []
        ours = {f"/SF{font.ref}": Ref(font.ref) for font in self._base_fonts}

        def ref_for(indirect) -> Ref:
            key = (indirect.idnum, indirect.generation)
            if key not in mapping:
                mapping[key] = self.reserve()
                pending.append(indirect)
            return mapping[key]

        for page in reader.pages:
            resources = page.get("/Resources")
            resources = resources.get_object() if resources is not None else {}
            fonts = (
                dict(resources.get("/Font", {}).get_object() or {}) if "/Font" in resources else {}
            )
            new_resources = {key: value for key, value in resources.items() if key != "/Font"}
            new_fonts = {**fonts, **ours}
            contents = page.get("/Contents")
            contents = contents.get_object() if contents is not None else []
            if not isinstance(contents, list):
                contents = [page.raw_get("/Contents")]
            footer = self.reserve()
            body = {
                "/Type": Name("Page"),
                "/Parent": self._pages_ref,
                "/MediaBox": page.mediabox,
                "/Resources": {**new_resources, "/Font": new_fonts},
                "/Contents": [self._push_ref, *contents, self._pop_ref, footer],
            }
            for key in ("/Annots", "/Rotate", "/CropBox"):
                if key in page:
                    body[key] = page.raw_get(key)
            ref = self.reserve()
            self.write_object(ref, _copy(body, ref_for))
            if at_start:
                self._pages.insert(position, ref)
                self._footers.insert(position, footer)
                position += 1
            else:
                self._pages.append(ref)
                self._footers.append(footer)
            while pending:
                indirect = pending.pop()
                target = mapping[(indirect.idnum, indirect.generation)]
                self._copy_object(target, indirect.get_object(), ref_for)
        return len(reader.pages)

    def _copy_object(self, ref: Ref, value, ref_for) -> None:
        from pypdf.generic import StreamObject

        if isinstance(value, StreamObject):
            data = _raw_stream_data(value)
            entries = {k: v for k, v in value.items() if k != "/Length"}
            entries["/Length"] = len(data)
            self.write_object(ref, _copy(entries, ref_for) + b"\nstream\n" + data + b"\nendstream")
        else:
            self.write_object(ref, _copy(value, ref_for))

    # Closing.

    def close(self) -> int:
        """Write footers, fonts, the page tree and the trailer. Returns the page count."""
        self.finish_page()
        total = len(self._pages)
        base = self._base_fonts
        for number, ref in enumerate(self._footers, start=1):
            text = self.footer(number, total) if self.footer else ""
            # Footers are our own words: only the fonts every page has may draw them.
            text = "".join(ch if any(f.has(ord(ch)) for f in base) else "?" for ch in text)
            operators = b""
            if text:
                size = 8.0
                x = (self.size[0] - self.fonts.width(text, size)) / 2
                runs = b" ".join(
                    b"/SF%d %.2f Tf <%s> Tj" % (run.font.ref, size, run.hex.encode())
                    for run in self.fonts.runs(text)
                )
                operators = b"BT 0.3 g %.2f 24 Td %s ET" % (x, runs)
            self.write_stream(ref, operators)
        for font in self.fonts.fonts:
            if font.ref is not None:
                self._write_font(font)
        self.write_object(
            self._pages_ref,
            serialise(
                {"Type": Name("Pages"), "Kids": [Ref(r) for r in self._pages], "Count": total}
            ),
        )
        info = self.add_object(
            {
                "Title": self.title,
                "Author": self.author,
                "Producer": "Sori",
                "CreationDate": datetime.now().astimezone().strftime("D:%Y%m%d%H%M%S"),
            }
        )
        catalog = self.add_object(
            {"Type": Name("Catalog"), "Pages": self._pages_ref, "Lang": self.language}
        )
        xref_at = self._position
        count = len(self._offsets)
        lines = [b"xref\n0 %d\n0000000000 65535 f \n" % count]
        lines += [b"%010d 00000 n \n" % offset for offset in self._offsets[1:]]
        self._write(b"".join(lines))
        file_id = self._digest.hexdigest()[:32].encode()
        trailer = {
            "Size": count,
            "Root": catalog,
            "Info": info,
            "ID": [b"<" + file_id + b">", b"<" + file_id + b">"],
        }
        self._write(b"trailer\n" + serialise(trailer) + b"\nstartxref\n%d\n%%%%EOF\n" % xref_at)
        return total

    def _write_font(self, font: Font) -> None:
        gids = sorted(font.used)
        base = Name(f"{subset_tag(gids)}+{font.name}")
        program = subset_program(font, gids)
        file_ref = self.reserve()
        self.write_stream(file_ref, program, {"Length1": len(program)})
        descriptor = self.add_object(
            {
                "Type": Name("FontDescriptor"),
                "FontName": base,
                "Flags": 4,
                "FontBBox": font.bbox,
                "ItalicAngle": 0,
                "Ascent": font.ascent,
                "Descent": font.descent,
                "CapHeight": font.cap_height,
                "StemV": 80,
                "FontFile2": file_ref,
            }
        )
        cid_font = self.add_object(
            {
                "Type": Name("Font"),
                "Subtype": Name("CIDFontType2"),
                "BaseFont": base,
                "CIDSystemInfo": {"Registry": "Adobe", "Ordering": "Identity", "Supplement": 0},
                "FontDescriptor": descriptor,
                "W": cid_widths(font, gids),
                "CIDToGIDMap": Name("Identity"),
            }
        )
        to_unicode = self.reserve()
        self.write_stream(to_unicode, to_unicode_cmap(font.used))
        self.write_object(
            font.ref,
            serialise(
                {
                    "Type": Name("Font"),
                    "Subtype": Name("Type0"),
                    "BaseFont": base,
                    "Encoding": Name("Identity-H"),
                    "DescendantFonts": [cid_font],
                    "ToUnicode": to_unicode,
                }
            ),
        )


def _copy(value, ref_for) -> bytes:
    """A pypdf object as PDF bytes, its references renumbered through ``ref_for``."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

    if isinstance(value, IndirectObject):
        return serialise(ref_for(value))
    if isinstance(value, Ref):
        return serialise(value)
    if isinstance(value, dict | DictionaryObject):
        parts = []
        for key, item in value.items():
            if key in ("/Parent", "/P") and not isinstance(item, Ref):
                continue  # the page tree is ours; annotations must not pull in theirs
            parts.append(_name_bytes(key) + b" " + _copy(item, ref_for))
        return b"<< " + b" ".join(parts) + b" >>"
    if isinstance(value, list | ArrayObject):
        return b"[" + b" ".join(_copy(item, ref_for) for item in value) + b"]"
    if not hasattr(value, "write_to_stream") or (
        isinstance(value, Name) and not isinstance(value, NameObject)
    ):
        return serialise(value)
    out = BytesIO()
    value.write_to_stream(out)
    return out.getvalue()


def _raw_stream_data(stream) -> bytes:
    """A pypdf stream's bytes as stored (still encoded), through its public writer.

    Copied as they are, so images and font programs are not decoded and compressed
    again. pypdf writes ``<<dictionary>>\nstream\n<data>\nendstream`` and escapes line
    breaks inside the dictionary's strings, so the first ``\nstream\n`` ends it.
    """
    out = BytesIO()
    stream.write_to_stream(out)
    written = out.getvalue()
    start = written.index(b"\nstream\n") + len(b"\nstream\n")
    if not written.endswith(b"\nendstream"):
        raise ValueError("pypdf wrote a stream in an unexpected form")
    return written[start : -len(b"\nendstream")]


def _name_bytes(key) -> bytes:
    from pypdf.generic import NameObject

    out = BytesIO()
    NameObject(key if key.startswith("/") else "/" + key).write_to_stream(out)
    return out.getvalue()
