import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import User
from campaigns.actions import Action, actions_for, register
from campaigns.models import Campaign, Target
from lib.states import TransitionNotAllowed
from lib.text import render_markdown
from tests.factories import CampaignFactory


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("<script>alert(1)</script>Hi", "<p>Hi</p>"),
        ("[x](javascript:alert(1))", '<p><a rel="noopener noreferrer nofollow">x</a></p>'),
        ('<p onclick="steal()">a</p>', "<p>a</p>"),
        ('<p style="color:red">a</p>', "<p>a</p>"),
        (
            "**bold** [ok](https://example.org)",
            '<p><strong>bold</strong> <a href="https://example.org" '
            'rel="noopener noreferrer nofollow">ok</a></p>',
        ),
        ('<img src="x" onerror="alert(1)">', "<p></p>"),
    ],
)
def test_markdown_is_sanitised(markdown, expected):
    assert render_markdown(markdown) == expected


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("### Ask\n\n#### Why\n\n### Next", "<h2>Ask</h2>\n<h3>Why</h3>\n<h2>Next</h2>"),
        ("## Ask\n\n### Why", "<h2>Ask</h2>\n<h3>Why</h3>"),
        ("#### Deep", "<h2>Deep</h2>"),
    ],
)
def test_written_headings_start_at_h2_under_the_pages_h1(markdown, expected):
    assert render_markdown(markdown) == expected


def test_campaign_renders_body_on_save(db):
    campaign = CampaignFactory(body="Hello <script>x</script>**world**")

    assert campaign.body_html == "<p>Hello <strong>world</strong></p>"


def test_campaign_status_moves_only_along_allowed_transitions(db):
    campaign = CampaignFactory(status=Campaign.Status.DRAFT)

    campaign.set_status(Campaign.Status.LIVE)
    first_published = campaign.published_at
    campaign.set_status(Campaign.Status.ARCHIVED)
    with pytest.raises(TransitionNotAllowed):
        campaign.set_status(Campaign.Status.DRAFT)
    campaign.set_status(Campaign.Status.LIVE)

    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.LIVE
    assert campaign.published_at == first_published is not None


def test_home_lists_live_campaigns_only(client, db):
    CampaignFactory(title="Live one")
    CampaignFactory(title="Draft one", status=Campaign.Status.DRAFT)

    page = client.get("/en/").content.decode()

    assert "Live one" in page
    assert "Draft one" not in page


def test_campaign_page_shows_the_story_and_who_decides(client, db):
    campaign = CampaignFactory(title="Free them", body="Release **everyone**.")
    campaign.targets.add(
        Target.objects.create(
            name="The Minister of Justice", salutation_en="Dear Minister", salutation_ko="장관님께"
        )
    )

    page = client.get(campaign.get_absolute_url()).content.decode()

    assert "<h1>Free them</h1>" in page
    assert "<strong>everyone</strong>" in page
    assert "The Minister of Justice" in page


def test_unknown_campaign_slug_is_the_404_page(client, db):
    response = client.get("/en/campaigns/no-such-campaign/")

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_draft_campaign_is_hidden_from_the_public_but_previewed_by_its_manager(
    client, campaign, bob, mallory
):
    campaign.set_status(Campaign.Status.DRAFT)

    anonymous = client.get(campaign.get_absolute_url())
    client.force_login(mallory)
    other_manager = client.get(campaign.get_absolute_url())
    client.force_login(bob)
    own_manager = client.get(campaign.get_absolute_url())

    assert anonymous.status_code == 404
    assert other_manager.status_code == 404
    assert own_manager.status_code == 200
    assert "Preview: this campaign is Draft" in own_manager.content.decode()


def test_campaign_page_lists_registered_actions(client, db):
    campaign = CampaignFactory()

    def source(c):
        yield Action(
            kind="test",
            title="Write to the minister",
            summary="s",
            url="/x/",
            call_to_action="Write now",
            count=250,
            goal=1000,
            key=f"test:{c.pk}",
        )

    register(source)
    try:
        page = client.get(campaign.get_absolute_url()).content.decode()
        assert "Write to the minister" in page
        assert "250 of 1,000" in page
        assert actions_for(campaign, exclude=f"test:{campaign.pk}") == []
    finally:
        from campaigns import actions

        actions._sources.remove(source)


def test_seed_demo_is_idempotent(db, settings):
    settings.DEBUG = True

    first, second = io.StringIO(), io.StringIO()

    call_command("seed_demo", stdout=first)
    counts = (Campaign.objects.count(), Target.objects.count(), User.objects.count())
    call_command("seed_demo", stdout=second)

    assert counts == (3, 5, 2)  # four offices and a committee chair (letters demo)
    assert (Campaign.objects.count(), Target.objects.count(), User.objects.count()) == counts
    assert set(Campaign.objects.values_list("status", flat=True)) == {"live"}
    assert all(Target.objects.values_list("illustrative", flat=True))
    assert "Demo password (both):  sori-demo-2026" in second.getvalue()
    assert "manager@sori.example" in second.getvalue()


def test_seed_demo_refuses_with_debug_off(db, settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="refuses to run with DEBUG off"):
        call_command("seed_demo")
    assert Campaign.objects.count() == 0
