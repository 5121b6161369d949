"""The petition list, the petition page and its counters."""

import json
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from campaigns.models import Campaign
from lib import kr_regions
from petitions import signatures
from petitions.models import Petition
from tests.factories import (
    CampaignFactory,
    PetitionFactory,
    SignatureFactory,
    SupporterFactory,
    TargetFactory,
)
from tests.petitions.helpers import (
    XSS,
)

# The list and the petition page.


def test_petition_list_shows_public_petitions_only(client, petition, campaign):
    PetitionFactory(campaign=campaign, title="A draft", status=Petition.Status.DRAFT)
    PetitionFactory(campaign=campaign, title="A closed one", status=Petition.Status.CLOSED)
    PetitionFactory(
        campaign=CampaignFactory(status=Campaign.Status.DRAFT), title="Hidden campaign's"
    )

    response = client.get(reverse("petitions:list"))

    assert response.status_code == 200
    # Closed petitions stay listed, with their outcome (tests/petitions/test_petition_list.py);
    # newest first, and neither was ever published by a move: the newer row first.
    assert [p.title for p in response.context["petitions"]] == ["A closed one", "Free them now"]


def test_petition_page_shows_text_targets_counter_and_form(client, petition):
    petition.targets.add(TargetFactory(name="The Minister of Justice"))
    SignatureFactory(
        petition=petition,
        supporter=SupporterFactory(first_name="Min-ji", last_name="Park"),
        display="full",
        comment="Free them.",
    )
    signatures.reconcile_counts()

    response = client.get(petition.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Free them now</h1>" in html
    assert "The Minister of Justice" in html
    assert "<strong>act now</strong>" in html
    assert "<strong>1</strong> signature" in html
    assert '<progress max="2" value="1"' in html
    assert "Min-ji Park" in html
    assert "Free them." in html
    assert 'action="/en/petitions/free-them/sign/"' in html
    assert 'property="og:title" content="Free them now"' in html
    assert 'name="twitter:card" content="summary"' in html
    assert 'rel="canonical" href="http://testserver/en/petitions/free-them/"' in html
    assert response["Cache-Control"] == "private, no-cache"


def test_petition_page_never_shows_an_email_or_hidden_name(client, petition):
    SignatureFactory(
        petition=petition,
        supporter=SupporterFactory(
            email="secret@example.org", first_name="Secret", last_name="Person"
        ),
        display="hidden",
        comment="hidden comment",
    )
    SignatureFactory(
        petition=petition,
        supporter=SupporterFactory(email="soo@example.org", first_name="Soo", last_name="Lee"),
        display="initials",
    )

    html = client.get(petition.get_absolute_url()).content.decode()

    assert "secret@example.org" not in html
    assert "soo@example.org" not in html
    assert "Secret" not in html
    assert "hidden comment" not in html
    assert "S. L." in html
    assert "Soo Lee" not in html


def test_petition_page_lists_only_counted_signatures(client, petition):
    for status in ("pending", "review", "invalidated"):
        SignatureFactory(
            petition=petition,
            status=status,
            display="full",
            supporter=SupporterFactory(first_name=status.title(), last_name="Signer"),
        )

    response = client.get(petition.get_absolute_url())

    assert response.context["recent_signatures"] == []


def test_petition_page_escapes_html_in_names_and_comments(client, petition):
    SignatureFactory(
        petition=petition,
        supporter=SupporterFactory(first_name=XSS, last_name="<b>bold</b>"),
        display="full",
        comment=XSS,
    )

    html = client.get(petition.get_absolute_url()).content.decode()

    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "<b>bold</b>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html


def test_closed_petition_shows_final_count_and_no_form(client, petition):
    SignatureFactory(petition=petition)
    signatures.reconcile_counts()
    petition.set_status(Petition.Status.CLOSED)

    response = client.get(petition.get_absolute_url())

    html = response.content.decode()
    assert response.context["form"] is None
    assert "This petition is closed" in html
    assert "It closed with 1 signatures." in html
    assert "hx-get" not in html
    assert 'action="/en/petitions/free-them/sign/"' not in html


def test_petition_past_its_closing_time_is_closed(client, petition):
    petition.closes_at = timezone.now() - timedelta(seconds=1)
    petition.save()

    response = client.get(petition.get_absolute_url())

    assert response.context["form"] is None
    assert "This petition is closed" in response.content.decode()


def test_petition_opening_later_shows_when(client, petition):
    petition.opens_at = timezone.now() + timedelta(days=2)
    petition.save()

    response = client.get(petition.get_absolute_url())

    assert response.context["form"] is None
    assert "This petition opens for signatures on" in response.content.decode()


def test_draft_petition_is_not_found_for_the_public(client, campaign):
    draft = PetitionFactory(campaign=campaign, status=Petition.Status.DRAFT)

    response = client.get(draft.get_absolute_url())

    assert response.status_code == 404


def test_draft_petition_is_hidden_from_a_manager_of_another_campaign(client, campaign, mallory):
    draft = PetitionFactory(campaign=campaign, status=Petition.Status.DRAFT)
    client.force_login(mallory)

    response = client.get(draft.get_absolute_url())

    assert response.status_code == 404


def test_draft_petition_is_previewed_by_its_campaign_manager(client, campaign, bob):
    draft = PetitionFactory(campaign=campaign, status=Petition.Status.DRAFT)
    client.force_login(bob)

    response = client.get(draft.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert "Preview: this petition is not visible to the public." in html
    assert '<meta name="robots" content="noindex">' in html
    assert response.context["form"] is None


def test_petition_in_a_draft_campaign_is_not_found(client, db):
    petition = PetitionFactory(campaign=CampaignFactory(status=Campaign.Status.DRAFT))

    assert client.get(petition.get_absolute_url()).status_code == 404


def test_share_links_are_plain_links_with_ref_codes(client, petition):
    html = client.get(petition.get_absolute_url()).content.decode()

    assert (
        "https://x.com/intent/post?text=Free%20them%20now&amp;url=http%3A%2F%2Ftestserver%2Fen%2Fpetitions%2Ffree-them%2F%3Fref%3Dx"
        in html
    )
    assert (
        "https://www.facebook.com/sharer/sharer.php?u=http%3A%2F%2Ftestserver%2Fen%2Fpetitions%2Ffree-them%2F%3Fref%3Dfacebook"
        in html
    )
    assert (
        "https://wa.me/?text=Free%20them%20now%20http%3A%2F%2Ftestserver%2Fen%2Fpetitions%2Ffree-them%2F%3Fref%3Dwhatsapp"
        in html
    )
    assert (
        "https://bsky.app/intent/compose?text=Free%20them%20now%20http%3A%2F%2Ftestserver%2Fen%2Fpetitions%2Ffree-them%2F%3Fref%3Dbluesky"
        in html
    )
    assert 'href="mailto:?subject=Free%20them%20now&amp;body=' in html
    assert 'data-share-url="http://testserver/en/petitions/free-them/?ref=kakao"' in html
    assert 'value="http://testserver/en/petitions/free-them/?ref=link"' in html
    assert '<script src="http' not in html


def test_campaign_page_lists_its_open_petitions(client, petition, campaign):
    PetitionFactory(campaign=campaign, title="Closed petition", status=Petition.Status.CLOSED)

    response = client.get(campaign.get_absolute_url())

    assert [(a.kind, a.title, a.url) for a in response.context["actions"]] == [
        ("petition", "Free them now", "/en/petitions/free-them/")
    ]
    assert "Sign the petition" in response.content.decode()


# Counts.


def test_count_json_returns_count_goal_and_time_with_cache_headers(client, petition):
    SignatureFactory(petition=petition)
    signatures.reconcile_counts()
    petition.refresh_from_db()

    response = client.get(reverse("petition_count", args=[petition.slug]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "public, max-age=15"
    assert json.loads(response.content) == {
        "count": 1,
        "goal": 10,
        "updated_at": petition.count_updated_at.isoformat(),
        "signatures_by_region": dict.fromkeys(kr_regions.BY_CODE, 0),
    }


def test_count_json_of_a_draft_is_not_found(client, campaign):
    draft = PetitionFactory(campaign=campaign, status=Petition.Status.DRAFT)

    assert client.get(reverse("petition_count", args=[draft.slug])).status_code == 404


def test_counter_fragment_is_the_counter_alone_and_keeps_polling(client, petition):
    response = client.get(
        reverse("petitions:counter", args=[petition.slug]), HTTP_HX_REQUEST="true"
    )

    html = response.content.decode().strip()
    assert html.startswith('<div id="petition-counter"')
    assert 'data-hx-trigger="every 30s"' in html
    assert "<html" not in html
    assert response["Cache-Control"] == "public, max-age=15"
    assert response["Vary"] == "Cookie"  # the language is in the address


def test_counter_fragment_of_a_draft_is_not_found(client, campaign):
    draft = PetitionFactory(campaign=campaign, status=Petition.Status.DRAFT)

    assert client.get(reverse("petitions:counter", args=[draft.slug])).status_code == 404
