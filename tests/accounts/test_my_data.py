import json

from django.core import mail
from django.urls import reverse

from accounts import notices
from accounts.models import ConsentRecord, Supporter
from accounts.services import make_data_token, record_consent
from tests.factories import SupporterFactory


def test_asking_for_my_data_mails_a_link_to_a_known_address(
    client, db, django_capture_on_commit_callbacks
):
    SupporterFactory(email="ji@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:data_request"), {"email": " JI@example.org"})

    assert response.status_code == 200
    assert "If we hold anything for that address" in response.content.decode()
    assert [m.to for m in mail.outbox] == [["ji@example.org"]]
    assert "/my-data/" in mail.outbox[0].body


def test_asking_for_an_unknown_address_looks_the_same_and_sends_nothing(
    client, db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:data_request"), {"email": "nobody@example.org"})

    assert response.status_code == 200
    assert "If we hold anything for that address" in response.content.decode()
    assert mail.outbox == []


def test_bad_email_is_refused_with_a_message(client, db):
    response = client.post(reverse("accounts:data_request"), {"email": "not-an-email"})

    assert response.status_code == 200
    assert "Enter a valid email address." in response.content.decode()
    assert mail.outbox == []


def test_data_page_shows_what_we_hold_and_download_gives_it_all(client, db):
    supporter = SupporterFactory(email="ji@example.org", first_name="Ji", last_name="Park")
    record_consent(
        supporter=supporter,
        purpose="updates",
        granted=True,
        notice=notices.UPDATES,
        source="petition:x",
    )
    token = make_data_token(supporter)

    page = client.get(reverse("accounts:data", args=[token])).content.decode()
    download = client.get(reverse("accounts:data_download", args=[token]))

    assert "ji@example.org" in page and "Ji Park" in page
    data = json.loads(download.content)
    assert download.headers["Content-Disposition"] == 'attachment; filename="sori-my-data.json"'
    assert data["supporter"]["email"] == "ji@example.org"
    assert [(c["purpose"], c["granted"], c["source"]) for c in data["consents"]] == [
        ("updates", True, "petition:x")
    ]


def test_a_tampered_or_unknown_token_is_404(client, db):
    supporter = SupporterFactory()
    token = make_data_token(supporter)

    assert client.get(reverse("accounts:data", args=[token + "x"])).status_code == 404
    assert client.get(reverse("accounts:data_download", args=["nope"])).status_code == 404


def test_erase_needs_the_confirmation_box_and_then_deletes_everything(client, db):
    supporter = SupporterFactory(email="ji@example.org")
    record_consent(supporter=supporter, purpose="updates", granted=True, notice=notices.UPDATES)
    token = make_data_token(supporter)

    refused = client.post(reverse("accounts:data_erase", args=[token]), {})
    assert refused.status_code == 400
    assert Supporter.objects.filter(pk=supporter.pk).exists()

    erased = client.post(reverse("accounts:data_erase", args=[token]), {"confirm": "on"})

    assert erased.status_code == 302
    assert not Supporter.objects.filter(pk=supporter.pk).exists()
    assert ConsentRecord.objects.count() == 0
    assert client.get(reverse("accounts:data", args=[token])).status_code == 404


def test_erase_is_post_only(client, db):
    token = make_data_token(SupporterFactory())

    assert client.get(reverse("accounts:data_erase", args=[token])).status_code == 405


def test_activity_page_needs_sign_in(client, db):
    response = client.get(reverse("accounts:activity"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_activity_page_offers_my_data_to_a_linked_supporter(client, alice):
    client.force_login(alice)

    page = client.get(reverse("accounts:activity")).content.decode()

    assert "My activity" in page
    assert "/my-data/" in page
