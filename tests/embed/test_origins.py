"""The allowlist of sites that may frame a campaign's embeds."""

import pytest
from django.core.exceptions import ValidationError

from lib.embed import parse_origins


def test_origins_are_normalised_one_per_line():
    text = "https://Partner.example.org/\n\n  https://news.example:8443 \nhttp://localhost:8001\nhttp://127.0.0.1\nhttps://partner.example.org"

    assert parse_origins(text) == [
        "https://partner.example.org",
        "https://news.example:8443",
        "http://localhost:8001",
        "http://127.0.0.1",
    ]


def test_empty_means_no_site_and_star_means_every_site():
    assert parse_origins("") == []
    assert parse_origins(" * ") == ["*"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "http://partner.example.org",
            "“http://partner.example.org” must start with https:// (http:// is allowed for "
            "localhost only).",
        ),
        (
            "partner.example.org",
            "“partner.example.org” is not an origin. Write it as https://example.org.",
        ),
        (
            "https://partner.example.org/page",
            "“https://partner.example.org/page” has more than an origin: leave out any path, "
            "query or user name (https://example.org, not https://example.org/page).",
        ),
        (
            "https://*.example.org",
            "“https://*.example.org”: list each site; a wildcard is allowed only as “*” alone.",
        ),
        (
            "*\nhttps://partner.example.org",
            "“*” lets every site frame the embeds: write it alone, or list the sites.",
        ),
        (
            "javascript:alert(1)",
            "“javascript:alert(1)” is not an origin. Write it as https://example.org.",
        ),
        (
            "https://a.example; script-src *",
            "“https://a.example; script-src *” is not an origin. Write it as https://example.org.",
        ),
    ],
)
def test_bad_lines_are_refused_with_a_clear_message(text, message):
    with pytest.raises(ValidationError) as raised:
        parse_origins(text)

    assert raised.value.messages == [message]


def test_every_bad_line_is_named():
    with pytest.raises(ValidationError) as raised:
        parse_origins("ftp://a.example\nhttps://ok.example\nnot one")

    assert len(raised.value.messages) == 2
