"""The supporter's path in a browser (issue 14, part 3) and the petition editor's address
and preview (part 4), in English and Korean."""

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from accounts import roles
from petitions.hotpath import page_cache
from petitions.models import Petition
from tests.conftest import enable_mfa
from tests.factories import CampaignFactory, PetitionFactory, UserFactory

LONG_SUMMARY = "Release everyone held for a peaceful opinion, and repeal the law that jailed them."
SIGN_NOW = {"en": "Sign now", "ko": "지금 서명하기"}


@pytest.fixture(autouse=True)
def _fresh_page_copies():
    page_cache.clear_local()  # the live server shares this process's page copies
    yield
    page_cache.clear_local()


@pytest.fixture
def campaign(db):
    return CampaignFactory(
        slug="reform-the-nsl", title_en="Reform the NSL", title_ko="국가보안법 개정"
    )


@pytest.mark.parametrize("language", ["en", "ko"])
def test_at_390_px_one_tap_brings_the_sign_forms_first_field_into_view(
    new_page, campaign, language
):
    PetitionFactory(
        campaign=campaign,
        slug="free-them",
        summary_en=LONG_SUMMARY,
        body_en="We ask you to act now.\n\n" * 30,
        body_ko="지금 조치해 주십시오.\n\n" * 30,
    )
    page = new_page()
    page.set_viewport_size({"width": 390, "height": 700})
    page.goto(f"/{language}/petitions/free-them/")
    first_field = page.locator("#sign form").locator("input:visible, select:visible").first

    page.get_by_role("link", name=SIGN_NOW[language]).click()

    expect(first_field).to_be_focused()
    expect(first_field).to_be_in_viewport()
    # The form comes right after the summary: before the petition's text and counter.
    order = page.evaluate(
        "() => [...document.querySelectorAll('.petition-layout > *')].map(e => e.className)"
    )
    assert order[:2] == ["petition-sign", "petition-main"]
    assert page.external_requests == []


def test_on_a_wide_screen_the_form_is_beside_the_text_and_needs_no_button(new_page, campaign):
    PetitionFactory(campaign=campaign, slug="free-them")
    page = new_page()
    page.set_viewport_size({"width": 1280, "height": 800})

    page.goto("/en/petitions/free-them/")

    expect(page.get_by_role("link", name="Sign now")).to_be_hidden()
    form_box = page.locator("#sign").bounding_box()
    text_box = page.locator(".petition-main").bounding_box()
    assert form_box["x"] > text_box["x"] + text_box["width"]


@pytest.mark.parametrize("language", ["en", "ko"])
def test_the_list_searches_filters_and_pages_without_javascript(
    browser, live_server, campaign, language
):
    PetitionFactory(
        campaign=campaign,
        title_en="Repeal Article 7",
        title_ko="제7조를 폐지해 주십시오",
        status=Petition.Status.CLOSED,
    )
    for n in range(13):
        PetitionFactory(
            campaign=campaign, title_en=f"Free prisoner {n:02}", title_ko=f"수감자 석방 {n:02}"
        )
    context = browser.new_context(
        base_url=live_server.url,
        locale="ko-KR" if language == "ko" else "en-GB",
        java_script_enabled=False,
    )
    page = context.new_page()
    labels = {
        "en": ("Search", "Show", "Closed", "Next page", "Page 2 of 2", "Closed with 0 signatures."),
        "ko": (
            "검색",
            "보기",
            "마감됨",
            "다음 페이지",
            "2 / 2페이지",
            "마감되었습니다. 최종 서명 0명.",
        ),
    }[language]
    search, show, closed, next_page, page_two, outcome = labels
    query = "article" if language == "en" else "제7조"
    try:
        page.goto(f"/{language}/petitions/")
        page.get_by_role("searchbox", name=search).fill(query)
        page.get_by_role("button", name=search).click()
        expect(page.locator(".card-title")).to_have_count(1)
        expect(page.locator(".outcome")).to_have_text(outcome)

        page.get_by_role("searchbox", name=search).fill("")
        page.get_by_label(show).select_option(label=closed)
        page.get_by_role("button", name=search).click()
        expect(page.locator(".card-title")).to_have_count(1)

        page.goto(f"/{language}/petitions/?q=")
        expect(page.locator(".card-title")).to_have_count(12)
        page.get_by_role("link", name=next_page).click()
        expect(page.locator(".pager span")).to_have_text(page_two)
        expect(page.locator(".card-title")).to_have_count(2)
    finally:
        context.close()


def _manager_page(browser, live_server, user, *, width: int):
    client = Client()
    client.force_login(user)
    context = browser.new_context(
        base_url=live_server.url, locale="en-GB", viewport={"width": width, "height": 900}
    )
    host = live_server.url.split("//")[1].split(":")[0]
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "domain": host, "path": "/"}]
    )
    context.set_default_timeout(15_000)
    return context, context.new_page()


@pytest.mark.parametrize("width", [390, 1280])
def test_the_address_follows_the_title_and_a_blank_form_logs_no_console_error(
    browser, live_server, campaign, width
):
    manager = UserFactory(email="bob@example.org", groups=[roles.MANAGERS])
    enable_mfa(manager)
    campaign.managers.add(manager)
    context, page = _manager_page(browser, live_server, manager, width=width)
    console_errors = []
    page.on("console", lambda m: m.type == "error" and console_errors.append(m.text))
    try:
        page.goto(f"/en/manage/petitions/new/?campaign={campaign.pk}")
        preview = page.frame_locator("iframe[name=preview-frame-en]")
        expect(preview.get_by_role("heading", level=1)).to_have_text(
            "The preview waits for these fixes"
        )

        page.get_by_label("Title (English)").press_sequentially("Free the prisoners, now!")
        expect(page.get_by_label("Address")).to_have_value("free-the-prisoners-now")
        page.get_by_label("Address").fill("free-them")
        # The previews follow the typing, one language after the other; the Korean one is
        # the last to answer, and an incomplete form's preview is a 200.
        with page.expect_response(
            lambda r: "/preview/?language=ko" in r.url and r.request.method == "POST"
        ) as answer:
            page.get_by_label("Title (English)").fill("Free everyone")
        expect(page.get_by_label("Address")).to_have_value("free-them")
        assert answer.value.status == 200

        # "Closes at" stays inside its box.
        closes = page.get_by_label("Closes at").bounding_box()
        box = page.locator("fieldset", has=page.get_by_label("Closes at")).bounding_box()
        assert closes["x"] + closes["width"] <= box["x"] + box["width"]
        assert console_errors == []
        if width == 1280:
            frame = page.locator("iframe[name=preview-frame-en]").bounding_box()
            form = page.locator("form[data-preview-form]").bounding_box()
            assert frame["x"] >= form["x"] + form["width"]  # beside the form, not below it
    finally:
        context.close()
