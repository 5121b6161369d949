"""A Korean visitor, from a shared Korean link, signs a Korean petition, gets Korean
mail, confirms from it and stays in Korean throughout."""

import re

import pytest
from playwright.sync_api import expect

from petitions.hotpath import page_cache
from petitions.models import Signature
from tests.factories import CampaignFactory, PetitionFactory


@pytest.fixture(autouse=True)
def _fresh_page_copies():
    page_cache.clear_local()  # the live server shares this process's page copies


def test_a_korean_visitor_signs_in_korean_and_gets_korean_mail(
    browser, dev_mailbox, live_server, settings
):
    settings.SITE_URL = live_server.url  # links in mail must point here
    campaign = CampaignFactory(slug="nsl", title_en="Reform the NSL", title_ko="국가보안법 개정")
    PetitionFactory(
        campaign=campaign,
        slug="article-7",
        title_en="Amend or repeal Article 7",
        title_ko="「국가보안법」 제7조를 개정하거나 폐지해 주십시오",
    )
    # An English browser following a Korean link: the address decides the language.
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    page = context.new_page()
    try:
        page.goto("/ko/petitions/article-7/")
        expect(page.locator("html")).to_have_attribute("lang", "ko")
        page.get_by_label("성 (선택)").fill("김")
        page.get_by_label("이름", exact=True).fill("지우")
        page.get_by_label("이메일 주소", exact=True).fill("jiwoo@example.org")
        page.get_by_label("국가").select_option("KR")
        page.get_by_label("이름 전체 공개(예: 김지우)").check()
        page.get_by_label("위 안내에 따라 정치적 견해(민감정보)를 포함한 내 정보를").check()
        page.get_by_role("button", name="청원에 서명하기").click()

        expect(page).to_have_url(f"{live_server.url}/ko/petitions/article-7/thanks/")
        expect(page.locator("html")).to_have_attribute("lang", "ko")
        signature = Signature.objects.get(supporter__email="jiwoo@example.org")
        assert (signature.status, signature.supporter.language) == ("pending", "ko")

        page.goto("/dev/mail/")
        subject = "서명을 확인해 주세요: 「국가보안법」 제7조를 개정하거나 폐지해 주십시오"
        page.get_by_role("link", name=re.compile(re.escape(subject))).click()
        page.locator("a[href*='/ko/petitions/confirm/']").first.click()
        expect(page.locator("html")).to_have_attribute("lang", "ko")
        page.get_by_role("button", name=re.compile("서명 확인")).click()

        signature.refresh_from_db()
        assert signature.status == "confirmed"
        expect(page).to_have_url(re.compile(r"/ko/petitions/article-7/"))
        expect(page.locator(".signer-list")).to_contain_text("김지우")
    finally:
        context.close()
