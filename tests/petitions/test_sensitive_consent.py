"""Signing asks a separate, unticked consent for the political opinion it shows (PIPA
제23조), and keeps it as a consent record of its own."""

from django.core import mail
from django.utils import translation

from accounts import notices
from accounts.models import ConsentRecord
from petitions import signatures
from petitions.models import Signature
from tests.petitions.conftest import form_data, sign_url


def test_the_form_offers_the_consent_unticked(client, petition):
    html = client.get(petition.get_absolute_url()).content.decode()

    checkbox = '<input type="checkbox" name="sensitive_consent" required id="id_sensitive_consent">'
    assert checkbox in html
    assert str(notices.SENSITIVE.text) in html


def test_signing_without_the_consent_is_refused_and_stores_nothing(post, petition):
    response = post(sign_url(petition), form_data(sensitive_consent=None))

    assert response.status_code == 400
    assert (
        "To sign, please agree to the processing of your political opinion. "
        "Without it we cannot take your signature."
    ) in response.content.decode()
    assert Signature.objects.count() == 0
    assert ConsentRecord.objects.count() == 0
    assert mail.outbox == []


def test_signing_records_the_notice_and_the_separate_consent(post, petition):
    with translation.override("ko"):
        korean_sign_url = sign_url(petition)
    post(korean_sign_url, form_data(wants_updates="on"))

    records = ConsentRecord.objects.order_by("pk")
    assert [(r.purpose, r.granted, r.notice_version, r.language) for r in records] == [
        ("petition", True, notices.PETITION.version, "ko"),
        ("sensitive", True, notices.SENSITIVE.version, "ko"),
        ("updates", True, notices.UPDATES.version, "ko"),
    ]
    assert records[1].notice_text == (
        "위 안내에 따라 정치적 견해(민감정보)를 포함한 내 정보를 처리하는 데 동의합니다."
    )
    assert {r.source for r in records} == {"petition:free-them"}


def test_withdrawing_withdraws_both_consents(post, petition):
    post(sign_url(petition), form_data())

    signatures.withdraw_signature(signature=Signature.objects.get())

    latest = {
        purpose: ConsentRecord.objects.filter(purpose=purpose).latest("pk").granted
        for purpose in ("petition", "sensitive")
    }
    assert latest == {"petition": False, "sensitive": False}
