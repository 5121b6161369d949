"""Setting up MFA on the way into the manager area: no second password right after
signing in, and back to where the person was going at the end."""

import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, format_hotp_value, hotp_value
from django.conf import settings
from django.urls import reverse

from accounts import roles
from tests.factories import PASSWORD, UserFactory

ACTIVATE = "/accounts/2fa/totp/activate/"


@pytest.fixture
def new_staff(db):
    return UserFactory(email="new.staff@example.org", groups=[roles.STAFF], is_staff=True)


def _sign_in(client, user, next_url: str = "") -> str:
    data = {"login": user.email, "password": PASSWORD}
    query = f"?next={next_url}" if next_url else ""
    response = client.post(f"{reverse('account_login')}{query}", data)
    assert response.status_code == 302
    return response.url


def _current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def test_mfa_set_up_right_after_signing_in_asks_for_no_password(client, new_staff):
    _sign_in(client, new_staff)

    response = client.get(ACTIVATE)

    assert response.status_code == 200
    assert SECRET_SESSION_KEY in client.session


def test_mfa_set_up_asks_for_the_password_once_the_window_has_passed(client, new_staff):
    _sign_in(client, new_staff)
    session = client.session
    key = "account_authentication_methods"
    session[key] = [
        {**record, "at": record["at"] - settings.ACCOUNT_REAUTHENTICATION_TIMEOUT - 1}
        for record in session[key]
    ]
    session.save()

    response = client.get(ACTIVATE)

    assert response.status_code == 302
    assert (
        response.url
        == f"{reverse('account_reauthenticate')}?next=%2Faccounts%2F2fa%2Ftotp%2Factivate%2F"
    )


def test_the_window_is_ten_minutes():
    assert settings.ACCOUNT_REAUTHENTICATION_TIMEOUT == 600


def test_a_new_manager_sets_up_mfa_and_lands_on_manage(client, new_staff):
    assert _sign_in(client, new_staff, next_url="/en/manage/") == "/en/manage/"
    to_set_up = client.get("/en/manage/")
    assert to_set_up.url == f"{reverse('accounts:mfa_required')}?next=%2Fen%2Fmanage%2F"
    client.get(to_set_up.url)
    client.get(ACTIVATE)
    secret = client.session[SECRET_SESSION_KEY]

    activated = client.post(ACTIVATE, {"code": _current_code(secret)})
    codes_page = client.get(activated.url).content.decode()
    back = client.get(f"{reverse('accounts:mfa_required')}?next=%2Fen%2Fmanage%2F")
    manage = client.get(back.url)

    assert activated.url == reverse("mfa_view_recovery_codes")
    assert Authenticator.objects.filter(user=new_staff, type="totp").count() == 1
    assert (
        '<a class="button" href="/en/account/security/required/?next=/en/manage/">'
        "Continue where you were going</a>"
    ) in codes_page
    assert (back.status_code, back.url) == (302, "/en/manage/")
    assert manage.status_code == 200
    assert "sori_after_mfa" not in client.session


def test_the_way_back_is_only_offered_to_someone_sent_to_set_up_mfa(client, new_staff):
    _sign_in(client, new_staff)
    client.get(ACTIVATE)
    secret = client.session[SECRET_SESSION_KEY]

    activated = client.post(ACTIVATE, {"code": _current_code(secret)})
    codes_page = client.get(activated.url).content.decode()

    assert "Continue where you were going" not in codes_page


def test_an_offsite_next_is_never_kept_for_after_mfa(client, new_staff):
    _sign_in(client, new_staff)

    client.get(reverse("accounts:mfa_required"), {"next": "https://evil.example/"})

    assert "sori_after_mfa" not in client.session
