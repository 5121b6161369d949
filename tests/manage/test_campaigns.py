"""Campaigns in the manager area: staff create them, managers edit them, staff publish."""

import pytest
from django.contrib.messages import get_messages

from campaigns.models import Campaign
from tests.factories import CampaignFactory, PetitionFactory
from tests.manage.conftest import campaign_data


def errors(response) -> dict:
    return {name: [str(e) for e in errs] for name, errs in response.context["form"].errors.items()}


def test_staff_create_a_draft_campaign_and_choose_its_managers(client, carol, bob, minister):
    client.force_login(carol)

    response = client.post(
        "/en/manage/campaigns/new/",
        campaign_data(managers=[bob.pk], targets=[minister.pk]),
    )

    campaign = Campaign.objects.get(slug="end-the-death-penalty")
    assert response.status_code == 302
    assert response.url == f"/en/manage/campaigns/{campaign.pk}/"
    assert campaign.status == Campaign.Status.DRAFT
    assert list(campaign.managers.all()) == [bob]
    assert list(campaign.targets.all()) == [minister]
    assert campaign.body_html == "<p>Abolition is <strong>overdue</strong>.</p>"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"slug": "reform-the-nsl"}, "slug", "Campaign with this Address already exists."),
        ({"slug": "not a slug"}, "slug", None),
        (
            {"title_en": ""},
            "title_en",
            "The English version needs this too, or leave it all empty.",
        ),
        (
            {"body_en": "Hello <script>alert(1)</script> [x](javascript:alert(1))"},
            "body_en",
            "Sori shows Markdown only and would remove <script>, javascript: from the page. "
            "Take it out, or write it as Markdown (**bold**, [link](https://…)).",
        ),
    ],
)
def test_bad_campaign_input_shows_the_error_and_saves_nothing(
    client, carol, campaign, overrides, field, message
):
    client.force_login(carol)
    before = Campaign.objects.count()

    response = client.post("/en/manage/campaigns/new/", campaign_data(**overrides))

    assert response.status_code == 400
    assert Campaign.objects.count() == before
    assert list(errors(response)) == [field]
    if message:
        assert errors(response)[field] == [message]
    assert 'class="error-summary"' in response.content.decode()


def test_an_image_needs_a_description(client, carol, campaign):
    client.force_login(carol)
    image = _png()

    response = client.post(
        f"/en/manage/campaigns/{campaign.pk}/edit/", {**campaign_data(), "image": image}
    )

    assert response.status_code == 400
    assert errors(response) == {"image_alt": ["Describe the image for people who cannot see it."]}
    campaign.refresh_from_db()
    assert not campaign.image


def test_a_manager_edits_the_words_but_not_who_manages(client, bob, mallory, campaign):
    client.force_login(bob)

    page = client.get(f"/en/manage/campaigns/{campaign.pk}/edit/").content.decode()
    response = client.post(
        f"/en/manage/campaigns/{campaign.pk}/edit/",
        campaign_data(title_en="Reform the National Security Act", managers=[mallory.pk]),
    )

    assert 'name="managers"' not in page
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.title == "Reform the National Security Act"
    assert list(campaign.managers.all()) == [bob]


def test_the_address_is_fixed_once_published(client, bob, campaign):
    client.force_login(bob)

    client.post(f"/en/manage/campaigns/{campaign.pk}/edit/", campaign_data(slug="a-new-address"))

    campaign.refresh_from_db()
    assert campaign.slug == "reform-the-nsl"


def test_a_draft_campaign_can_change_its_address(client, carol):
    draft = CampaignFactory(slug="first-idea", status=Campaign.Status.DRAFT)
    client.force_login(carol)

    client.post(f"/en/manage/campaigns/{draft.pk}/edit/", campaign_data(slug="better-idea"))

    draft.refresh_from_db()
    assert draft.slug == "better-idea"


def test_preview_shows_the_unsaved_edit_and_keeps_nothing(client, bob, campaign):
    client.force_login(bob)

    response = client.post(
        f"/en/manage/campaigns/{campaign.pk}/preview/",
        campaign_data(title_en="A bolder title", body_en="Now **bolder**."),
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>A bolder title</h1>" in html
    assert "<p>Now <strong>bolder</strong>.</p>" in html
    assert "Preview for managers." in html
    campaign.refresh_from_db()
    assert campaign.title == "Reform the NSL"


def test_preview_of_a_new_campaign_saves_nothing(client, carol):
    client.force_login(carol)
    before = Campaign.objects.count()

    response = client.post("/en/manage/campaigns/new/preview/", campaign_data())

    assert response.status_code == 200
    assert "<h1>End the death penalty</h1>" in response.content.decode()
    assert Campaign.objects.count() == before


def test_preview_may_be_framed_by_this_site_only(client, bob, campaign, settings):
    client.force_login(bob)

    response = client.get(f"/en/manage/campaigns/{campaign.pk}/preview/")

    assert response["X-Frame-Options"] == "SAMEORIGIN"
    policy = response["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in policy
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy


def test_preview_of_an_invalid_form_lists_the_problems(client, bob, campaign):
    client.force_login(bob)

    response = client.post(
        f"/en/manage/campaigns/{campaign.pk}/preview/", campaign_data(title_en="")
    )

    # A 200: the preview of a form being filled in (a 400 is a console error each time).
    assert response.status_code == 200
    assert (
        "Title (English): The English version needs this too, or leave it all empty."
        in response.content.decode()
    )


def test_edit_page_frames_the_preview(client, bob, campaign):
    client.force_login(bob)

    html = client.get(f"/en/manage/campaigns/{campaign.pk}/edit/").content.decode()

    for code, language in [("en", "English"), ("ko", "Korean")]:
        assert (
            f'<iframe name="preview-frame-{code}" class="preview-frame" '
            f'title="Preview of the public page in {language}" sandbox="allow-same-origin" '
            f'data-preview-frame data-preview-url="/en/manage/campaigns/{campaign.pk}/preview/'
            f'?language={code}" src="/en/manage/campaigns/{campaign.pk}/preview/?language={code}">'
        ) in html
        assert (
            f'formaction="/en/manage/campaigns/{campaign.pk}/preview/?language={code}" '
            f'formtarget="preview-frame-{code}" data-preview-button>Preview in {language}</button>'
        ) in html


def test_unpublishing_asks_first_then_moves_the_campaign(client, carol, campaign):
    client.force_login(carol)
    url = f"/en/manage/campaigns/{campaign.pk}/status/unpublish/"

    question = client.get(url)
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.LIVE
    assert "Take “Reform the NSL” offline?" in question.content.decode()
    assert (
        "The campaign page and every one of its actions disappear from the site."
        in question.content.decode()
    )

    response = client.post(url)

    campaign.refresh_from_db()
    assert response.url == f"/en/manage/campaigns/{campaign.pk}/"
    assert campaign.status == Campaign.Status.DRAFT
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "The campaign is a draft again."
    ]


def test_a_move_the_transition_map_refuses_changes_nothing(client, carol, campaign):
    client.force_login(carol)

    response = client.post(f"/en/manage/campaigns/{campaign.pk}/status/publish/")

    assert response.status_code == 409
    assert "This cannot be done while it is “Live”." in response.content.decode()
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.LIVE


def test_an_unknown_move_is_a_404(client, carol, campaign):
    client.force_login(carol)

    assert client.get(f"/en/manage/campaigns/{campaign.pk}/status/explode/").status_code == 404


def test_managers_cannot_change_a_campaigns_status(client, bob, campaign):
    client.force_login(bob)

    response = client.post(f"/en/manage/campaigns/{campaign.pk}/status/unpublish/")

    assert response.status_code == 403
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.LIVE


def test_the_index_leads_to_every_action_and_to_new_ones(client, bob, campaign, mallory):
    petition = PetitionFactory(campaign=campaign, title="Free them now")
    PetitionFactory(campaign=mallory.managed_campaigns.get(), title="Mallory's petition")
    client.force_login(bob)

    html = client.get("/en/manage/").content.decode()

    assert f'<a href="/en/manage/campaigns/{campaign.pk}/">Reform the NSL</a>' in html
    assert f'<a href="/en/manage/petitions/{petition.pk}/">Free them now</a>' in html
    assert f'href="/en/manage/petitions/new/?campaign={campaign.pk}">New petition</a>' in html
    assert (
        f'href="/en/manage/letters/actions/new/?campaign={campaign.pk}">New letter action</a>'
        in html
    )
    assert "Mallory" not in html
    assert "New campaign" not in html


def test_staff_index_offers_staff_tools(client, carol, campaign):
    client.force_login(carol)

    html = client.get("/en/manage/").content.decode()

    assert '<a href="/en/manage/campaigns/new/">New campaign</a>' in html
    assert '<a href="/en/manage/letters/">Letters to print</a>' in html


def test_campaign_page_lists_its_actions_with_their_figures(
    client, bob, campaign, petition, letter_action
):
    client.force_login(bob)

    response = client.get(f"/en/manage/campaigns/{campaign.pk}/")

    assert [(a.kind, a.title, a.status, a.count, a.goal) for a in response.context["actions"]] == [
        ("petition", "Free them now", "open", 0, 10),
        ("letter", "Write to the Minister", "open", 0, None),
    ]
    assert response.context["moves"] == {}


def _png():
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, format="PNG")
    return SimpleUploadedFile("banner.png", buffer.getvalue(), content_type="image/png")


def test_staff_without_campaigns_are_told_how_to_start_one(client, carol):
    client.force_login(carol)

    html = client.get("/en/manage/").content.decode()

    assert "There are no campaigns yet. Start one with “New campaign”." in html
