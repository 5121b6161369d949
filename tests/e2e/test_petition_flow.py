import re

import pytest
from playwright.sync_api import expect

from petitions import signatures
from petitions.hotpath import page_cache
from petitions.models import Signature
from tests.factories import CampaignFactory, PetitionFactory, SignatureFactory


@pytest.fixture(autouse=True)
def _fresh_page_copies():
    page_cache.clear_local()  # the live server shares this process's page copies


def test_supporter_signs_confirms_from_the_dev_mailbox_and_sees_the_count_rise(
    page, dev_mailbox, live_server, settings
):
    # Links in mail are absolute (tasks have no request), so they must point here.
    settings.SITE_URL = live_server.url
    campaign = CampaignFactory(slug="free-speech", title="Free speech now")
    petition = PetitionFactory(campaign=campaign, slug="free-them", title="Free them now", goal=100)
    SignatureFactory(petition=petition)
    SignatureFactory(petition=petition)
    signatures.reconcile_counts()
    counter = page.locator(".counter-figure")
    console_errors = []  # a CSP violation (inline script or style) shows up here
    page.on("console", lambda m: m.type == "error" and console_errors.append(m.text))

    page.goto("/en/petitions/free-them/")
    expect(counter).to_have_text("2 signatures")
    page.get_by_label("First name").fill("Ji-woo")
    page.get_by_label("Last name").fill("Kim")
    page.get_by_label("Email address", exact=True).fill("jiwoo@example.org")
    page.get_by_label("Country").select_option("KR")
    page.get_by_label("My full name").check()
    page.get_by_label("I agree to the processing of my details").check()
    page.get_by_role("button", name="Sign the petition").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("One more step: check your email")
    signature = Signature.objects.get(supporter__email="jiwoo@example.org")
    # The browser solved the proof-of-work challenge, so nothing is held for review.
    assert (signature.status, signature.review_reason) == ("pending", "")

    page.goto("/dev/mail/")
    page.get_by_role("link", name=re.compile("Please confirm your signature")).click()
    page.locator("a[href*='/en/petitions/confirm/']").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm your signature")
    page.get_by_role("button", name="Confirm my signature").click()

    expect(page.locator(".message")).to_have_text(
        "Thank you! Your signature is confirmed and counted."
    )
    expect(counter).to_have_text("3 signatures")
    expect(page.locator(".signer-list")).to_contain_text("Ji-woo Kim")
    assert page.external_requests == []
    assert console_errors == []


def test_without_javascript_the_form_still_works_and_the_signature_is_held(
    browser, live_server, db
):
    petition = PetitionFactory(slug="no-script", title="Works without scripts")
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()

    page.goto("/en/petitions/no-script/")
    page.get_by_label("First name").fill("Min-jun")
    page.get_by_label("Email address", exact=True).fill("minjun@example.org")
    page.get_by_label("Country").select_option("DE")
    page.get_by_label("I agree to the processing of my details").check()
    page.get_by_role("button", name="Sign the petition").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("One more step: check your email")
    signature = Signature.objects.get(petition=petition)
    assert (signature.status, signature.review_reason) == ("review", "challenge")
    context.close()
