"""Particles after names and places: the rule of the final consonant (받침)."""

import pytest
from django.template import Context, Template

from lib.text import josa


@pytest.mark.parametrize(
    ("word", "pair", "expected"),
    [
        ("김민준", "은/는", "김민준은"),
        ("이서연", "은/는", "이서연은"),
        ("박지우", "은/는", "박지우는"),
        ("김민준", "이/가", "김민준이"),
        ("박지우", "이/가", "박지우가"),
        ("청원", "을/를", "청원을"),
        ("편지", "을/를", "편지를"),
        ("법무부", "과/와", "법무부와"),
        ("국회", "과/와", "국회와"),
        ("고용노동부", "과/와", "고용노동부와"),
        ("대한민국", "과/와", "대한민국과"),
    ],
)
def test_josa_follows_the_final_consonant(word, pair, expected):
    assert josa(word, pair) == expected


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("서울", "서울로"),  # ㄹ final takes 로, like a vowel
        ("부산", "부산으로"),
        ("인천", "인천으로"),  # ㄴ final
        ("대구", "대구로"),
        ("세종", "세종으로"),
    ],
)
def test_euro_ro_treats_rieul_as_a_vowel(word, expected):
    assert josa(word, "으로/로") == expected


@pytest.mark.parametrize(
    ("word", "pair", "expected"),
    [
        ("3", "을/를", "3을"),  # 삼
        ("2", "을/를", "2를"),  # 이
        ("10", "이/가", "10이"),  # 십
        ("1", "으로/로", "1로"),  # 일: ㄹ
        ("6", "으로/로", "6으로"),  # 육
        ("5", "은/는", "5는"),  # 오
    ],
)
def test_digits_are_read_in_korean(word, pair, expected):
    assert josa(word, pair) == expected


def test_closing_quotes_and_brackets_are_skipped():
    assert josa("“평화 청원”", "을/를") == "“평화 청원”을"
    assert josa("「국가보안법」", "은/는") == "「국가보안법」은"
    assert josa("김지우 (서울)", "이/가") == "김지우 (서울)이"


def test_latin_and_symbols_give_both_forms():
    assert josa("Sori", "은/는") == "Sori은(는)"
    assert josa("₩", "을/를") == "₩을(를)"
    assert josa("", "이/가") == "이(가)"


def test_an_unknown_pair_is_refused():
    with pytest.raises(ValueError, match="Unknown particle pair"):
        josa("김지우", "에/에서")


def test_template_filter_attaches_the_particle():
    template = Template(
        '{% load korean %}{{ a|josa:"은/는" }} {{ b|josa:"은/는" }} {{ c|josa:"으로/로" }}'
    )

    rendered = template.render(Context({"a": "김민준", "b": "박지우", "c": "서울"}))

    assert rendered == "김민준은 박지우는 서울로"


def test_template_filter_escapes_the_name():
    template = Template('{% load korean %}{{ a|josa:"이/가" }}')

    assert template.render(Context({"a": "<김지우 & 박지우"})) == "&lt;김지우 &amp; 박지우가"
