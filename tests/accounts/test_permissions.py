"""Who may open the manager area and the admin: anonymous, supporter, manager, staff."""

import pytest
from django.urls import reverse

from accounts import roles
from tests.factories import UserFactory


@pytest.fixture
def staff_without_mfa(db):
    return UserFactory(email="nomfa@example.org", groups=[roles.STAFF], is_staff=True)


def test_manage_sends_anonymous_people_to_sign_in(client, db):
    response = client.get("/en/manage/")

    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next=/en/manage/"


def test_manage_refuses_a_supporter(client, alice):
    client.force_login(alice)

    assert client.get("/en/manage/").status_code == 403


def test_manage_leads_staff_without_mfa_to_set_it_up(client, staff_without_mfa):
    client.force_login(staff_without_mfa)

    response = client.get("/en/manage/")

    assert response.status_code == 302
    assert response.url == f"{reverse('accounts:mfa_required')}?next=%2Fen%2Fmanage%2F"


def test_manager_sees_only_their_campaigns(client, campaign, mallory):
    client.force_login(mallory)

    page = client.get("/en/manage/").content.decode()

    assert "/en/campaigns/mallorys-campaign/" in page
    assert "Reform the NSL" not in page
    assert page.count('<th scope="row">') == 1


def test_staff_see_every_campaign(client, campaign, mallory, carol):
    client.force_login(carol)

    page = client.get("/en/manage/").content.decode()

    assert "Reform the NSL" in page
    assert page.count('<th scope="row">') == 2


def test_admin_has_no_login_form_of_its_own(client, db):
    response = client.get("/admin/")

    assert response.status_code == 302
    follow = client.get(response.url)
    assert follow.status_code == 302
    assert follow.url.startswith(reverse("account_login"))


def test_admin_refuses_staff_without_mfa_until_it_is_set_up(client, staff_without_mfa):
    client.force_login(staff_without_mfa)

    response = client.get("/admin/", follow=True)

    assert response.redirect_chain[-1][0].startswith(reverse("accounts:mfa_required"))


def test_admin_opens_for_staff_with_mfa(client, carol):
    client.force_login(carol)

    response = client.get("/admin/campaigns/target/")

    assert response.status_code == 200


def test_admin_refuses_a_manager(client, bob):
    client.force_login(bob)

    response = client.get("/admin/", follow=True)

    assert response.status_code == 403


def test_mfa_required_page_returns_to_next_once_mfa_is_on(client, carol):
    client.force_login(carol)

    response = client.get(reverse("accounts:mfa_required"), {"next": "/en/manage/"})

    assert response.status_code == 302
    assert response.url == "/en/manage/"


def test_mfa_required_page_ignores_an_offsite_next(client, staff_without_mfa):
    client.force_login(staff_without_mfa)

    response = client.get(reverse("accounts:mfa_required"), {"next": "https://evil.example/"})

    assert response.status_code == 200
    assert 'href="https://evil.example/"' not in response.content.decode()


def test_groups_exist_with_permissions_from_migrations(db):
    from django.contrib.auth.models import Group

    staff = Group.objects.get(name=roles.STAFF)
    managers = Group.objects.get(name=roles.MANAGERS)

    assert staff.permissions.filter(codename="change_target").exists()
    assert staff.permissions.filter(codename="view_consentrecord").exists()
    assert not staff.permissions.filter(codename="change_consentrecord").exists()
    assert managers.permissions.filter(codename="change_campaign").exists()
    assert not managers.permissions.filter(codename="delete_campaign").exists()
