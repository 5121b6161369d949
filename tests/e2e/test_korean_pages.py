"""Korean and English pages in Chromium: one date format per language, Korea's time for
Korean readers, and the Korean web font fetched only in the slices a page shows."""

from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from petitions.hotpath import page_cache
from tests.factories import PetitionFactory

# 06:05 UTC is 15:05 in Seoul.
OPENS = datetime(2030, 12, 2, 6, 5, tzinfo=UTC)
KOREAN_FIRST_VIEW = {
    "SoriGothic-Regular-ui.woff2",
    "SoriGothic-Bold-ui.woff2",
    "SoriGothic-Regular-common.woff2",
    "SoriGothic-Bold-common.woff2",
}


@pytest.fixture(autouse=True)
def _fresh_page_copies():
    page_cache.clear_local()  # the live server shares this process's page copies


def _open(browser, live_server, locale: str):
    context = browser.new_context(base_url=live_server.url, locale=locale)
    context.set_default_timeout(15_000)
    page = context.new_page()
    fonts: dict[str, int] = {}

    def note(response):
        if response.url.endswith(".woff2"):
            fonts[response.url.rsplit("/", 1)[1]] = len(response.body())

    page.on("response", note)
    return context, page, fonts


def test_a_date_reads_in_each_language_and_korean_readers_see_korean_time(browser, live_server, db):
    PetitionFactory(slug="later", opens_at=OPENS)

    english, page, _fonts = _open(browser, live_server, "en-GB")
    page.goto("/en/petitions/later/")
    expect(page.locator(".petition-sign")).to_contain_text(
        "This petition opens for signatures on 2 December 2030, 06:05 UTC."
    )
    page.wait_for_load_state("networkidle")
    english.close()

    korean, page, _fonts = _open(browser, live_server, "ko-KR")
    page.goto("/petitions/later/")  # an address without a language: the browser's, Korean
    sign_box = page.locator(".petition-sign")
    expect(sign_box).to_contain_text("2030년 12월 2일 오후 3:05")
    assert "12/02/2030" not in sign_box.inner_text()
    page.wait_for_load_state("networkidle")
    korean.close()


def test_korean_pages_fetch_the_korean_font_within_budget_and_english_pages_only_the_header(
    browser, live_server, db
):
    PetitionFactory(slug="fonts")

    korean, page, fonts = _open(browser, live_server, "ko-KR")
    page.goto("/ko/petitions/fonts/")
    page.wait_for_load_state("networkidle")
    page.evaluate("document.fonts.ready")
    korean.close()

    assert set(fonts) == KOREAN_FIRST_VIEW
    assert sum(fonts.values()) < 400_000

    english, page, fonts = _open(browser, live_server, "en-GB")
    page.goto("/en/petitions/fonts/")
    page.wait_for_load_state("networkidle")
    page.evaluate("document.fonts.ready")
    english.close()

    # The mark 소리 and the button 한국어 are all the Hangul an English page shows.
    assert set(fonts) <= {"SoriGothic-Regular-ui.woff2", "SoriGothic-Bold-ui.woff2"}
    assert sum(fonts.values()) < 4_000
