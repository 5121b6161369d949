"""Petitions in two languages: the page, the cached copies per language, the list, mail."""

import pytest
from django.core import mail
from django.test import Client
from django.utils import translation

from petitions.signing.views import share_links
from tests.factories import PetitionFactory, TargetFactory
from tests.petitions.conftest import form_data, sign_url

KOREAN = {"headers": {"accept-language": "ko"}}
KOREAN_NOTE = "이 내용은 아직 한국어로 번역되지 않았습니다."


@pytest.fixture
def korean_petition(petition):
    """bob's petition, written in both languages, to an official known in both."""
    petition.title_ko = "수감된 분들을 석방해 주십시오"
    petition.summary_ko = "평화적인 의견 때문에 수감된 모든 분을 석방해 주십시오."
    petition.body_ko = "지금 **조치해** 주십시오."
    petition.save()
    petition.targets.add(
        TargetFactory(
            name="The Minister of Justice",
            name_ko="법무부 장관",
            organisation="Ministry of Justice",
            organisation_ko="법무부",
        )
    )
    return petition


@pytest.fixture
def english_only(petition):
    """bob's petition with nothing written in Korean yet."""
    petition.title_ko = petition.summary_ko = petition.body_ko = ""
    petition.save()
    return petition


def test_a_korean_visitor_reads_the_petition_in_korean(korean_petition):
    html = Client().get("/ko/petitions/free-them/", **KOREAN).content.decode()

    assert "<h1>수감된 분들을 석방해 주십시오</h1>" in html
    assert '<p class="lead">평화적인 의견 때문에 수감된 모든 분을 석방해 주십시오.</p>' in html
    assert '<div class="prose"><p>지금 <strong>조치해</strong> 주십시오.</p></div>' in html
    assert "<li>법무부 장관, <span>법무부</span></li>" in html
    assert '<meta property="og:title" content="수감된 분들을 석방해 주십시오">' in html
    assert "<title>수감된 분들을 석방해 주십시오 · Sori</title>" in html
    assert "Free them now" not in html


def test_an_english_visitor_reads_the_same_petition_in_english(korean_petition):
    html = Client().get("/en/petitions/free-them/").content.decode()

    assert "<h1>Free them now</h1>" in html
    assert "<li>The Minister of Justice, <span>Ministry of Justice</span></li>" in html
    assert "수감된 분들을" not in html


def test_a_missing_korean_version_falls_back_to_english_with_a_note_and_its_lang(english_only):
    html = Client().get("/ko/petitions/free-them/", **KOREAN).content.decode()

    assert f'<p class="notice translation-note">{KOREAN_NOTE}</p>' in html
    assert '<h1 lang="en">Free them now</h1>' in html
    assert '<p class="lead" lang="en">Release everyone held for a peaceful opinion.</p>' in html
    assert '<div class="prose" lang="en"><p>We ask you to <strong>act now</strong>.</p></div>' in (
        html
    )
    assert '<html lang="ko">' in html


def test_a_missing_english_version_falls_back_to_korean_with_the_english_note(korean_petition):
    korean_petition.title_en = korean_petition.summary_en = korean_petition.body_en = ""
    korean_petition.save()

    html = Client().get("/en/petitions/free-them/").content.decode()

    assert '<p class="notice translation-note">This text is not yet available in English.</p>' in (
        html
    )
    assert '<h1 lang="ko">수감된 분들을 석방해 주십시오</h1>' in html


def korean_sign_url(petition) -> str:
    with translation.override("ko"):
        return sign_url(petition)


def test_cached_copies_are_kept_per_language_and_never_cross(korean_petition):
    Client().get("/en/petitions/free-them/")  # renders and stores the English copy
    Client().get("/ko/petitions/free-them/")  # renders and stores the Korean copy

    english = Client().get("/en/petitions/free-them/")
    english_for_a_korean_browser = Client().get("/en/petitions/free-them/", **KOREAN)
    korean = Client().get("/ko/petitions/free-them/")

    for response in (english, english_for_a_korean_browser, korean):
        assert not hasattr(response.wsgi_request, "user")  # served by the fast path
    for response in (english, english_for_a_korean_browser):
        assert response.headers["Content-Language"] == "en"
        assert "<h1>Free them now</h1>" in response.content.decode()
        assert "수감된 분들을" not in response.content.decode()
    assert korean.headers["Content-Language"] == "ko"
    assert "<h1>수감된 분들을 석방해 주십시오</h1>" in korean.content.decode()
    assert "Free them now" not in korean.content.decode()


def test_a_korean_first_visit_does_not_hand_its_copy_to_english_visitors(korean_petition):
    Client().get("/ko/petitions/free-them/")  # only the Korean copy exists

    english = Client().get("/en/petitions/free-them/")

    assert hasattr(english.wsgi_request, "user")  # a miss: rendered afresh, not the copy
    assert "<h1>Free them now</h1>" in english.content.decode()
    assert "수감된 분들을" not in english.content.decode()


def test_the_petition_list_shows_each_petition_in_the_readers_language(korean_petition):
    PetitionFactory(
        campaign=korean_petition.campaign,
        slug="workers",
        title_en="A peaceful strike is not a crime",
        title_ko="",
        summary_ko="",
        body_ko="",
    )

    html = Client().get("/ko/petitions/", **KOREAN).content.decode()

    assert '<a href="/ko/petitions/free-them/">수감된 분들을 석방해 주십시오</a>' in html
    assert (
        '<h2 class="card-title" lang="en"><a href="/ko/petitions/workers/">'
        "A peaceful strike is not a crime</a></h2>"
    ) in html
    assert html.count(KOREAN_NOTE) == 1


def test_share_links_carry_the_title_in_the_readers_language(korean_petition):
    with translation.override("ko"):
        links = {link.key: link.url for link in share_links(korean_petition)}

    assert links["x"].startswith(
        "https://x.com/intent/post?text=%EC%88%98%EA%B0%90%EB%90%9C%20"  # "수감된 "
    )


def test_a_korean_signer_gets_mail_quoting_the_korean_title(post, korean_petition):
    response = post(korean_sign_url(korean_petition), form_data())

    assert response.status_code == 302
    [message] = mail.outbox
    assert message.subject == "서명을 확인해 주세요: 수감된 분들을 석방해 주십시오"
    assert "“수감된 분들을 석방해 주십시오”" in message.body
    html = message.alternatives[0][0]
    assert "“수감된 분들을 석방해 주십시오”" in html


def test_mail_to_a_korean_signer_marks_an_english_title_it_falls_back_to(post, english_only):
    post(korean_sign_url(english_only), form_data())

    [message] = mail.outbox
    assert message.subject == "서명을 확인해 주세요: Free them now"
    assert '“<span lang="en">Free them now</span>”' in message.alternatives[0][0]


def test_the_thanks_page_quotes_the_title_in_the_readers_language(client, korean_petition):
    html = client.get("/ko/petitions/free-them/thanks/", **KOREAN).content.decode()

    assert "“수감된 분들을 석방해 주십시오”에 하신 서명을 확인해 주세요." in html
