"""Country lists read in the reader's alphabetical order: 가나다 on Korean pages."""

import copy

from django.utils import translation
from pyuca import Collator

from letters.forms import LetterForm
from petitions.signing.forms import SignForm

COLLATOR = Collator()


def _names(field) -> list[str]:
    # A fresh copy, as each form instance gets: the choices are read in the active language.
    return [str(name) for code, name in copy.deepcopy(field).choices if code]


def _check_order(names: list[str]) -> None:
    # Korea first (COUNTRIES_FIRST), then every country in collation order.
    assert names[0] in ("대한민국", "South Korea")
    rest = names[1:]
    assert rest == sorted(rest, key=COLLATOR.sort_key)
    assert len(rest) > 240


def test_sign_form_lists_countries_in_korean_order_on_korean_pages():
    with translation.override("ko"):
        names = _names(SignForm.base_fields["country"])

    _check_order(names)
    assert names[1:6] == ["가나", "가봉", "가이아나", "감비아", "건지"]
    assert names.index("그리스") < names.index("나이지리아") < names.index("독일")


def test_sign_form_lists_countries_in_english_order_on_english_pages():
    with translation.override("en"):
        names = _names(SignForm.base_fields["country"])

    _check_order(names)
    assert names[1:4] == ["Afghanistan", "Åland Islands", "Albania"]


def test_letter_form_lists_countries_in_korean_order():
    with translation.override("ko"):
        names = _names(LetterForm.base_fields["country"])

    _check_order(names)
    assert names[1] == "가나"
