import json

from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
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
    assert "/en/my-data/" in mail.outbox[0].body


def test_asking_for_an_unknown_address_looks_the_same_and_sends_nothing(
    client, db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:data_request"), {"email": "nobody@example.org"})

    assert response.status_code == 200
    assert "If we hold anything for that address" in response.content.decode()
    assert mail.outbox == []


def test_a_known_and_an_unknown_address_cost_the_request_the_same_queries(
    client, db, django_capture_on_commit_callbacks
):
    SupporterFactory(email="ji@example.org")
    url = reverse("accounts:data_request")

    with (
        django_capture_on_commit_callbacks() as known_callbacks,
        CaptureQueriesContext(connection) as known,
    ):
        client.post(url, {"email": "ji@example.org"})
    with (
        django_capture_on_commit_callbacks() as unknown_callbacks,
        CaptureQueriesContext(connection) as unknown,
    ):
        client.post(url, {"email": "nobody@example.org"})

    # The same two queries for either address: the mailbox's daily count, then the
    # outbox row for the task.
    expected = ["INSERT INTO accounts_mailallowance", 'INSERT INTO "outbox_message"']
    assert [q["sql"].split(" (")[0] for q in known.captured_queries] == expected
    assert [q["sql"].split(" (")[0] for q in unknown.captured_queries] == expected
    assert (len(known_callbacks), len(unknown_callbacks)) == (1, 1)
    assert mail.outbox == []


def test_one_mailbox_gets_at_most_its_daily_links_and_the_page_never_tells(
    client, db, settings, django_capture_on_commit_callbacks
):
    settings.MY_DATA_LINKS_PER_ADDRESS_PER_DAY = 2
    SupporterFactory(email="ji.woo@gmail.com")
    url = reverse("accounts:data_request")

    with django_capture_on_commit_callbacks(execute=True):
        responses = [
            client.post(url, {"email": email}, REMOTE_ADDR=remote)
            for email, remote in [
                ("ji.woo@gmail.com", "198.51.100.1"),
                ("jiwoo+x@googlemail.com", "198.51.100.2"),  # the same inbox, counted
                ("JI.WOO@gmail.com", "198.51.100.3"),
            ]
        ]

    assert [r.status_code for r in responses] == [200, 200, 200]
    assert [r.templates[0].name for r in responses] == ["accounts/data_request_sent.html"] * 3
    assert [m.to for m in mail.outbox] == [["ji.woo@gmail.com"]]


def test_one_client_is_asked_to_wait_after_its_hourly_requests(
    client, db, settings, django_capture_on_commit_callbacks
):
    settings.MY_DATA_REQUESTS_PER_CLIENT_PER_HOUR = 2
    for name in ["a", "b", "c", "d"]:
        SupporterFactory(email=f"{name}@example.org")
    url = reverse("accounts:data_request")

    with django_capture_on_commit_callbacks(execute=True):
        flood = [
            client.post(url, {"email": f"{name}@example.org"}, REMOTE_ADDR="203.0.113.9")
            for name in ["a", "b", "c"]
        ]
        elsewhere = client.post(url, {"email": "d@example.org"}, REMOTE_ADDR="192.0.2.4")

    assert [r.status_code for r in flood] == [200, 200, 429]
    assert "Too many attempts from here. Please wait an hour and try again." in (
        flood[2].content.decode()
    )
    assert elsewhere.status_code == 200
    assert [m.to for m in mail.outbox] == [
        ["a@example.org"],
        ["b@example.org"],
        ["d@example.org"],
    ]


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
    assert "/en/my-data/" in page
