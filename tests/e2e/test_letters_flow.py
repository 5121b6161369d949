import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from letters.models import Letter
from tests.factories import CampaignFactory, LetterActionFactory, TargetFactory
from tests.lib.test_pdf import pdf_text


@pytest.fixture
def private_files(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private")},
        },
    }


def test_supporter_writes_downloads_and_sends_a_letter_confirmed_from_the_mailbox(
    page, dev_mailbox, private_files
):
    target = TargetFactory(
        name="The Minister of Justice",
        salutation_en="Dear Minister",
        email="minister@officials.example",
        preferred_language="en",
    )
    LetterActionFactory(
        campaign=CampaignFactory(title="Reform the NSL"),
        slug="write-to-the-minister",
        title="Write to the Minister of Justice",
        targets=[target],
        editing="paragraph",
    )

    page.goto("/en/letters/")
    page.get_by_role("link", name="Write to the Minister of Justice").first.click()
    page.get_by_label("First name").fill("Ji-woo")
    page.get_by_label("Last name").fill("Kim")
    page.get_by_label("Email address").fill("jiwoo@example.org")
    page.get_by_label("Town or city").fill("Busan")
    page.get_by_label("Country").select_option("KR")
    page.get_by_label("English", exact=True).check()
    page.get_by_label("Your own paragraph").fill("My uncle spent six years in prison.")
    preview = page.locator("#letter-preview")
    expect(preview).to_contain_text("My uncle spent six years in prison.")
    expect(preview).to_contain_text("I am writing from Busan, South Korea.")
    expect(preview).to_contain_text("Dear Minister,")
    page.get_by_label("I agree").check()
    page.get_by_role("button", name="Write my letter").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your letter")
    expect(page.locator(".letter-to")).to_have_text("To: The Minister of Justice")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the PDF").click()
    pdf = Path(download.value.path()).read_bytes()
    assert "My uncle spent six years in prison." in pdf_text(pdf)
    assert "Ji-woo Kim" in pdf_text(pdf)

    page.get_by_label("Sori emails it to the official for me").check()
    page.get_by_role("button", name="Deliver my letter").click()
    expect(page.locator(".letter-status")).to_contain_text("Check your email")
    letter_url = page.url

    page.goto("/dev/mail/")
    page.get_by_role("link", name="Confirm: email your letter to The Minister of Justice").click()
    link = page.locator("a[href*='/en/letters/confirm/']").get_attribute("href")
    page.goto(urlsplit(link).path)
    page.get_by_role("button", name="Yes, send my letter").click()

    assert page.url == letter_url
    expect(page.locator(".status-label")).to_have_text("Emailed to the official")
    page.goto("/dev/mail/")
    page.get_by_role("link", name="Free the prisoners of conscience").click()
    expect(page.locator(".mail-body")).to_contain_text("Dear Minister,")
    attachment = page.get_by_role("link", name=re.compile(r"letter-write-to-the-minister-.*\.pdf"))
    expect(attachment).to_be_visible()
    assert Letter.objects.get().status == "sent"
    # Chromium's own PDF viewer (the frame on the letter page) is part of the browser.
    assert [
        u for u in page.external_requests if not u.startswith(("chrome-extension:", "chrome:"))
    ] == []
