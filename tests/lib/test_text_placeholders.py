import pytest

from lib.text import (
    UnknownPlaceholder,
    fill_placeholders,
    find_placeholders,
    unknown_placeholders,
)

VALUES = {"first_name": "Ji-woo", "city": "Busan", "date": "1 May 2026"}


def test_fill_placeholders_replaces_each_known_name():
    text = "I am {first_name} from {city}. Written on {date} in {city}."

    assert fill_placeholders(text, VALUES) == (
        "I am Ji-woo from Busan. Written on 1 May 2026 in Busan."
    )


def test_fill_placeholders_turns_doubled_braces_into_literal_ones():
    assert fill_placeholders("{{first_name}} is {first_name}; }} {{", VALUES) == (
        "{first_name} is Ji-woo; } {"
    )


def test_fill_placeholders_is_one_pass_so_values_that_look_like_placeholders_stay():
    values = {"first_name": "{city}", "city": "{{ settings.SECRET_KEY }}"}

    assert fill_placeholders("{first_name} / {city}", values) == (
        "{city} / {{ settings.SECRET_KEY }}"
    )


def test_template_syntax_is_never_evaluated():
    assert fill_placeholders("{{ request.user }} {first_name}", VALUES) == (
        "{ request.user } Ji-woo"
    )
    with pytest.raises(UnknownPlaceholder) as caught:
        fill_placeholders("{% debug %}", VALUES)
    assert caught.value.names == ["% debug %"]


def test_fill_placeholders_refuses_unknown_names_and_names_them_all():
    with pytest.raises(UnknownPlaceholder) as caught:
        fill_placeholders("Dear {salutation}, I live in {city} ({first name}).", VALUES)

    assert caught.value.names == ["salutation", "first name"]
    assert str(caught.value) == "Unknown placeholder(s): {salutation}, {first name}"


def test_find_placeholders_lists_each_name_once_in_order():
    assert find_placeholders("{city} {first_name} {city} {{date}} { date }") == [
        "city",
        "first_name",
        "date",
    ]


def test_unknown_placeholders_compares_with_the_allowed_names():
    assert unknown_placeholders("{first_name} {town} {x}", ["first_name"]) == ["town", "x"]
    assert unknown_placeholders("", ["first_name"]) == []


def test_a_lone_brace_or_a_long_braced_passage_is_not_a_placeholder():
    text = "a { b and {" + "x" * 41 + "} and {\nline}"

    assert find_placeholders(text) == []
    assert fill_placeholders(text, {}) == text
