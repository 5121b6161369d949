"""The manager and staff screens in Chromium, in English and Korean, at desktop size and
at 390 px: axe finds nothing serious or critical, filters do not overlap, and no table
spills out of its panel or the page."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from accounts import roles
from accounts.services import record_audit
from petitions import signatures
from petitions.models import PageViewCount, Signature
from tests.conftest import enable_mfa
from tests.e2e.axe import serious_problems
from tests.e2e.conftest import SCREENSHOTS
from tests.factories import (
    CampaignFactory,
    LetterActionFactory,
    PaymentFactory,
    PetitionFactory,
    SignatureFactory,
    UserFactory,
)

HASH = "0123456789abcdef0123456789abcdef"
LONG_TITLE = "Free every prisoner held for a peaceful opinion, and repeal Article 7 now"


@pytest.fixture
def screens(db):
    """Staff with MFA, and something on every screen: a petition with signatures, views,
    long sources and held signatures; a letter action; a payment; audit entries."""
    staff = UserFactory(email="carol@example.org", groups=[roles.STAFF], is_staff=True)
    enable_mfa(staff)
    campaign = CampaignFactory(managers=[staff])
    petition = PetitionFactory(campaign=campaign, title_en=LONG_TITLE)
    now = timezone.now()
    for number, source in enumerate(["", "x", "kakao", "newsletter-2026-spring-appeal-final"]):
        for day in range(number + 2):
            SignatureFactory(petition=petition, source=source, created_at=now - timedelta(days=day))
    for reason in (Signature.ReviewReason.RATE_IP, Signature.ReviewReason.CHALLENGE):
        SignatureFactory(
            petition=petition,
            status=Signature.Status.REVIEW,
            review_reason=reason,
            ip_hash=HASH,
            confirmed_at=None,
        )
    signatures.reconcile_counts()
    PageViewCount.objects.create(petition=petition, day=timezone.localdate(), views=250)
    action = LetterActionFactory(campaign=campaign)
    PaymentFactory(donation__campaign=campaign)
    for code in ("export.signatures.csv", "moderation.preview", "export.donations.csv"):
        record_audit(actor=staff, action=code, subject=f"petition:{petition.slug}", rows=12)
    return {"staff": staff, "petition": petition, "action": action}


def _pages(screens, language: str = "en") -> dict[str, str]:
    """The screens, at their addresses in ``language``."""
    pages = {
        "index": "/en/manage/",
        "campaign": f"/en/manage/campaigns/{screens['petition'].campaign_id}/",
        "dashboard": f"/en/manage/petitions/{screens['petition'].pk}/",
        "letters": f"/en/manage/letters/actions/{screens['action'].pk}/",
        "moderation": "/en/manage/moderation/",
        "bulk": f"/en/manage/moderation/bulk/?preview=1&action=release&ip_hash={HASH}",
        "trending": "/en/manage/moderation/trending/",
        "actions": "/en/manage/moderation/actions/",
        "donations": "/en/manage/donations/",
        "audit": "/en/manage/audit/",
    }
    return {name: path.replace("/en/", f"/{language}/", 1) for name, path in pages.items()}


def _signed_in_page(browser, live_server, user, *, language: str, width: int):
    """A page of a browser context signed in as ``user``, reading Sori in ``language``."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(
        base_url=live_server.url,
        locale="ko-KR" if language == "ko" else "en-GB",
        viewport={"width": width, "height": 900},
        bypass_csp=True,  # axe is injected as a script tag (tests/e2e/axe.py)
    )
    host = live_server.url.split("//")[1].split(":")[0]
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "domain": host,
                "path": "/",
            },
            {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "domain": host, "path": "/"},
        ]
    )
    context.set_default_timeout(15_000)
    return context, context.new_page()


@pytest.mark.parametrize("language", ["en", "ko"])
def test_manager_screens_have_no_serious_accessibility_problem(
    browser, live_server, screens, language
):
    context, page = _signed_in_page(
        browser, live_server, screens["staff"], language=language, width=1280
    )
    problems = {}
    try:
        for name, path in _pages(screens, language).items():
            response = page.goto(path)
            assert response.status == 200, (name, response.status)
            assert page.locator("html").get_attribute("lang") == language
            found = serious_problems(page)
            if found:
                problems[name] = found
                SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=SCREENSHOTS / f"axe-{name}-{language}.png", full_page=True)
    finally:
        context.close()

    assert problems == {}


NO_SPILL = """() => {
  const spills = [];
  if (document.documentElement.scrollWidth > window.innerWidth) {
    spills.push(`page ${document.documentElement.scrollWidth} > ${window.innerWidth}`);
  }
  for (const table of document.querySelectorAll('main table')) {
    const box = table.closest('.table-scroll, .table-scroll-tall, .panel, main');
    const scrolls = box.matches('.table-scroll, .table-scroll-tall');
    const t = table.getBoundingClientRect(), b = box.getBoundingClientRect();
    if (!scrolls && t.right > b.right + 1) spills.push(`table ${t.right} > ${b.right}`);
    if (scrolls && b.right > box.parentElement.getBoundingClientRect().right + 1) {
      spills.push(`scroll box ${b.right} past its panel`);
    }
  }
  return spills;
}"""

OVERLAPS = """() => {
  const boxes = [...document.querySelectorAll('.filter-form select, .filter-form input')]
    .map((el) => el.getBoundingClientRect());
  const overlaps = [];
  boxes.forEach((a, i) => boxes.slice(i + 1).forEach((b) => {
    const across = a.left < b.right - 1 && b.left < a.right - 1;
    if (across && a.top < b.bottom - 1 && b.top < a.bottom - 1) {
      overlaps.push([a.left, a.right, b.left, b.right]);
    }
  }));
  return overlaps;
}"""


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("language", ["en", "ko"])
def test_filters_and_tables_stay_in_their_place(browser, live_server, screens, language, width):
    context, page = _signed_in_page(
        browser, live_server, screens["staff"], language=language, width=width
    )
    found = {}
    try:
        for name, path in _pages(screens, language).items():
            page.goto(path)
            spills, overlaps = page.evaluate(NO_SPILL), page.evaluate(OVERLAPS)
            if spills or overlaps:
                found[name] = (spills, overlaps)
    finally:
        context.close()

    assert found == {}


def test_the_sources_table_is_whole_on_a_desktop(browser, live_server, screens):
    context, page = _signed_in_page(
        browser, live_server, screens["staff"], language="en", width=1280
    )
    try:
        page.goto(_pages(screens)["dashboard"])
        region = page.get_by_role("region", name="Signatures by source")
        sizes = region.evaluate("(el) => [el.scrollWidth, el.clientWidth]")
        code = page.get_by_text("newsletter-2026-spring-appeal-final").bounding_box()
        box = region.bounding_box()
    finally:
        context.close()

    assert sizes[0] == sizes[1]  # nothing to scroll: the whole table shows
    assert box["x"] <= code["x"] and code["x"] + code["width"] <= box["x"] + box["width"]


def test_the_axe_check_finds_a_serious_problem(browser):
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    page.set_content(
        '<!DOCTYPE html><html lang="en"><title>Test</title><main>'
        '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'
        '<p style="color:#eee;background:#fff">Pale text</p></main></html>'
    )

    found = serious_problems(page)
    context.close()

    assert found == [
        "color-contrast (serious): ['p']",
        "image-alt (critical): ['img']",
    ]
