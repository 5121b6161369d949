import re

from django.test import Client

from petitions.hotpath import page_cache
from petitions.models import Petition
from tests.factories import SignatureFactory, SupporterFactory
from tests.petitions.conftest import form_data


def csrf_tokens(html: str) -> set[str]:
    return set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html))


def add_public_signer(petition, name: str) -> None:
    SignatureFactory(
        petition=petition,
        supporter=SupporterFactory(first_name=name, last_name="X"),
        display="full",
    )


def test_anonymous_visitors_share_one_rendering(petition):
    Client().get(petition.get_absolute_url())
    add_public_signer(petition, "Latecomer")

    html = Client().get(petition.get_absolute_url()).content.decode()

    assert "Latecomer" not in html  # served from the shared copy


def test_each_visitor_gets_their_own_csrf_token_and_can_sign(
    petition, django_capture_on_commit_callbacks
):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)

    first_html = first.get(petition.get_absolute_url()).content.decode()
    second_html = second.get(petition.get_absolute_url()).content.decode()

    assert len(csrf_tokens(first_html)) == 1
    assert len(csrf_tokens(second_html)) == 1
    assert first.cookies["csrftoken"].value != second.cookies["csrftoken"].value
    for number, (browser, html) in enumerate([(first, first_html), (second, second_html)]):
        token = csrf_tokens(html).pop()
        data = form_data(email=f"visitor{number}@example.org", csrfmiddlewaretoken=token)
        with django_capture_on_commit_callbacks(execute=True):  # the task that signs
            assert browser.post(f"/en/petitions/{petition.slug}/sign/", data).status_code == 302
    assert petition.signatures.count() == 2


def test_a_visitors_token_does_not_work_for_another(petition):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first_token = csrf_tokens(first.get(petition.get_absolute_url()).content.decode()).pop()
    second.get(petition.get_absolute_url())

    response = second.post(
        f"/en/petitions/{petition.slug}/sign/", form_data(csrfmiddlewaretoken=first_token)
    )

    assert response.status_code == 403
    assert petition.signatures.count() == 0


def test_ref_code_is_filled_in_per_request(petition):
    Client().get(petition.get_absolute_url() + "?ref=zzfirstref")

    html = Client().get(petition.get_absolute_url() + "?ref=second%22%3E%3Cb%3E").content.decode()

    assert 'name="source" value="secondb"' in html
    assert "zzfirstref" not in html


def test_placeholders_never_reach_a_visitor(petition):
    html = Client().get(petition.get_absolute_url()).content.decode()
    again = Client().get(petition.get_absolute_url()).content.decode()

    for page in (html, again):
        assert page_cache.hole("csrf") not in page
        assert page_cache.hole("ref") not in page
        assert "sori-hole-" not in page


def test_shared_copy_is_marked_private(petition):
    response = Client().get(petition.get_absolute_url())

    assert response["Cache-Control"] == "private, no-cache"
    assert "Cookie" in response["Vary"]


def test_signed_in_people_get_a_fresh_personal_page_and_it_is_never_shared(alice, petition):
    Client().get(petition.get_absolute_url())
    add_public_signer(petition, "Latecomer")
    member = Client()
    member.force_login(alice)

    personal = member.get(petition.get_absolute_url()).content.decode()
    anonymous = Client().get(petition.get_absolute_url()).content.decode()

    assert "Latecomer" in personal
    assert "Signing as alice@example.org." in personal
    assert "alice@example.org" not in anonymous


def test_a_visitor_with_a_message_gets_a_fresh_page(petition):
    Client().get(petition.get_absolute_url())
    add_public_signer(petition, "Latecomer")
    browser = Client()
    browser.cookies["messages"] = "anything"

    html = browser.get(petition.get_absolute_url()).content.decode()

    assert "Latecomer" in html


def test_editing_the_petition_drops_the_shared_copy(petition, django_capture_on_commit_callbacks):
    Client().get(petition.get_absolute_url())

    with django_capture_on_commit_callbacks(execute=True):
        petition.title = "A new title"
        petition.save()

    assert "<h1>A new title</h1>" in Client().get(petition.get_absolute_url()).content.decode()


def test_closing_the_petition_drops_the_shared_copy(petition, django_capture_on_commit_callbacks):
    Client().get(petition.get_absolute_url())

    with django_capture_on_commit_callbacks(execute=True):
        petition.set_status(Petition.Status.CLOSED)

    assert "This petition is closed" in Client().get(petition.get_absolute_url()).content.decode()


def test_caching_can_be_switched_off(petition, settings):
    settings.PETITIONS_PAGE_CACHE_SECONDS = 0
    Client().get(petition.get_absolute_url())
    add_public_signer(petition, "Latecomer")

    html = Client().get(petition.get_absolute_url()).content.decode()

    assert "Latecomer" in html


def test_a_draft_is_never_cached_for_its_manager(client, bob, campaign):
    from tests.factories import PetitionFactory

    draft = PetitionFactory(campaign=campaign, status=Petition.Status.DRAFT, slug="draft-one")
    client.force_login(bob)
    client.get(draft.get_absolute_url())

    assert page_cache.get("draft-one", "en") is None
    assert Client().get(draft.get_absolute_url()).status_code == 404


def test_campaign_page_petitions_are_shared_and_dropped_on_edit(
    client, petition, campaign, django_capture_on_commit_callbacks
):
    client.get(campaign.get_absolute_url())
    from tests.factories import PetitionFactory

    PetitionFactory(campaign=campaign, title="A new petition")
    shared = client.get(campaign.get_absolute_url())
    with django_capture_on_commit_callbacks(execute=True):
        petition.save()
    fresh = client.get(campaign.get_absolute_url())

    assert [a.title for a in shared.context["actions"]] == ["Free them now"]
    assert sorted(a.title for a in fresh.context["actions"]) == ["A new petition", "Free them now"]
