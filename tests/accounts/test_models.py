import pytest
from django.db import IntegrityError

from accounts import notices
from accounts.models import AppendOnlyError, ConsentRecord, Supporter, User
from accounts.services import get_or_create_supporter, record_consent
from lib.text import canonical_email, email_key, full_name, initials
from tests.factories import SupporterFactory


@pytest.mark.parametrize(
    ("address", "key"),
    [
        ("  Ji.Woo.Kim+nsl@Gmail.com ", "jiwookim@gmail.com"),
        ("jiwookim@googlemail.com", "jiwookim@gmail.com"),
        ("alex+petition@fastmail.com", "alex@fastmail.com"),
        ("a.b+c@example.org", "a.b+c@example.org"),  # unknown provider: tags may matter
        ("kim.jiwoo@naver.com", "kim.jiwoo@naver.com"),
    ],
)
def test_email_key_folds_aliases_of_one_mailbox_only(address, key):
    assert email_key(address) == key


def test_canonical_email_trims_and_lowercases():
    assert canonical_email("  Alice@Example.ORG ") == "alice@example.org"


def test_initials():
    assert initials("Ji-woo", "Kim") == "J. K."
    assert initials("Alex", "") == "A."


def test_hangul_initials_show_the_family_name_and_mask_the_given_name():
    assert initials("지우", "김") == "김**"
    assert initials(" 민 ", "남궁") == "남궁*"
    assert initials("지우", "") == "지*"
    assert initials("Ji-woo", "김") == "J. 김."  # mixed scripts: the Western way


def test_full_names_in_hangul_read_family_name_first_without_a_space():
    assert full_name("지우", "김") == "김지우"
    assert full_name("Ji-woo", "Kim") == "Ji-woo Kim"
    assert full_name("Ji-woo", "") == "Ji-woo"
    assert full_name("지우", "Kim") == "지우 Kim"
    assert Supporter(first_name="지우", last_name="김").full_name == "김지우"


def test_user_logs_in_by_email_without_username(db):
    user = User.objects.create_user("  Min@Example.org", "pw-long-enough")

    assert user.email == "min@example.org"
    assert User.USERNAME_FIELD == "email"
    assert not hasattr(user, "username")
    with pytest.raises(IntegrityError):
        User.objects.create_user("MIN@example.org", "pw-long-enough")


def test_supporter_is_one_row_per_canonical_email(db):
    first, created = get_or_create_supporter(
        email="Ji.Woo@Gmail.com", defaults={"first_name": "Ji-woo"}
    )
    again, created_again = get_or_create_supporter(email=" ji.woo@gmail.com ")

    assert (created, created_again) == (True, False)
    assert first == again
    assert Supporter.objects.count() == 1
    assert first.email == "ji.woo@gmail.com"
    assert first.email_key == "jiwoo@gmail.com"
    assert list(Supporter.objects.same_mailbox("jiwoo+x@googlemail.com")) == [first]


def test_consent_records_are_append_only(db):
    supporter = SupporterFactory()
    record = record_consent(
        supporter=supporter,
        purpose=ConsentRecord.Purpose.UPDATES,
        granted=True,
        notice=notices.UPDATES,
        source="petition:x",
    )

    record.granted = False
    with pytest.raises(AppendOnlyError):
        record.save()
    with pytest.raises(AppendOnlyError):
        ConsentRecord.objects.filter(pk=record.pk).update(granted=False)

    assert ConsentRecord.objects.get(pk=record.pk).granted is True
    assert record.notice_text == str(notices.UPDATES.text)
    assert record.notice_version == notices.UPDATES.version


def test_latest_consent_decides(db):
    supporter = SupporterFactory()
    record_consent(supporter=supporter, purpose="updates", granted=True, notice=notices.UPDATES)
    assert supporter.has_consent("updates") is True

    record_consent(supporter=supporter, purpose="updates", granted=False, notice=notices.UPDATES)

    assert supporter.has_consent("updates") is False
    assert supporter.consents.filter(purpose="updates").count() == 2
