import json
import re
from datetime import timedelta

import pytest
from django.core import mail, signing
from django.template.defaultfilters import date as date_filter
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import ConsentRecord, Supporter
from campaigns.models import Campaign
from petitions import signatures
from petitions.models import Petition, Signature
from petitions.signing import tokens
from tests.factories import (
    PASSWORD,
    CampaignFactory,
    PetitionFactory,
    SignatureFactory,
    SupporterFactory,
    TargetFactory,
    UserFactory,
)
from tests.petitions.conftest import form_data, sign_url

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'
DISPOSABLE = (
    "Addresses from disposable email services cannot confirm a signature for long enough. "
    "Please use an address you keep."
)
NOT_A_NAME = "Please enter just your name, without web addresses or email addresses."
INVISIBLE = "Your name contains invisible or control characters. Please type it again without them."


def count_of(petition) -> int:
    petition.refresh_from_db()
    return petition.signature_count


def without_csrf_tokens(html: bytes) -> bytes:
    """A page with each visitor's own CSRF token blanked, to compare pages across visitors."""
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", html)


def confirm_link(message) -> str:
    return re.search(r"http://testserver(/petitions/confirm/[^/\s]+/)", message.body).group(1)


# The list and the petition page.


def test_petition_list_shows_open_petitions_only(client, petition, campaign):
    PetitionFactory(campaign=campaign, title="A draft", status=Petition.Status.DRAFT)
    PetitionFactory(campaign=campaign, title="A closed one", status=Petition.Status.CLOSED)
    PetitionFactory(
        campaign=CampaignFactory(status=Campaign.Status.DRAFT), title="Hidden campaign's"
    )

    response = client.get(reverse("petitions:list"))

    assert response.status_code == 200
    assert [p.title for p in response.context["petitions"]] == ["Free them now"]


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
    assert 'action="/petitions/free-them/sign/"' in html
    assert 'property="og:title" content="Free them now"' in html
    assert 'name="twitter:card" content="summary"' in html
    assert 'rel="canonical" href="http://testserver/petitions/free-them/"' in html
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
    assert 'action="/petitions/free-them/sign/"' not in html


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
        "https://x.com/intent/post?text=Free%20them%20now&amp;url=http%3A%2F%2Ftestserver%2Fpetitions%2Ffree-them%2F%3Fref%3Dx"
        in html
    )
    assert (
        "https://www.facebook.com/sharer/sharer.php?u=http%3A%2F%2Ftestserver%2Fpetitions%2Ffree-them%2F%3Fref%3Dfacebook"
        in html
    )
    assert (
        "https://wa.me/?text=Free%20them%20now%20http%3A%2F%2Ftestserver%2Fpetitions%2Ffree-them%2F%3Fref%3Dwhatsapp"
        in html
    )
    assert (
        "https://bsky.app/intent/compose?text=Free%20them%20now%20http%3A%2F%2Ftestserver%2Fpetitions%2Ffree-them%2F%3Fref%3Dbluesky"
        in html
    )
    assert 'href="mailto:?subject=Free%20them%20now&amp;body=' in html
    assert 'data-share-url="http://testserver/petitions/free-them/?ref=kakao"' in html
    assert 'value="http://testserver/petitions/free-them/?ref=link"' in html
    assert '<script src="http' not in html


def test_campaign_page_lists_its_open_petitions(client, petition, campaign):
    PetitionFactory(campaign=campaign, title="Closed petition", status=Petition.Status.CLOSED)

    response = client.get(campaign.get_absolute_url())

    assert [(a.kind, a.title, a.url) for a in response.context["actions"]] == [
        ("petition", "Free them now", "/petitions/free-them/")
    ]
    assert "Sign the petition" in response.content.decode()


# Signing through the form.


def test_sign_happy_path_redirects_to_check_your_email(client, post, petition):
    response = post(sign_url(petition), form_data(wants_updates="on", source="news<letter>"))

    assert response.status_code == 302
    assert response["Location"] == "/petitions/free-them/thanks/"
    signature = Signature.objects.get()
    assert signature.status == Signature.Status.PENDING
    assert signature.source == "newsletter"
    assert signature.wants_updates is True
    assert signature.ip_hash != ""
    assert "127.0.0.1" not in signature.ip_hash
    assert signature.supporter.email == "jiwoo@example.org"
    assert len(mail.outbox) == 1
    thanks = client.get(response["Location"])
    assert "One more step: check your email" in thanks.content.decode()


def test_sign_repeat_looks_exactly_like_a_first_signature(post, petition):
    first = post(sign_url(petition), form_data())
    first_page = without_csrf_tokens(Client().get(first["Location"]).content)
    mail.outbox.clear()

    again = post(sign_url(petition), form_data(email="JIWOO@example.org", first_name="Other"))
    again_page = without_csrf_tokens(Client().get(again["Location"]).content)

    assert (again.status_code, again["Location"]) == (first.status_code, first["Location"])
    assert again_page == first_page
    assert Signature.objects.count() == 1
    assert [m.subject for m in mail.outbox] == ["You have already signed: Free them now"]


def test_thanks_page_offers_share_links_and_the_next_action(client, petition, campaign):
    PetitionFactory(campaign=campaign, title="The next petition", slug="next-one")

    response = client.get(reverse("petitions:thanks", args=[petition.slug]))

    assert response.context["next_action"].title == "The next petition"
    assert "Share this petition" in response.content.decode()


def test_thanks_page_asks_for_a_gift_once_when_donations_are_on(client, petition, settings):
    settings.STRIPE_SECRET_KEY = "sk_test_x"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_x"
    settings.STRIPE_WEBHOOK_SECRET = "whsec_x"

    response = client.get(reverse("petitions:thanks", args=[petition.slug]))

    page = response.content.decode()
    assert response.context["next_action"] is None  # the donate card is not the next action
    assert page.count("Will you also give?") == 1
    assert f"/donate/?campaign={petition.campaign.slug}" in page


def test_thanks_page_does_not_ask_for_money_when_donations_are_off(client, petition):
    page = client.get(reverse("petitions:thanks", args=[petition.slug])).content.decode()

    assert "Will you also give?" not in page


def test_thanks_page_of_a_draft_is_not_found(client, campaign):
    draft = PetitionFactory(campaign=campaign, status=Petition.Status.DRAFT)

    response = client.get(reverse("petitions:thanks", args=[draft.slug]))

    assert response.status_code == 404


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"first_name": ""}, "first_name", "This field is required."),
        (
            {"first_name": "x" * 101},
            "first_name",
            "Ensure this value has at most 100 characters (it has 101).",
        ),
        (
            {"last_name": "y" * 101},
            "last_name",
            "Ensure this value has at most 100 characters (it has 101).",
        ),
        (
            {"first_name": "Visit https://spam.example"},
            "first_name",
            NOT_A_NAME,
        ),
        (
            {"last_name": "cheap-pills.com"},
            "last_name",
            NOT_A_NAME,
        ),
        (
            {"first_name": "me@example.org"},
            "first_name",
            NOT_A_NAME,
        ),
        ({"last_name": "bit.ly/3abc"}, "last_name", NOT_A_NAME),
        ({"first_name": "evil.c\u043em"}, "first_name", NOT_A_NAME),  # Cyrillic o
        ({"first_name": "\uff45\uff56\uff49\uff4c.\uff43\uff4f\uff4d"}, "first_name", NOT_A_NAME),
        ({"first_name": "Ji\u202ewoo"}, "first_name", INVISIBLE),
        ({"last_name": "\u3164"}, "last_name", INVISIBLE),
        ({"email": "not-an-email"}, "email", "Enter a valid email address."),
        (
            {"email": "a" * 250 + "@example.org"},
            "email",
            "Ensure this value has at most 254 characters (it has 262).",
        ),
        (
            {"email": "throwaway@mailinator.com"},
            "email",
            DISPOSABLE,
        ),
        (
            {"email": "x@inbox.10minutemail.com"},
            "email",
            DISPOSABLE,
        ),
        ({"country": "XX"}, "country", "Choose a country from the list."),
        ({"country": ""}, "country", "This field is required."),
        (
            {"display": "everything"},
            "display",
            "Select a valid choice. everything is not one of the available choices.",
        ),
        (
            {"comment": "z" * 501},
            "comment",
            "Ensure this value has at most 500 characters (it has 501).",
        ),
    ],
)
def test_sign_bad_input_gets_a_clear_message_and_changes_nothing(
    post, petition, overrides, field, message
):
    response = post(sign_url(petition), form_data(**overrides))

    assert response.status_code == 400
    assert response.context["form"].errors[field] == [message]
    assert "There is a problem" in response.content.decode()
    assert Signature.objects.count() == 0
    assert Supporter.objects.count() == 0
    assert ConsentRecord.objects.count() == 0
    assert mail.outbox == []


def test_sign_form_keeps_what_was_typed_after_an_error(post, petition):
    response = post(sign_url(petition), form_data(email="bad", comment="Keep this", source="x"))

    html = response.content.decode()
    assert "Keep this</textarea>" in html
    assert 'name="source" value="x"' in html


def test_sign_form_asks_for_postcode_and_city_when_the_petition_does(post, petition):
    petition.postcode_field = Petition.FieldUse.REQUIRED
    petition.city_field = Petition.FieldUse.OPTIONAL
    petition.save()

    refused = post(sign_url(petition), form_data())
    accepted = post(sign_url(petition), form_data(postcode=" sw1a  1aa ", city=" Seoul "))

    assert refused.context["form"].errors == {"postcode": ["This field is required."]}
    assert accepted.status_code == 302
    signature = Signature.objects.get()
    assert (signature.postcode, signature.city) == ("SW1A 1AA", "Seoul")


def test_sign_form_ignores_postcode_when_not_asked(post, petition):
    post(sign_url(petition), form_data(postcode="12345", city="Busan"))

    signature = Signature.objects.get()
    assert (signature.postcode, signature.city) == ("", "")


def test_sign_stores_html_as_text_and_shows_it_escaped(client, post, petition):
    petition.requires_confirmation = False
    petition.save()

    post(sign_url(petition), form_data(first_name="<i>Ji</i>", display="full", comment=XSS))

    signature = Signature.objects.get()
    assert signature.comment == XSS
    html = client.get(petition.get_absolute_url()).content.decode()
    assert "<i>Ji</i>" not in html
    assert "&lt;i&gt;Ji&lt;/i&gt;" in html
    assert "<script>alert" not in html


def test_sign_a_closed_petition_is_refused_with_a_message(post, petition):
    petition.set_status(Petition.Status.CLOSED)

    response = post(sign_url(petition), form_data())

    assert response.status_code == 409
    assert (
        "This petition is not taking signatures, so nothing was saved." in response.content.decode()
    )
    assert Signature.objects.count() == 0


def test_a_petition_closed_after_the_sign_path_cached_it_refuses_the_signature(post, petition):
    post(sign_url(petition), form_data(email="first@example.org"))  # the copy is cached now
    # Closed behind the cache's back (no save(), so no copy is dropped): the signing
    # transaction must read the status itself.
    Petition.objects.filter(pk=petition.pk).update(status=Petition.Status.CLOSED)

    response = post(sign_url(petition), form_data(email="second@example.org"))

    assert response.status_code == 409
    assert "This petition closed a moment ago, so nothing was saved." in response.content.decode()
    emails = list(Signature.objects.values_list("supporter__email", flat=True))
    assert emails == ["first@example.org"]


def test_a_campaign_archived_after_the_sign_path_cached_it_refuses_the_signature(post, petition):
    post(sign_url(petition), form_data(email="first@example.org"))
    Campaign.objects.filter(pk=petition.campaign_id).update(status=Campaign.Status.ARCHIVED)

    response = post(sign_url(petition), form_data(email="second@example.org"))

    assert response.status_code == 409
    assert Signature.objects.count() == 1


def test_signing_follows_the_confirmation_setting_of_the_moment_not_a_cached_copy(post, petition):
    post(sign_url(petition), form_data(email="first@example.org"))
    Petition.objects.filter(pk=petition.pk).update(requires_confirmation=False)

    post(sign_url(petition), form_data(email="second@example.org"))

    statuses = dict(Signature.objects.values_list("supporter__email", "status"))
    assert statuses == {
        "first@example.org": Signature.Status.PENDING,
        "second@example.org": Signature.Status.CONFIRMED,
    }
    petition.refresh_from_db()
    assert petition.signature_count == 1


def test_an_edit_drops_the_copy_the_sign_path_cached(
    post, petition, django_capture_on_commit_callbacks
):
    post(sign_url(petition), form_data(email="first@example.org"))
    with django_capture_on_commit_callbacks(execute=True):
        petition.postcode_field = Petition.FieldUse.REQUIRED
        petition.save()

    response = post(sign_url(petition), form_data(email="second@example.org"))

    assert response.status_code == 400
    assert response.context["form"].errors == {"postcode": ["This field is required."]}
    assert Signature.objects.count() == 1


def test_sign_a_draft_petition_is_not_found(post, campaign):
    draft = PetitionFactory(campaign=campaign, status=Petition.Status.DRAFT)

    response = post(sign_url(draft), form_data())

    assert response.status_code == 404
    assert Signature.objects.count() == 0


def test_sign_only_accepts_post(client, petition):
    assert client.get(sign_url(petition)).status_code == 405


def test_sign_without_csrf_token_is_refused_and_changes_nothing(petition):
    browser = Client(enforce_csrf_checks=True)

    response = browser.post(sign_url(petition), form_data())

    assert response.status_code == 403
    assert "Nothing was saved" in response.content.decode()
    assert Signature.objects.count() == 0


def test_sign_with_the_page_csrf_token_works(petition, django_capture_on_commit_callbacks):
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(petition.get_absolute_url()).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)

    with django_capture_on_commit_callbacks(execute=True):  # the task that signs
        response = browser.post(sign_url(petition), form_data(csrfmiddlewaretoken=token))

    assert response.status_code == 302
    assert Signature.objects.count() == 1


# Abuse defences through the form.


def test_honeypot_filled_holds_the_signature_for_review(post, petition):
    response = post(sign_url(petition), form_data(website="http://spam.example"))

    assert response["Location"] == "/petitions/free-them/thanks/"
    signature = Signature.objects.get()
    assert (signature.status, signature.review_reason) == ("review", "honeypot")
    assert mail.outbox == []


def test_ip_burst_limit_holds_further_signatures_for_review(post, petition, settings):
    settings.PETITIONS_RATE_LIMITS = {"ip_burst": (2, 60)}

    for number in range(4):
        post(sign_url(petition), form_data(email=f"person{number}@example.org"))

    statuses = list(Signature.objects.order_by("pk").values_list("status", "review_reason"))
    assert statuses == [
        ("pending", ""),
        ("pending", ""),
        ("review", "rate_ip"),
        ("review", "rate_ip"),
    ]


def test_ip_limits_are_per_address(post, petition, settings):
    settings.PETITIONS_RATE_LIMITS = {"ip_burst": (1, 60)}

    post(sign_url(petition), form_data(email="a@example.org"), REMOTE_ADDR="198.51.100.1")
    post(sign_url(petition), form_data(email="b@example.org"), REMOTE_ADDR="198.51.100.2")

    assert set(Signature.objects.values_list("status", flat=True)) == {"pending"}


def test_petition_limit_holds_signatures_from_many_addresses(post, petition, settings):
    settings.PETITIONS_RATE_LIMITS = {"petition_sustained": (2, 3600)}

    for number in range(3):
        post(
            sign_url(petition),
            form_data(email=f"p{number}@example.org"),
            REMOTE_ADDR=f"198.51.100.{number + 1}",
        )

    reasons = list(Signature.objects.order_by("pk").values_list("review_reason", flat=True))
    assert reasons == ["", "", "rate_petition"]
    assert count_of(petition) == 0


def test_rate_limited_repeat_stores_nothing(post, petition, settings):
    settings.PETITIONS_RATE_LIMITS = {"ip_burst": (1, 60)}
    post(sign_url(petition), form_data())

    post(sign_url(petition), form_data())

    assert list(Signature.objects.values_list("status", flat=True)) == ["pending"]


def test_without_a_solved_challenge_the_signature_is_held(post, petition, settings):
    settings.PETITIONS_CHALLENGE = True

    response = post(sign_url(petition), form_data())

    assert response.status_code == 302
    signature = Signature.objects.get()
    assert (signature.status, signature.review_reason) == ("review", "challenge")


def test_with_a_solved_challenge_the_signature_is_taken(client, post, petition, settings):
    from tests.petitions.test_abuse import solved_payload

    settings.PETITIONS_CHALLENGE = True
    challenge = client.get(reverse("petitions:challenge"), {"petition": "free-them"}).json()

    post(sign_url(petition), form_data(altcha=solved_payload(challenge)))

    assert Signature.objects.get().status == "pending"


def test_sign_page_loads_the_solver_only_when_the_challenge_is_on(
    client, petition, settings, django_capture_on_commit_callbacks
):
    off = client.get(petition.get_absolute_url()).content.decode()
    settings.PETITIONS_CHALLENGE = True
    with django_capture_on_commit_callbacks(execute=True):
        petition.save()  # drops the cached copy

    on = client.get(petition.get_absolute_url()).content.decode()

    assert "petition-sign.js" not in off
    assert 'data-challenge-url="/petitions/challenge.json?petition=free-them"' in on
    assert "petition-sign.js" in on


def test_challenge_endpoint_hands_out_a_fresh_signed_challenge(client, petition, settings):
    settings.PETITIONS_CHALLENGE = True

    first = client.get(reverse("petitions:challenge"), {"petition": "free-them"})
    second = client.get(reverse("petitions:challenge"), {"petition": "free-them"})

    assert first.status_code == 200
    assert set(first.json()) == {"algorithm", "challenge", "maxNumber", "salt", "signature"}
    assert first.json()["algorithm"] == "SHA-256"
    assert first.json()["maxNumber"] == settings.PETITIONS_CHALLENGE_MAX_NUMBER
    assert first.json()["salt"] != second.json()["salt"]
    assert "no-store" in first["Cache-Control"]


def test_challenge_endpoint_is_gone_when_switched_off(client):
    assert client.get(reverse("petitions:challenge")).status_code == 404


# Signed-in supporters.


def test_verified_supporter_sees_a_prefilled_form_without_email(client, alice, petition):
    client.force_login(alice)

    response = client.get(petition.get_absolute_url())

    form = response.context["form"]
    assert "email" not in form.fields
    assert "website" not in form.fields
    assert form.initial["first_name"] == "Alice"
    html = response.content.decode()
    assert "Signing as alice@example.org." in html
    assert "data-challenge-url" not in html


def test_verified_supporter_signs_with_one_click_and_counts_at_once(client, post, alice, petition):
    client.force_login(alice)

    response = post(
        sign_url(petition),
        {"first_name": "Alice", "last_name": "Kim", "country": "KR", "display": "full"},
    )

    assert response.status_code == 302
    signature = Signature.objects.get()
    assert signature.supporter == alice.supporter
    assert signature.status == Signature.Status.CONFIRMED
    assert count_of(petition) == 1
    assert mail.outbox == []
    thanks = client.get(response["Location"]).content.decode()
    assert "Thank you: your signature is counted" in thanks


def test_verified_supporter_sees_when_they_signed_and_can_withdraw(client, post, alice, petition):
    client.force_login(alice)
    post(sign_url(petition), {"first_name": "Alice", "country": "KR", "display": "initials"})
    signed_on = Signature.objects.get().created_at

    page = client.get(petition.get_absolute_url())
    withdrawn = post(reverse("petitions:withdraw_own", args=[petition.slug]))

    html = page.content.decode()
    assert f"You signed on {date_filter(signed_on, 'DATE_FORMAT')}." in html
    assert page.context["form"] is None
    assert withdrawn["Location"] == "/petitions/free-them/"
    assert Signature.objects.count() == 0
    assert count_of(petition) == 0
    after = client.get(petition.get_absolute_url()).content.decode()
    assert "Your signature has been withdrawn." in after


def test_signed_in_but_unverified_user_signs_like_anyone(client, post, petition):
    user = UserFactory(email="new@example.org", verified=False)
    client.force_login(user)

    post(sign_url(petition), form_data(email="new@example.org"))

    assert Signature.objects.get().status == Signature.Status.PENDING
    assert len(mail.outbox) == 1


def test_withdraw_own_needs_a_signed_in_person(client, petition):
    response = client.post(reverse("petitions:withdraw_own", args=[petition.slug]))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_withdraw_own_only_touches_the_signed_in_persons_signature(client, alice, petition):
    other = SignatureFactory(petition=petition)
    client.force_login(alice)

    response = client.post(reverse("petitions:withdraw_own", args=[petition.slug]))

    assert response.status_code == 302
    assert list(Signature.objects.all()) == [other]


def test_signed_in_page_is_personal_and_never_cached(client, alice, petition):
    client.force_login(alice)

    response = client.get(petition.get_absolute_url())

    assert response["Cache-Control"] == "private, no-cache"
    assert "alice@example.org" in response.content.decode()
    anonymous = Client().get(petition.get_absolute_url()).content.decode()
    assert "alice@example.org" not in anonymous


# Confirmation links.


def test_confirm_link_get_shows_a_button_and_does_not_confirm(client, post, petition):
    post(sign_url(petition), form_data())
    link = confirm_link(mail.outbox[0])

    response = client.get(link)

    assert response.status_code == 200
    assert "Confirm my signature" in response.content.decode()
    assert Signature.objects.get().status == Signature.Status.PENDING
    assert count_of(petition) == 0
    assert "no-store" in response["Cache-Control"]


def test_confirm_link_post_confirms_and_shows_the_new_count(client, post, petition):
    post(sign_url(petition), form_data())
    link = confirm_link(mail.outbox[0])

    response = post(link)

    assert response["Location"] == "/petitions/free-them/"
    assert Signature.objects.get().status == Signature.Status.CONFIRMED
    assert count_of(petition) == 1
    page = client.get(response["Location"]).content.decode()
    assert "Thank you! Your signature is confirmed and counted." in page
    assert "<strong>1</strong> signature" in page


def test_confirming_twice_is_harmless(client, post, petition):
    post(sign_url(petition), form_data())
    link = confirm_link(mail.outbox[0])
    post(link)

    again = post(link)
    page = client.get(link)

    assert again.status_code == 302
    assert count_of(petition) == 1
    assert "Your signature is confirmed" in page.content.decode()


def test_confirm_link_of_a_held_signature_records_it_but_keeps_it_held(client, post, petition):
    post(sign_url(petition), form_data(website="bot"))
    signature = Signature.objects.get()
    link = reverse("petitions:confirm", args=[tokens.make_confirm_token(signature)])

    response = post(link)

    signature.refresh_from_db()
    assert signature.status == Signature.Status.REVIEW
    assert signature.confirmed_at is not None
    assert count_of(petition) == 0
    page = client.get(response["Location"]).content.decode()
    assert "Your signature will count once we have checked it." in page


def test_tampered_confirm_link_is_refused(client, post, petition):
    post(sign_url(petition), form_data())
    link = confirm_link(mail.outbox[0])
    tampered = link[:-3] + ("A" if link[-3] != "A" else "B") + link[-2:]

    response = post(tampered)

    assert response.status_code == 404
    assert "This link does not work" in response.content.decode()
    assert count_of(petition) == 0


def test_withdraw_token_cannot_confirm(client, post, petition):
    post(sign_url(petition), form_data())
    signature = Signature.objects.get()

    response = post(reverse("petitions:confirm", args=[tokens.make_withdraw_token(signature)]))

    assert response.status_code == 404
    assert count_of(petition) == 0


def test_confirm_token_for_a_withdrawn_signature_says_so(client, post, petition):
    post(sign_url(petition), form_data())
    link = confirm_link(mail.outbox[0])
    signatures.withdraw_signature(signature=Signature.objects.get())

    response = post(link)

    assert response.status_code == 404
    assert "it was withdrawn or erased" in response.content.decode()


def expired_confirm_link(signature) -> str:
    old = timezone.now() - timedelta(days=15)
    token = signing.TimestampSigner(salt=tokens.CONFIRM_SALT)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(token, "timestamp", lambda: signing.b62_encode(int(old.timestamp())))
        value = token.sign_object([signature.pk, signature.supporter_id])
    return reverse("petitions:confirm", args=[value])


def test_expired_confirm_link_offers_a_fresh_email(client, post, petition):
    post(sign_url(petition), form_data())
    signature = Signature.objects.get()
    link = expired_confirm_link(signature)
    mail.outbox.clear()

    page = client.get(link)
    refused = post(link)
    resent = post(link + "resend/")

    assert page.status_code == 410
    assert "This link has expired" in page.content.decode()
    assert refused.status_code == 410
    assert Signature.objects.get().status == Signature.Status.PENDING
    assert resent.status_code == 200
    assert "a fresh link is on its way" in resent.content.decode()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["jiwoo@example.org"]
    fresh = confirm_link(mail.outbox[0])
    post(fresh)
    assert count_of(petition) == 1


def test_fresh_email_is_rate_limited(post, petition):
    post(sign_url(petition), form_data())
    link = expired_confirm_link(Signature.objects.get())
    mail.outbox.clear()

    first = post(link + "resend/")
    second = post(link + "resend/")

    assert without_csrf_tokens(first.content) == without_csrf_tokens(second.content)
    assert len(mail.outbox) == 1


def test_fresh_email_for_a_tampered_link_is_refused(post, petition):
    signature = SignatureFactory(petition=petition, status="pending", confirmed_at=None)
    token = tokens.make_confirm_token(signature)

    response = post(reverse("petitions:resend", args=[token[:-2] + "xx"]))

    assert response.status_code == 404
    assert mail.outbox == []


def test_fresh_email_only_accepts_post(client, petition):
    signature = SignatureFactory(petition=petition, status="pending", confirmed_at=None)

    response = client.get(reverse("petitions:resend", args=[tokens.make_confirm_token(signature)]))

    assert response.status_code == 405


def test_fresh_email_is_not_sent_for_a_confirmed_signature(post, petition):
    signature = SignatureFactory(petition=petition, status="confirmed")
    link = expired_confirm_link(signature)

    response = post(link + "resend/")

    assert response.status_code == 200
    assert mail.outbox == []


# Withdraw links from the emails.


def test_withdraw_link_get_asks_and_post_withdraws(client, post, petition):
    petition.requires_confirmation = False
    petition.save()
    post(sign_url(petition), form_data())
    signature = Signature.objects.get()
    link = reverse("petitions:withdraw", args=[tokens.make_withdraw_token(signature)])

    page = client.get(link)
    assert Signature.objects.count() == 1
    done = post(link)

    assert "Withdraw my signature" in page.content.decode()
    assert "Your signature has been withdrawn" in done.content.decode()
    assert Signature.objects.count() == 0
    assert count_of(petition) == 0
    again = post(link)
    assert "Your signature has been withdrawn" in again.content.decode()


def test_tampered_withdraw_link_changes_nothing(post, petition):
    signature = SignatureFactory(petition=petition)
    token = tokens.make_withdraw_token(signature)

    response = post(reverse("petitions:withdraw", args=[token + "x"]))

    assert response.status_code == 404
    assert Signature.objects.count() == 1


# Counts.


def test_count_json_returns_count_goal_and_time_with_cache_headers(client, petition):
    SignatureFactory(petition=petition)
    signatures.reconcile_counts()
    petition.refresh_from_db()

    response = client.get(reverse("petitions:count", args=[petition.slug]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "public, max-age=15"
    assert json.loads(response.content) == {
        "count": 1,
        "goal": 10,
        "updated_at": petition.count_updated_at.isoformat(),
    }


def test_count_json_of_a_draft_is_not_found(client, campaign):
    draft = PetitionFactory(campaign=campaign, status=Petition.Status.DRAFT)

    assert client.get(reverse("petitions:count", args=[draft.slug])).status_code == 404


def test_counter_fragment_is_the_counter_alone_and_keeps_polling(client, petition):
    response = client.get(
        reverse("petitions:counter", args=[petition.slug]), HTTP_HX_REQUEST="true"
    )

    html = response.content.decode().strip()
    assert html.startswith('<div id="petition-counter"')
    assert 'hx-trigger="every 30s"' in html
    assert "<html" not in html
    assert response["Cache-Control"] == "public, max-age=15"
    assert set(response["Vary"].split(", ")) == {"Accept-Language", "Cookie"}


def test_counter_fragment_of_a_draft_is_not_found(client, campaign):
    draft = PetitionFactory(campaign=campaign, status=Petition.Status.DRAFT)

    assert client.get(reverse("petitions:counter", args=[draft.slug])).status_code == 404


# My activity and my data.


def test_my_activity_lists_signatures_with_a_withdraw_link(client, alice, petition):
    SignatureFactory(petition=petition, supporter=alice.supporter)
    client.force_login(alice)

    response = client.get(reverse("accounts:activity"))

    html = response.content.decode()
    assert "Petitions you signed" in html
    assert "Free them now" in html
    assert "/petitions/withdraw/" in html


def test_my_data_export_contains_signatures(client, petition):
    supporter = SupporterFactory()
    SignatureFactory(petition=petition, supporter=supporter, comment="Mine", source="x")
    from accounts.services import make_data_token

    response = client.get(reverse("accounts:data_download", args=[make_data_token(supporter)]))

    rows = json.loads(response.content)["petition_signatures"]
    assert [(r["petition"], r["comment"], r["source"], r["status"]) for r in rows] == [
        ("free-them", "Mine", "x", "confirmed")
    ]


def test_erasing_my_data_withdraws_signatures(post, petition):
    supporter = SupporterFactory()
    SignatureFactory(petition=petition, supporter=supporter)
    signatures.reconcile_counts()
    from accounts.services import make_data_token

    post(reverse("accounts:data_erase", args=[make_data_token(supporter)]), {"confirm": "on"})

    assert Signature.objects.count() == 0
    assert count_of(petition) == 0


def test_sign_with_password_login_flow(client, petition, alice):
    assert client.login(email="alice@example.org", password=PASSWORD)

    response = client.get(petition.get_absolute_url())

    assert response.context["supporter"] == alice.supporter
