from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from accounts.models import Supporter, User
from tests.factories import SupporterFactory


def test_verifying_an_email_links_the_existing_supporter(client, db):
    supporter = SupporterFactory(email="signer@example.org", first_name="Su")
    client.post(
        reverse("account_signup"),
        {
            "email": "Signer@Example.org",
            "password1": "a long passphrase 2026",
            "password2": "a long passphrase 2026",
        },
    )
    confirmation_mail = mail.outbox[-1]
    key_url = next(
        line for line in confirmation_mail.body.splitlines() if "/accounts/confirm-email/" in line
    ).strip()

    response = client.post(key_url[key_url.index("/accounts/") :])

    user = User.objects.get(email="signer@example.org")
    supporter.refresh_from_db()
    assert response.status_code == 302
    assert EmailAddress.objects.get(user=user).verified is True
    assert supporter.user == user
    assert Supporter.objects.count() == 1


def test_get_on_the_verification_link_does_not_verify(client, db):
    client.post(
        reverse("account_signup"),
        {
            "email": "scan@example.org",
            "password1": "a long passphrase 2026",
            "password2": "a long passphrase 2026",
        },
    )
    key_url = next(
        line for line in mail.outbox[-1].body.splitlines() if "/accounts/confirm-email/" in line
    ).strip()

    client.get(key_url[key_url.index("/accounts/") :])

    assert EmailAddress.objects.get(email="scan@example.org").verified is False
