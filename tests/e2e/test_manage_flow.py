"""A manager runs a petition from creation to its dashboard; a supporter signs meanwhile."""

from playwright.sync_api import expect

from accounts import roles
from accounts.models import AuditEntry
from petitions.hotpath import page_cache
from petitions.models import Petition
from tests.conftest import enable_mfa
from tests.e2e.test_foundation_flows import current_totp
from tests.factories import PASSWORD, CampaignFactory, TargetFactory, UserFactory


def sign_in_with_mfa(page, email: str, secret: str) -> None:
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.get_by_label("Code").fill(current_totp(secret))
    page.get_by_role("button", name="Sign In").click()


def test_manager_creates_previews_publishes_and_watches_a_petition(new_page, live_server):
    page_cache.clear_local()  # the live server shares this process's page copies
    manager = UserFactory(email="bob@example.org", name="Bob Lee", groups=[roles.MANAGERS])
    secret = enable_mfa(manager)
    campaign = CampaignFactory(title="Reform the NSL", managers=[manager])
    TargetFactory(name="The Minister of Justice")
    page = new_page()
    # A CSP violation (inline script or style) or a script in the sandboxed preview shows
    # up here. While the form is incomplete its previews answer 400 (listing what to fix),
    # which the browser logs as a failed load: no error of the page.
    console_errors = []
    page.on(
        "console",
        lambda m: (
            m.type == "error" and "status of 400" not in m.text and console_errors.append(m.text)
        ),
    )

    page.goto("/en/manage/")
    sign_in_with_mfa(page, "bob@example.org", secret)
    expect(page.get_by_role("heading", level=1)).to_have_text("Manage campaigns")
    page.get_by_role("link", name="New petition").click()
    expect(page.get_by_label("Campaign")).to_have_value(str(campaign.pk))
    page.get_by_label("Title (English)").fill("Free the prisoners of conscience")
    page.get_by_label("Address").fill("free-the-prisoners")
    page.get_by_label("Summary (English)").fill("Release everyone held for a peaceful opinion.")
    page.get_by_label("Text (English)").fill("We ask you to **act now**.")
    # The previews follow the typing: the public page in each language, in sandboxed
    # frames; the Korean one says its text is not translated yet.
    preview = page.frame_locator("iframe[name=preview-frame-en]")
    korean = page.frame_locator("iframe[name=preview-frame-ko]")

    expect(preview.get_by_role("heading", level=1)).to_have_text("Free the prisoners of conscience")
    expect(preview.locator(".prose strong")).to_have_text("act now")
    expect(korean.locator(".translation-note")).to_have_text(
        "이 내용은 아직 한국어로 번역되지 않았습니다."
    )
    page.get_by_label("Title (Korean)").fill("양심수를 석방해 주십시오")
    page.get_by_label("Summary (Korean)").fill(
        "평화적인 의견 때문에 수감된 분들을 석방해 주십시오."
    )
    page.get_by_label("Text (Korean)").fill("지금 **조치해** 주십시오.")
    expect(korean.get_by_role("heading", level=1)).to_have_text("양심수를 석방해 주십시오")
    expect(korean.locator(".translation-note")).to_have_count(0)
    page.get_by_label("The Minister of Justice, Ministry of Example Affairs").check()
    page.get_by_label("Goal").fill("100")
    page.get_by_label("Milestones").fill("10 50")
    page.get_by_label("Signatures need email confirmation").uncheck()
    page.get_by_role("button", name="Save as a draft").click()

    expect(page.locator(".message")).to_have_text(
        "The petition is saved as a draft. Preview it, then publish it."
    )
    page.get_by_role("link", name="Publish the petition").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Publish “Free the prisoners of conscience”?"
    )
    expect(
        page.get_by_text("The petition will be public at /en/petitions/free-the-prisoners/.")
    ).to_be_visible()
    page.get_by_role("button", name="Publish the petition").click()
    expect(page.locator(".message")).to_have_text("The petition is published.")
    assert Petition.objects.get(slug="free-the-prisoners").status == "open"

    supporter = new_page()
    supporter.goto("/en/petitions/free-the-prisoners/?ref=kakao")
    supporter.get_by_label("First name").fill("Ji-woo")
    supporter.get_by_label("Last name").fill("Kim")
    supporter.get_by_label("Email address", exact=True).fill("jiwoo@example.org")
    supporter.get_by_label("Country").select_option("KR")
    supporter.get_by_label("I agree to the processing of my details").check()
    supporter.get_by_role("button", name="Sign the petition").click()
    expect(supporter.get_by_role("heading", level=1)).to_contain_text("Thank you")

    page.reload()
    counts = page.locator(".stat-grid").first
    expect(counts.locator("div", has_text="Counted on the page").locator("dd")).to_have_text("1")
    expect(counts.locator("div", has_text="Page views").locator("dd")).to_have_text("1")
    expect(page.locator("#sources-heading ~ .table-scroll table")).to_contain_text("kakao")

    page.get_by_role("link", name="Export signatures (CSV) or build a delivery pack").click()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download CSV").click()
    csv_text = download_info.value.path().read_text(encoding="utf-8-sig")
    header, *rows = csv_text.splitlines()
    assert "first_name" in header and "country" in header
    assert len(rows) == 1 and "Ji-woo" in rows[0] and "KR" in rows[0]
    assert AuditEntry.objects.filter(action__startswith="export.signatures").count() == 1
    assert page.external_requests == [] and supporter.external_requests == []
    assert console_errors == []
