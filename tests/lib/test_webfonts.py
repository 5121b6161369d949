"""The Korean web font: its slices cover every syllable once, the stylesheet matches
them, and a Korean page's first view stays under 400 KB."""

import re
from io import BytesIO
from pathlib import Path

import polib
from django.conf import settings
from fontTools.ttLib import TTFont

from lib import webfonts

BASE = Path(settings.BASE_DIR)
FONTS = BASE / "static" / "fonts"
HANGUL = re.compile("[\uac00-\ud7a3]")
FIRST_VIEW = ("ui", "common")


def test_slices_are_disjoint_and_hold_every_syllable():
    parts = webfonts.slices()
    every = [code for codes in parts.values() for code in codes]

    assert len(every) == len(set(every))
    assert {c for c in every if 0xAC00 <= c <= 0xD7A3} == set(range(0xAC00, 0xD7A4))
    assert len(webfonts.ks_x_1001_syllables()) == 2350
    assert [chr(c) for c in parts["ui"]] == sorted("소리한국어")


def test_each_file_holds_exactly_its_slice():
    parts = webfonts.slices()
    for stem in webfonts.FILE_STEM.values():
        for name, codes in parts.items():
            font = TTFont(BytesIO((FONTS / f"{stem}-{name}.woff2").read_bytes()))
            hangul = {c for c in font.getBestCmap() if 0xAC00 <= c <= 0xD7A3}

            assert hangul == {c for c in codes if 0xAC00 <= c <= 0xD7A3}, (stem, name)
            assert font["name"].getDebugName(1) == "Sori Gothic"


def test_the_stylesheet_declares_the_slices():
    css = (BASE / "static" / "css" / "fonts.css").read_text()

    assert webfonts.font_face_css(webfonts.slices()) in css


def test_first_view_of_a_korean_page_is_under_400_kb():
    first_view = sum(
        (FONTS / f"{stem}-{name}.woff2").stat().st_size
        for stem in webfonts.FILE_STEM.values()
        for name in FIRST_VIEW
    )

    assert first_view < 400_000


def test_catalogue_and_demo_content_need_only_the_first_view():
    """Every syllable the interface and the demo content print is in the common slice,
    so they never fetch an extra slice (a rare syllable still shows, one slice later)."""
    first_view = {code for name in FIRST_VIEW for code in webfonts.slices()[name]}
    catalogue = polib.pofile(str(BASE / "locale/ko/LC_MESSAGES/django.po"))
    texts = [entry.msgstr for entry in catalogue]
    for path in [*BASE.glob("*/demo.py"), *BASE.glob("templates/**/*.html")]:
        texts.append(path.read_text())

    used = {ord(char) for text in texts for char in HANGUL.findall(text)}

    assert sorted(chr(c) for c in used - first_view) == []
