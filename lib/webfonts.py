"""The Korean web font: Nanum Gothic, subset and split so a page loads only what it shows.

Run ``python -m lib.webfonts /usr/share/fonts/truetype/nanum static/fonts`` (Debian's
``fonts-nanum``) to rebuild the files in ``static/fonts/`` and print the ``@font-face``
rules that ``static/css/sori.css`` holds between its "web fonts" markers. Nothing
imports this at run time.

The family is renamed "Sori Gothic", because Nanum's licence (SIL OFL 1.1) reserves
its names for unmodified fonts. Each weight (400, 700) is cut into slices, each with a
``unicode-range`` that names exactly the characters it holds, so the browser fetches a
slice only when a page shows one of its characters and never two slices for one
character:

- ``ui``: the Hangul that every page's header shows (the mark 소리 and the language
  button 한국어), a few kilobytes, so English pages fetch nothing bigger;
- ``common``: the 2,350 syllables of KS X 1001 (the set every Korean keyboard, font
  and legacy encoding has; every syllable of the catalogue and the demo content), the
  compatibility jamo and the CJK punctuation: the first view of a Korean page;
- ``ext1`` ... ``ext6``: the other 8,822 syllables of Unicode, by code point, fetched
  only for a page that shows one (a rare name such as 똠 or 햏).
"""

import argparse
import io
import sys
from collections.abc import Iterable
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

FAMILY = "Sori Gothic"
WEIGHTS = {400: "NanumGothic.ttf", 700: "NanumGothicBold.ttf"}
FILE_STEM = {400: "SoriGothic-Regular", 700: "SoriGothic-Bold"}
UI_TEXT = "소리한국어"
# Hangul compatibility jamo, CJK symbols and punctuation (「」『』〈〉・〜…), halfwidth and
# fullwidth forms.
COMMON_EXTRA = [*range(0x3131, 0x318F), *range(0x3000, 0x3040), *range(0xFF01, 0xFF5F)]
SYLLABLES = range(0xAC00, 0xD7A4)
EXTENDED_SLICES = 6


def ks_x_1001_syllables() -> list[int]:
    """The 2,350 precomposed syllables of KS X 1001 (two bytes in EUC-KR)."""
    return [code for code in SYLLABLES if len(chr(code).encode("euc_kr")) == 2]


def slices() -> dict[str, list[int]]:
    """Each slice's name and code points, disjoint, together every Hangul syllable."""
    ui = sorted({ord(char) for char in UI_TEXT})
    common = sorted(set(ks_x_1001_syllables()) - set(ui)) + COMMON_EXTRA
    known = set(ui) | set(common)
    rest = [code for code in SYLLABLES if code not in known]
    size = -(-len(rest) // EXTENDED_SLICES)
    result = {"ui": ui, "common": sorted(common)}
    for number in range(EXTENDED_SLICES):
        result[f"ext{number + 1}"] = rest[number * size : (number + 1) * size]
    return result


def unicode_range(codes: Iterable[int]) -> str:
    """Code points as CSS ``unicode-range`` runs: "U+AC00-AC01,U+AC04"."""
    runs: list[list[int]] = []
    for code in sorted(codes):
        if runs and runs[-1][1] == code - 1:
            runs[-1][1] = code
        else:
            runs.append([code, code])
    return ",".join(f"U+{a:X}" if a == b else f"U+{a:X}-{b:X}" for a, b in runs)


def _rename(font: TTFont, weight: int) -> None:
    style = "Bold" if weight == 700 else "Regular"
    names = {
        1: FAMILY,
        2: style,
        3: f"{FAMILY.replace(' ', '')}-{style};subset",
        4: f"{FAMILY} {style}",
        6: f"{FAMILY.replace(' ', '')}-{style}",
        16: FAMILY,
        17: style,
    }
    table = font["name"]
    for record in list(table.names):
        if record.nameID in (1, 2, 3, 4, 6, 16, 17):
            table.removeNames(nameID=record.nameID)
    for name_id, text in names.items():
        table.setName(text, name_id, 3, 1, 0x409)
        table.setName(text, name_id, 1, 0, 0)


def subset_font(source: Path, codes: list[int], weight: int) -> bytes:
    """One slice of one weight as WOFF2: no hinting (browsers smooth outlines anyway)."""
    options = subset.Options()
    options.flavor = "woff2"
    options.hinting = False
    options.desubroutinize = True
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    font = subset.load_font(str(source), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=codes)
    subsetter.subset(font)
    _rename(font, weight)
    out = io.BytesIO()
    subset.save_font(font, out, options)
    return out.getvalue()


def font_face_css(names: Iterable[str]) -> str:
    """The ``@font-face`` rules, one per slice and weight, in no order that matters
    (the slices' ranges do not overlap)."""
    parts = slices()
    rules = []
    for weight in WEIGHTS:
        for name in names:
            rules.append(
                f'@font-face {{ font-family: "{FAMILY}"; font-weight: {weight}; '
                "font-display: swap; "
                f'src: url("../fonts/{FILE_STEM[weight]}-{name}.woff2") format("woff2"); '
                f"unicode-range: {unicode_range(parts[name])}; }}"
            )
    return "\n".join(rules)


def build(source_dir: Path, out_dir: Path) -> dict[str, int]:
    """Write every slice of every weight; returns each file's size in bytes."""
    sizes = {}
    for weight, filename in WEIGHTS.items():
        for name, codes in slices().items():
            data = subset_font(source_dir / filename, codes, weight)
            target = out_dir / f"{FILE_STEM[weight]}-{name}.woff2"
            target.write_bytes(data)
            sizes[target.name] = len(data)
    return sizes


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source_dir", type=Path, help="folder holding NanumGothic*.ttf")
    parser.add_argument("out_dir", type=Path, help="static/fonts")
    arguments = parser.parse_args(argv)
    for name, size in build(arguments.source_dir, arguments.out_dir).items():
        print(f"/* {name}: {size:,} bytes */", file=sys.stderr)
    print(font_face_css(slices()))


if __name__ == "__main__":
    main()
