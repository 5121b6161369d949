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


def _fonts_that_drew(page, selector: str) -> dict[str, int]:
    """Glyphs per font family that Chromium used to draw the text of ``selector``."""
    session = page.context.new_cdp_session(page)
    session.send("DOM.enable")
    session.send("CSS.enable")
    root = session.send("DOM.getDocument")["root"]["nodeId"]
    node = session.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    fonts = session.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    return {font["familyName"]: font["glyphCount"] for font in fonts}


def test_bold_korean_headings_are_drawn_in_a_korean_font_not_empty_boxes(browser, live_server, db):
    # This machine has no Korean system font: every Hangul glyph must come from Sori
    # Gothic. With system-ui first in the stack, Chromium drew the bold title with a
    # Latin font's empty boxes.
    title = "「국가보안법」 제7조를 개정하거나 폐지해 주십시오"
    PetitionFactory(slug="boxes", title_ko=title)

    korean, page, _fonts = _open(browser, live_server, "ko-KR")
    page.goto("/ko/petitions/boxes/")
    page.wait_for_load_state("networkidle")
    page.evaluate("document.fonts.ready")
    drawn = _fonts_that_drew(page, "h1")
    korean.close()

    hangul = sum(1 for c in title if "\uac00" <= c <= "\ud7a3")
    assert drawn.get("Sori Gothic", 0) >= hangul, drawn
