"""The editors in two languages: saving both, a preview per language, and publishing that
asks for both languages or for the explicit choice to go without one."""

import re

import pytest

from campaigns.models import Campaign
from letters.models import LetterAction
from petitions.models import Petition
from tests.factories import CampaignFactory, LetterActionFactory, PetitionFactory
from tests.manage.conftest import letter_data, petition_data


def test_the_petition_editor_saves_both_languages(client, bob, campaign, minister):
    client.force_login(bob)

    response = client.post("/en/manage/petitions/new/", petition_data(campaign))

    petition = Petition.objects.get(slug="abolish-the-death-penalty")
    assert response.status_code == 302
    assert (petition.title_en, petition.title_ko) == (
        "Abolish the death penalty",
        "사형제를 폐지해 주십시오",
    )
    assert (petition.summary_en, petition.summary_ko) == (
        "Make the moratorium law.",
        "사형 집행 중단을 법으로 정해 주십시오.",
    )
    assert (petition.body_html_en, petition.body_html_ko) == (
        "<p>We ask the National Assembly to <strong>act</strong>.</p>",
        "<p>국회가 <strong>나서 주기를</strong> 요청합니다.</p>",
    )


def test_the_editor_shows_the_languages_side_by_side_with_their_own_lang(client, bob, petition):
    client.force_login(bob)

    html = client.get(f"/en/manage/petitions/{petition.pk}/edit/").content.decode()

    assert html.count('<fieldset class="language-column">') == 2
    assert "<legend>English</legend>" in html and "<legend>Korean</legend>" in html
    [korean_title] = re.findall(r'<input[^>]*name="title_ko"[^>]*>', html)
    assert 'value="수감된 분들을 석방해 주십시오' in korean_title and 'lang="ko"' in korean_title
    [korean_body] = re.findall(r'<textarea[^>]*name="body_ko"[^>]*>', html)
    assert 'lang="ko"' in korean_body


def test_a_language_written_in_part_is_refused_by_the_editor(client, bob, campaign):
    client.force_login(bob)

    response = client.post(
        "/en/manage/petitions/new/", petition_data(campaign, summary_ko="", body_ko="")
    )

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "summary_ko": ["The Korean version needs this too, or leave it all empty."]
    }
    assert not Petition.objects.filter(slug="abolish-the-death-penalty").exists()


@pytest.mark.parametrize(
    ("language", "heading"),
    [("en", "<h1>Abolish the death penalty</h1>"), ("ko", "<h1>사형제를 폐지해 주십시오</h1>")],
)
def test_each_preview_shows_the_page_in_its_language(client, bob, petition, language, heading):
    client.force_login(bob)

    response = client.post(
        f"/en/manage/petitions/{petition.pk}/preview/?language={language}",
        petition_data(petition.campaign),
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert f'<html lang="{language}">' in html
    assert heading in html
    petition.refresh_from_db()
    assert petition.title_en == "Free them now"  # nothing saved


def test_the_korean_preview_of_english_only_text_shows_the_fallback(client, bob, petition):
    client.force_login(bob)

    html = client.post(
        f"/en/manage/petitions/{petition.pk}/preview/?language=ko",
        petition_data(petition.campaign, title_ko="", summary_ko="", body_ko=""),
    ).content.decode()

    assert "이 내용은 아직 한국어로 번역되지 않았습니다." in html
    assert '<h1 lang="en">Abolish the death penalty</h1>' in html


def test_the_saved_preview_follows_the_language_asked_for(client, bob, campaign):
    client.force_login(bob)

    html = client.get(f"/en/manage/campaigns/{campaign.pk}/preview/?language=ko").content.decode()

    assert '<html lang="ko">' in html and f"<h1>{campaign.title_ko}</h1>" in html


@pytest.fixture
def english_draft(campaign):
    return PetitionFactory(
        campaign=campaign, slug="draft", status="draft", title_ko="", summary_ko="", body_ko=""
    )


def test_publishing_without_korean_asks_for_the_explicit_choice(client, bob, english_draft):
    client.force_login(bob)
    url = f"/en/manage/petitions/{english_draft.pk}/status/publish/"

    question = client.get(url).content.decode()
    refused = client.post(url)

    assert "<legend>Languages not written yet</legend>" in question
    assert "Publish without Korean for now" in question
    assert "Not written in Korean: title (Korean), summary (Korean), text (Korean)." in question
    assert refused.status_code == 400
    assert refused.context["without_form"].errors == {
        "without_ko": ["Tick this to publish without Korean, or add the missing text first."]
    }
    english_draft.refresh_from_db()
    assert (english_draft.status, english_draft.missing_languages) == ("draft", [])


def test_publishing_without_korean_by_choice_stores_it_for_the_dashboard(
    client, bob, english_draft
):
    client.force_login(bob)

    response = client.post(
        f"/en/manage/petitions/{english_draft.pk}/status/publish/", {"without_ko": "on"}
    )

    english_draft.refresh_from_db()
    assert response.status_code == 302
    assert (english_draft.status, english_draft.missing_languages) == ("open", ["ko"])
    dashboard = client.get(f"/en/manage/petitions/{english_draft.pk}/").content.decode()
    assert "<li>English: complete</li>" in dashboard
    assert (
        "<li>Korean: published without it for now "
        "(missing: title (Korean), summary (Korean), text (Korean))</li>"
    ) in dashboard


def test_publishing_in_both_languages_asks_nothing_more(client, bob, campaign):
    draft = PetitionFactory(campaign=campaign, slug="draft", status="draft")
    client.force_login(bob)

    question = client.get(f"/en/manage/petitions/{draft.pk}/status/publish/").content.decode()
    response = client.post(f"/en/manage/petitions/{draft.pk}/status/publish/")

    draft.refresh_from_db()
    assert "without_ko" not in question
    assert (response.status_code, draft.status, draft.missing_languages) == (302, "open", [])


def test_a_campaign_goes_live_without_english_only_by_choice(client, carol):
    draft = CampaignFactory(status="draft", title_en="", summary_en="", body_en="")
    client.force_login(carol)
    url = f"/en/manage/campaigns/{draft.pk}/status/publish/"

    refused = client.post(url)
    published = client.post(url, {"without_en": "on"})

    draft.refresh_from_db()
    assert (refused.status_code, published.status_code) == (400, 302)
    assert (draft.status, draft.missing_languages) == (Campaign.Status.LIVE, ["en"])


def test_the_letter_action_editor_saves_page_and_letter_in_both_languages(
    client, bob, campaign, minister
):
    client.force_login(bob)

    client.post("/en/manage/letters/actions/new/", letter_data(campaign, [minister]))

    action = LetterAction.objects.get(slug="write-to-the-speaker")
    assert (action.title_en, action.title_ko) == ("Write to the Speaker", "국회의장님께 편지 쓰기")
    assert action.intro_html_ko == "<p>직접 쓰신 편지가 <strong>힘이 됩니다</strong>.</p>"
    assert action.subject_ko == "표결 일정을 잡아 주십시오"


def test_a_letter_action_without_korean_page_text_is_published_only_by_choice(
    client, bob, campaign
):
    draft = LetterActionFactory(
        campaign=campaign, status="draft", title_ko="", summary_ko="", intro_ko=""
    )
    client.force_login(bob)
    url = f"/en/manage/letters/actions/{draft.pk}/status/publish/"

    refused = client.post(url)
    published = client.post(url, {"without_ko": "on"})

    draft.refresh_from_db()
    assert (refused.status_code, published.status_code) == (400, 302)
    assert (draft.status, draft.missing_languages) == ("open", ["ko"])
    dashboard = client.get(f"/en/manage/letters/actions/{draft.pk}/").content.decode()
    assert "Korean: published without it for now" in dashboard


def test_someone_elses_manager_cannot_publish_without_a_language(client, mallory, english_draft):
    client.force_login(mallory)

    response = client.post(
        f"/en/manage/petitions/{english_draft.pk}/status/publish/", {"without_ko": "on"}
    )

    english_draft.refresh_from_db()
    assert response.status_code == 404
    assert (english_draft.status, english_draft.missing_languages) == ("draft", [])
