import socket
from io import BytesIO

import pytest
from pypdf import PdfReader

from letters.models import Letter
from letters.pdf import render_letter, render_letters
from lib.pdf import StaticOnlyFetcher
from tests.factories import LetterActionFactory, LetterFactory, TargetFactory
from tests.lib.test_pdf import embedded_fonts, pdf_text

HOSTILE = [
    '<img src="file:///etc/passwd">',
    "<link rel=stylesheet href=http://169.254.169.254/>",
    "url(http://localhost:5432/)",
    '<style>@import "file:///etc/hostname";</style>',
    '<svg><image href="file:///etc/passwd"/></svg>',
]


def flat(text: str) -> str:
    """Extracted text with line breaks folded, for phrases that may wrap."""
    return " ".join(text.split())


@pytest.fixture
def no_network(monkeypatch):
    """Record (and refuse) any attempt to open a network connection."""
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("network access in a PDF render")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    return attempts


@pytest.mark.django_db
def test_english_letter_holds_name_salutation_text_and_embedded_fonts():
    letter = LetterFactory(
        target=TargetFactory(name="The Minister of Justice", salutation_en="Dear Minister"),
        personal_paragraph="My uncle spent six years in prison for a pamphlet.",
    )

    pdf = render_letter(letter)

    text = flat(pdf_text(pdf))
    assert "The Minister of Justice" in text
    assert "Dear Minister," in text
    assert "Free the prisoners of conscience" in text
    assert "I am writing from Busan, South Korea." in text
    assert "My uncle spent six years in prison for a pamphlet." in text
    assert "Yours sincerely, Ji-woo Kim Busan, South Korea" in text
    assert embedded_fonts(pdf) >= {"Sori-Serif"}


@pytest.mark.django_db
def test_korean_letter_is_printed_in_korean_with_the_korean_font():
    letter = LetterFactory(
        language="ko",
        first_name="지우",
        last_name="김",
        city="부산",
        subject="양심수를 석방해 주십시오",
        body="부산에서 편지를 드립니다.\n\n석방해 주십시오.",
        target=TargetFactory(name_ko="법무부 장관", salutation_ko="장관님께"),
    )

    pdf = render_letter(letter)

    text = flat(pdf_text(pdf))
    assert "법무부 장관" in text
    assert "제목: 양심수를 석방해 주십시오" in text
    assert "장관님께" in text
    assert "부산에서 편지를 드립니다." in text
    assert "김지우 올림" in text
    # A writer in Korea gives the town only (country first, no comma, for one abroad).
    assert "김지우 올림 부산" in text
    assert "대한민국" not in text
    assert "Sori-Korean" in embedded_fonts(pdf)


@pytest.mark.django_db
def test_pdf_carries_title_author_language_and_is_tagged():
    letter = LetterFactory(first_name="Ji-woo", last_name="Kim", language="en")

    reader = PdfReader(BytesIO(render_letter(letter)))

    assert reader.metadata.title == "Free the prisoners of conscience"
    assert reader.metadata.author == "Ji-woo Kim"
    assert reader.metadata.subject == letter.action.title
    assert str(reader.trailer["/Root"]["/Lang"]) == "en"
    assert bool(reader.trailer["/Root"]["/MarkInfo"]["/Marked"]) is True
    assert "/StructTreeRoot" in reader.trailer["/Root"]
    assert len(reader.pages) == 1


@pytest.mark.django_db
def test_envelope_page_is_a_dl_page_with_the_officials_address():
    letter = LetterFactory(target=TargetFactory(postal_address="Ministry of Justice\nGwacheon"))

    reader = PdfReader(BytesIO(render_letter(letter, envelope=True)))

    assert len(reader.pages) == 2
    width, height = (round(float(v) * 25.4 / 72) for v in reader.pages[1].mediabox[2:])
    assert (width, height) == (220, 110)
    assert "Ministry of Justice Gwacheon" in flat(reader.pages[1].extract_text())


@pytest.mark.django_db
@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_supporter_text_is_printed_literally_and_fetches_nothing(hostile, no_network):
    letter = LetterFactory(
        first_name=hostile[:100],
        city="url(http://localhost:5432/)",
        postal_address=hostile,
        personal_paragraph=f"Before {hostile} after",
        action=LetterActionFactory(editing="paragraph"),
    )
    fetcher = StaticOnlyFetcher()

    pdf = render_letter(letter, fetcher=fetcher, envelope=True)

    text = flat(pdf_text(pdf))
    assert fetcher.refused == []
    assert no_network == []
    assert f"Before {hostile} after" in text
    assert "url(http://localhost:5432/)" in text
    assert "root:x:0:0" not in text


@pytest.mark.django_db
def test_render_letter_is_pure(django_assert_num_queries):
    letter = Letter.objects.select_related("action", "target").get(pk=LetterFactory().pk)

    with django_assert_num_queries(0):
        pdf = render_letter(letter)

    assert pdf.startswith(b"%PDF-")


@pytest.mark.django_db
def test_batch_puts_each_letter_on_its_own_pages_across_chunks():
    action = LetterActionFactory()
    letters = [
        LetterFactory(action=action, first_name=f"Writer{n}", language="ko" if n % 2 else "en")
        for n in range(5)
    ]

    pdf = render_letters(letters, chunk=2, envelopes=True)

    reader = PdfReader(BytesIO(pdf))
    assert len(reader.pages) == 10
    first_pages = [flat(reader.pages[n].extract_text()) for n in range(0, 10, 2)]
    for number, text in enumerate(first_pages):
        assert f"Writer{number}" in text


@pytest.mark.django_db
def test_batch_reports_progress_after_each_chunk():
    action = LetterActionFactory()
    letters = [LetterFactory(action=action) for _ in range(5)]
    seen = []

    render_letters(letters, chunk=2, progress=seen.append)

    assert seen == [2, 4, 5]
