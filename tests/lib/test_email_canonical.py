import pytest
from django.core.exceptions import ValidationError

from lib.forms import EmailAddressField
from lib.text import InvalidEmail, canonical_email, email_key

# One gmail mailbox, spelt as Django's EmailValidator lets it through.
ZW2_SPELLINGS = [
    "zw2@gmail.com",
    "zw2@\uff47\uff4d\uff41\uff49\uff4c.com",  # fullwidth "gmail"
    "zw2@gm\u00adail.com",  # soft hyphen
    "zw2@g\u2060mail.com",  # word joiner
    "zw2@gmail.c\ufe0fom",  # variation selector
    '"zw2"@gmail.com',  # quoted local part that needs no quotes
    "zw2@gmail.com\u200c",  # zero-width non-joiner
    " ZW2@Gmail.COM\ufeff",  # case, spaces and a byte-order mark
]
UNCANONICAL = "Enter an email address that can receive mail, without hidden or unusual characters."


@pytest.mark.parametrize("spelling", ZW2_SPELLINGS)
def test_canonical_email_folds_every_spelling_of_one_mailbox(spelling):
    assert canonical_email(spelling) == "zw2@gmail.com"


def test_canonical_email_writes_an_international_domain_in_punycode():
    assert canonical_email("idn@예시.한국") == "idn@xn--vv4b11d.xn--3e0b707e"
    assert canonical_email("IDN@XN--VV4B11D.XN--3E0B707E") == "idn@xn--vv4b11d.xn--3e0b707e"


def test_canonical_email_keeps_a_hangul_local_part_normalised():
    # "지우" typed as conjoining jamo (NFD) is the same two syllables.
    assert canonical_email("\u110c\u1175\u110b\u116e@예시.한국") == "지우@xn--vv4b11d.xn--3e0b707e"
    assert canonical_email("\uff2a\uff29지우@example.org")  # fullwidth "JI" == "ji지우@example.org"


@pytest.mark.parametrize(
    "address",
    [
        "zw2\x00@gmail.com",  # NUL
        "zw2@gmail.com\x7f",  # DEL
        "zw\t2@gmail.com",  # tab
        '"zw 2"@gmail.com',  # a quoted local part that cannot lose its quotes
        '"zw2@x"@gmail.com',
        "zw2@[192.0.2.1]",  # a domain literal
        "zw2@gmail..com",
        "zw2.@gmail.com",
        "zw2",
        "",
    ],
)
def test_canonical_email_refuses_what_has_no_canonical_form(address):
    with pytest.raises(InvalidEmail):
        canonical_email(address)


def test_email_key_folds_gmail_aliases_of_the_canonical_form():
    assert (
        email_key("Z.W.2+petitions@\uff47\uff4f\uff4f\uff47\uff4c\uff45mail.com") == "zw2@gmail.com"
    )


@pytest.mark.parametrize("spelling", ZW2_SPELLINGS)
def test_email_address_field_cleans_to_the_canonical_form(spelling):
    assert EmailAddressField().clean(spelling) == "zw2@gmail.com"


# Each passes Django's EmailValidator; none has one canonical spelling.
@pytest.mark.parametrize(
    "address", ['"zw2@x"@gmail.com', '"zw2\x01"@gmail.com', "zw2@[192.0.2.1]", "zw2@mail.test"]
)
def test_email_address_field_refuses_an_address_with_no_canonical_form(address):
    with pytest.raises(ValidationError) as raised:
        EmailAddressField().clean(address)

    assert raised.value.messages == [UNCANONICAL]
