"""Without the three Stripe keys donations are off, and the rest of the site is whole."""

import pytest
from django.core import checks
from django.template.loader import render_to_string
from django.test import RequestFactory

from donations.models import Donation
from tests.factories import CampaignFactory
from tests.stripe_fake import PUBLISHABLE_KEY, SECRET_KEY, WEBHOOK_SECRET

DONATE_LINK = '<li><a href="/en/donate/">Donate</a></li>'


def test_without_keys_the_donate_link_is_hidden(client, db):
    html = client.get("/en/").content.decode()

    assert DONATE_LINK not in html


def test_with_keys_the_donate_link_is_shown(client, stripe_fake):
    html = client.get("/en/").content.decode()

    assert DONATE_LINK in html


@pytest.mark.parametrize(
    "missing", ["STRIPE_SECRET_KEY", "STRIPE_PUBLISHABLE_KEY", "STRIPE_WEBHOOK_SECRET"]
)
def test_any_key_missing_switches_donations_off(client, stripe_fake, settings, missing):
    setattr(settings, missing, "")

    page = client.get("/en/donate/")

    assert DONATE_LINK not in page.content.decode()
    assert "<h1>Donations are not set up</h1>" in page.content.decode()


def test_without_keys_donate_says_not_set_up_and_takes_nothing(client, db):
    page = client.get("/en/donate/")
    posted = client.post(
        "/en/donate/",
        {"currency": "GBP", "frequency": "once", "preset": "2500", "first_name": "A",
         "last_name": "B", "email": "a@example.org"},
    )  # fmt: skip

    assert page.status_code == 200
    assert "<h1>Donations are not set up</h1>" in page.content.decode()
    assert "checkout.stripe.com" not in page.headers["Content-Security-Policy"]
    assert posted.status_code == 200
    assert Donation.objects.count() == 0


def test_campaign_pages_offer_a_donate_card_only_when_donations_are_on(client, settings, db):
    settings.PAGES_CACHE_SECONDS = 0  # the keys change within the test, not between deploys
    campaign = CampaignFactory(slug="reform-the-nsl")
    url = campaign.get_absolute_url()

    off = client.get(url)
    settings.STRIPE_SECRET_KEY = SECRET_KEY
    settings.STRIPE_PUBLISHABLE_KEY = PUBLISHABLE_KEY
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    on = client.get(url)

    assert [a.kind for a in off.context["actions"]] == []
    [action] = on.context["actions"]
    assert (action.kind, action.url, action.key) == (
        "donate",
        "/en/donate/?campaign=reform-the-nsl",
        f"donate:{campaign.pk}",
    )
    assert 'href="/en/donate/?campaign=reform-the-nsl"' in on.content.decode()


def render_prompt(campaign=None) -> str:
    request = RequestFactory().get("/en/")
    return render_to_string(
        "donations/_donate_prompt.html", {"campaign": campaign}, request=request
    ).strip()


def test_the_donate_prompt_renders_nothing_when_donations_are_off(db):
    assert render_prompt(CampaignFactory()) == ""


def test_the_donate_prompt_links_to_the_campaigns_donate_page(stripe_fake):
    html = render_prompt(CampaignFactory(slug="free-speech"))

    assert '<h2 id="donate-prompt-heading">Will you also give?</h2>' in html
    assert 'href="/en/donate/?campaign=free-speech"' in html
    assert 'href="/en/donate/"' in render_prompt()


def deploy_check_ids() -> list[str]:
    return sorted(
        m.id
        for m in checks.run_checks(include_deployment_checks=True)
        if m.id.startswith("donations")
    )


def test_deploy_check_warns_when_donations_are_off(db):
    assert deploy_check_ids() == ["donations.W001"]


def test_deploy_check_is_quiet_with_all_keys(stripe_fake):
    assert deploy_check_ids() == []


def test_ordinary_checks_do_not_warn_about_a_site_without_donations(db):
    assert [m.id for m in checks.run_checks() if m.id.startswith("donations")] == []


def test_half_set_keys_are_reported(settings, db):
    settings.STRIPE_SECRET_KEY = SECRET_KEY

    messages = [m for m in checks.run_checks() if m.id.startswith("donations")]

    assert [(m.id, m.msg) for m in messages] == [
        (
            "donations.W002",
            "Donations stay off until STRIPE_PUBLISHABLE_KEY, STRIPE_WEBHOOK_SECRET is set too.",
        )
    ]


def test_swapped_keys_are_reported(stripe_fake, settings):
    settings.STRIPE_SECRET_KEY = PUBLISHABLE_KEY

    messages = [m for m in checks.run_checks() if m.id.startswith("donations")]

    assert [(m.id, m.msg) for m in messages] == [
        (
            "donations.W003",
            "STRIPE_SECRET_KEY does not look like a Stripe key of that kind "
            "(it should start with sk_ or rk_).",
        )
    ]
