"""Korean mail and PDFs: dates as "2026년 12월 2일" in Korea's time, a letter's order
(address then 귀하, date before 올림, place country-first), the line that says who
delivers it, and a receipt's won and tax note."""

from datetime import UTC, datetime
from io import BytesIO

import pytest
from django.core import mail
from pypdf import PdfReader

from donations.emails import send_receipt
from donations.receipts import render_receipt
from letters.models import Letter
from letters.pdf import letter_parts, render_letter
from petitions.signing import emails as petition_emails
from tests.factories import (
    DonationFactory,
    LetterFactory,
    PaymentFactory,
    SignatureFactory,
    SupporterFactory,
    TargetFactory,
)

# 2 December 2026, 00:30 in Seoul: still 1 December in UTC.
LATE_EVENING_UTC = datetime(2026, 12, 1, 15, 30, tzinfo=UTC)


def pdf_text(pdf: bytes) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)
    return " ".join(text.replace("\u2060", "").split())


def korean_letter(**changes) -> Letter:
    fields = {
        "language": "ko",
        "first_name": "지우",
        "last_name": "김",
        "city": "부산",
        "country": "KR",
        "subject": "양심수를 석방해 주십시오",
        "body": "부산에서 편지를 드립니다.\n\n바쁘신 가운데 읽어 주셔서 감사합니다.",
        "written_at": LATE_EVENING_UTC,
        "target": TargetFactory(
            name_ko="법무부 장관",
            salutation_ko="법무부 장관님께",
            postal_address_ko="13809 경기도 과천시 관문로 47\n정부과천청사 1동",
        ),
    }
    fields.update(changes)
    return LetterFactory(**fields)


@pytest.mark.django_db
def test_a_korean_already_signed_mail_gives_the_korean_date_in_korean_time():
    supporter = SupporterFactory(language="ko")
    signature = SignatureFactory(supporter=supporter, created_at=LATE_EVENING_UTC)

    petition_emails.send_already_signed(signature)

    [message] = mail.outbox
    assert "이미 2026년 12월 2일에 서명하셨으므로 바뀐 것은 없습니다." in message.body
    assert "Dec." not in message.body and "2026-12" not in message.body


@pytest.mark.django_db
def test_an_english_already_signed_mail_gives_day_month_year():
    supporter = SupporterFactory(language="en")
    signature = SignatureFactory(supporter=supporter, created_at=LATE_EVENING_UTC)

    petition_emails.send_already_signed(signature)

    assert "You signed it already on 1 December 2026" in mail.outbox[0].body


@pytest.mark.django_db
def test_korean_letter_pdf_reads_in_korean_order():
    letter = korean_letter(personal_paragraph="삼촌이 소책자 때문에 6년을 복역했습니다.")

    text = pdf_text(render_letter(letter))

    # Address first, then the office with 귀하; the date just before "김지우 올림"; a
    # writer in Korea needs no country.
    assert "13809 경기도 과천시 관문로 47 정부과천청사 1동 법무부 장관 귀하" in text
    assert "2026년 12월 2일 김지우 올림 부산" in text
    assert "대한민국" not in text
    # The writer's paragraph comes before the closing thanks, not after it.
    assert text.index("삼촌이 소책자") < text.index("바쁘신 가운데 읽어 주셔서 감사합니다.")
    # A letter the writer posts is only made through us; the personal part is theirs.
    assert (
        "이 편지는 Sori Human Rights Network의 온라인 편지 쓰기를 통해 작성되었습니다. "
        "작성자가 직접 덧붙인 부분은 작성자 개인의 의견입니다."
    ) in text


@pytest.mark.django_db
def test_a_letter_we_deliver_says_so_and_a_letter_without_a_paragraph_says_nothing_of_one():
    letter = korean_letter(delivery=Letter.Delivery.EMAIL, personal_paragraph="")

    text = pdf_text(render_letter(letter))

    assert (
        "이 편지는 Sori Human Rights Network의 온라인 편지 쓰기에 참여한 분이 작성했으며, "
        "작성자의 요청에 따라 Sori Human Rights Network에서 전달합니다."
    ) in text
    assert "덧붙인 부분" not in text


@pytest.mark.django_db
def test_a_korean_writer_abroad_gives_country_first_without_a_comma():
    letter = korean_letter(city="베를린", country="DE")

    assert "2026년 12월 2일 김지우 올림 독일 베를린" in pdf_text(render_letter(letter))


@pytest.mark.django_db
def test_english_letter_keeps_english_order_and_date():
    letter = LetterFactory(
        written_at=LATE_EVENING_UTC,
        target=TargetFactory(name="The Minister of Justice", postal_address="Gwacheon"),
        personal_paragraph="My uncle was jailed for a pamphlet.",
    )

    text = pdf_text(render_letter(letter))

    assert "The Minister of Justice Gwacheon" in text
    assert "1 December 2026" in text
    assert "Yours sincerely, Ji-woo Kim Busan, South Korea" in text
    assert [part["personal"] for part in letter_parts(letter)] == [False, True, False]


@pytest.mark.django_db
def test_korean_receipt_prints_won_the_korean_date_and_the_tax_note(settings):
    settings.DONATION_DESIGNATED_BODY = False
    donation = DonationFactory(
        first_name="지우", last_name="김", language="ko", currency="KRW", amount=30000
    )
    payment = PaymentFactory(
        donation=donation, amount=30000, currency="KRW", paid_at=LATE_EVENING_UTC
    )

    text = pdf_text(render_receipt(payment))

    assert "30,000원" in text
    assert "KRW" not in text
    assert "2026년 12월 2일" in text
    assert (
        "이 영수증은 「소득세법」에 따른 기부금영수증이 아니므로 연말정산 기부금 공제에 "
        "사용할 수 없습니다."
    ) in text


@pytest.mark.django_db
def test_a_designated_body_prints_no_tax_note(settings):
    settings.DONATION_DESIGNATED_BODY = True
    payment = PaymentFactory(donation=DonationFactory(language="ko"))

    assert "기부금영수증" not in pdf_text(render_receipt(payment))


@pytest.mark.django_db
def test_the_korean_receipt_mail_greets_by_full_name_and_gives_the_korean_date():
    donation = DonationFactory(
        first_name="지우", last_name="김", language="ko", currency="KRW", amount=30000
    )
    payment = PaymentFactory(
        donation=donation, amount=30000, currency="KRW", paid_at=LATE_EVENING_UTC
    )
    send_receipt(payment)

    body = mail.outbox[0].body
    assert body.startswith("김지우 님께\n")
    assert "2026년 12월 2일에 보내 주신 후원금 30,000원, 진심으로 감사드립니다." in body
