"""Content in two languages: the helper, the model rules, publishing, and the campaign pages."""

import pickle

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import translation

from campaigns.models import Campaign
from lib.models import TranslationMissing
from lib.translated import Text, pick, reader_language
from tests.factories import CampaignFactory, TargetFactory

KOREAN = {"headers": {"accept-language": "ko"}}
KOREAN_NOTE = "이 내용은 아직 한국어로 번역되지 않았습니다."


def test_pick_gives_the_readers_language_when_written():
    text = pick({"en": "Free them", "ko": "석방해 주십시오"}, "ko")

    assert (text, text.language, text.is_fallback, text.lang_attr, text.note) == (
        "석방해 주십시오",
        "ko",
        False,
        "",
        "",
    )


def test_pick_falls_back_to_the_other_language_and_says_so():
    with translation.override("ko"):
        text = pick({"en": "Free them", "ko": ""})
        note = text.note

    assert (text, text.language, text.wanted, text.is_fallback) == ("Free them", "en", "ko", True)
    assert text.lang_attr == ' lang="en"'
    assert note == "이 내용은 아직 한국어로 번역되지 않았습니다."


def test_an_english_reader_of_korean_only_text_gets_the_english_note():
    text = pick({"en": "", "ko": "석방해 주십시오"}, "en")

    assert (text, text.lang_attr, text.note) == (
        "석방해 주십시오",
        ' lang="ko"',
        "This text is not yet available in English.",
    )
    assert text.inline == '<span lang="ko">석방해 주십시오</span>'


def test_inline_escapes_the_text_it_wraps():
    assert pick({"en": "<b>Workers' rights</b>", "ko": ""}, "ko").inline == (
        '<span lang="en">&lt;b&gt;Workers&#x27; rights&lt;/b&gt;</span>'
    )


def test_nothing_in_any_language_is_an_empty_text_and_no_fallback():
    text = pick({"en": "", "ko": ""}, "ko")

    assert (text, text.is_fallback, text.note) == ("", False, "")


def test_a_regional_language_code_reads_as_its_language():
    assert [reader_language(code) for code in ("ko-KR", "en-gb", "fr", "ko")] == [
        "ko",
        "en",
        "en",
        "ko",
    ]


def test_a_text_survives_pickling_with_its_languages():
    # Campaign action cards are kept in the cache, pickled.
    text = pickle.loads(pickle.dumps(pick({"en": "Free them", "ko": ""}, "ko")))

    assert (type(text), text, text.language, text.wanted) == (Text, "Free them", "en", "ko")


def test_a_campaign_reads_and_writes_the_active_languages_fields(db):
    campaign = CampaignFactory(title_en="Reform the NSL", title_ko="국가보안법 개혁")

    with translation.override("ko"):
        korean = campaign.title
        campaign.summary = "요약입니다."
    english = campaign.title

    assert (korean, english, str(campaign)) == ("국가보안법 개혁", "Reform the NSL", english)
    assert (campaign.summary_ko, campaign.text("title", "ko")) == ("요약입니다.", "국가보안법 개혁")


def test_markdown_is_rendered_and_sanitised_in_each_language(db):
    campaign = CampaignFactory(
        body_en="Hello **world** <script>alert(1)</script>", body_ko="안녕하세요 *여러분*"
    )

    assert campaign.body_html_en == "<p>Hello <strong>world</strong> </p>"
    assert campaign.body_html_ko == "<p>안녕하세요 <em>여러분</em></p>"
    with translation.override("ko"):
        assert campaign.body_html == "<p>안녕하세요 <em>여러분</em></p>"


def test_saving_only_the_korean_body_renders_its_html_too(db):
    campaign = CampaignFactory(body_ko="")
    campaign.body_ko = "**새** 본문"

    campaign.save(update_fields=["body_ko"])

    campaign.refresh_from_db()
    assert campaign.body_html_ko == "<p><strong>새</strong> 본문</p>"


def test_a_language_written_in_part_is_refused(db):
    campaign = CampaignFactory.build(title_ko="제목만 있습니다", summary_ko="", body_ko="")

    with pytest.raises(ValidationError) as refused:
        campaign.clean()

    assert refused.value.message_dict == {
        "summary_ko": ["The Korean version needs this too, or leave it all empty."]
    }


def test_content_needs_at_least_one_language(db):
    campaign = CampaignFactory.build(
        title_en="", title_ko="", summary_en="", summary_ko="", body_en="", body_ko=""
    )

    with pytest.raises(ValidationError) as refused:
        campaign.clean()

    assert refused.value.message_dict == {"title_en": ["Write this in at least one language."]}


def test_publishing_refuses_a_missing_language_until_it_is_chosen(db):
    campaign = CampaignFactory(status=Campaign.Status.DRAFT, title_ko="", summary_ko="", body_ko="")

    with pytest.raises(TranslationMissing, match="not written in Korean yet"):
        campaign.set_status(Campaign.Status.LIVE)
    campaign.publish_without(["ko"])
    campaign.set_status(Campaign.Status.LIVE)

    campaign.refresh_from_db()
    assert (campaign.status, campaign.missing_languages) == ("live", ["ko"])
    assert campaign.untranslated_fields("ko") == ["title", "summary", "body"]


def test_an_official_has_an_organisation_in_each_language(db):
    target = TargetFactory(organisation="Ministry of Justice", organisation_ko="법무부")
    english_only = TargetFactory(organisation="Ministry of Justice", organisation_ko="")

    assert target.display_organisation("ko") == "법무부"
    assert target.display_organisation("en") == "Ministry of Justice"
    assert english_only.display_organisation("ko").lang_attr == ' lang="en"'


def test_a_korean_visitor_reads_the_campaign_in_korean(db):
    campaign = CampaignFactory(
        slug="reform",
        title_en="Reform the NSL",
        title_ko="국가보안법 개혁",
        summary_ko="평화적인 의견 때문에 처벌받아서는 안 됩니다.",
        body_ko="**제7조**를 개정해 주십시오.",
    )
    campaign.targets.add(TargetFactory(organisation_ko="법무부", name_ko="법무부 장관"))

    html = Client().get("/ko/campaigns/reform/", **KOREAN).content.decode()

    assert "<h1>국가보안법 개혁</h1>" in html
    assert '<p class="lead">평화적인 의견 때문에 처벌받아서는 안 됩니다.</p>' in html
    assert '<div class="prose"><p><strong>제7조</strong>를 개정해 주십시오.</p></div>' in html
    assert "법무부 장관, <span>법무부</span>" in html
    assert "Reform the NSL" not in html
    assert "translation-note" not in html


def test_a_missing_korean_campaign_falls_back_with_a_note_and_its_lang(db):
    CampaignFactory(
        slug="reform",
        title_en="Reform the NSL",
        summary_en="Nobody should be prosecuted for a peaceful opinion.",
        body_en="Amend **Article 7**.",
        title_ko="",
        summary_ko="",
        body_ko="",
    )

    korean = Client().get("/ko/campaigns/reform/", **KOREAN).content.decode()
    english = Client().get("/en/campaigns/reform/").content.decode()

    assert f'<p class="notice translation-note">{KOREAN_NOTE}</p>' in korean
    assert '<h1 lang="en">Reform the NSL</h1>' in korean
    assert '<p class="lead" lang="en">Nobody should be prosecuted' in korean
    assert '<div class="prose" lang="en"><p>Amend <strong>Article 7</strong>.</p></div>' in korean
    assert "<h1>Reform the NSL</h1>" in english and "translation-note" not in english


def test_the_home_page_cards_follow_the_language_and_mark_a_fallback(db):
    CampaignFactory(title_en="Reform the NSL", title_ko="국가보안법 개혁")
    CampaignFactory(title_en="Workers' rights", title_ko="", summary_ko="", body_ko="")

    html = Client().get("/ko/", **KOREAN).content.decode()

    assert ">국가보안법 개혁</a></h3>" in html
    assert '<h3 lang="en"><a href="/ko/campaigns/' in html
    assert f'<p class="help translation-note">{KOREAN_NOTE}</p>' in html
