"""Our TrueType fonts for ``lib.pdfstream``: glyph look-up, fallbacks, subset embedding.

A character is drawn with the first font of a ``FontSet`` that has it; characters none
of our fonts has are looked up through fontconfig, and drawn as the missing-glyph box
if no installed font has them either. Each font records the glyphs drawn with it, so
that only those are embedded (``subset_program``), with a ``ToUnicode`` map
(``to_unicode_cmap``) so the text can be searched and copied.
"""

import hashlib
import logging
import shutil
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from io import BytesIO

from fontTools import subset
from fontTools.ttLib import TTFont

logger = logging.getLogger(__name__)


class Font:
    """A TrueType font to draw with: glyph look-up, advance widths, subset embedding."""

    def __init__(self, data: bytes, *, name: str, font_number: int = 0):
        self.data = data
        self.font_number = font_number
        self.name = "".join(ch for ch in name if ch.isalnum())[:40] or "Font"
        font = TTFont(BytesIO(data), fontNumber=font_number, lazy=True)
        if "glyf" not in font:
            raise ValueError(f"{name}: only TrueType outlines can be embedded")
        scale = 1000 / font["head"].unitsPerEm
        order = {glyph: gid for gid, glyph in enumerate(font.getGlyphOrder())}
        metrics = font["hmtx"].metrics
        self.glyphs: dict[int, tuple[int, float]] = {}
        for code, glyph in font.getBestCmap().items():
            self.glyphs[code] = (order[glyph], metrics[glyph][0] * scale)
        self.missing_width = metrics[font.getGlyphOrder()[0]][0] * scale
        head, hhea, os2 = font["head"], font["hhea"], font.get("OS/2")
        self.bbox = [round(v * scale) for v in (head.xMin, head.yMin, head.xMax, head.yMax)]
        self.ascent = round(hhea.ascent * scale)
        self.descent = round(hhea.descent * scale)
        self.cap_height = round(getattr(os2, "sCapHeight", 0) * scale) if os2 else self.ascent
        self.used: dict[int, tuple[float, str]] = {}  # gid -> (width, text)
        self.ref: int | None = None  # its object number, once a page uses it

    def has(self, code: int) -> bool:
        return code in self.glyphs


@dataclass
class _Run:
    font: Font
    hex: str
    width: float  # in 1/1000 of the font size


class FontSet:
    """Fonts in order of preference, plus fallbacks found through fontconfig."""

    def __init__(self, fonts: Sequence[Font], *, fallback: bool = True):
        self.fonts = list(fonts)
        self._fallback = fallback and shutil.which("fc-match") is not None
        self._by_code: dict[int, Font | None] = {}
        self._fallback_files: dict[tuple[str, int], Font] = {}
        self._runs: dict[str, list[_Run]] = {}

    def font_for(self, code: int) -> Font | None:
        try:
            return self._by_code[code]
        except KeyError:
            pass
        font = next((f for f in self.fonts if f.has(code)), None)
        if font is None and self._fallback and code > 0x20:
            font = self._find_fallback(code)
        self._by_code[code] = font
        return font

    def _find_fallback(self, code: int) -> Font | None:
        try:
            # fc-match with fixed arguments (a code point in hex): nothing from outside.
            command = ["fc-match", "-f", "%{file}\n%{index}", f":charset={code:x}"]
            found = subprocess.run(  # noqa: S603
                command,
                capture_output=True,
                text=True,
                timeout=5,
                check=True,
            ).stdout.split("\n")
            path, index = found[0], int(found[1] or 0)
        except (OSError, subprocess.SubprocessError, ValueError, IndexError):
            return None
        key = (path, index)
        if key not in self._fallback_files:
            try:
                with open(path, "rb") as handle:
                    font = Font(
                        handle.read(),
                        name=f"Fallback{len(self._fallback_files)}",
                        font_number=index,
                    )
            except (OSError, ValueError, KeyError, AttributeError) as error:
                logger.info("No usable fallback font for U+%04X (%s): %s", code, path, error)
                return None
            self._fallback_files[key] = font
            self.fonts.append(font)
        font = self._fallback_files[key]
        return font if font.has(code) else None

    def runs(self, text: str) -> list[_Run]:
        """``text`` as runs of one font each, with glyph ids in hex and widths."""
        cached = self._runs.get(text)
        if cached is not None:
            return cached
        runs: list[_Run] = []
        first = self.fonts[0]
        for char in text:
            code = ord(char)
            font = self.font_for(code)
            if font is None or (char == " " and runs and runs[-1].font.has(code)):
                font = runs[-1].font if runs and (font is None or char == " ") else first
            gid, width = font.glyphs.get(code, (0, font.missing_width))
            font.used.setdefault(gid, (width, char))
            if runs and runs[-1].font is font:
                runs[-1].hex += f"{gid:04x}"
                runs[-1].width += width
            else:
                runs.append(_Run(font, f"{gid:04x}", width))
        if len(self._runs) < 20_000:
            self._runs[text] = runs
        return runs

    def width(self, text: str, size: float) -> float:
        return sum(run.width for run in self.runs(text)) * size / 1000


def subset_program(font: Font, gids: Iterable[int]) -> bytes:
    """The font with only the glyphs drawn (glyph ids kept, so the content stays valid)."""
    options = subset.Options()
    options.retain_gids = True
    options.notdef_outline = True
    options.layout_features = []
    options.hinting = False
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6]
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "DSIG", "kern"]
    tt = TTFont(BytesIO(font.data), fontNumber=font.font_number)
    subsetter = subset.Subsetter(options)
    subsetter.populate(gids=[0, *gids])
    subsetter.subset(tt)
    out = BytesIO()
    tt.save(out)
    return out.getvalue()


def to_unicode_cmap(used: dict[int, tuple[float, str]]) -> bytes:
    entries = [
        f"<{gid:04x}> <{text.encode('utf-16-be').hex()}>"
        for gid, (_width, text) in sorted(used.items())
    ]
    blocks = []
    for start in range(0, len(entries), 100):
        chunk = entries[start : start + 100]
        blocks.append(f"{len(chunk)} beginbfchar\n" + "\n".join(chunk) + "\nendbfchar")
    return (
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
        + "\n".join(blocks)
        + "\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"
    ).encode("ascii")


def subset_tag(gids: Iterable[int]) -> str:
    """Six capital letters naming a subset (``ABCDEF+Name``), derived from its glyphs."""
    digest = hashlib.sha256(repr(list(gids)).encode()).hexdigest()[:6]
    return "".join(chr(65 + int(c, 16) % 26) for c in digest)


def cid_widths(font: Font, gids: Sequence[int]) -> list:
    """The ``W`` array of a CID font: runs of consecutive glyph ids and their widths."""
    widths: list = []
    for gid in gids:
        width = round(font.used[gid][0])
        if widths and widths[-2] + len(widths[-1]) == gid:
            widths[-1].append(width)
        else:
            widths += [gid, [width]]
    return widths
