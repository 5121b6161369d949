import pytest
from django.core.exceptions import ValidationError

from lib.names import clean_name, skeleton

REAL_NAMES = [
    "Ji-woo Kim",
    "김지우",
    "남궁민",
    "O'Brien",
    "J. K. Rowling",
    "J.R.R. Tolkien",
    "St. John",
    "Anne-Marie",
    "Nguyễn Thị Minh",
    "Mary Jr.",
    "李小龍",
    "Иван Петров",
    "Σωκράτης",
    "محمد\u200cرضا",  # noqa: RUF001 - a zero-width non-joiner belongs in Persian names
    "葛\U000e0100",  # an ideographic variation selector picks the kanji's form
]


@pytest.mark.parametrize("name", REAL_NAMES)
def test_real_names_pass_unchanged(name):
    assert clean_name(name) == name


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("\uff2a\uff49-\uff57\uff4f\uff4f", "Ji-woo"),
        ("Kim  Ji\u3000woo", "Kim Ji woo"),
        ("ﾃｽﾄ", "テスト"),
    ],
)
def test_names_are_nfkc_normalised_with_spaces_collapsed(typed, kept):
    assert clean_name(typed) == kept


@pytest.mark.parametrize(
    "name",
    [
        "bit.ly/3abc",
        "evil.co/login",
        "\uff45\uff56\uff49\uff4c.\uff43\uff4f\uff4d",  # fullwidth
        "evil.c\u043em",  # Cyrillic o
        "\u0435vil.com",  # Cyrillic e
        "evil\u3002com",  # ideographic full stop, a dot to IDNA
        "evil\ua4f8com",  # Lisu tone mark that looks like a dot
        "e\u0301vil.com",
        "evil.c\u200dom",
        "김지우.com",
        "t.co",
        "www.example",
        "Visit https://spam.example",
        "me@example.org",
        "me\uff20example",
        "x.y/z",
    ],
)
def test_names_that_read_as_addresses_are_refused(name):
    with pytest.raises(ValidationError) as refused:
        clean_name(name)

    assert refused.value.code == "not_a_name"
    assert refused.value.messages == [
        "Please enter just your name, without web addresses or email addresses."
    ]


@pytest.mark.parametrize(
    "name",
    [
        "Ji\u202ewoo",  # right-to-left override
        "Ji\u2066woo\u2069",  # isolate
        "Ji-woo\u200e",  # left-to-right mark
        "Ji\u061cwoo",  # Arabic letter mark
        "Ji\u200bwoo",  # zero-width space
        "Ji\u00adwoo",  # soft hyphen
        "Ji\x1b[31mwoo",  # terminal escape
        "Ji\nwoo",
        "Ji\u2028woo",  # line separator
        "\u3164",  # Hangul filler, a blank "name"
        "\u200d",  # a joiner on its own
        "\ufe0f",  # a variation selector on its own
        "\U000e0041",  # tag character
    ],
)
def test_names_with_hidden_characters_are_refused(name):
    with pytest.raises(ValidationError) as refused:
        clean_name(name)

    assert refused.value.code == "invisible_characters"
    assert refused.value.messages == [
        "Your name contains invisible or control characters. Please type it again without them."
    ]


def test_an_empty_name_is_left_to_the_field_to_require():
    assert clean_name("") == ""


def test_skeleton_folds_look_alikes_to_latin():
    assert skeleton("\u0405OR\u0399.\uff23\u043em") == "sorl.com"
