"""Letter actions in two languages: the public pages, and mail that quotes the title."""

import pytest
from django.core import mail
from django.test import Client

from letters import services
from tests.factories import LetterActionFactory, LetterFactory

KOREAN = {"headers": {"accept-language": "ko"}}


@pytest.fixture
def action(db):
    return LetterActionFactory(
        slug="write-to-the-minister",
        title_en="Write to the Minister of Justice",
        title_ko="법무부 장관님께 편지 쓰기",
        summary_ko="평화적인 표현을 기소하는 일을 중단해 달라고 요청해 주세요.",
        intro_en="Your letter **matters**.",
        intro_ko="보내 주시는 편지가 **힘이 됩니다**.",
    )


def test_a_korean_visitor_reads_the_letter_action_in_korean(action):
    html = Client().get("/ko/letters/write-to-the-minister/", **KOREAN).content.decode()

    assert "<h1>법무부 장관님께 편지 쓰기</h1>" in html
    assert '<p class="lead">평화적인 표현을 기소하는 일을 중단해 달라고 요청해 주세요.</p>' in html
    assert (
        '<div class="prose"><p>보내 주시는 편지가 <strong>힘이 됩니다</strong>.</p></div>' in html
    )
    assert "Write to the Minister of Justice" not in html


def test_a_missing_korean_introduction_falls_back_with_a_note_and_its_lang(action):
    action.intro_ko = ""
    action.save()

    html = Client().get("/ko/letters/write-to-the-minister/", **KOREAN).content.decode()

    assert "<h1>법무부 장관님께 편지 쓰기</h1>" in html
    assert (
        '<p class="notice translation-note">이 내용은 아직 한국어로 번역되지 않았습니다.</p>'
    ) in html
    assert '<div class="prose" lang="en"><p>Your letter <strong>matters</strong>.</p></div>' in html


def test_the_list_of_letter_actions_follows_the_language(action):
    html = Client().get("/ko/letters/", **KOREAN).content.decode()

    assert '<a href="/ko/letters/write-to-the-minister/">법무부 장관님께 편지 쓰기</a>' in html


def test_the_confirmation_mail_quotes_the_title_in_the_mails_language(
    action, django_capture_on_commit_callbacks
):
    letter = LetterFactory(action=action, language="ko")

    with django_capture_on_commit_callbacks(execute=True):
        services.request_delivery(letter=letter, method="email", language="ko")

    [message] = mail.outbox
    assert "“법무부 장관님께 편지 쓰기”" in message.body
    assert "Write to the Minister of Justice" not in message.body
    assert "“법무부 장관님께 편지 쓰기”" in message.alternatives[0][0]
