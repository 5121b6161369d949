"""Tokens and webhooks in the manager area and on the command line."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from api import webhooks
from api.models import ApiToken, Webhook, WebhookDelivery
from tests.factories import PASSWORD

from .conftest import ApiClient
from .listener import Listener

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client):
    def sign_in(user):
        client.login(email=user.email, password=PASSWORD)
        return client

    return sign_in


def test_a_manager_makes_a_token_that_works_once_shown(signed_in, bob, campaign):
    client = signed_in(bob)

    page = client.post("/manage/api/tokens/new/", {"name": "CiviCRM", "scope": "write"})

    token = page.context["token"]
    row = ApiToken.objects.get()
    assert (row.owner, row.name, row.scope) == (bob, "CiviCRM", "write")
    assert token.encode() in page.content
    assert page["Cache-Control"].startswith("max-age=0")
    assert ApiClient(token).get("/api/v1/petitions").status_code == 200
    assert token.encode() not in client.get("/manage/api/").content


def test_revoking_a_token_stops_it(signed_in, bob, campaign):
    row, token = ApiToken.issue(owner=bob, name="old")
    client = signed_in(bob)

    response = client.post(f"/manage/api/tokens/{row.pk}/revoke/")

    assert response.status_code == 302
    assert ApiClient(token).get("/api/v1/").status_code == 401


def test_nobody_revokes_another_owners_token(signed_in, bob, mallory, campaign):
    row, _token = ApiToken.issue(owner=bob, name="bob's")

    response = signed_in(mallory).post(f"/manage/api/tokens/{row.pk}/revoke/")

    row.refresh_from_db()
    assert response.status_code == 404
    assert row.revoked_at is None


@pytest.mark.parametrize("path", ["/manage/api/", "/manage/api/webhooks/1/"])
def test_supporters_get_403_and_strangers_the_sign_in(client, signed_in, alice, path):
    anonymous = client.get(path)
    supporter = signed_in(alice).get(path)

    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert supporter.status_code == 403


def test_managers_without_mfa_are_sent_to_set_it_up(signed_in, bob):
    from allauth.mfa.models import Authenticator

    Authenticator.objects.filter(user=bob).delete()

    response = signed_in(bob).get("/manage/api/")

    assert response.status_code == 302
    assert response["Location"] == "/en/account/security/required/?next=%2Fmanage%2Fapi%2F"


def test_a_webhook_is_added_tested_and_its_log_shown(
    signed_in, carol, django_capture_on_commit_callbacks
):
    client = signed_in(carol)
    with Listener() as listener, override_settings(WEBHOOKS_ALLOW_PRIVATE=True):
        added = client.post(
            "/manage/api/webhooks/new/", {"url": listener.url, "events": ["signature.confirmed"]}
        )
        hook = Webhook.objects.get()
        webhooks.forget_hooks()
        with django_capture_on_commit_callbacks(execute=True):
            tested = client.post(f"/manage/api/webhooks/{hook.pk}/test/")
        log = client.get(f"/manage/api/webhooks/{hook.pk}/")

    assert hook.secret.encode() in added.content
    assert tested.status_code == 302
    [request] = listener.requests
    assert request["headers"]["Sori-Event"] == "test"
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookDelivery.Status.DELIVERED
    assert delivery.idempotency_key.encode() in log.content
    assert hook.secret.encode() not in log.content


def test_the_form_refuses_a_private_address_with_a_400(signed_in, carol):
    response = signed_in(carol).post(
        "/manage/api/webhooks/new/", {"url": "http://127.0.0.1/", "events": ["outreach.created"]}
    )

    assert response.status_code == 400
    assert Webhook.objects.count() == 0
    assert b"private or local network" in response.content


def test_another_owners_webhook_is_404(signed_in, carol, bob):
    hook = Webhook.objects.create(owner=carol, url="https://hooks.example.org/", events=[])

    assert signed_in(bob).get(f"/manage/api/webhooks/{hook.pk}/").status_code == 404


def test_turning_a_webhook_off_and_on(signed_in, carol):
    hook = Webhook.objects.create(owner=carol, url="https://hooks.example.org/", events=[])
    client = signed_in(carol)

    client.post(f"/manage/api/webhooks/{hook.pk}/toggle/")
    hook.refresh_from_db()
    off = hook.is_active
    client.post(f"/manage/api/webhooks/{hook.pk}/toggle/")
    hook.refresh_from_db()

    assert (off, hook.is_active) == (False, True)


def test_api_token_command_prints_the_token_last(carol, capsys):
    call_command(
        "api_token", "create", "--as", "carol@example.org", "--name", "CRM", "--scope", "write"
    )

    token = capsys.readouterr().out.strip().splitlines()[-1]
    assert ApiToken.objects.get().scope == "write"
    assert ApiClient(token).get("/api/v1/").status_code == 200


def test_api_token_command_refuses_people_without_a_role(alice):
    with pytest.raises(CommandError, match="neither staff nor a campaign manager"):
        call_command("api_token", "create", "--as", "alice@example.org", "--name", "x")


def test_webhook_command_prints_the_secret_last(carol, capsys):
    with override_settings(WEBHOOKS_ALLOW_PRIVATE=True):
        call_command(
            "webhook",
            "add",
            "--url",
            "http://127.0.0.1:9/hook",
            "--events",
            "signature.confirmed,outreach.created,donation.succeeded",
            "--as",
            "carol@example.org",
        )

    secret = capsys.readouterr().out.strip().splitlines()[-1]
    hook = Webhook.objects.get()
    assert hook.secret == secret
    assert hook.events == ["signature.confirmed", "outreach.created", "donation.succeeded"]


def test_webhook_command_refuses_a_private_address(carol):
    with pytest.raises(CommandError, match="private or local network"):
        call_command(
            "webhook",
            "add",
            "--url",
            "http://10.0.0.5/",
            "--events",
            "outreach.created",
            "--as",
            "carol@example.org",
        )


def test_the_pages_and_errors_speak_korean(signed_in, carol):
    page = signed_in(carol).get("/manage/api/", HTTP_ACCEPT_LANGUAGE="ko")
    error = ApiClient("sori_wrong").get("/api/v1/", HTTP_ACCEPT_LANGUAGE="ko")

    assert "<h1>API 토큰과 웹훅</h1>" in page.content.decode()
    assert error.json() == {"error": "API 토큰이 올바르지 않습니다."}


def test_the_manager_index_links_to_the_api_page(signed_in, bob, campaign):
    page = signed_in(bob).get("/en/manage/")

    assert b'<a href="/manage/api/">API tokens and webhooks</a>' in page.content
