"""Petitions in the manager area: create, edit, preview, publish and close, copy."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone

from petitions.hotpath import page_cache
from petitions.models import Milestone, Petition
from tests.factories import PetitionFactory, SignatureFactory, TargetFactory
from tests.manage.conftest import petition_data


def errors(response) -> dict:
    return {name: [str(e) for e in errs] for name, errs in response.context["form"].errors.items()}


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_a_manager_creates_a_draft_petition(client, bob, campaign, minister):
    client.force_login(bob)

    response = client.post(
        "/en/manage/petitions/new/", petition_data(campaign, targets=[minister.pk])
    )

    petition = Petition.objects.get(slug="abolish-the-death-penalty")
    assert response.url == f"/en/manage/petitions/{petition.pk}/"
    assert (petition.campaign, petition.status, petition.goal) == (campaign, "draft", 5000)
    assert list(petition.targets.all()) == [minister]
    assert list(petition.milestones.values_list("threshold", "reached_at")) == [
        (1000, None),
        (2500, None),
    ]
    assert (petition.requires_confirmation, petition.city_field) == (True, "optional")
    assert messages_of(response) == [
        "The petition is saved as a draft. Preview it, then publish it."
    ]


def test_the_new_petition_form_starts_in_the_campaign_asked_for(client, bob, campaign):
    client.force_login(bob)

    response = client.get(f"/en/manage/petitions/new/?campaign={campaign.pk}")

    assert response.context["form"]["campaign"].value() == campaign.pk


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"goal": "0"}, "goal", "The goal must be at least 1 signature."),
        ({"goal": "-5"}, "goal", "The goal must be at least 1 signature."),
        ({"slug": "free-them"}, "slug", "Petition with this Address already exists."),
        (
            {"title_en": ""},
            "title_en",
            "The English version needs this too, or leave it all empty.",
        ),
        (
            {"opens_at": "2030-06-01T12:00", "closes_at": "2030-06-01T09:00"},
            "closes_at",
            "The closing time must come after the opening time.",
        ),
        (
            {"opens_at": "2030-06-01T12:00", "closes_at": "2030-06-01T12:00"},
            "closes_at",
            "The closing time must come after the opening time.",
        ),
        (
            {"closes_at": "2020-01-01T12:00"},
            "closes_at",
            "That time has passed. To stop taking signatures now, close the petition from "
            "its dashboard.",
        ),
        ({"opens_at": "tomorrow"}, "opens_at", "Enter a valid date/time."),
        (
            {"milestones": "1,000 ten"},
            "milestones",
            "“ten” is not a whole number. Separate milestones with spaces.",
        ),
        (
            {"milestones": "1000,10000"},
            "milestones",
            "“1000,10000” is not a whole number. Separate milestones with spaces.",
        ),
        ({"milestones": "0 100"}, "milestones", "Milestones start at 1."),
        (
            {"goal": "99999999999999999999"},
            "goal",
            "The goal can be at most one billion signatures.",
        ),
        (
            {"milestones": "100 99,999,999,999,999,999,999"},
            "milestones",
            "Milestones go up to one billion.",
        ),
        (
            {"opens_at": "9999-12-31T23:59"},
            "opens_at",
            "Enter a date between 1900-01-01 and 9000-12-31.",
        ),
        (
            {"body_en": '<img src=x onerror="alert(1)"> <p onclick="x">hi</p>'},
            "body_en",
            "Sori shows Markdown only and would remove <img>, onclick= from the page. "
            "Take it out, or write it as Markdown (**bold**, [link](https://…)).",
        ),
        ({"postcode_field": "always"}, "postcode_field", None),
    ],
)
def test_bad_petition_input_shows_the_error_and_saves_nothing(
    client, bob, campaign, petition, overrides, field, message
):
    client.force_login(bob)
    before = list(Petition.objects.values_list("pk", flat=True))

    response = client.post("/en/manage/petitions/new/", petition_data(campaign, **overrides))

    assert response.status_code == 400
    assert list(Petition.objects.values_list("pk", flat=True)) == before
    assert list(errors(response)) == [field]
    if message:
        assert errors(response)[field] == [message]


def test_a_manager_cannot_create_in_another_managers_campaign(client, mallory, campaign):
    client.force_login(mallory)

    response = client.post("/en/manage/petitions/new/", petition_data(campaign))

    assert response.status_code == 400
    assert errors(response) == {
        "campaign": ["Select a valid choice. That choice is not one of the available choices."]
    }
    assert not Petition.objects.filter(slug="abolish-the-death-penalty").exists()


def test_milestones_are_read_with_thousands_separators_and_sorted(client, bob, campaign):
    client.force_login(bob)

    client.post(
        "/en/manage/petitions/new/",
        petition_data(campaign, milestones="10,000; 1000, 250\n100,000 1,000"),
    )

    petition = Petition.objects.get(slug="abolish-the-death-penalty")
    assert list(petition.milestones.values_list("threshold", flat=True)) == [
        250,
        1000,
        10000,
        100000,
    ]


def test_editing_milestones_keeps_the_reached_ones_and_stamps_passed_new_ones(
    client, bob, campaign, petition
):
    SignatureFactory.create_batch(3, petition=petition)
    Petition.objects.filter(pk=petition.pk).update(signature_count=3)
    reached = timezone.now() - timedelta(days=2)
    Milestone.objects.filter(petition=petition, threshold=2).update(reached_at=reached)
    client.force_login(bob)

    response = client.post(
        f"/en/manage/petitions/{petition.pk}/edit/",
        petition_data(campaign, slug="free-them", title_en="Free them now", milestones="2 3 8"),
    )

    assert response.status_code == 302
    rows = {m.threshold: m.reached_at for m in petition.milestones.all()}
    assert sorted(rows) == [2, 3, 8]
    assert rows[2] == reached
    assert rows[3] is not None and rows[3] > reached
    assert rows[8] is None


def test_edit_page_warns_that_people_have_signed(client, bob, petition):
    SignatureFactory.create_batch(2, petition=petition)
    client.force_login(bob)

    html = client.get(f"/en/manage/petitions/{petition.pk}/edit/").content.decode()

    assert "2 people have signed this text." in html
    assert 'name="campaign"' not in html  # a petition stays in its campaign


def test_the_address_of_a_published_petition_is_fixed(client, bob, campaign, petition):
    client.force_login(bob)

    client.post(
        f"/en/manage/petitions/{petition.pk}/edit/", petition_data(campaign, slug="new-address")
    )

    petition.refresh_from_db()
    assert petition.slug == "free-them"
    assert petition.title == "Abolish the death penalty"


def test_saving_an_edit_drops_the_public_pages_cached_copy(
    client, bob, campaign, petition, django_capture_on_commit_callbacks
):
    client.get(petition.get_absolute_url())
    assert page_cache.get("free-them", "en") is not None
    client.force_login(bob)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/en/manage/petitions/{petition.pk}/edit/", petition_data(campaign))

    assert page_cache.get("free-them", "en") is None


def test_preview_shows_the_page_as_typed_and_changes_nothing(
    client, bob, campaign, petition, django_capture_on_commit_callbacks
):
    client.get(petition.get_absolute_url())  # a cached public copy that must survive
    other = TargetFactory(name="The Speaker of the National Assembly")
    client.force_login(bob)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(
            f"/en/manage/petitions/{petition.pk}/preview/",
            petition_data(
                campaign,
                title_en="Free them all, now",
                body_en="Write to **them**.",
                targets=[other.pk],
                milestones="3",
            ),
        )

    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Free them all, now</h1>" in html
    assert "<p>Write to <strong>them</strong>.</p>" in html
    assert "The Speaker of the National Assembly" in html
    assert "The Minister of Justice" not in html
    assert "Preview for managers." in html
    assert "petition-sign.js" not in html
    petition.refresh_from_db()
    assert petition.title == "Free them now"
    assert list(petition.targets.values_list("name", flat=True)) == ["The Minister of Justice"]
    assert list(petition.milestones.values_list("threshold", flat=True)) == [2, 5]
    assert callbacks == []
    assert page_cache.get("free-them", "en") is not None


def test_preview_of_a_new_petition_saves_nothing(client, bob, campaign):
    client.force_login(bob)

    response = client.post("/en/manage/petitions/new/preview/", petition_data(campaign))

    assert response.status_code == 200
    assert "<h1>Abolish the death penalty</h1>" in response.content.decode()
    assert "Preview: this petition is not visible to the public." in response.content.decode()
    assert not Petition.objects.filter(slug="abolish-the-death-penalty").exists()


def test_saved_preview_shows_the_draft_as_the_public_will_see_it(client, bob, campaign):
    draft = PetitionFactory(campaign=campaign, status="draft", title="Not yet")
    client.force_login(bob)

    response = client.get(f"/en/manage/petitions/{draft.pk}/preview/")

    assert response.status_code == 200
    assert "<h1>Not yet</h1>" in response.content.decode()
    assert response["X-Frame-Options"] == "SAMEORIGIN"


def test_publishing_asks_first_and_says_what_will_happen(client, bob, campaign):
    draft = PetitionFactory(campaign=campaign, status="draft", slug="draft-one", title="Draft one")
    client.force_login(bob)
    url = f"/en/manage/petitions/{draft.pk}/status/publish/"

    question = client.get(url)

    draft.refresh_from_db()
    assert draft.status == "draft"
    assert [str(effect) for effect in question.context["move"].effects] == [
        "The petition will be public at /en/petitions/draft-one/.",
        "It takes signatures at once.",
    ]
    assert "<h1>Publish “Draft one”?</h1>" in question.content.decode()

    response = client.post(url)

    draft.refresh_from_db()
    assert response.url == f"/en/manage/petitions/{draft.pk}/"
    assert draft.status == "open"
    assert draft.published_at is not None
    assert messages_of(response) == ["The petition is published."]


def test_publishing_in_a_draft_campaign_says_nobody_will_see_it_yet(client, carol):
    from tests.factories import CampaignFactory

    quiet = CampaignFactory(title="Quiet", status="draft")
    draft = PetitionFactory(campaign=quiet, status="draft")
    client.force_login(carol)

    question = client.get(f"/en/manage/petitions/{draft.pk}/status/publish/")

    assert question.context["move"].effects[-1] == (
        "Its campaign “Quiet” is not live: nobody can see or sign the petition until staff "
        "publish the campaign."
    )


def test_a_petition_whose_closing_time_passed_cannot_be_published(client, bob, campaign):
    draft = PetitionFactory(
        campaign=campaign, status="draft", closes_at=timezone.now() - timedelta(hours=1)
    )
    client.force_login(bob)

    response = client.post(f"/en/manage/petitions/{draft.pk}/status/publish/")

    assert response.status_code == 409
    assert "has passed: change it or empty it first." in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_closing_asks_first_then_closes(client, bob, petition):
    SignatureFactory.create_batch(3, petition=petition)
    Petition.objects.filter(pk=petition.pk).update(signature_count=3)
    client.force_login(bob)
    url = f"/en/manage/petitions/{petition.pk}/status/close/"

    question = client.get(url).content.decode()
    petition.refresh_from_db()
    assert petition.status == "open"
    assert "It stops taking signatures now." in question
    assert "Its page stays online with the final count: 3." in question

    response = client.post(url)

    petition.refresh_from_db()
    assert petition.status == "closed"
    assert messages_of(response) == ["The petition is closed."]


def test_a_closed_petition_can_be_marked_delivered(client, bob, petition):
    petition.set_status(Petition.Status.CLOSED)
    client.force_login(bob)

    client.post(f"/en/manage/petitions/{petition.pk}/status/deliver/")

    petition.refresh_from_db()
    assert petition.status == "delivered"
    assert petition.delivered_at is not None


def test_an_open_petition_cannot_be_delivered_without_closing(client, bob, petition):
    client.force_login(bob)

    response = client.post(f"/en/manage/petitions/{petition.pk}/status/deliver/")

    assert response.status_code == 409
    petition.refresh_from_db()
    assert petition.status == "open"


def test_dashboard_offers_only_the_moves_the_status_allows(client, bob, petition):
    client.force_login(bob)

    response = client.get(f"/en/manage/petitions/{petition.pk}/")

    assert list(response.context["moves"]) == ["close"]


def test_duplicating_makes_a_draft_copy_at_a_fresh_address(client, bob, campaign, petition):
    SignatureFactory(petition=petition)
    client.force_login(bob)

    page = client.get(f"/en/manage/petitions/{petition.pk}/duplicate/")
    first = client.post(f"/en/manage/petitions/{petition.pk}/duplicate/", {"campaign": campaign.pk})
    second = client.post(
        f"/en/manage/petitions/{petition.pk}/duplicate/", {"campaign": campaign.pk}
    )

    assert page.status_code == 200
    copies = Petition.objects.filter(slug__startswith="free-them-").order_by("pk")
    assert [c.slug for c in copies] == ["free-them-copy", "free-them-copy-2"]
    copy = copies[0]
    assert first.url == f"/en/manage/petitions/{copy.pk}/edit/"
    assert second.url == f"/en/manage/petitions/{copies[1].pk}/edit/"
    assert (copy.status, copy.title, copy.goal, copy.signature_count) == (
        "draft",
        "Free them now",
        10,
        0,
    )
    assert copy.published_at is None
    assert list(copy.targets.values_list("name", flat=True)) == ["The Minister of Justice"]
    assert list(copy.milestones.values_list("threshold", "reached_at")) == [(2, None), (5, None)]
    assert copy.signatures.count() == 0


def test_a_copy_goes_only_to_a_campaign_the_manager_runs(client, bob, petition, mallory):
    client.force_login(bob)
    elsewhere = mallory.managed_campaigns.get()

    response = client.post(
        f"/en/manage/petitions/{petition.pk}/duplicate/", {"campaign": elsewhere.pk}
    )

    assert response.status_code == 400
    assert not Petition.objects.filter(campaign=elsewhere).exists()


def test_a_retired_official_stays_on_a_petition_edited_later(client, bob, campaign, petition):
    retired = TargetFactory(name="A former minister", active=False)
    TargetFactory(name="Another retired official", active=False)
    petition.targets.add(retired)
    client.force_login(bob)

    page = client.get(f"/en/manage/petitions/{petition.pk}/edit/").content.decode()
    client.post(
        f"/en/manage/petitions/{petition.pk}/edit/",
        petition_data(campaign, targets=[t.pk for t in petition.targets.all()]),
    )

    assert "A former minister, Ministry of Example Affairs (no longer active)" in page
    assert "Another retired official" not in page
    assert sorted(petition.targets.values_list("name", flat=True)) == [
        "A former minister",
        "The Minister of Justice",
    ]
