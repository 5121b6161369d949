import re
import time

from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import (
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from playwright.sync_api import expect

from accounts import roles
from accounts.models import User
from tests.factories import PASSWORD, CampaignFactory, UserFactory


def current_totp(secret: str) -> str:
    """The code of the current time step, taken at least 5 s before the step ends: a
    code read at second 29 of 30 could reach the server in the next step, be refused,
    and fail the test for the clock's sake (it did once in CI)."""
    period = mfa_settings.TOTP_PERIOD
    left = period - time.time() % period
    if left < 5:
        time.sleep(left + 0.1)
    counter = next(iter(yield_hotp_counters_from_time()))
    return format_hotp_value(hotp_value(secret, counter))


def test_newcomer_signs_up_verifies_from_dev_mailbox_and_is_signed_in(page, dev_mailbox):
    CampaignFactory(slug="free-speech", title="Free speech now", summary="Repeal the law.")

    page.goto("/en/")
    page.get_by_role("link", name="Free speech now").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Free speech now")
    page.get_by_role("link", name="Sign in").click()
    page.get_by_role("link", name="sign up").click()
    page.get_by_label("Email").fill("newcomer@example.org")
    page.get_by_label("Password", exact=True).fill("a long passphrase 2026")
    page.get_by_label("Password (again)").fill("a long passphrase 2026")
    page.get_by_role("button", name="Sign Up").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Verify Your Email Address")

    page.goto("/dev/mail/")
    page.get_by_role("link", name=re.compile("Please Confirm Your Email Address")).click()
    page.locator("a[href*='/accounts/confirm-email/']").click()
    page.get_by_role("button", name="Confirm").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("My activity")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    user = User.objects.get(email="newcomer@example.org")
    assert user.emailaddress_set.get().verified is True
    assert user.supporter.email == "newcomer@example.org"
    assert page.external_requests == []


def test_staff_without_mfa_is_led_to_set_it_up_before_the_staff_area(page):
    UserFactory(email="staff@example.org", groups=[roles.STAFF], is_staff=True)

    page.goto("/en/manage/")
    page.get_by_label("Email").fill("staff@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Two-factor authentication required")
    page.get_by_role("link", name="Set up two-factor authentication").click()
    # Just signed in: allauth's "confirm it's you" is not asked again (accounts.adapter).
    expect(page.get_by_role("heading", level=1)).to_have_text("Activate Authenticator App")
    secret = page.locator("#authenticator_secret").input_value()
    page.get_by_label("Authenticator code").fill(current_totp(secret))
    page.get_by_role("button", name="Activate").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Recovery Codes")

    page.get_by_role("link", name="Continue where you were going").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Manage campaigns")
    assert page.external_requests == []
