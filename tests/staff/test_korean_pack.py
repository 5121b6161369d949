"""A Korean delivery pack reads like a Korean official document: one salutation naming
every office (never twice, never "관계자 여러분께" to a minister), 수신, the date above
"… 올림", a 붙임 list, Korean dates."""

import io
import re

import pytest
from pypdf import PdfReader

from petitions.models import DeliveryPack
from petitions.staff.pack_wording import joined_salutation, starts_with_salutation
from tests.factories import TargetFactory
from tests.staff.conftest import at, recount, sign

PACKS = "/en/manage/petitions/free-them/export/packs/"


def cover_and_summary(pack) -> tuple[str, str]:
    with pack.file.open("rb") as handle:
        pages = PdfReader(io.BytesIO(handle.read())).pages
    texts = [" ".join(page.extract_text().replace("\u2060", "").split()) for page in pages]
    return texts[0], texts[1]


@pytest.fixture
def three_offices(petition):
    offices = [
        ("대통령", "대통령님께", "Dear President", "The President"),
        ("법무부 장관", "법무부 장관님께", "Dear Minister", "The Minister of Justice"),
        ("국회의장", "국회의장님께", "Dear Speaker", "The Speaker"),
    ]
    for position, (name_ko, salutation_ko, salutation_en, name) in enumerate(offices):
        petition.targets.add(
            TargetFactory(
                name=f"{position}. {name}",  # officials are listed by name
                name_ko=name_ko,
                salutation_ko=salutation_ko,
                salutation_en=salutation_en,
                organisation_ko="",
            )
        )
    for day in (1, 3):
        sign(petition, "지우", "김", display="full", city="부산", country="KR", created_at=at(day))
    recount()
    return petition


@pytest.fixture
def make_pack(client, bob, django_capture_on_commit_callbacks):
    def make(**data):
        client.force_login(bob)
        with django_capture_on_commit_callbacks(execute=True):
            client.post(PACKS, {"language": "ko", "cover_letter": "", **data})
        return DeliveryPack.objects.get()

    return make


def test_offices_are_joined_into_one_salutation():
    assert (
        joined_salutation(
            ["대통령님께", "법무부 장관님께", "국회의장님께"], "ko", "관계자 여러분께"
        )
        == "대통령님, 법무부 장관님, 국회의장님께"
    )
    assert (
        joined_salutation(["Dear President", "Dear Minister", "Dear Speaker"], "en", "x")
        == "Dear President, Minister and Speaker"
    )
    assert joined_salutation(["법무부 장관님께"], "ko", "관계자 여러분께") == "법무부 장관님께"
    # Only when an office has no salutation of its own does the generic one stand in.
    assert joined_salutation(["대통령님께", ""], "ko", "관계자 여러분께") == "관계자 여러분께"


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("관계자 여러분께\n\n명단을 전달합니다.", "ko", True),
        ("장관님,\n\n명단을 전달합니다.", "ko", True),
        ("Dear Minister,\n\nHere are the names.", "en", True),
        ("서명자 명단을 전달합니다.", "ko", False),
        ("On behalf of 55 people, we hand you their names.", "en", False),
    ],
)
def test_a_cover_letter_with_its_own_salutation_is_recognised(text, language, expected):
    assert starts_with_salutation(text, language) is expected


@pytest.mark.django_db
def test_korean_cover_names_every_office_once_with_korean_dates_and_enclosures(
    three_offices, make_pack
):
    cover, summary = cover_and_summary(make_pack())

    assert cover.count("대통령님, 법무부 장관님, 국회의장님께") == 1
    assert "관계자 여러분께" not in cover
    assert "수신" in cover and "받는 분" not in cover
    assert "법무부 장관 귀하" in cover
    assert "서명자 명단을 전달하며, 청원이 요구하는 조치를 취해 주시기를 요청합니다." in cover
    assert "면담 기회를 주시면 감사하겠습니다." in cover
    assert "붙임 1. 청원문 1부. 2. 서명자 명단(1쪽) 1부. 끝." in cover
    # The date stands just above "… 올림", in Korean, never ISO.
    assert re.search(r"20\d\d년 \d{1,2}월 \d{1,2}일 Sori Human Rights Network 올림", cover)
    assert not re.search(r"\d{4}-\d\d-\d\d", cover)
    assert "서명 기간: 2026년 11월 1일 ~ 2026년 11월 3일" in summary


@pytest.mark.django_db
def test_a_cover_letter_with_its_own_salutation_gets_no_second_one(three_offices, make_pack):
    cover, _summary = cover_and_summary(
        make_pack(cover_letter="관계자 여러분께\n\n서명자 명단을 전달합니다.")
    )

    assert cover.count("관계자 여러분께") == 1
    assert "국회의장님께" not in cover
