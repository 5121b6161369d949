"""The petition editor: the address made from the English title; previews of an
incomplete form answer 200 (a 400 is logged as an error in the browser's console)."""

from petitions.models import Petition
from tests.factories import PetitionFactory
from tests.manage.conftest import petition_data


def test_an_empty_address_is_made_from_the_english_title(client, bob, campaign):
    client.force_login(bob)

    client.post(
        "/en/manage/petitions/new/",
        petition_data(campaign, slug="", title_en="Free Kim Ji-woo, now!"),
    )

    assert list(Petition.objects.values_list("slug", flat=True)) == ["free-kim-ji-woo-now"]


def test_an_address_made_from_a_title_already_taken_gets_a_number(client, bob, campaign):
    PetitionFactory(campaign=campaign, slug="abolish-the-death-penalty")
    client.force_login(bob)

    client.post("/en/manage/petitions/new/", petition_data(campaign, slug=""))

    assert sorted(Petition.objects.values_list("slug", flat=True)) == [
        "abolish-the-death-penalty",
        "abolish-the-death-penalty-2",
    ]


def test_an_address_typed_by_the_manager_is_kept(client, bob, campaign):
    client.force_login(bob)

    client.post("/en/manage/petitions/new/", petition_data(campaign, slug="no-death-penalty"))

    assert list(Petition.objects.values_list("slug", flat=True)) == ["no-death-penalty"]


def test_without_an_address_or_english_title_the_form_says_what_to_do(client, bob, campaign):
    client.force_login(bob)

    response = client.post(
        "/en/manage/petitions/new/", petition_data(campaign, slug="", title_en="")
    )

    assert response.status_code == 400
    assert [str(e) for e in response.context["form"].errors["slug"]] == [
        "Give the page an address, or an English title to make one from."
    ]
    assert not Petition.objects.exists()


def test_the_address_field_names_the_title_it_follows(client, bob, campaign):
    client.force_login(bob)

    html = client.get("/en/manage/petitions/new/").content.decode()

    assert 'data-slug-from="id_title_en"' in html
    assert '<script src="/static/js/slug.js" defer></script>' in html


def test_a_published_petitions_address_does_not_follow_the_title(client, bob, campaign):
    petition = PetitionFactory(campaign=campaign, slug="fixed", published_at="2026-01-01T00:00Z")
    client.force_login(bob)

    html = client.get(f"/en/manage/petitions/{petition.pk}/edit/").content.decode()

    assert "data-slug-from" not in html


def test_the_preview_of_a_blank_new_form_is_a_200_listing_what_to_fix(client, bob, campaign):
    client.force_login(bob)

    response = client.post("/en/manage/petitions/new/preview/?language=en", {})

    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>The preview waits for these fixes</h1>" in html
    assert not Petition.objects.exists()


def test_a_manager_of_another_campaign_gets_no_preview(client, mallory, campaign):
    client.force_login(mallory)

    response = client.post("/en/manage/petitions/new/preview/?language=en", petition_data(campaign))

    assert response.status_code == 400
    assert "<h1>Abolish the death penalty</h1>" not in response.content.decode()
    assert not Petition.objects.exists()
