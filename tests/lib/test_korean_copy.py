"""Korean copy as KOREAN.md asks: no particle placeholders, no 귀하, no calques, and
every translation keeps its original's placeholders."""

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings

from lib.compile_messages import compile_all

BASE = Path(settings.BASE_DIR)
PO = BASE / "locale" / "ko" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
# "은(는)", "이(가)", "을(를)", "(으)로", "와(과)" and the reversed spellings: the
# fallback a program writes when it does not know the word before the particle.
PARTICLE_PLACEHOLDER = re.compile(
    r"은\(는\)|는\(은\)|이\(가\)|가\(이\)|을\(를\)|를\(을\)|\(으\)로|와\(과\)|과\(와\)"
)
# 귀하 and 당신 address the reader like a tax bill; 행동 for "action" is a calque; 이니셜
# means nothing for a Hangul name; 감사 기록 reads "record of thanks".
AVOIDED = re.compile(r"귀하|당신|행동|이니셜|감사 기록|주소 해시|아포스트로피|레터헤드")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w+\}")


@pytest.fixture(scope="module")
def compiled():
    compile_all(BASE)
    return polib.mofile(str(MO))


def _translations(catalogue) -> list[tuple[str, str]]:
    """(original, translation) pairs; Korean has one plural form, the plural's."""
    pairs = []
    for entry in catalogue:
        if entry.msgid_plural:
            pairs.extend((entry.msgid_plural, text) for text in entry.msgstr_plural.values())
        elif entry.msgstr:
            pairs.append((entry.msgid, entry.msgstr))
    return pairs


def test_compiled_catalogue_has_no_particle_placeholders(compiled):
    found = [text for _msgid, text in _translations(compiled) if PARTICLE_PLACEHOLDER.search(text)]

    assert found == []


def test_templates_have_no_particle_placeholders():
    found = [
        str(path.relative_to(BASE))
        for path in (BASE / "templates").rglob("*")
        if path.suffix in (".html", ".txt") and PARTICLE_PLACEHOLDER.search(path.read_text())
    ]

    assert found == []


def test_compiled_catalogue_avoids_the_words_the_style_guide_avoids(compiled):
    found = [text for _msgid, text in _translations(compiled) if AVOIDED.search(text)]

    assert found == []


def test_every_translation_keeps_the_placeholders_of_its_original(compiled):
    def names(text: str) -> list[str]:
        return sorted(PLACEHOLDER.findall(text))

    # Django's own msgids (in other catalogues) are not ours; only ours are compiled here.
    broken = [
        msgid for msgid, text in _translations(compiled) if msgid and names(msgid) != names(text)
    ]

    assert broken == []


def test_catalogue_has_one_entry_per_message():
    catalogue = polib.pofile(str(PO))
    keys = [(entry.msgctxt, entry.msgid) for entry in catalogue]

    assert len(keys) == len(set(keys))
