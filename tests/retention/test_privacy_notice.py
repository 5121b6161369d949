"""The privacy notice and the consent notices state the retention periods."""

from django.test import Client
from django.utils import translation

from accounts import notices


def test_the_privacy_notice_states_the_periods_in_english(db):
    html = Client().get("/en/privacy/").content.decode()

    assert (
        "Signatures: until you withdraw them or erase your data, and at most 180 days "
        "after the petition closes or is delivered."
    ) in html
    assert "Letters: until you erase your data, and at most 180 days after they are" in html


def test_the_privacy_notice_states_the_periods_in_korean(db):
    html = Client().get("/ko/privacy/").content.decode()

    assert "길어도 청원이 마감되거나 전달된 날부터 180일 동안 보관합니다." in html
    assert "길어도 전달된 날부터 180일 동안 보관합니다." in html
    assert "파기" in html


def test_the_consent_notices_state_the_periods():
    with translation.override("en"):
        petition, letter = str(notices.PETITION.text), str(notices.LETTER.text)
    with translation.override("ko"):
        petition_ko, letter_ko = str(notices.PETITION.text), str(notices.LETTER.text)

    assert "at most 180 days after the petition closes or is delivered" in petition
    assert "at most 180 days after it is delivered" in letter
    assert "전달된 날부터 180일 동안 보관하며" in petition_ko
    assert "전달된 날부터 180일 동안 보관하며" in letter_ko
    assert (notices.PETITION.version, notices.LETTER.version) == (
        "2026-12-petition-v4",
        "2026-12-letter-v3",
    )
