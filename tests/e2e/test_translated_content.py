"""A Korean visitor reads petitions in Korean, and a missing translation says so."""

import pytest
from playwright.sync_api import expect

from petitions.hotpath import page_cache
from tests.factories import CampaignFactory, PetitionFactory

KOREAN_NOTE = "이 내용은 아직 한국어로 번역되지 않았습니다."


@pytest.fixture(autouse=True)
def _fresh_page_copies():
    page_cache.clear_local()  # the live server shares this process's page copies


@pytest.fixture
def petitions(db):
    campaign = CampaignFactory(slug="reform", title_en="Reform the NSL", title_ko="국가보안법 개혁")
    PetitionFactory(
        campaign=campaign,
        slug="article-7",
        title_en="Amend or repeal Article 7",
        title_ko="「국가보안법」 제7조를 개정하거나 폐지해 주십시오",
        summary_ko="평화적인 표현과 결사를 처벌하는 일을 중단해 주십시오.",
        body_ko="유엔 자유권규약위원회도 **거듭 권고**해 왔습니다.",
    )
    PetitionFactory(
        campaign=campaign,
        slug="workers",
        title_en="A peaceful strike is not a crime",
        summary_en="Stop prosecuting strikers for obstruction of business.",
        title_ko="",
        summary_ko="",
        body_ko="",
    )


def korean_page(browser, live_server, **context_options):
    context = browser.new_context(base_url=live_server.url, **context_options)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.external = []
    page.on(
        "request",
        lambda req: (
            (req.url.startswith(live_server.url) or req.url.startswith("data:"))
            or page.external.append(req.url)
        ),
    )
    page.console_errors = []
    page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
    return context, page


def test_a_korean_browser_reads_the_petition_in_korean_and_sees_a_fallback_noted(
    browser, live_server, petitions
):
    context, page = korean_page(browser, live_server, locale="ko-KR")
    try:
        page.goto("/petitions/article-7/")  # an old link: the browser's language, Korean
        expect(page).to_have_url(f"{live_server.url}/ko/petitions/article-7/")
        expect(page.locator("html")).to_have_attribute("lang", "ko")
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "「국가보안법」 제7조를 개정하거나 폐지해 주십시오"
        )
        expect(page.locator(".prose strong")).to_have_text("거듭 권고")
        expect(page.locator(".translation-note")).to_have_count(0)

        page.goto("/ko/petitions/")
        expect(page.get_by_role("link", name="「국가보안법」 제7조를")).to_be_visible()

        page.goto("/ko/petitions/workers/")
        expect(page.locator(".translation-note")).to_have_text(KOREAN_NOTE)
        heading = page.get_by_role("heading", level=1)
        expect(heading).to_have_text("A peaceful strike is not a crime")
        expect(heading).to_have_attribute("lang", "en")
        expect(page.locator(".petition-header .lead")).to_have_attribute("lang", "en")
        assert page.external == [] and page.console_errors == []
    finally:
        context.close()


def test_the_language_switch_chooses_korean_over_an_english_browser(
    browser, live_server, petitions
):
    context, page = korean_page(browser, live_server, locale="en-GB")
    try:
        page.goto("/en/petitions/article-7/")  # stores the English copy
        expect(page.get_by_role("heading", level=1)).to_have_text("Amend or repeal Article 7")

        page.get_by_role("button", name="한국어").click()

        expect(page.get_by_role("heading", level=1)).to_have_text(
            "「국가보안법」 제7조를 개정하거나 폐지해 주십시오"
        )
        expect(page).to_have_url(f"{live_server.url}/ko/petitions/article-7/")
        page.goto("/petitions/article-7/")  # an old link follows the chosen language
        expect(page).to_have_url(f"{live_server.url}/ko/petitions/article-7/")
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "「국가보안법」 제7조를 개정하거나 폐지해 주십시오"
        )
        assert page.external == [] and page.console_errors == []
    finally:
        context.close()
