"""Delivery packs print the petition in the pack's language, whoever builds it."""

import io

import pytest
from pypdf import PdfReader

from petitions.models import DeliveryPack
from tests.staff.conftest import at, recount, sign

PACKS = "/en/manage/petitions/free-them/export/packs/"


@pytest.fixture
def signed(petition):
    petition.title_ko = "수감된 분들을 석방해 주십시오"
    petition.summary_ko = "평화적인 의견 때문에 수감된 모든 분을 석방해 주십시오."
    petition.body_ko = "지금 조치해 주십시오."
    petition.save()
    sign(petition, "지우", "김", display="full", city="부산", country="KR", created_at=at(1))
    recount()
    return petition


def build(client, user, capture, language: str, *, reader: str) -> list[str]:
    """The pages of a pack in ``language`` built by ``user`` reading Sori in ``reader``,
    then the PDF's title."""
    client.force_login(user)
    with capture(execute=True):
        client.post(
            PACKS,
            {"language": language, "cover_letter": ""},
            headers={"accept-language": reader},
        )
    pack = DeliveryPack.objects.get(language=language)
    with pack.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    # Korean text may carry word joiners (U+2060) between syllables: not part of the words.
    pages = [page.extract_text().replace("\u2060", "") for page in reader.pages]
    return [*pages, reader.metadata.title]


def test_a_korean_pack_prints_the_korean_title_and_text(
    client, bob, signed, django_capture_on_commit_callbacks
):
    # Built from an English page: the pack's language decides, not the builder's.
    *pages, title = build(client, bob, django_capture_on_commit_callbacks, "ko", reader="en")

    cover, summary, signers = pages[0], pages[1], pages[2]
    assert "수감된 분들을 석방해 주십시오" in cover
    assert "수감된 분들을 석방해 주십시오" in summary
    assert "평화적인 의견 때문에 수감된 모든 분을 석방해 주십시오." in summary
    assert "지금 조치해 주십시오." in summary
    assert "수감된 분들을 석방해 주십시오" in signers  # the list's heading
    assert "Free them now" not in "\n".join(pages)
    assert title.endswith(": 수감된 분들을 석방해 주십시오")


def test_an_english_pack_of_the_same_petition_prints_the_english_title(
    client, bob, signed, django_capture_on_commit_callbacks
):
    *pages, title = build(client, bob, django_capture_on_commit_callbacks, "en", reader="ko")

    text = "\n".join(pages)
    assert "Free them now" in pages[0] and "We ask you to act now." in pages[1]
    assert "수감된 분들을" not in text
    assert title.endswith(": Free them now")
